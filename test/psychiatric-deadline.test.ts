/**
 * The 12-week case-processing deadline (sagsbehandlingsfrist), its warnings, and both
 * daylight-saving changes, on the time-skipping server.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseBedDays } from '../api/bed-days.js';
import { escalations } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import {
  caseOpenedUpdate,
  endPsychiatricCaseUpdate,
  psychiatricCaseWorkflow,
  psychiatricStatusQuery,
  type PsychiatricCaseInput,
} from '../workflows/psychiatric/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { newCitizen } from './fixtures.js';
import { eventually, resultOf, useTestStack } from './helpers.js';


const stack = useTestStack({ temporal: 'time-skipping' });

async function openCase(receivedAt: number, extra: Partial<PsychiatricCaseInput> = {}) {
  const caseId = randomUUID();
  const { citizenId } = await newCitizen(stack.database.db);
  const handle = await stack.env.client.workflow.start(psychiatricCaseWorkflow, {
    workflowId: `case-${caseId}`,
    taskQueue: stack.worker.taskQueue,
    args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt, ward: 'test ward', rules: defaultRules, ...extra }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  return { caseId, handle };
}

const rowFor = async (caseId: string, key: string) =>
  (await stack.database.db.select().from(escalations).where(and(eq(escalations.caseId, caseId), eq(escalations.key, key))))[0];
const rowsFor = (caseId: string) => stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));

async function sleepUntil(instant: number) {
  const now = await stack.env.currentTimeMs();
  if (instant > now) await stack.env.sleep(instant - now);
}

/** Skips to one minute before `at`: nothing yet; then past it: the row, scheduled and fired at `at`. */
async function expectFiresExactlyAt(caseId: string, key: string, at: number) {
  await sleepUntil(at - 60_000);
  expect(await rowFor(caseId, key)).toBeUndefined();
  await stack.env.sleep(120_000);
  const row = await eventually(() => rowFor(caseId, key));
  expect(row.scheduledFor.getTime()).toBe(at);
  expect(row.firedAt.getTime()).toBeGreaterThanOrEqual(at);
  expect(row.firedAt.getTime()).toBeLessThan(at + 60_000);
  return row;
}

/**
 * The first year whose `monthDay` (MM-DD) lies after the server's current time (plus a margin)
 * and that passes `also` (the server's time moves on with every file its fork has run).
 */
async function nextYearWith(monthDay: string, also: (year: number) => boolean = () => true): Promise<number> {
  const now = await stack.env.currentTimeMs();
  let year = Number(localDate(now).slice(0, 4));
  while (localInstant(`${year}-${monthDay}`) < now + 86_400_000 || !also(year)) year++;
  return year;
}

/** Summer time has begun by the night after day 84 from 4 January (not so in every year). */
const summerTimeByDay85 = (year: number) =>
  formatLocal(overnightAfter(addDays(`${year}-01-04`, 84), 0)).endsWith('+02:00');

describe('psychiatric 12-week deadline (time-skipping server)', () => {
  it('warns at 8 and 11 weeks, escalates at 00:00 local of day 85, not at 23:59 of day 84', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase(now);
    const receivedDay = localDate(now);
    const deadlineDay = addDays(receivedDay, 84);

    const w8 = await expectFiresExactlyAt(caseId, 'deadline-warning-8w', localInstant(addDays(receivedDay, 56), 0));
    expect(w8).toMatchObject({ severity: 'warning', recipientRole: 'psychiatry_coordinator', dueDay: deadlineDay });
    // no placement decided at the first warning: the system flags a potential long course
    const afterW8 = await handle.query(psychiatricStatusQuery);
    expect(afterW8.longCourse).toMatchObject({ by: 'system', flaggedDay: addDays(receivedDay, 56) });
    expect(afterW8.meetings.next).toMatchObject({ number: 1, dueDay: addDays(receivedDay, 70) });

    await expectFiresExactlyAt(caseId, 'deadline-warning-11w', localInstant(addDays(receivedDay, 77), 0));
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.deadlineEscalatedAt).toBeUndefined();
    expect(status.nextDeadlines.map((d) => d.key)).toContain('deadline-12w');

    const row = await expectFiresExactlyAt(caseId, 'deadline-12w', overnightAfter(deadlineDay, 0));
    expect(row).toMatchObject({ dueDay: deadlineDay, severity: 'escalation', recipientRole: 'area_chief', kind: 'psychiatric_deadline_passed' });
    expect((await handle.query(psychiatricStatusQuery)).deadlineEscalatedAt).toBeDefined();
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
    await resultOf(stack.env, handle);
  });

  it('fires nothing after the case ended', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await openCase(now);
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_home' }] });
    const result = await resultOf(stack.env, handle);
    expect(result.nextDeadlines).toEqual([]);
    await stack.env.sleep(100 * 86_400_000);
    expect(await rowsFor(caseId)).toHaveLength(0);
    await expect(handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] })).rejects.toThrow();
  });

  it('received 2027-01-04 (or that date of the next year to come): 84 days over the change to summer time', async () => {
    const year = await nextYearWith('03-01', summerTimeByDay85);
    if (year === 2027) expect(formatLocal(localInstant('2027-01-04', 9))).toBe('2027-01-04T09:00:00+01:00');
    const receivedAt = localInstant(`${year}-01-04`, 9);
    const readyAt = localInstant(`${year}-01-04`, 8);
    const { caseId, handle } = await openCase(receivedAt, { notice: 'faerdigmelding', readyAt });
    const deadlineDay = addDays(`${year}-01-04`, 84); // 29 March (28 March in a leap year)
    const day85 = addDays(deadlineDay, 1);
    if (year === 2027) expect(deadlineDay).toBe('2027-03-29');
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.deadlineDay).toBe(deadlineDay);
    expect(status.deadlineEscalationAt).toBe(`${day85}T00:00:00+02:00`);
    const [w8, w11] = [addDays(`${year}-01-04`, 56), addDays(`${year}-01-04`, 77)]; // 1 and 22 March in 2027
    expect(status.warnings.map((w) => w.firesAt)).toEqual([`${w8}T00:00:00+01:00`, `${w11}T00:00:00+01:00`]);

    await expectFiresExactlyAt(caseId, 'deadline-warning-8w', localInstant(w8));
    await expectFiresExactlyAt(caseId, 'deadline-warning-11w', localInstant(w11));
    const row = await expectFiresExactlyAt(caseId, 'deadline-12w', overnightAfter(deadlineDay, 0));
    expect(formatLocal(row.scheduledFor.getTime())).toBe(`${day85}T00:00:00+02:00`);
    // the 23-hour day counts as one day: as of day 85, 5 January … day 85 = 85 days so far
    expect((await handle.query(psychiatricStatusQuery)).bedDays.days).toBe(85);

    // discharged on day 85: days 5 January … day 84 are paid, the discharge day is not
    await handle.executeUpdate(endPsychiatricCaseUpdate, {
      args: [{ outcome: 'discharged_home', at: localInstant(day85, 11) }],
    });
    const ended = await resultOf(stack.env, handle);
    expect(ended.bedDays.days).toBe(84);
    const priced = await eventually(async () => {
      const b = await caseBedDays(stack.database.db, caseId);
      return b?.endedAt ? b : undefined;
    });
    expect(priced.days).toBe(84);
    expect(priced.amountDkk).toBe(84 * 4396); // the psychiatric example rate
  });

  it('received on 16 August: 84 days over the change back to winter time', async () => {
    const year = await nextYearWith('10-11');
    const receivedAt = localInstant(`${year}-08-16`, 15);
    const { caseId, handle } = await openCase(receivedAt, { notice: 'faerdigmelding', readyAt: receivedAt });
    const deadlineDay = `${year}-11-08`;
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.deadlineDay).toBe(deadlineDay);
    expect(status.warnings.map((w) => w.firesAt)).toEqual([`${year}-10-11T00:00:00+02:00`, `${year}-11-01T00:00:00+01:00`]);
    expect(status.deadlineEscalationAt).toBe(`${year}-11-09T00:00:00+01:00`);

    await expectFiresExactlyAt(caseId, 'deadline-warning-8w', localInstant(`${year}-10-11`));
    await expectFiresExactlyAt(caseId, 'deadline-warning-11w', localInstant(`${year}-11-01`));
    await expectFiresExactlyAt(caseId, 'deadline-12w', localInstant(`${year}-11-09`));
    // discharged on the deadline day: 17 August … 7 November = 83 days, the 25-hour day counting once
    await handle.executeUpdate(endPsychiatricCaseUpdate, {
      args: [{ outcome: 'discharged_home', at: localInstant(deadlineDay, 10) }],
    });
    expect((await resultOf(stack.env, handle)).bedDays.days).toBe(83);
    const priced = await eventually(async () => {
      const b = await caseBedDays(stack.database.db, caseId);
      return b?.endedAt ? b : undefined;
    });
    expect(priced.days).toBe(83);
  });
});
