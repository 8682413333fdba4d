/**
 * Issue 9 points 3 and 2 on the time-skipping server: a hospital discharge that decided a
 * temporary stay.
 *  - 2: the hospital case learns when the stay starts (the stay case tells it): until then the
 *    citizen is færdigbehandlet in hospital and bed-days count; the stay's start closes the case
 *    (`discharged_to_temporary_stay`, bed-days end at the start). A discharge reported before a
 *    place exists is recorded as a discharge home while waiting, never silently as a discharge to
 *    the stay.
 *  - 3: that discharge home makes the needs assessor review the waiting-list priority: obligation
 *    `priority-review-1` on the stay case, due by the end of the next working day, escalating
 *    overnight (to the team lead of local visitation); the list shows "priority to be reviewed";
 *    the priority change meets it.
 *  - issue 17: a decision re-pointed to a stay already running tells the hospital case at once
 *    (patch `stay-tells-late-origin-case`); last in the file: it leaves that stay running.
 */
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { bedDayPeriods, cases, escalations, obligations, placeOffers } from '../db/schema/index.js';
import { addDays, isWorkingDay, localDate, localInstant, nextWorkingDay } from '../domain/calendar.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  dischargedUpdate,
  faerdigbehandletUpdate,
  hospitalDischargeStatusQuery,
  recordConferenceUpdate,
} from '../workflows/hospital-discharge/messages.js';
import { hospitalDischargeCaseWorkflow } from '../workflows/hospital-discharge/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';
import { changePriorityUpdate, replyToOfferUpdate, temporaryStayStatusQuery } from '../workflows/temporary-stay/messages.js';
import { as } from './api-helpers.js';
import { newCitizen } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { allocator, newFacility, openStay, registerPlaceType, uniqueType } from './temporary-stay-support.js';
import { readmittedUpdate } from '../workflows/hospital-discharge/messages.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const db = () => stack.database.db;
const MINUTE = 60_000;

async function skipTo(instant: number): Promise<void> {
  const now = await stack.env.currentTimeMs();
  if (instant > now) await stack.env.sleep(instant - now);
}
const obligationRow = async (caseId: string, key: string) =>
  (await db().select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, key))))[0];

/** A hospital case that decided a temporary stay of `placeType`, færdigbehandlet: its handle and the stay case. */
async function caseWithStayDecided(placeType: string, citizen?: string) {
  const caseId = randomUUID();
  const citizenId = citizen ?? (await newCitizen(db(), '1945-02-02')).citizenId;
  const now = await stack.env.currentTimeMs();
  const handle = await stack.env.client.workflow.start(hospitalDischargeCaseWorkflow, {
    workflowId: await caseNumberFor(db(), caseId, hospitalDischargeCaseType),
    taskQueue: stack.worker.taskQueue,
    args: [{ caseId, citizenId, receivedAt: now, administration: 'SUF', rules: defaultRules }],
    typedSearchAttributes: [{ key: CaseTypeKey, value: 'hospital_discharge' }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  await handle.executeUpdate(faerdigbehandletUpdate, { args: [{ readyAt: now }] });
  await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
  await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: now }] });
  const decided = await handle.executeUpdate(decideUpdate, { args: [{ decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' } }] });
  const stay = decided.temporaryStay!;
  const stayHandle = stack.env.client.workflow.getHandle(stay.workflowId);
  if (!citizen) await eventually(async () => (await allocator(stack.env.client, stack.worker.taskQueue, placeType).view()).waitingList.some((r) => r.caseId === stay.caseId));
  return { caseId, handle, stay, stayHandle };
}

describe('a temporary stay decided at a hospital discharge (time-skipping server)', () => {
  it('3: a decision for a citizen who already has an open application re-points to it (priority review there); a readmission takes that application off the list', async () => {
    const type = uniqueType('hd-dup');
    const { citizenId } = await newCitizen(db(), '1946-06-06');
    const open = await openStay(stack.env.client, db(), stack.worker.taskQueue, { placeType: type, priority: 'middel', appliedAt: await stack.env.currentTimeMs(), citizenId });
    const alloc = allocator(stack.env.client, stack.worker.taskQueue, type);
    await eventually(async () => (await alloc.view()).waitingList.some((r) => r.caseId === open.caseId));

    // (the decision's own answer may already show the re-pointing: the new case tells this one at once)
    const { handle } = await caseWithStayDecided(type, citizenId);
    const repointed = await eventually(async () => {
      const st = await handle.query(hospitalDischargeStatusQuery);
      return st.temporaryStay?.workflowId === open.workflowId ? st : undefined;
    });
    expect(repointed.temporaryStay).toMatchObject({ caseId: open.caseId, repointedFrom: expect.stringMatching(/^MDO-/) });
    const newCase = repointed.temporaryStay!.repointedFrom!;
    expect(newCase).not.toBe(open.workflowId);
    // the new application closed as re-pointed (not a silent duplicate); the open one reviews its priority
    await eventually(async () => (await db().select().from(cases).where(eq(cases.workflowId, newCase)))[0]?.outcome === 'repointed_to_open_application');
    const ob = await eventually(() => obligationRow(open.caseId, 'priority-review-1'));
    expect(ob).toMatchObject({ kind: 'priority_review', state: 'on_track' });

    // readmission reported on the hospital case: the open application leaves the list
    await handle.executeUpdate(readmittedUpdate, { args: [{ readmittedAt: await stack.env.currentTimeMs() }] });
    await eventually(async () => !(await alloc.view()).waitingList.some((r) => r.caseId === open.caseId));
    await eventually(async () => (await db().select().from(cases).where(eq(cases.id, open.caseId)))[0]?.outcome === 'readmitted');
  });

  it('2: the stay starting closes the hospital case, bed-days counted until the start', async () => {
    const type = uniqueType('hd-stay');
    const { caseId, handle, stay } = await caseWithStayDecided(type);
    // no place yet: still in hospital, færdigbehandlet, bed-days counting
    await stack.env.sleep(3 * 86_400_000);
    const waiting = await handle.query(hospitalDischargeStatusQuery);
    expect(waiting.step).not.toBe('closed');
    expect((await db().select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId)))[0]!.endedAt).toBeNull();

    const alloc = allocator(stack.env.client, stack.worker.taskQueue, type);
    await alloc.addPlace(await newFacility(db()));
    const offer = await eventually(async () => (await db().select().from(placeOffers).where(and(eq(placeOffers.caseId, stay.caseId), eq(placeOffers.status, 'offered'))))[0]);
    const plannedEndDate = addDays(localDate(await stack.env.currentTimeMs()), 30);
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: stay.caseId, offerId: offer.id, accept: true, plannedEndDate }] });

    const closed = await eventually(async () => {
      const r = (await db().select().from(cases).where(eq(cases.id, caseId)))[0];
      return r?.step === 'closed' ? r : undefined;
    });
    expect(closed.outcome).toBe('discharged_to_temporary_stay');
    const status = await handle.query(hospitalDischargeStatusQuery);
    expect(status.temporaryStay?.startedAt).toBeDefined();
    const period = await eventually(async () => {
      const p = (await db().select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId)))[0];
      return p?.endedAt ? p : undefined;
    });
    expect(period.endedAt!.getTime()).toBe(Date.parse(status.temporaryStay!.startedAt!));
    expect(period.endedByDischarge).toBe(true);
  });

  it('2 + 3: a discharge before a place exists is a discharge home while waiting; the priority review is due the next working day and escalates overnight; the list shows it', async () => {
    const type = await registerPlaceType(db(), uniqueType('hd-home'));
    // a Tuesday whose Wednesday is a working day, at 10:00
    let day = addDays(localDate(await stack.env.currentTimeMs()), 1);
    while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2 || !isWorkingDay(addDays(day, 1), defaultRules.closingDays)) day = addDays(day, 1);
    await skipTo(localInstant(day, 10));
    const { caseId, handle, stay, stayHandle } = await caseWithStayDecided(type);

    const after = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt: await stack.env.currentTimeMs(), destination: 'temporary_stay' }] });
    expect(after.step).toBe('follow_up'); // home while waiting: the follow-up visit is due
    expect(after.dischargedTo).toBe('home');
    expect(after.temporaryStay?.dischargedHomeWhileWaiting).toBeDefined();

    const due = nextWorkingDay(day, defaultRules.closingDays);
    const ob = await eventually(() => obligationRow(stay.caseId, 'priority-review-1'));
    expect(ob).toMatchObject({ kind: 'priority_review', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay: due, state: 'on_track' });
    expect(ob.atRiskAt.getTime()).toBe(localInstant(due, 0));
    expect(ob.escalateAt.getTime()).toBe(localInstant(addDays(due, 1), 0));
    expect((await stayHandle.query(temporaryStayStatusQuery)).priorityToBeReviewed).toBe(true);

    const list = await stack.app.inject({ method: 'GET', url: `/waiting-list?placeType=${type}`, headers: as('dev-assessor') });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().entries.find((e: { caseId: string }) => e.caseId === stay.caseId)).toMatchObject({ priority: 'indlagt_faerdigbehandlet', priorityToBeReviewed: true });

    // escalates overnight after the due day, to the team lead of local visitation
    await skipTo(localInstant(addDays(due, 1), 0) - MINUTE);
    expect((await db().select().from(escalations).where(eq(escalations.caseId, stay.caseId))).filter((e) => e.key === 'priority-review-1')).toHaveLength(0);
    await stack.env.sleep(2 * MINUTE);
    const esc = await eventually(async () => (await db().select().from(escalations).where(eq(escalations.caseId, stay.caseId))).find((e) => e.key === 'priority-review-1'));
    expect(esc).toMatchObject({ kind: 'priority_review_overdue', recipientRole: 'visitation_team_lead', dueDay: due });

    // the assessor re-prioritises: met (late)
    await allocator(stack.env.client, stack.worker.taskQueue, type).handle().executeUpdate(changePriorityUpdate, {
      args: [{ caseId: stay.caseId, priority: 'hoej', reason: 'no_help_at_home', by: 'visitator-anna', changeKey: randomUUID() }],
    });
    await eventually(async () => (await obligationRow(stay.caseId, 'priority-review-1'))?.state === 'met_late');
    expect((await stayHandle.query(temporaryStayStatusQuery)).priorityToBeReviewed).toBe(false);
    expect((await handle.query(hospitalDischargeStatusQuery)).step).toBe('follow_up');
    void caseId;
  });

  it('3 + 2: a decision re-pointed to a stay already running tells the hospital case at once: it closes as discharged to that stay, bed-days ending at the re-pointing (issue 17)', async () => {
    const type = uniqueType('hd-running');
    const { citizenId } = await newCitizen(db(), '1947-07-07');
    const open = await openStay(stack.env.client, db(), stack.worker.taskQueue, { placeType: type, priority: 'hoej', appliedAt: await stack.env.currentTimeMs(), citizenId });
    const alloc = allocator(stack.env.client, stack.worker.taskQueue, type);
    await eventually(async () => (await alloc.view()).waitingList.some((r) => r.caseId === open.caseId));
    await alloc.addPlace(await newFacility(db()));
    const offer = await eventually(async () => (await db().select().from(placeOffers).where(and(eq(placeOffers.caseId, open.caseId), eq(placeOffers.status, 'offered'))))[0]);
    const plannedEndDate = addDays(localDate(await stack.env.currentTimeMs()), 30);
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: open.caseId, offerId: offer.id, accept: true, plannedEndDate }] });
    const openHandle = stack.env.client.workflow.getHandle(open.workflowId);
    const running = await eventually(async () => {
      const st = await openHandle.query(temporaryStayStatusQuery);
      return st.step === 'in_stay' ? st : undefined;
    });
    const stayStartedAt = Date.parse(running.stay!.startedAt);

    // days later the citizen is in hospital, færdigbehandlet; the coordinator decides a temporary stay
    await stack.env.sleep(5 * 86_400_000);
    const decidedFrom = await stack.env.currentTimeMs();
    const { caseId, handle } = await caseWithStayDecided(type, citizenId);
    const closed = await eventually(async () => {
      const r = (await db().select().from(cases).where(eq(cases.id, caseId)))[0];
      return r?.step === 'closed' ? r : undefined;
    });
    expect(closed.outcome).toBe('discharged_to_temporary_stay');
    const status = await handle.query(hospitalDischargeStatusQuery);
    // the case follows the running stay (whichever of the two signals came first)
    expect(status.temporaryStay).toMatchObject({ caseId: open.caseId, workflowId: open.workflowId, repointedFrom: expect.stringMatching(/^MDO-/) });
    const startedForThisCase = Date.parse(status.temporaryStay!.startedAt!);
    expect(startedForThisCase).toBeGreaterThan(stayStartedAt);
    expect(startedForThisCase).toBeGreaterThanOrEqual(decidedFrom);
    const period = await eventually(async () => {
      const p = (await db().select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId)))[0];
      return p?.endedAt ? p : undefined;
    });
    expect(period.endedAt!.getTime()).toBe(startedForThisCase);
    expect(period.endedAt!.getTime()).toBeGreaterThanOrEqual(period.readyAt.getTime());
    expect(period.endedByDischarge).toBe(true);
    // the running stay goes on
    expect((await openHandle.query(temporaryStayStatusQuery)).step).toBe('in_stay');
  });
});
