/**
 * Leave (orlov) from MedCom HospitalNotification, end to end on the time-skipping server: the
 * hospital's STOR and SLOR messages through `POST /medcom/hospital-notifications` reach the
 * citizen's open hospital-discharge case; the case shows the citizen on leave (case row, work
 * queue, status, search attribute `CitizenOnLeave`), the vulnerability assessment — the kind
 * that pauses on leave (docs/medcom.md) — stands still across its overnight escalation, and
 * resumes with the time it had left: its instants move by the leave's length to the millisecond
 * and it escalates at the moved instant.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { escalations } from '../db/schema/index.js';
import { localDate } from '../domain/calendar.js';
import { hospitalDischargeStatusQuery } from '../workflows/hospital-discharge/messages.js';
import { CitizenOnLeaveKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { carePlanCase, deliverOk } from './medcom-cases.js';
import { earlierToday, eventually, useTestStack } from './helpers.js';
import { medcomScenario } from './medcom-support.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const KEY = 'vulnerability-assessment';

type Handle = ReturnType<typeof handleOf>;
const handleOf = (caseNumber: string) => stack.env.client.workflow.getHandle(caseNumber);
const { obligationRow, caseRow, skipTo, expectState, expectTurnsAt } = slaKit(stack, (h: Handle) => h.query(hospitalDischargeStatusQuery));



const queueItem = async (caseId: string) => {
  const res = await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as('dev-assessor') });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { caseId: string; obligation: string; slaState: string; citizenOnLeaveSince: string | null; escalationAt: string; dueDay: string }[]).find(
    (i) => i.caseId === caseId && i.obligation === KEY,
  );
};

describe('leave (STOR → SLOR) through the API on the time-skipping server', () => {
  it('pauses the vulnerability assessment across its overnight escalation and resumes it with the time left, to the millisecond', async () => {
    const cpr = fakeCpr('1946-03-14');
    const now = await stack.env.currentTimeMs();
    // received today (a minute ago, or at midnight just after it): the assessment is due the next working day, on track
    const opened = await carePlanCase(stack.app, cpr, { now, receivedAgoMs: now - earlierToday(MINUTE, now) });
    const handle = handleOf(opened.caseNumber);
    const before = (await expectState(handle, opened.id, KEY, 'on_track')).row;
    const dueAt0 = before.escalateAt.getTime();
    const atRiskAt0 = before.atRiskAt.getTime();

    const s = medcomScenario({ cpr });
    await deliverOk(stack.app, s, 'STIN');
    await deliverOk(stack.app, s, 'STOR');
    const paused = await expectState(handle, opened.id, KEY, 'paused');
    const pausedSince = Date.parse((paused.status.obligations.find((o) => o.key === KEY) as { pausedSince?: string }).pausedSince!);
    expect(paused.status.citizenOnLeaveSince).toEqual(expect.any(String));
    expect(paused.status.nextDueAt).toBeUndefined();
    const leaveRow = await caseRow(opened.id);
    expect(leaveRow.onLeaveSince?.getTime()).toBe(pausedSince);
    expect(leaveRow.slaState).toBe('paused');
    expect(await queueItem(opened.id)).toMatchObject({ slaState: 'paused', citizenOnLeaveSince: expect.any(String) });
    const sa = await eventually(async () => {
      const a = (await handle.describe()).typedSearchAttributes;
      return a.get(CitizenOnLeaveKey) === true ? a : undefined;
    });
    expect(sa.get(SlaStateKey)).toBe('paused');

    // the leave runs past the overnight escalation: nothing escalates, it stays paused
    await skipTo(dueAt0 + 26 * HOUR);
    await new Promise((r) => setTimeout(r, 500));
    expect((await obligationRow(opened.id, KEY))!.state).toBe('paused');
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, opened.id))).toHaveLength(0);

    await deliverOk(stack.app, s, 'SLOR');
    const resumed = await eventually(async () => {
      const r = await obligationRow(opened.id, KEY);
      return r && r.state !== 'paused' ? r : undefined;
    });
    const status = await handle.query(hospitalDischargeStatusQuery);
    const ob = status.obligations.find((o) => o.key === KEY) as { pausedMs?: number; state: string };
    const leave = ob.pausedMs!;
    // the leave's length: from the STOR's arrival to the SLOR's, the time skipped in between
    expect(leave).toBeGreaterThanOrEqual(dueAt0 + 26 * HOUR - pausedSince);
    expect(leave).toBeLessThan(dueAt0 + 26 * HOUR - pausedSince + 10 * MINUTE);
    expect(resumed.escalateAt.getTime()).toBe(dueAt0 + leave);
    expect(resumed.atRiskAt.getTime()).toBe(atRiskAt0 + leave);
    expect(resumed.dueDay).toBe(localDate(dueAt0 - 1 + leave));
    expect(status.vulnerabilityAssessment.dueDay).toBe(resumed.dueDay);
    expect(status.citizenOnLeaveSince).toBeUndefined();
    expect((await caseRow(opened.id)).onLeaveSince).toBeNull();
    await eventually(async () => ((await handle.describe()).typedSearchAttributes.get(CitizenOnLeaveKey) === false ? true : undefined));
    expect(await queueItem(opened.id)).toMatchObject({ citizenOnLeaveSince: null, dueDay: resumed.dueDay });

    // it escalates at the moved instant, not a moment early
    const state = resumed.atRiskAt.getTime() <= (await stack.env.currentTimeMs()) ? 'at_risk' : 'on_track';
    await expectTurnsAt(handle, opened.id, KEY, dueAt0 + leave, state === 'on_track' ? 'at_risk' : state, 'breached');
    const [escalation] = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, opened.id));
    expect(escalation!.scheduledFor.getTime()).toBe(dueAt0 + leave);
  });
});
