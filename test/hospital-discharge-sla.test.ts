/**
 * The hospital-discharge case's obligations on the time-skipping server: each one's SLA state
 * moves on_track → at_risk → breached at its exact instants (a minute before: the old state; a
 * minute after: the new one) in the `obligations` rows, the `cases` row, the status query and
 * the search attributes; an assessment in time is met, a follow-up visit recorded after its
 * escalation is met late, and the 14:30 rule's "phone the provider" task is an obligation that
 * opens at risk and is met when the task is marked done through the API.
 */
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { dischargeTasks, escalations } from '../db/schema/index.js';
import { addDays, isWorkingDay, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  dischargedUpdate,
  followUpVisitUpdate,
  hospitalDischargeStatusQuery,
  phoneTaskDoneUpdate,
  recordConferenceUpdate,
} from '../workflows/hospital-discharge/messages.js';
import { hospitalDischargeCaseWorkflow } from '../workflows/hospital-discharge/workflow.js';
import { defaultRules, type RuleSet } from '../domain/rules.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { ActingRoleKey, CaseStepKey, CaseTypeKey, EscalatedKey, NextDueAtKey, NextDueDayKey, NextEscalationAtKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { as } from './api-helpers.js';
import { newCitizen } from './fixtures.js';
import { eventually, resultOf, useTestStack } from './helpers.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const MINUTE = 60_000;

type Handle = WorkflowHandle<typeof hospitalDischargeCaseWorkflow>;

/** Skips the server's clock forward to `instant` (never backwards). */
async function openCase(opts: { expectedDischargeDay?: string; rules?: RuleSet } = {}): Promise<{ caseId: string; handle: Handle }> {
  const caseId = randomUUID();
  const { citizenId } = await newCitizen(stack.database.db, '1950-06-01');
  const handle = await stack.env.client.workflow.start(hospitalDischargeCaseWorkflow, {
    workflowId: await caseNumberFor(stack.database.db, caseId, hospitalDischargeCaseType),
    taskQueue: stack.worker.taskQueue,
    args: [
      {
        caseId,
        citizenId,
        receivedAt: await stack.env.currentTimeMs(),
        expectedDischargeDay: opts.expectedDischargeDay,
        administration: 'SUF',
        rules: opts.rules ?? defaultRules,
      },
    ],
    typedSearchAttributes: [{ key: CaseTypeKey, value: 'hospital_discharge' }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  return { caseId, handle };
}

const { obligationRow, caseRow, skipTo, expectState, expectTurnsAt } = slaKit(stack, (h: Handle) => h.query(hospitalDischargeStatusQuery));
const escalationsOf = (caseId: string) => stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));

/** The first Friday at least two days ahead whose weekend is ordinary (Fri, Mon and Tue working days). */
function nextOrdinaryFriday(fromMs: number): string {
  let d = addDays(localDate(fromMs), 2);
  for (;;) {
    const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (weekday === 5 && isWorkingDay(d, defaultRules.closingDays) && isWorkingDay(addDays(d, 3), defaultRules.closingDays) && isWorkingDay(addDays(d, 4), defaultRules.closingDays)) return d;
    d = addDays(d, 1);
  }
}

describe('obligations and their SLA states (time-skipping server)', () => {
  it('vulnerability-assessment: on_track → at_risk at 00:00 on the due day → breached overnight; the search attributes show the breach; a late assessment is met late', async () => {
    const friday = nextOrdinaryFriday(await stack.env.currentTimeMs());
    const monday = addDays(friday, 3);
    await skipTo(localInstant(friday, 16, 0));
    const { caseId, handle } = await openCase();
    const atRiskAt = localInstant(monday, 0);
    const escalateAt = localInstant(addDays(monday, 1), 0);

    const opened = await expectState(handle, caseId, 'vulnerability-assessment', 'on_track');
    expect(opened.row).toMatchObject({ kind: 'vulnerability_assessment', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay: monday });
    expect(opened.row.atRiskAt.getTime()).toBe(atRiskAt);
    expect(opened.row.escalateAt.getTime()).toBe(escalateAt);
    expect(await caseRow(caseId)).toMatchObject({
      step: 'awaiting_vulnerability_assessment',
      nextDueDay: monday,
      actingRole: 'needs_assessor',
      escalated: false,
    });
    expect((await caseRow(caseId)).nextDueAt?.getTime()).toBe(escalateAt);
    expect(opened.status).toMatchObject({ caseNumber: handle.workflowId, nextDueDay: monday, escalated: false });
    expect(opened.status.caseNumber).toMatch(/^UDS-\d{4}-\d{6}$/);

    const atRisk = await expectTurnsAt(handle, caseId, 'vulnerability-assessment', atRiskAt, 'on_track', 'at_risk');
    expect(atRisk.row.atRiskSince?.getTime()).toBe(atRiskAt);
    expect(await escalationsOf(caseId)).toHaveLength(0);

    const breached = await expectTurnsAt(handle, caseId, 'vulnerability-assessment', escalateAt, 'at_risk', 'breached');
    expect(breached.row.breachedAt!.getTime()).toBeGreaterThanOrEqual(escalateAt);
    expect(breached.row.breachedAt!.getTime()).toBeLessThan(escalateAt + MINUTE);
    expect(breached.status.escalated).toBe(true);
    expect(breached.status.vulnerabilityAssessment.escalatedAt).toBeDefined();
    const row = await caseRow(caseId);
    expect(row).toMatchObject({ slaState: 'breached', escalated: true, actingRole: 'needs_assessor', nextDueDay: null, nextDueAt: null });
    const [escalation] = await escalationsOf(caseId);
    expect(escalation).toMatchObject({ key: 'vulnerability-assessment', kind: 'vulnerability_assessment_overdue', recipientRole: 'visitation_team_lead', dueDay: monday });
    expect(escalation!.scheduledFor.getTime()).toBe(escalateAt);

    // The search attributes after the breach.
    const attrs = await eventually(async () => {
      const sa = (await handle.describe()).typedSearchAttributes;
      return sa.get(SlaStateKey) === 'breached' ? sa : undefined;
    });
    expect(attrs.get(EscalatedKey)).toBe(true);
    expect(attrs.get(ActingRoleKey)).toBe('needs_assessor');
    expect(attrs.get(CaseStepKey)).toBe('awaiting_vulnerability_assessment');
    expect(attrs.get(CaseTypeKey)).toBe('hospital_discharge');
    // a breached case keeps its due day in the Web UI; no escalation is still to come
    expect(attrs.get(NextDueDayKey)).toBe(monday);
    expect(attrs.get(NextDueAtKey)?.getTime()).toBe(escalateAt);
    expect(attrs.get(NextEscalationAtKey)).toBeUndefined();

    // Assessed late: met late; the coordinator acts next and nothing is open.
    const s = await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    expect(s.obligations.find((o) => o.key === 'vulnerability-assessment')?.state).toBe('met_late');
    expect((await obligationRow(caseId, 'vulnerability-assessment'))!.state).toBe('met_late');
    expect(await caseRow(caseId)).toMatchObject({ step: 'awaiting_conference', slaState: null, escalated: false, actingRole: 'discharge_coordinator' });
    const after = await eventually(async () => {
      const sa = (await handle.describe()).typedSearchAttributes;
      return sa.get(EscalatedKey) === false ? sa : undefined;
    });
    expect(after.get(SlaStateKey)).toBeUndefined();
    expect(after.get(ActingRoleKey)).toBe('discharge_coordinator');
    expect(await escalationsOf(caseId)).toHaveLength(1);
  });

  it('vulnerability-assessment recorded in time: met, and nothing fires at its instants', async () => {
    const friday = nextOrdinaryFriday(await stack.env.currentTimeMs());
    const monday = addDays(friday, 3);
    await skipTo(localInstant(friday, 9, 0));
    const { caseId, handle } = await openCase({ expectedDischargeDay: addDays(monday, 2) });
    await skipTo(localInstant(monday, 15, 0));
    await expectState(handle, caseId, 'vulnerability-assessment', 'at_risk');
    const s = await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(s.obligations).toEqual([expect.objectContaining({ key: 'vulnerability-assessment', state: 'met' })]);
    const row = (await obligationRow(caseId, 'vulnerability-assessment'))!;
    expect(row.state).toBe('met');
    expect(row.closedAt!.getTime()).toBeGreaterThanOrEqual(localInstant(monday, 15, 0));
    expect(row.closedAt!.getTime()).toBeLessThan(localInstant(monday, 15, 1));
    // Not vulnerable: the plan is accepted; the hospital acts next (the discharge), nothing is open.
    expect(await caseRow(caseId)).toMatchObject({ step: 'awaiting_discharge', slaState: null, actingRole: 'hospital', nextDueDay: null });
    await skipTo(overnightAfter(monday, 0) + 2 * MINUTE);
    expect(await escalationsOf(caseId)).toHaveLength(0);
    expect((await obligationRow(caseId, 'vulnerability-assessment'))!.state).toBe('met');
  });

  it('follow-up-visit (escalation hour 06:00): on_track → at_risk 2 days before its due day → breached at 06:00 after it; recorded after: met late, the case closes', async () => {
    const rules = { ...defaultRules, escalationLocalHour: 6 };
    const today = localDate(await stack.env.currentTimeMs());
    const day = addDays(today, 1);
    const { caseId, handle } = await openCase({ expectedDischargeDay: day, rules });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    await skipTo(localInstant(day, 11, 0));
    const discharged = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt: await stack.env.currentTimeMs() }] });
    const due = addDays(day, 7);
    const atRiskAt = localInstant(addDays(due, -2), 0);
    const escalateAt = localInstant(addDays(due, 1), 6);
    expect(discharged.followUpVisit).toMatchObject({ dueDay: due });
    expect(discharged.obligations.find((o) => o.key === 'follow-up-visit')).toMatchObject({ kind: 'follow_up_visit', state: 'on_track', dueDay: due });

    const opened = await expectState(handle, caseId, 'follow-up-visit', 'on_track');
    expect(opened.row).toMatchObject({ kind: 'follow_up_visit', actorRole: 'needs_assessor', dueDay: due });
    expect(opened.row.atRiskAt.getTime()).toBe(atRiskAt);
    expect(opened.row.escalateAt.getTime()).toBe(escalateAt);
    expect(await caseRow(caseId)).toMatchObject({ step: 'follow_up', actingRole: 'needs_assessor', nextDueDay: due });

    await expectTurnsAt(handle, caseId, 'follow-up-visit', atRiskAt, 'on_track', 'at_risk');
    const breached = await expectTurnsAt(handle, caseId, 'follow-up-visit', escalateAt, 'at_risk', 'breached');
    expect(breached.status.followUpVisit?.escalatedAt).toBeDefined();
    expect(await caseRow(caseId)).toMatchObject({ slaState: 'breached', escalated: true, actingRole: 'needs_assessor' });
    const [escalation] = await escalationsOf(caseId);
    expect(escalation).toMatchObject({ key: 'follow-up-visit', kind: 'follow_up_visit_overdue', recipientRole: 'visitation_team_lead', dueDay: due });
    expect(escalation!.scheduledFor.getTime()).toBe(escalateAt);

    const closed = await handle.executeUpdate(followUpVisitUpdate, { args: [{ visitedAt: await stack.env.currentTimeMs() }] });
    expect(closed).toMatchObject({ step: 'closed', outcome: 'discharged_home', slaState: null, escalated: false });
    expect(closed.obligations.map((o) => [o.key, o.state])).toEqual([
      ['vulnerability-assessment', 'met'],
      ['follow-up-visit', 'met_late'],
    ]);
    expect((await obligationRow(caseId, 'follow-up-visit'))!.state).toBe('met_late');
    expect(await caseRow(caseId)).toMatchObject({ step: 'closed', outcome: 'discharged_home', slaState: null, actingRole: null, escalated: false, nextDueDay: null });
    await resultOf(stack.env, handle);
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(CaseStepKey)).toBe('closed');
    expect(attrs.get(SlaStateKey)).toBeUndefined();
    expect(attrs.get(EscalatedKey)).toBe(false);
  });

  it('the 14:30 rule: "phone the provider" opens at risk for whoever decided, is met by marking the task done, and escalates overnight when not', async () => {
    const day = addDays(localDate(await stack.env.currentTimeMs()), 1);
    const plan = await openCase({ expectedDischargeDay: day });
    const missed = await openCase({ expectedDischargeDay: day });
    const coordinator = await openCase({ expectedDischargeDay: day });
    await coordinator.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await coordinator.handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: await stack.env.currentTimeMs() }] });
    const escalateAt = localInstant(addDays(day, 1), 0);

    await skipTo(localInstant(day, 14, 45));
    // The needs assessor accepts the plan after 14:30 for a start today: the assessor must phone.
    const s = await plan.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(s.handovers[0]).toMatchObject({ key: 'handover-plan', phoneProvider: true, startsOn: day });
    expect(s.obligations.find((o) => o.key === 'phone-handover-plan')).toMatchObject({
      kind: 'provider_phone_call',
      actor: { role: 'needs_assessor' },
      escalateTo: 'visitation_team_lead',
      dueDay: day,
      state: 'at_risk',
    });
    const phone = await expectState(plan.handle, plan.caseId, 'phone-handover-plan', 'at_risk');
    expect(phone.row).toMatchObject({ kind: 'provider_phone_call', actorRole: 'needs_assessor', dueDay: day });
    // at risk from the moment it opens (the handover)
    expect(phone.row.atRiskAt.getTime()).toBe(phone.row.openedAt.getTime());
    expect(phone.row.atRiskAt.getTime()).toBeGreaterThanOrEqual(localInstant(day, 14, 45));
    expect(phone.row.atRiskAt.getTime()).toBeLessThan(localInstant(day, 14, 46));
    expect(phone.row.escalateAt.getTime()).toBe(escalateAt);
    expect(await caseRow(plan.caseId)).toMatchObject({ step: 'awaiting_discharge', actingRole: 'needs_assessor', nextDueDay: day });

    // The coordinator decides after 14:30: the coordinator must phone.
    const d = await coordinator.handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'home_with_existing_help', providerStartsOn: day } }],
    });
    expect(d.obligations.find((o) => o.key === 'phone-handover-decision')).toMatchObject({
      actor: { role: 'discharge_coordinator' },
      state: 'at_risk',
    });
    await expectState(coordinator.handle, coordinator.caseId, 'phone-handover-decision', 'at_risk');
    expect(await caseRow(coordinator.caseId)).toMatchObject({ actingRole: 'discharge_coordinator' });

    // Marked done through the API: the workflow meets the obligation, then the task is done.
    const done = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${s.handovers[0]!.taskId}/done`, headers: as('dev-assessor') });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', doneBy: 'visitator-anna' });
    const met = await expectState(plan.handle, plan.caseId, 'phone-handover-plan', 'met', null);
    expect(met.status.handovers[0]!.phonedAt).toBeDefined();
    expect(await caseRow(plan.caseId)).toMatchObject({ actingRole: 'hospital', slaState: null, nextDueDay: null });
    const again = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${s.handovers[0]!.taskId}/done`, headers: as('dev-coordinator') });
    expect(again.statusCode).toBe(409);

    // The workflow refuses a task it already counts as done: 409, and the task stays open.
    await coordinator.handle.executeUpdate(phoneTaskDoneUpdate, { args: [{ key: 'handover-decision' }] });
    const refused = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${d.handovers[0]!.taskId}/done`, headers: as('dev-coordinator') });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe('the provider has already been phoned');
    const [coordTask] = await stack.database.db.select().from(dischargeTasks).where(eq(dischargeTasks.id, d.handovers[0]!.taskId!));
    expect(coordTask).toMatchObject({ status: 'open', recipientRole: 'discharge_coordinator' });

    // Not phoned: at risk until 00:00 after the start day, then breached with an escalation.
    const late = await missed.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    await expectTurnsAt(missed.handle, missed.caseId, 'phone-handover-plan', escalateAt, 'at_risk', 'breached');
    const [escalation] = await escalationsOf(missed.caseId);
    expect(escalation).toMatchObject({ key: 'phone-handover-plan', kind: 'provider_phone_call_missed', recipientRole: 'visitation_team_lead', dueDay: day });
    expect(escalation!.scheduledFor.getTime()).toBe(escalateAt);
    const lateDone = await stack.app.inject({ method: 'POST', url: `/hospital-discharge/tasks/${late.handovers[0]!.taskId}/done`, headers: as('dev-assessor') });
    expect(lateDone.statusCode, lateDone.body).toBe(200);
    await expectState(missed.handle, missed.caseId, 'phone-handover-plan', 'met_late', null);
    expect(await escalationsOf(plan.caseId)).toHaveLength(0);
  });
});
