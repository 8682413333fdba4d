/**
 * Hospital discharge (udskrivning) on the time-skipping server: the vulnerability-assessment
 * deadline across a weekend and Easter, the follow-up deadlines, the 14:30 rule, and
 * readmission/death stopping every timer.
 */
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import {
  bedDayPeriods,
  caseNumbers,
  cases,
  dischargeTasks,
  escalations,
  notificationOutbox,
  providerHandovers,
  stayApplications,
} from '../db/schema/index.js';
import { addDays, formatLocal, isWorkingDay, localDate, localInstant } from '../domain/calendar.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  diedUpdate,
  dischargedUpdate,
  faerdigbehandletUpdate,
  followUpVisitUpdate,
  helpFollowUpUpdate,
  hospitalDischargeStatusQuery,
  readmittedUpdate,
  recordConferenceUpdate,
  type HospitalDischargeStatus,
} from '../workflows/hospital-discharge/messages.js';
import { hospitalDischargeCaseWorkflow } from '../workflows/hospital-discharge/workflow.js';
import { defaultRules, type RuleSet } from '../domain/rules.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { caseNumberFor } from '../api/case-numbers.js';
import { updateRefusal } from '../api/errors.js';
import { createOvergangWorker } from '../worker/worker.js';
import { newCitizen } from './fixtures.js';
import { decodedValue } from './test-keys.js';
import { eventually, testDataConverter, resultOf, useTestStack, waitUntilIdle } from './helpers.js';


const stack = useTestStack({ temporal: 'time-skipping' });

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Skips the server's clock forward to `instant` (never backwards). */
async function skipTo(instant: number): Promise<void> {
  const now = await stack.env.currentTimeMs();
  if (instant > now) await stack.env.sleep(instant - now);
}

type Handle = WorkflowHandle<typeof hospitalDischargeCaseWorkflow>;

async function openCase(
  opts: { expectedDischargeDay?: string; rules?: RuleSet; taskQueue?: string; receivedAt?: number } = {},
): Promise<{ caseId: string; handle: Handle }> {
  const caseId = randomUUID();
  const { citizenId } = await newCitizen(stack.database.db, '1950-06-01');
  const handle = await stack.env.client.workflow.start(hospitalDischargeCaseWorkflow, {
    workflowId: await caseNumberFor(stack.database.db, caseId, hospitalDischargeCaseType),
    taskQueue: opts.taskQueue ?? stack.worker.taskQueue,
    args: [
      {
        caseId,
        citizenId,
        receivedAt: opts.receivedAt ?? (await stack.env.currentTimeMs()),
        expectedDischargeDay: opts.expectedDischargeDay,
        administration: 'SUF',
        rules: opts.rules ?? defaultRules,
      },
    ],
  });
  const opened = await handle.executeUpdate(caseOpenedUpdate);
  expect(opened).toEqual({ caseId, caseNumber: handle.workflowId });
  expect(handle.workflowId).toMatch(/^UDS-\d{4}-\d{6}$/);
  return { caseId, handle };
}

const escalationsOf = (caseId: string) => stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));
const caseRow = async (caseId: string) => (await stack.database.db.select().from(cases).where(eq(cases.id, caseId)))[0];

async function escalationAppears(caseId: string, key: string) {
  return eventually(async () => (await escalationsOf(caseId)).find((r) => r.key === key));
}

/** Asserts the escalation `key` fires at exactly `at` (nothing a minute before, a row a minute after). */
async function expectEscalationAt(caseId: string, key: string, at: number, dueDay: string) {
  await skipTo(at - MINUTE);
  expect((await escalationsOf(caseId)).filter((r) => r.key === key)).toHaveLength(0);
  await stack.env.sleep(2 * MINUTE);
  const row = await escalationAppears(caseId, key);
  expect(row.dueDay).toBe(dueDay);
  expect(row.recipientRole).toBe('visitation_team_lead');
  expect(row.severity).toBe('escalation');
  expect(row.scheduledFor.getTime()).toBe(at);
  expect(row.firedAt.getTime()).toBeGreaterThanOrEqual(at);
  expect(row.firedAt.getTime()).toBeLessThan(at + MINUTE);
  return row;
}

/** The first Friday at least two days ahead whose weekend is ordinary (Fri, Mon and Tue working days). */
function nextOrdinaryFriday(fromMs: number): string {
  let d = addDays(localDate(fromMs), 2);
  for (;;) {
    const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (weekday === 5 && isWorkingDay(d, defaultRules.closingDays) && isWorkingDay(addDays(d, 3), defaultRules.closingDays) && isWorkingDay(addDays(d, 4), defaultRules.closingDays)) return d;
    d = addDays(d, 1);
  }
}

/** Easter Sunday (Påskedag) of a year — the Gregorian computus, independent of the holiday library the code uses. */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((8 * b + 13) / 25) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('vulnerability assessment deadline: end of the next working day, escalated overnight', () => {
  it('a care plan received on a Friday is due Monday; the escalation fires at 00:00 Tuesday, not before', async () => {
    const friday = nextOrdinaryFriday(await stack.env.currentTimeMs());
    await skipTo(localInstant(friday, 16, 0));
    const { caseId, handle } = await openCase();
    const monday = addDays(friday, 3);
    const at = localInstant(addDays(friday, 4), 0);
    const status = await handle.query(hospitalDischargeStatusQuery);
    expect(status.vulnerabilityAssessment.dueDay).toBe(monday);
    expect(status.vulnerabilityAssessment.escalationAt).toBe(formatLocal(at));
    const row = await expectEscalationAt(caseId, 'vulnerability-assessment', at, monday);
    expect(row.kind).toBe('vulnerability_assessment_overdue');
    const [outbox] = await stack.database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.sourceKey, `escalation:${row.id}`));
    expect(outbox?.recipientRole).toBe('visitation_team_lead');
    expect((await handle.query(hospitalDischargeStatusQuery)).vulnerabilityAssessment.escalatedAt).toBeDefined();
    // The assessment can still be made late; the escalation stays, once.
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    expect((await handle.query(hospitalDischargeStatusQuery)).step).toBe('awaiting_conference');
    expect(await escalationsOf(caseId)).toHaveLength(1);
  });

  it('across Easter (holidays Thursday to Monday) and the spring daylight-saving change: due Tuesday, escalated 00:00 CEST Wednesday', async () => {
    const now = await stack.env.currentTimeMs();
    let year = Number(localDate(now).slice(0, 4));
    while (localInstant(addDays(easterSunday(year), -4), 15) <= now + DAY) year++;
    const easter = easterSunday(year);
    const wednesdayBefore = addDays(easter, -4);
    const tuesdayAfter = addDays(easter, 2);
    const at = localInstant(addDays(easter, 3), 0);
    await skipTo(localInstant(wednesdayBefore, 15, 0));
    const { caseId, handle } = await openCase();
    expect((await handle.query(hospitalDischargeStatusQuery)).vulnerabilityAssessment.dueDay).toBe(tuesdayAfter);
    // Easter Monday night passes quietly.
    await skipTo(localInstant(tuesdayAfter, 0, 30));
    expect(await escalationsOf(caseId)).toHaveLength(0);
    await expectEscalationAt(caseId, 'vulnerability-assessment', at, tuesdayAfter);
    if (year === 2027) expect(formatLocal(at)).toBe('2027-03-31T00:00:00+02:00');
  });

  it('fires at the configured local hour, and never when the assessment came in time', async () => {
    const friday = nextOrdinaryFriday(await stack.env.currentTimeMs());
    await skipTo(localInstant(friday, 9, 0));
    const rules = { ...defaultRules, escalationLocalHour: 6 };
    const late = await openCase({ rules });
    // The provider starts the day after the assessment: no "phone the provider" obligation (14:30 rule) either.
    const onTime = await openCase({ rules, expectedDischargeDay: addDays(friday, 4) });
    await skipTo(localInstant(addDays(friday, 3), 23, 0));
    await onTime.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    await expectEscalationAt(late.caseId, 'vulnerability-assessment', localInstant(addDays(friday, 4), 6), addDays(friday, 3));
    await stack.env.sleep(30 * DAY);
    expect(await escalationsOf(onTime.caseId)).toHaveLength(0);
    expect((await onTime.handle.query(hospitalDischargeStatusQuery)).obligations).toEqual([
      expect.objectContaining({ key: 'vulnerability-assessment', state: 'met' }),
    ]);
  });
});

describe('durability', () => {
  it('a worker restarted mid-case loses nothing: the follow-up deadline set before the restart fires once, at its instant', async () => {
    // Workers without a workflow cache, so the restarted worker picks the case up from the
    // task queue at once (no sticky queue of the stopped worker to time out).
    const taskQueue = `tq-restart-${randomUUID()}`;
    const uncachedWorker = async () => {
      const w = await createOvergangWorker({
        connection: stack.env.nativeConnection,
        namespace: stack.env.namespace ?? 'default',
        taskQueue,
        db: stack.database.db,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        options: { shutdownGraceTime: '1 second', maxCachedWorkflows: 0, dataConverter: testDataConverter() },
      });
      const running = w.run();
      return async () => {
        w.shutdown();
        await running;
      };
    };
    const stopFirst = await uncachedWorker();
    const start = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase({ expectedDischargeDay: addDays(localDate(start), 1), taskQueue, receivedAt: start });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    const s = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt: start }] });
    await waitUntilIdle(handle);
    await stopFirst();
    const stopSecond = await uncachedWorker();
    try {
      const due = s.followUpVisit!.dueDay;
      expect(due).toBe(addDays(localDate(start), 7));
      await expectEscalationAt(caseId, 'follow-up-visit', localInstant(addDays(due, 1), 0), due);
      await stack.env.sleep(DAY);
      expect(await escalationsOf(caseId)).toHaveLength(1);
      const closed = await handle.executeUpdate(followUpVisitUpdate, { args: [{ visitedAt: await stack.env.currentTimeMs() }] });
      expect(closed.outcome).toBe('discharged_home');
      // Let the case finish its last activities before this worker goes (the time-skipping
      // server does not skip time while an activity waits for a worker).
      expect((await resultOf(stack.env, handle)).outcome).toBe('discharged_home');
    } finally {
      await stopSecond();
    }
  });
});

describe('after discharge home: the follow-up home visit and the follow-up of more help', () => {
  it('not vulnerable → plan accepted → discharge → the follow-up visit (7 days) escalates overnight when missed → recorded → closed', async () => {
    const start = await stack.env.currentTimeMs();
    const expected = addDays(localDate(start), 2);
    const { caseId, handle } = await openCase({ expectedDischargeDay: expected });
    const accepted = await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(accepted.step).toBe('awaiting_discharge');
    expect(accepted.decision?.kind).toBe('home_per_plan');
    expect(accepted.handovers).toEqual([expect.objectContaining({ key: 'handover-plan', startsOn: expected, phoneProvider: false })]);
    const [handover] = await stack.database.db.select().from(providerHandovers).where(eq(providerHandovers.caseId, caseId));
    expect(handover).toMatchObject({ decision: 'home_per_plan', startsOn: expected, phoneProvider: false });

    await skipTo(localInstant(expected, 11, 0));
    const dischargedAt = await stack.env.currentTimeMs();
    const discharged = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt }] });
    expect(discharged.step).toBe('follow_up');
    expect(discharged.dischargedTo).toBe('home');
    const due = addDays(expected, 7);
    expect(discharged.followUpVisit?.dueDay).toBe(due);
    expect(discharged.helpFollowUp).toBeUndefined();

    const row = await expectEscalationAt(caseId, 'follow-up-visit', localInstant(addDays(due, 1), 0), due);
    expect(row.kind).toBe('follow_up_visit_overdue');
    const closed = await handle.executeUpdate(followUpVisitUpdate, { args: [{ visitedAt: await stack.env.currentTimeMs() }] });
    expect(closed).toMatchObject({ step: 'closed', closed: true, outcome: 'discharged_home' });
    const result = await resultOf(stack.env, handle);
    expect(result.outcome).toBe('discharged_home');
    const dbRow = await eventually(async () => {
      const r = await caseRow(caseId);
      return r?.closedAt ? r : undefined;
    });
    expect(dbRow).toMatchObject({ step: 'closed', outcome: 'discharged_home' });
    expect(dbRow.details).toMatchObject({ dischargedTo: 'home', followUpVisitDueDay: due, decision: 'home_per_plan' });
  });

  it('vulnerable → conference → more help at home → discharge: visit on time, help follow-up (14 days) missed → escalation → closed when recorded', async () => {
    const start = await stack.env.currentTimeMs();
    const today = localDate(start);
    const { caseId, handle } = await openCase({ expectedDischargeDay: addDays(today, 1) });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    const refused = await handle
      .executeUpdate(decideUpdate, { args: [{ decision: { kind: 'home_with_existing_help' } }] })
      .then(() => undefined, (err: unknown) => updateRefusal(err));
    expect(refused).toBe('the conference at the hospital has not been recorded yet');
    await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: start }] });
    const decided = await handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'more_help_at_home', minutesPerWeek: 150, providerStartsOn: addDays(today, 1) } }],
    });
    expect(decided.decision).toMatchObject({ kind: 'more_help_at_home', minutesPerWeek: 150 });
    const [handover] = await stack.database.db.select().from(providerHandovers).where(eq(providerHandovers.caseId, caseId));
    expect(handover).toMatchObject({ key: 'handover-decision', decision: 'more_help_at_home', minutesPerWeek: 150 });

    await skipTo(localInstant(addDays(today, 1), 10, 0));
    const dischargedAt = await stack.env.currentTimeMs();
    const day = localDate(dischargedAt);
    const s = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt }] });
    expect(s.helpFollowUp?.dueDay).toBe(addDays(day, 14));
    await skipTo(localInstant(addDays(day, 3), 10, 0));
    const afterVisit = await handle.executeUpdate(followUpVisitUpdate, { args: [{ visitedAt: await stack.env.currentTimeMs() }] });
    expect(afterVisit.step).toBe('follow_up'); // still waiting for the help follow-up
    await expectEscalationAt(caseId, 'help-follow-up', localInstant(addDays(day, 15), 0), addDays(day, 14));
    expect((await escalationsOf(caseId)).map((r) => r.key)).toEqual(['help-follow-up']);
    const closed = await handle.executeUpdate(helpFollowUpUpdate, { args: [{ followedUpAt: await stack.env.currentTimeMs() }] });
    expect(closed.outcome).toBe('discharged_home');
    await resultOf(stack.env, handle);
  });
});

describe('003: a decision handed to the provider after 14:30 for a same-day start also raises "phone the provider"', () => {
  it('14:20 same day: no task; 14:45 same day: a task (and a notification); 14:45 for tomorrow: no task', async () => {
    const day = addDays(localDate(await stack.env.currentTimeMs()), 1);
    const tomorrow = addDays(day, 1);
    const before = await openCase({ expectedDischargeDay: day });
    const after = await openCase({ expectedDischargeDay: day });
    const nextDay = await openCase({ expectedDischargeDay: tomorrow });
    const coordinator = await openCase({ expectedDischargeDay: day });
    await coordinator.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await coordinator.handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: await stack.env.currentTimeMs() }] });

    await skipTo(localInstant(day, 14, 20));
    const s1 = await before.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(s1.handovers[0]).toMatchObject({ startsOn: day, phoneProvider: false });

    await skipTo(localInstant(day, 14, 45));
    const s2 = await after.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(s2.handovers[0]).toMatchObject({ startsOn: day, phoneProvider: true });
    expect(s2.handovers[0]!.taskId).toBeDefined();
    const s3 = await nextDay.handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: false }] });
    expect(s3.handovers[0]).toMatchObject({ startsOn: tomorrow, phoneProvider: false });
    const s4 = await coordinator.handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'home_with_existing_help', providerStartsOn: day } }],
    });
    expect(s4.handovers[0]).toMatchObject({ phoneProvider: true });

    const tasksOf = (caseId: string) => stack.database.db.select().from(dischargeTasks).where(eq(dischargeTasks.caseId, caseId));
    expect(await tasksOf(before.caseId)).toHaveLength(0);
    expect(await tasksOf(nextDay.caseId)).toHaveLength(0);
    const [task] = await tasksOf(after.caseId);
    expect(task).toMatchObject({ kind: 'phone_provider', recipientRole: 'needs_assessor', dueDay: day, status: 'open' });
    expect(task!.id).toBe(s2.handovers[0]!.taskId);
    const [coordTask] = await tasksOf(coordinator.caseId);
    expect(coordTask).toMatchObject({ kind: 'phone_provider', recipientRole: 'discharge_coordinator', dueDay: day });
    const [outbox] = await stack.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.sourceKey, `task:${task!.id}`));
    expect(outbox).toMatchObject({ recipientRole: 'needs_assessor', subject: 'Task: phone the provider' });
    const [handover] = await stack.database.db.select().from(providerHandovers).where(eq(providerHandovers.caseId, after.caseId));
    expect(handover!.phoneProvider).toBe(true);
    expect(handover!.handedAt.getTime()).toBeGreaterThan(localInstant(day, 14, 30));
  });
});

describe('readmission and death close the case and stop every timer', () => {
  const bedDays = async (caseId: string) =>
    (await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId)))[0];

  async function signalsTo(workflowId: string): Promise<{ name: string; reason: string }[]> {
    const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    const signalled = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes);
    return Promise.all(
      signalled.map(async (e) => {
        const a = e.workflowExecutionSignaledEventAttributes!;
        const arg = ((await decodedValue(a.input?.payloads?.[0])) ?? {}) as { reason?: string };
        return { name: a.signalName ?? '', reason: arg.reason! };
      }),
    );
  }

  it('readmission while waiting for a temporary stay: the temporary-stay case is told (citizenUnavailable), bed-days end, no timer fires', async () => {
    const start = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase({ expectedDischargeDay: addDays(localDate(start), 1) });
    await handle.executeUpdate(faerdigbehandletUpdate, { args: [{ readyAt: start }] });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: start }] });
    const decided = await handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'temporary_stay', placeType: 'rehabilitering', purpose: 'rehabilitation' } }],
    });
    const child = decided.temporaryStay!;
    // The child's workflow id is its own case number, reserved for its case id.
    expect(child.workflowId).toMatch(/^MDO-\d{4}-\d{6}$/);
    const [reserved] = await stack.database.db.select().from(caseNumbers).where(eq(caseNumbers.caseId, child.caseId));
    expect(reserved).toMatchObject({ caseNumber: child.workflowId, type: 'temporary_stay' });
    const childDescription = await stack.env.client.workflow.getHandle(child.workflowId).describe();
    expect(childDescription.type).toBe('temporaryStayCaseWorkflow');
    expect(childDescription.parentExecution?.workflowId).toBe(handle.workflowId);

    await stack.env.sleep(3 * DAY);
    const readmittedAt = await stack.env.currentTimeMs();
    const s = await handle.executeUpdate(readmittedUpdate, { args: [{ readmittedAt }] });
    expect(s).toMatchObject({ step: 'closed', outcome: 'readmitted', closed: true });
    expect(s.temporaryStay?.signalled).toBeDefined();
    await resultOf(stack.env, handle);
    expect(await signalsTo(child.workflowId)).toContainEqual({ name: 'citizenUnavailable', reason: 'readmitted' });
    // The citizen is off the waiting list: the temporary-stay application is closed.
    const application = await eventually(async () => {
      const [a] = await stack.database.db.select().from(stayApplications).where(eq(stayApplications.caseId, child.caseId));
      return a?.status === 'closed' ? a : undefined;
    });
    expect(application).toMatchObject({ priority: 'indlagt_faerdigbehandlet', originCaseId: caseId });
    const period = await bedDays(caseId);
    expect(period?.readyAt.getTime()).toBe(start);
    expect(period?.endedAt?.getTime()).toBe(readmittedAt);
    expect(period?.endedByDischarge).toBe(false);
    expect((await caseRow(caseId))).toMatchObject({ step: 'closed', outcome: 'readmitted' });
    await expect(handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt: readmittedAt }] })).rejects.toThrow();
  });

  it('readmission before the assessment: the assessment deadline never fires', async () => {
    const { caseId, handle } = await openCase();
    await handle.executeUpdate(faerdigbehandletUpdate, { args: [{ readyAt: await stack.env.currentTimeMs() }] });
    await handle.executeUpdate(readmittedUpdate, { args: [{ readmittedAt: await stack.env.currentTimeMs() }] });
    await resultOf(stack.env, handle);
    await stack.env.sleep(20 * DAY);
    expect(await escalationsOf(caseId)).toHaveLength(0);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect((await bedDays(caseId))?.endedAt).not.toBeNull();
  });

  it('death during the follow-up after discharge home: neither follow-up deadline fires', async () => {
    const start = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase({ expectedDischargeDay: addDays(localDate(start), 1) });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: start }] });
    await handle.executeUpdate(decideUpdate, { args: [{ decision: { kind: 'more_help_at_home', minutesPerWeek: 90 } }] });
    const s = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt: await stack.env.currentTimeMs() }] });
    expect(s.followUpVisit).toBeDefined();
    expect(s.helpFollowUp).toBeDefined();
    await stack.env.sleep(2 * DAY);
    const died = await handle.executeUpdate(diedUpdate, { args: [{ diedAt: await stack.env.currentTimeMs() }] });
    expect(died).toMatchObject({ outcome: 'died', step: 'closed' });
    await resultOf(stack.env, handle);
    await stack.env.sleep(30 * DAY);
    expect(await escalationsOf(caseId)).toHaveLength(0);
    expect(await caseRow(caseId)).toMatchObject({ outcome: 'died' });
  });

  it('death while on the temporary-stay list: the temporary-stay case is told the citizen died', async () => {
    const start = await stack.env.currentTimeMs();
    const { handle } = await openCase();
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: start }] });
    const decided: HospitalDischargeStatus = await handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'temporary_stay', placeType: 'aflastning', purpose: 'clarify_housing' } }],
    });
    await handle.executeUpdate(diedUpdate, { args: [{ diedAt: await stack.env.currentTimeMs() }] });
    await resultOf(stack.env, handle);
    expect(await signalsTo(decided.temporaryStay!.workflowId)).toContainEqual({ name: 'citizenUnavailable', reason: 'died' });
    await eventually(async () => {
      const [a] = await stack.database.db.select().from(stayApplications).where(eq(stayApplications.caseId, decided.temporaryStay!.caseId));
      return a?.status === 'closed';
    });
  });

  it('a discharge before the temporary stay has a place is a discharge home while waiting: bed-days end on the discharge day; the stay keeps the citizen and reviews the priority', async () => {
    const start = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase();
    await handle.executeUpdate(faerdigbehandletUpdate, { args: [{ readyAt: start }] });
    await handle.executeUpdate(assessVulnerabilityUpdate, { args: [{ vulnerable: true }] });
    await handle.executeUpdate(recordConferenceUpdate, { args: [{ heldAt: start }] });
    const decided = await handle.executeUpdate(decideUpdate, {
      args: [{ decision: { kind: 'temporary_stay', placeType: 'rehabilitering', purpose: 'rehabilitation' } }],
    });
    await stack.env.sleep(4 * DAY);
    const dischargedAt = await stack.env.currentTimeMs();
    const s = await handle.executeUpdate(dischargedUpdate, { args: [{ dischargedAt }] });
    expect(s).toMatchObject({ dischargedTo: 'home', step: 'follow_up' });
    await handle.executeUpdate(followUpVisitUpdate, { args: [{ visitedAt: dischargedAt }] });
    expect(await resultOf(stack.env, handle)).toMatchObject({ outcome: 'discharged_home' });
    const [period] = await stack.database.db
      .select()
      .from(bedDayPeriods)
      .where(and(eq(bedDayPeriods.caseId, caseId)));
    expect(period?.endedAt?.getTime()).toBe(dischargedAt);
    expect(period?.endedByDischarge).toBe(true);
    expect((await signalsTo(decided.temporaryStay!.workflowId)).filter((x) => x.name === 'citizenUnavailable')).toHaveLength(0);
    expect((await signalsTo(decided.temporaryStay!.workflowId)).filter((x) => x.name === 'priorityReview')).toHaveLength(1);
    expect((await stack.env.client.workflow.getHandle(decided.temporaryStay!.workflowId).describe()).status.name).toBe('RUNNING');
    expect(await escalationsOf(caseId)).toHaveLength(0);
    // Leave no waiting temporary-stay case behind on this server.
    await stack.env.client.workflow.getHandle(decided.temporaryStay!.workflowId).signal('citizenUnavailable', { reason: 'no_longer_needed' });
  });
});
