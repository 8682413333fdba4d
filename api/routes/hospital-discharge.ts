/**
 * Hospital discharge (udskrivning), sources 000, 001, 003, 004: how a case opens from the
 * hospital's care plan (plejeforløbsplan) and one route per decision or hospital event.
 *
 * The care plan and every free text are health details: they are written to the database here
 * and never handed to the workflow. Decisions that can be refused are workflow Updates with
 * validators (refused → 409 with the reason).
 */
import { hospitalDischargeCaseType } from '../../workflows/hospital-discharge/case-type.js';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { getCase } from '../../db/queries/cases.js';
import {
  caseHandovers,
  caseNotes,
  completeTask,
  getCarePlan,
  getTask,
  insertCarePlanOnce,
  listTasks,
} from '../../db/queries/hospital-discharge.js';
import { insertDecisionTextOnce } from '../../db/queries/decision-texts.js';
import { carePlans } from '../../db/schema/index.js';
import { placeTypeSchema, purposeSchema } from '../case-types/temporary-stay/contracts.js';
import { and, eq } from 'drizzle-orm';
import { localDate } from '../../domain/calendar.js';
import { ageOn, birthDateFromCpr } from '../../domain/cpr.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  diedUpdate,
  dischargedUpdate,
  faerdigbehandletUpdate,
  followUpVisitUpdate,
  helpFollowUpUpdate,
  phoneTaskDoneUpdate,
  readmittedUpdate,
  recordConferenceUpdate,
  rerouteUpdate,
  type CoordinatorDecision,
  type HospitalDischargeStatus,
} from '../../workflows/hospital-discharge/messages.js';
import { routeByAge } from '../../workflows/hospital-discharge/state.js';
import { hospitalDischargeCaseWorkflow } from '../../workflows/hospital-discharge/workflow.js';
import type { User } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { temporalUnavailable } from '../faults.js';
import { conflict, HttpError, notFound } from '../errors.js';
import { decide as decideOnCase, startCase } from '../decisions.js';

import { bandOfAge, caseViewOrForbid } from '../need-to-know.js';
import { calendarDate, caseIdParams, cprSchema, instant, line, longText, optionalLongText, pastBedDayStart, pastInstant } from '../schemas.js';

const notFuture = pastInstant;

// --- opening a case from the care plan -------------------------------------------------------

export const hospitalDischargeOpenSchema = z
  .object({
    type: z.literal('hospital_discharge'),
    cpr: cprSchema,
    receivedAt: instant.describe('When the care plan (plejeforløbsplan) was received'),
    ward: line(200).describe('Hospital ward (afdeling)'),
    admittedAt: instant.describe('When the citizen was admitted'),
    expectedDischargeDate: calendarDate.optional().describe('Expected discharge date (YYYY-MM-DD), Copenhagen'),
    functionalLevel: longText(4000).describe('Functional level (funktionsniveau) — stored in the database only'),
    freeText: optionalLongText(20000).optional().describe("The care plan's free text — stored in the database only"),
  })
  .superRefine((v, ctx) => {
    if (Date.parse(v.admittedAt) > Date.parse(v.receivedAt)) {
      ctx.addIssue({ code: 'custom', path: ['admittedAt'], message: 'must not be after receivedAt' });
    }
    if (v.expectedDischargeDate && v.expectedDischargeDate < localDate(Date.parse(v.admittedAt))) {
      ctx.addIssue({ code: 'custom', path: ['expectedDischargeDate'], message: 'must not be before the admission date' });
    }
  });

/** Only the hospital sends care plans. */
export function assertMayOpenHospitalDischarge(user: User): void {
  if (user.role !== 'hospital') {
    throw new HttpError(403, `role ${user.role} may not open a hospital-discharge case; allowed: hospital`, {
      allowedRoles: ['hospital'],
    });
  }
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
  body: z.infer<typeof hospitalDischargeOpenSchema>,
  /** The intake has an Idempotency-Key: a retry reaches the same case. */
  keyed: boolean,
): Promise<{ workflowId: string; caseNumber: string }> {
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
      caseType: hospitalDischargeCaseType,
      workflow: hospitalDischargeCaseWorkflow,
      args: [{ caseId, citizenId, receivedAt, expectedDischargeDay: body.expectedDischargeDate, administration, rules: deps.rules }],
      summary: 'Hospital discharge (udskrivning) from a care plan',
    });
  } catch (err) {
    // Nothing half-written: a refused intake leaves no care plan. But when Temporal or the worker
    // did not answer in time the case may be opening all the same: with an Idempotency-Key the
    // retry finds it (same case id), so its care plan stays.
    if (!existed && !(keyed && temporalUnavailable(err))) await db.delete(carePlans).where(eq(carePlans.caseId, caseId));
    throw err;
  }
}

// --- decisions and events -------------------------------------------------------------------

const rerouteBody = z.object({
  to: z.enum(['SUF', 'SOF']).describe('SUF (Sundheds- og Omsorgsforvaltningen) or SOF (Socialforvaltningen)'),
  reason: longText(4000).describe('Why the case moves, e.g. a dominant social-pedagogical need (004) — stored in the database only'),
});

const assessmentBody = z.object({
  vulnerable: z.boolean().describe('Particularly vulnerable, in need of extended coordination (000)?'),
  providerStartsOn: calendarDate
    .optional()
    .describe('Not vulnerable: the day the provider must start (default: the expected discharge date)'),
  note: longText(10000).optional().describe('Stored in the database only'),
});

const conferenceBody = z.object({
  heldAt: notFuture.describe('When the conference at the hospital was held'),
  note: longText(10000).optional().describe('Stored in the database only'),
});

const decisionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('temporary_stay'),
    placeType: placeTypeSchema,
    purpose: purposeSchema,
  }),
  z.object({
    kind: z.literal('more_help_at_home'),
    help: longText(4000).describe('What help (øget hjælp i eget hjem) — stored in the database only'),
    minutesPerWeek: z.number().int().positive().max(10080).describe('Granted minutes per week'),
    providerStartsOn: calendarDate.optional().describe('Default: the expected discharge date'),
  }),
  z.object({
    kind: z.literal('home_with_existing_help'),
    providerStartsOn: calendarDate.optional().describe('Default: the expected discharge date'),
  }),
]);

const decisionBody = z.object({
  holisticAssessment: longText(20000).describe('The holistic assessment (helhedsvurdering) — stored in the database only'),
  decision: decisionSchema,
});

const faerdigBody = z.object({ readyAt: pastBedDayStart.describe('When the hospital declared the citizen færdigbehandlet') });
const dischargedBody = z.object({
  dischargedAt: notFuture,
  destination: z
    .enum(['home', 'temporary_stay'])
    .optional()
    .describe('Default: temporary_stay when a temporary stay was decided, otherwise home'),
});
const readmittedBody = z.object({ readmittedAt: notFuture });
const diedBody = z.object({ diedAt: notFuture });
const followUpBody = z.object({ visitedAt: notFuture, note: longText(10000).optional().describe('Stored in the database only') });
const helpFollowUpBody = z.object({ followedUpAt: notFuture, note: longText(10000).optional().describe('Stored in the database only') });

const statusResponse = { tags: ['hospital discharge'] };

interface Note {
  kind: string;
  body: string;
}

/**
 * A decision on the one decision path (api/decisions.ts); its free-text notes are written to
 * `discharge_notes` once the workflow accepted it (keyed by the Update id, once per key).
 */
function decide<Args extends [any, ...any[]]>(
  deps: ApiDeps,
  request: { params: { id: string }; user?: User },
  def: UpdateDefinition<HospitalDischargeStatus, Args>,
  args: Args,
  notes: Note[] = [],
): Promise<HospitalDischargeStatus> {
  return decideOnCase(deps, request as unknown as FastifyRequest, {
    caseId: request.params.id,
    caseType: hospitalDischargeCaseType,
    update: def,
    args: () => args,
    texts: notes.length ? async (_result, ctx) => writeNotes(deps.database.db, ctx.row.id, request.user!, notes, ctx.updateKey) : undefined,
  });
}

/** Inserts the notes, once per case and key. */
async function writeNotes(db: Db, caseId: string, user: User, notes: Note[], requestKey: string): Promise<void> {
  for (const n of notes) {
    await insertDecisionTextOnce(db, { caseId, key: `${n.kind}:${requestKey}`, kind: n.kind, body: { text: n.body }, userId: user.user, role: user.role });
  }
}

const ms = (iso: string) => Date.parse(iso);
const noteIf = (kind: string, body: string | undefined): Note[] => (body ? [{ kind, body }] : []);

export const hospitalDischargeRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  // one URL style for decisions (api/decision-urls.ts keeps the old `/hospital-discharge/cases/:id/…` as an alias)
  const base = '/cases/:id/hospital-discharge';

  app.post(
    `${base}/reroute`,
    {
      config: { access: ['needs_assessor'], audit: 'hospital_discharge.reroute' },
      schema: { ...statusResponse, summary: 'Re-route the case between SUF and SOF, with a reason (004)', params: caseIdParams, body: rerouteBody },
    },
    async (request) =>
      decide(deps, request, rerouteUpdate, [{ to: request.body.to }], [{ kind: 'reroute_reason', body: request.body.reason }]),
  );

  app.post(
    `${base}/vulnerability-assessment`,
    {
      config: { access: ['needs_assessor'], audit: 'hospital_discharge.assess_vulnerability' },
      schema: {
        ...statusResponse,
        summary: 'Local visitation: vulnerable (→ discharge coordination) or not (→ plan accepted, decision to the provider)',
        params: caseIdParams,
        body: assessmentBody,
      },
    },
    async (request) =>
      decide(
        deps,
        request,
        assessVulnerabilityUpdate,
        [{ vulnerable: request.body.vulnerable, providerStartsOn: request.body.providerStartsOn }],
        noteIf('assessment_note', request.body.note),
      ),
  );

  app.post(
    `${base}/conference`,
    {
      config: { access: ['discharge_coordinator'], audit: 'hospital_discharge.conference' },
      schema: { ...statusResponse, summary: 'The conference at the hospital was held (000)', params: caseIdParams, body: conferenceBody },
    },
    async (request) =>
      decide(deps, request, recordConferenceUpdate, [{ heldAt: ms(request.body.heldAt) }], noteIf('conference_note', request.body.note)),
  );

  app.post(
    `${base}/decision`,
    {
      config: { access: ['discharge_coordinator'], audit: 'hospital_discharge.decision' },
      schema: {
        ...statusResponse,
        summary: 'Holistic assessment (helhedsvurdering) and the decision: temporary stay, more help at home, or home with existing help',
        params: caseIdParams,
        body: decisionBody,
      },
    },
    async (request) => {
      const d = request.body.decision;
      const notes: Note[] = [{ kind: 'holistic_assessment', body: request.body.holisticAssessment }];
      let decision: CoordinatorDecision;
      if (d.kind === 'temporary_stay') decision = { kind: d.kind, placeType: d.placeType, purpose: d.purpose };
      else if (d.kind === 'more_help_at_home') {
        decision = { kind: d.kind, minutesPerWeek: d.minutesPerWeek, providerStartsOn: d.providerStartsOn };
        notes.push({ kind: 'help_description', body: d.help });
      } else decision = { kind: d.kind, providerStartsOn: d.providerStartsOn };
      return decide(deps, request, decideUpdate, [{ decision }], notes);
    },
  );

  app.post(
    `${base}/faerdigbehandlet`,
    {
      config: { access: ['hospital'], audit: 'hospital_discharge.faerdigbehandlet' },
      schema: { ...statusResponse, summary: 'The hospital declares the citizen færdigbehandlet: bed-day counting starts', params: caseIdParams, body: faerdigBody },
    },
    async (request) => decide(deps, request, faerdigbehandletUpdate, [{ readyAt: ms(request.body.readyAt) }]),
  );

  app.post(
    `${base}/discharged`,
    {
      config: { access: ['hospital'], audit: 'hospital_discharge.discharged' },
      schema: { ...statusResponse, summary: 'The actual discharge (home: follow-up visit due; temporary stay: the case closes)', params: caseIdParams, body: dischargedBody },
    },
    async (request) =>
      decide(deps, request, dischargedUpdate, [{ dischargedAt: ms(request.body.dischargedAt), destination: request.body.destination }]),
  );

  app.post(
    `${base}/readmitted`,
    {
      config: { access: ['hospital'], audit: 'hospital_discharge.readmitted' },
      schema: { ...statusResponse, summary: 'Readmission: closes the case and every timer, takes the citizen off any waiting list', params: caseIdParams, body: readmittedBody },
    },
    async (request) => decide(deps, request, readmittedUpdate, [{ readmittedAt: ms(request.body.readmittedAt) }]),
  );

  app.post(
    `${base}/died`,
    {
      config: { access: ['hospital'], audit: 'hospital_discharge.died' },
      schema: { ...statusResponse, summary: "The citizen's death: closes the case and every timer, takes the citizen off any waiting list", params: caseIdParams, body: diedBody },
    },
    async (request) => decide(deps, request, diedUpdate, [{ diedAt: ms(request.body.diedAt) }]),
  );

  app.post(
    `${base}/follow-up-visit`,
    {
      config: { access: ['needs_assessor'], audit: 'hospital_discharge.follow_up_visit' },
      schema: { ...statusResponse, summary: 'The follow-up home visit (opfølgende hjemmebesøg) after discharge home was made', params: caseIdParams, body: followUpBody },
    },
    async (request) =>
      decide(deps, request, followUpVisitUpdate, [{ visitedAt: ms(request.body.visitedAt) }], noteIf('follow_up_note', request.body.note)),
  );

  app.post(
    `${base}/help-follow-up`,
    {
      config: { access: ['needs_assessor'], audit: 'hospital_discharge.help_follow_up' },
      schema: { ...statusResponse, summary: "Local visitation's follow-up of more help at home was made", params: caseIdParams, body: helpFollowUpBody },
    },
    async (request) =>
      decide(
        deps,
        request,
        helpFollowUpUpdate,
        [{ followedUpAt: ms(request.body.followedUpAt) }],
        noteIf('help_follow_up_note', request.body.note),
      ),
  );

  app.get(
    `${base}/care-plan`,
    {
      config: { access: ['needs_assessor', 'discharge_coordinator'], audit: 'hospital_discharge.care_plan.read' },
      schema: { ...statusResponse, summary: 'The care plan (plejeforløbsplan), notes, provider handovers and tasks of a case', params: caseIdParams },
    },
    async (request) => {
      const db = deps.database.db;
      const row = await getCase(db, request.params.id);
      if (!row) throw notFound(`no case ${request.params.id}`);
      // need to know: 403 for a case type the role does not read; the exact age only with the CPR view
      const view = caseViewOrForbid(request.user!.role, row.type);
      const plan = await getCarePlan(db, request.params.id);
      if (!plan) throw notFound(`no hospital-discharge case ${request.params.id}`);
      const [notes, handovers, tasks] = await Promise.all([
        caseNotes(db, row.id),
        caseHandovers(db, row.id),
        listTasks(db, { caseId: row.id }),
      ]);
      return {
        caseId: row.id,
        ward: plan.ward,
        admittedAt: plan.admittedAt,
        expectedDischargeDate: plan.expectedDischargeDate,
        functionalLevel: plan.functionalLevel,
        freeText: plan.freeText,
        receivedAt: plan.receivedAt,
        ...(view === 'cpr' ? { ageAtReceipt: plan.ageAtReceipt } : { ageBandAtReceipt: bandOfAge(plan.ageAtReceipt) }),
        routedAtIntake: plan.routedTo,
        notes,
        handovers,
        tasks,
      };
    },
  );

  app.get(
    '/hospital-discharge/tasks',
    {
      config: { access: ['needs_assessor', 'discharge_coordinator', 'supervisor'] },
      schema: {
        ...statusResponse,
        summary: 'Tasks such as "phone the provider" (003: decision handed over after 14:30 for a same-day start)',
        querystring: z.object({
          status: z.enum(['open', 'done']).optional(),
          caseId: z.uuid({ message: 'must be a case id (UUID)' }).optional(),
        }),
      },
    },
    async (request) => listTasks(deps.database.db, request.query),
  );

  app.post(
    '/hospital-discharge/tasks/:taskId/done',
    {
      config: { access: ['needs_assessor', 'discharge_coordinator'], audit: 'hospital_discharge.task_done' },
      schema: {
        ...statusResponse,
        summary: 'Mark a task done (e.g. the provider was phoned)',
        params: z.object({ taskId: z.uuid({ message: 'must be a task id (UUID)' }) }),
      },
    },
    async (request) => {
      const db = deps.database.db;
      const task = await getTask(db, request.params.taskId);
      if (!task) throw notFound(`no task ${request.params.taskId}`);
      request.auditCaseId = task.caseId;
      if (task.status !== 'open') throw conflict(`the task was already done by ${task.doneBy ?? 'someone'}`);
      const row = await getCase(db, task.caseId);
      // The workflow meets its "phone the provider" obligation on the one decision path (a closed
      // case has cancelled it: then the task is only marked done). One Update per task: a
      // retried request gets the first answer, not a refusal.
      if (task.kind === 'phone_provider' && row && !row.closedAt) {
        try {
          await decideOnCase(deps, request, {
            caseId: task.caseId,
            caseType: hospitalDischargeCaseType,
            update: phoneTaskDoneUpdate,
            args: () => [{ key: task.key.replace(/^phone-provider:/, '') }],
            updateId: `phone-task-done-${task.id}`,
          });
        } catch (err) {
          // the case ended meanwhile (its obligations are cancelled): the task is only marked done
          if (!(err instanceof HttpError && err.statusCode === 409 && (await getCase(db, task.caseId))?.closedAt)) throw err;
        }
      }
      if (!(await completeTask(db, task.id, request.user!.user))) {
        const again = await getTask(db, task.id);
        throw conflict(`the task was already done by ${again?.doneBy ?? 'someone'}`);
      }
      return getTask(db, task.id);
    },
  );
};
