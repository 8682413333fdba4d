/**
 * The psychiatric case's obligations on the time-skipping server: each one's SLA state moves
 * on_track → at_risk → breached at its exact instants (a minute before: the old state; a
 * minute after: the new one) in the `obligations` rows, the `cases` row, the status query and
 * the search attributes; a status meeting recorded before its due day is met, a chief-level
 * decision recorded after its escalation is met late, a discharge meets the 12-week deadline
 * late and a withdrawal cancels what is open.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { obligations } from '../db/schema/index.js';
import { addDays, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import {
  buyExternalPlaceUpdate,
  endPsychiatricCaseUpdate,
  flagLongCourseUpdate,
  psychiatricStatusQuery,
  raiseDisagreementUpdate,
  recordChiefDecisionUpdate,
  recordInvolvementUpdate,
  recordStatusMeetingUpdate,
} from '../workflows/psychiatric/workflow.js';
import { ActingRoleKey, CaseStepKey, EscalatedKey, NextDueAtKey, NextDueDayKey, NextEscalationAtKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { defaultRules } from '../domain/rules.js';
import { eventually, resultOf, useTestStack } from './helpers.js';
import { slaKit } from './sla-support.js';
import { psychiatricTestKit } from './psychiatric-support.js';

const stack = useTestStack({ temporal: 'time-skipping' });
const kit = psychiatricTestKit(() => ({ env: stack.env, database: stack.database, taskQueue: stack.worker.taskQueue }));
const MINUTE = 60_000;

type Handle = Awaited<ReturnType<typeof kit.openCase>>['handle'];
const { obligationRow, caseRow, expectState, expectTurnsAt } = slaKit(stack, (h: Handle) => h.query(psychiatricStatusQuery));

describe('obligations and their SLA states (time-skipping server)', () => {
  it('the 12-week deadline: on_track → at_risk at the first warning → breached at 00:00 after day 84 while no placement is decided; a discharge meets it late', async () => {
    const now = await stack.env.currentTimeMs();
    // one warning at 11 weeks: the system's long-course flag (at the first warning) brings a first
    // status meeting due only after the deadline, so the deadline is the case's worst obligation
    const { caseId, handle } = await kit.openCase(now, { rules: { ...defaultRules, psychiatricWarningWeeks: [11] } });
    const receivedDay = localDate(now);
    const deadlineDay = addDays(receivedDay, 84);
    // the citizen is involved, but no placement is decided: the case processing is not done
    await handle.executeUpdate(recordInvolvementUpdate, { args: [{}] });

    const w11 = localInstant(addDays(receivedDay, 77), 0);
    const opened = await expectState(handle, caseId, 'deadline-12w', 'on_track');
    expect(opened.row).toMatchObject({ kind: 'psychiatric_case_deadline', actorRole: 'psychiatry_coordinator', escalateTo: 'area_chief', dueDay: deadlineDay });
    expect(opened.row.atRiskAt.getTime()).toBe(w11);
    expect(opened.row.escalateAt.getTime()).toBe(overnightAfter(deadlineDay, 0));
    expect(await caseRow(caseId)).toMatchObject({ nextDueDay: deadlineDay, escalated: false, actingRole: 'psychiatry_coordinator' });

    const atRisk = await expectTurnsAt(handle, caseId, 'deadline-12w', w11, 'on_track', 'at_risk');
    expect(atRisk.row.atRiskSince?.getTime()).toBe(w11);
    expect(await kit.rowFor(caseId, 'deadline-warning-11w')).toBeDefined();
    expect((await handle.query(psychiatricStatusQuery)).longCourse).toMatchObject({ by: 'system' });

    const escalation = overnightAfter(deadlineDay, 0);
    const breached = await expectTurnsAt(handle, caseId, 'deadline-12w', escalation, 'at_risk', 'breached');
    expect(breached.row.breachedAt!.getTime()).toBeGreaterThanOrEqual(escalation);
    expect(breached.row.breachedAt!.getTime()).toBeLessThan(escalation + MINUTE);
    expect(breached.status).toMatchObject({ escalated: true, caseNumber: handle.workflowId });
    expect(breached.status.nextDueDay).toBe(addDays(receivedDay, 77 + 14)); // the first status meeting
    expect(await caseRow(caseId)).toMatchObject({ slaState: 'breached', escalated: true });
    expect(await kit.rowFor(caseId, 'deadline-12w')).toMatchObject({ kind: 'psychiatric_deadline_passed', recipientRole: 'area_chief' });

    // a placement decided after the escalation meets the deadline late; the case stays open
    await handle.executeUpdate(buyExternalPlaceUpdate, { args: [{ providerId: '5b0c2a9e-0000-4000-8000-00000000e57e', reasonCode: 'no_vacant_own_place_fits' }] });
    await expectState(handle, caseId, 'deadline-12w', 'met_late', 'on_track');
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_external' }] });
    const ended = await resultOf(stack.env, handle);
    expect(ended).toMatchObject({ step: 'closed', slaState: null, escalated: false });
    expect(ended.obligations.map((o) => [o.key, o.state])).toEqual([['deadline-12w', 'met_late'], ['meeting-1', 'cancelled']]);
    expect((await obligationRow(caseId, 'deadline-12w'))!.state).toBe('met_late');
    expect(await caseRow(caseId)).toMatchObject({ step: 'closed', slaState: null, escalated: false, outcome: 'discharged_external' });
  });

  it('a chief-level decision after its escalation is met late, a status meeting before its due day is met; search attributes after the breach; a withdrawal cancels', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now);
    const day = localDate(now);
    await handle.executeUpdate(flagLongCourseUpdate, { args: [{}] });
    await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'hospital', regionRefusesDischarge: true }] });
    const chief = await expectState(handle, caseId, 'chief-level-1', 'on_track');
    expect(chief.row).toMatchObject({ kind: 'psychiatric_chief_level', actorRole: 'area_chief', dueDay: addDays(day, 7) });
    expect((await obligationRow(caseId, 'meeting-1'))).toMatchObject({ state: 'on_track', dueDay: addDays(day, 14) });

    // chief level: at risk from 00:00 two days before its due day, breached at 00:00 after it
    await expectTurnsAt(handle, caseId, 'chief-level-1', localInstant(addDays(day, 5)), 'on_track', 'at_risk');
    const escalation = overnightAfter(addDays(day, 7), 0);
    const breached = await expectTurnsAt(handle, caseId, 'chief-level-1', escalation, 'at_risk', 'breached');
    expect(breached.status).toMatchObject({ escalated: true, nextDueDay: addDays(day, 14) }); // meeting 1 is next to escalate
    expect(breached.status.disagreement.state).toBe('escalated');
    expect(await caseRow(caseId)).toMatchObject({ slaState: 'breached', escalated: true, actingRole: 'area_chief', nextDueDay: addDays(day, 14) });
    const attributes = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(SlaStateKey) === 'breached' ? d.typedSearchAttributes : undefined;
    });
    expect(attributes.get(EscalatedKey)).toBe(true);
    expect(attributes.get(ActingRoleKey)).toBe('area_chief');
    // the Web UI keeps the earliest open due day (the breached chief level) and names the next escalation to come (meeting 1)
    expect(attributes.get(NextDueDayKey)).toBe(addDays(day, 7));
    expect(attributes.get(NextDueAtKey)?.getTime()).toBe(escalation);
    expect(attributes.get(NextEscalationAtKey)?.getTime()).toBe(overnightAfter(addDays(day, 14), 0));
    expect(attributes.get(CaseStepKey)).toBe('open');

    // the chief-level decision, recorded after the escalation: met late; nothing is breached any more
    const decided = await handle.executeUpdate(recordChiefDecisionUpdate, { args: [{ decision: 'municipality_support_upheld' }] });
    expect(decided.withinDeadline).toBe(false);
    const late = await expectState(handle, caseId, 'chief-level-1', 'met_late', 'on_track');
    expect(late.row.closedAt).not.toBeNull();
    expect(late.status.escalated).toBe(false);
    expect(await caseRow(caseId)).toMatchObject({ escalated: false });
    await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(EscalatedKey) === false ? true : undefined));

    // status meeting 1: at risk from 00:00 two days before its due day; held the day before: met
    await expectTurnsAt(handle, caseId, 'meeting-1', localInstant(addDays(day, 12)), 'on_track', 'at_risk');
    await kit.sleepUntil(localInstant(addDays(day, 13), 10));
    const held = await handle.executeUpdate(recordStatusMeetingUpdate, { args: [{ heldOn: addDays(day, 13) }] });
    expect(held).toMatchObject({ key: 'meeting-1', late: false, nextDueDay: addDays(day, 28) });
    const met = await expectState(handle, caseId, 'meeting-1', 'met', 'on_track');
    expect(met.row.closedAt!.getTime()).toBeGreaterThanOrEqual(localInstant(addDays(day, 13), 10));
    expect(met.row.closedAt!.getTime()).toBeLessThan(localInstant(addDays(day, 13), 10) + MINUTE);
    expect(await obligationRow(caseId, 'meeting-2')).toMatchObject({ state: 'on_track', dueDay: addDays(day, 28) });
    await stack.env.sleep(2 * 86_400_000); // past meeting 1's escalation instant: nothing fires
    expect(await kit.rowFor(caseId, 'meeting-1')).toBeUndefined();
    expect((await obligationRow(caseId, 'meeting-1'))!.state).toBe('met');

    // withdrawn: the 12-week deadline and the next meeting are cancelled; the case is closed
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
    const ended = await resultOf(stack.env, handle);
    expect(Object.fromEntries(ended.obligations.map((o) => [o.key, o.state]))).toEqual({
      'deadline-12w': 'cancelled',
      'meeting-1': 'met',
      'meeting-2': 'cancelled',
      'chief-level-1': 'met_late',
    });
    const rows = await stack.database.db.select().from(obligations).where(eq(obligations.caseId, caseId));
    expect(Object.fromEntries(rows.map((r) => [r.key, r.state]))).toEqual(Object.fromEntries(ended.obligations.map((o) => [o.key, o.state])));
    expect(await caseRow(caseId)).toMatchObject({ step: 'closed', slaState: null, escalated: false, nextDueDay: null, outcome: 'withdrawn' });
    const closed = await eventually(async () => {
      const d = await handle.describe();
      return d.typedSearchAttributes.get(CaseStepKey) === 'closed' ? d.typedSearchAttributes : undefined;
    });
    expect(closed.get(SlaStateKey)).toBeUndefined();
    expect(closed.get(EscalatedKey)).toBe(false);
  });
});
