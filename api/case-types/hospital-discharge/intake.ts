/**
 * Opening a hospital-discharge case from the hospital's care plan (plejeforløbsplan) through
 * `POST /cases`: only the hospital sends care plans; the care plan (health details) is kept in
 * the database, the workflow gets the routing result only.
 */
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { getCarePlan, insertCarePlanOnce } from '../../../db/queries/hospital-discharge.js';
import { carePlans } from '../../../db/schema/index.js';
import { localDate } from '../../../domain/calendar.js';
import { ageOn, birthDateFromCpr } from '../../../domain/cpr.js';
import { hospitalDischargeCaseType } from '../../../workflows/hospital-discharge/case-type.js';
import { routeByAge } from '../../../workflows/hospital-discharge/state.js';
import { hospitalDischargeCaseWorkflow } from '../../../workflows/hospital-discharge/workflow.js';
import type { User } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { CaseOpening, startCase } from '../../decisions.js';
import { conflict, HttpError } from '../../errors.js';
import { DependencyUnavailable, temporalUnavailable } from '../../faults.js';
import type { hospitalDischargeOpenSchema } from './contracts.js';

/** Only the hospital sends care plans. */
export function assertMayOpenHospitalDischarge(user: User): void {
  if (user.role !== 'hospital') {
    throw new HttpError(403, `role ${user.role} may not open a hospital-discharge case; allowed: hospital`, {
      allowedRoles: ['hospital'],
    });
  }
}

/**
 * One open hospital-discharge case per citizen (a care plan per admission; the case ends with the
 * discharge, a readmission or death). A second care plan while one is open is refused with 409
 * naming the open case, never re-pointed: it carries its own content (admission, ward,
 * functional level, expected discharge, routing by age on receipt) that the open case has no way
 * to take over, so re-pointing would drop it silently; the hospital reports the end of the open
 * case first, or corrects that one.
 */
function refuseSecondCarePlan(open: { caseNumber: string }): never {
  throw conflict(`the citizen already has an open hospital-discharge case (${open.caseNumber}); a care plan opens a case per admission: end or correct that one first`);
}

/**
 * Stores the care plan (health details stay in the database), routes the case by the
 * citizen's age on the day of receipt (004: 65+ → SUF, under 65 → SOF) and starts the
 * workflow with the routing result only. If the workflow cannot be started the care plan is
 * removed again (nothing half-written).
 */
export async function openHospitalDischargeCase(
  deps: ApiDeps,
  caseId: string,
  citizenId: string,
  body: z.output<typeof hospitalDischargeOpenSchema>,
  /** The intake has an Idempotency-Key: a retry reaches the same case. */
  keyed: boolean,
  /** The intake's request hash, kept with its case number (the key's binding). */
  requestHash?: string,
): Promise<{ workflowId: string; caseNumber: string; repeatOf?: string }> {
  const db = deps.database.db;
  const receivedAt = Date.parse(body.receivedAt);
  const age = ageOn(birthDateFromCpr(body.cpr)!, localDate(receivedAt));
  const administration = routeByAge(age);
  const existed = await getCarePlan(db, caseId);
  await insertCarePlanOnce(db, {
    caseId,
    citizenId,
    ward: body.ward,
    admittedAt: new Date(body.admittedAt),
    expectedDischargeDate: body.expectedDischargeDate ?? null,
    functionalLevel: body.functionalLevel,
    freeText: body.freeText ?? null,
    routedTo: administration,
    ageAtReceipt: age,
    receivedAt: new Date(receivedAt),
  });
  try {
    // The workflow id is the case's readable number (UDS-2026-000042), reserved before the start.
    return await startCase(deps, {
      caseId,
      citizenId,
      ...(requestHash ? { requestHash } : {}),
      oneOpen: refuseSecondCarePlan,
      caseType: hospitalDischargeCaseType,
      workflow: hospitalDischargeCaseWorkflow,
      args: [{ caseId, citizenId, receivedAt, expectedDischargeDay: body.expectedDischargeDate, administration, rules: deps.rules }],
      summary: 'Hospital discharge (udskrivning) from a care plan',
    });
  } catch (err) {
    // Nothing half-written: a refused intake leaves no care plan. But when Temporal or the worker
    // did not answer in time the case may be opening all the same: with an Idempotency-Key the
    // retry finds it (same case id), so its care plan stays.
    const mayBeOpening = err instanceof CaseOpening || temporalUnavailable(err) || (err instanceof DependencyUnavailable && err.dependency === 'temporal');
    if (!existed && !(keyed && mayBeOpening)) await db.delete(carePlans).where(eq(carePlans.caseId, caseId));
    throw err;
  }
}
