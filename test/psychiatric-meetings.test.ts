/**
 * Long course → status meetings (statusmøder) every 14 days, on the time-skipping server:
 * due days, the overnight escalation of a missed meeting, the series stopping at the end, and
 * a case with 40 meetings keeping its history bounded (continue-as-new carrying the state).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { addDays, localDate, overnightAfter } from '../domain/calendar.js';
import {
  endPsychiatricCaseUpdate,
  flagLongCourseUpdate,
  psychiatricStatusQuery,
  recordStatusMeetingUpdate,
} from '../workflows/psychiatric/workflow.js';
import { eventually, resultOf, useTestStack } from './helpers.js';
import { DAY, psychiatricTestKit, refusalOf, retryingUpdate } from './psychiatric-support.js';


const stack = useTestStack({ temporal: 'time-skipping' });

const kit = psychiatricTestKit(() => ({ env: stack.env, database: stack.database, taskQueue: stack.worker.taskQueue }));

describe('status meetings every 14 days (time-skipping server)', () => {
  it('are due every 14 days after flagging; a recorded one does not escalate, a missed one escalates overnight; the series stops on discharge', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now, { notice: 'faerdigmelding', readyAt: now });
    const flag = await handle.executeUpdate(flagLongCourseUpdate, { args: [{}] });
    const flagDay = localDate(now);
    expect(flag).toMatchObject({ flaggedDay: flagDay, firstMeetingDueDay: addDays(flagDay, 14) });
    const s0 = await handle.query(psychiatricStatusQuery);
    expect(s0.meetings.next).toMatchObject({ number: 1, dueDay: addDays(flagDay, 14) });
    expect(s0.longCourse?.by).toBe('psychiatry_coordinator');

    // meeting 1 held on its due day: no escalation at the night after
    await kit.sleepUntil(overnightAfter(addDays(flagDay, 14), 0) - 3_600_000);
    const held = await handle.executeUpdate(recordStatusMeetingUpdate, { args: [{ heldOn: addDays(flagDay, 14) }] });
    expect(held).toMatchObject({ number: 1, dueDay: addDays(flagDay, 14), late: false, nextDueDay: addDays(flagDay, 28) });
    await stack.env.sleep(2 * 3_600_000);
    expect(await kit.rowFor(caseId, 'meeting-1')).toBeUndefined();

    // meeting 2 is not held: escalates at 00:00 after its due day, not a minute before
    const missed = await kit.expectFiresExactlyAt(caseId, 'meeting-2', overnightAfter(addDays(flagDay, 28), 0));
    expect(missed).toMatchObject({ kind: 'psychiatric_status_meeting_missed', recipientRole: 'area_chief', dueDay: addDays(flagDay, 28) });
    const s2 = await eventually(async () => {
      const s = await handle.query(psychiatricStatusQuery);
      return s.meetings.missed.includes(2) ? s : undefined;
    });
    expect(s2.meetings).toMatchObject({ held: 1, missed: [2], next: { number: 3, dueDay: addDays(flagDay, 42) } });

    // discharge: no meeting is due any more, nothing escalates afterwards
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_home' }] });
    const result = await resultOf(stack.env, handle);
    expect(result.meetings.next).toBeUndefined();
    await stack.env.sleep(120 * DAY);
    const keys = (await kit.rowsFor(caseId)).map((r) => r.key).sort();
    expect(keys).toEqual(['meeting-2']);
  });

  it('a meeting for a case not flagged as a long course, or dated in the future, is refused', async () => {
    const now = await stack.env.currentTimeMs();
    const { handle } = await kit.openCase(now);
    expect(await refusalOf(handle.executeUpdate(recordStatusMeetingUpdate, { args: [{ heldOn: localDate(now) }] }))).toMatch(
      /not flagged as a potential long course/,
    );
    await handle.executeUpdate(flagLongCourseUpdate, { args: [{}] });
    expect(
      await refusalOf(handle.executeUpdate(recordStatusMeetingUpdate, { args: [{ heldOn: addDays(localDate(now), 3) }] })),
    ).toMatch(/in the future/);
    expect(await refusalOf(handle.executeUpdate(flagLongCourseUpdate, { args: [{}] }))).toMatch(/already flagged/);
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
  });

  it('a case with 40 meetings keeps its history bounded: it continues-as-new carrying its state', async () => {
    const limit = 120;
    const now = await stack.env.currentTimeMs();
    const { caseId, handle, firstRunId } = await kit.openCase(now, {
      notice: 'faerdigmelding',
      readyAt: now,
      maxHistoryEvents: limit,
    });
    await handle.executeUpdate(flagLongCourseUpdate, { args: [{}] });
    for (let n = 1; n <= 40; n++) {
      const today = localDate(await stack.env.currentTimeMs());
      const r = await retryingUpdate(() => handle.executeUpdate(recordStatusMeetingUpdate, { args: [{ heldOn: today }] }));
      expect(r.number).toBe(n);
      await stack.env.sleep(14 * DAY);
    }
    const status = await eventually(async () => {
      const s = await handle.query(psychiatricStatusQuery);
      return s.meetings.held === 40 ? s : undefined;
    });
    expect(status.meetings.missed).toEqual([]);
    expect(status.meetings.recent).toHaveLength(10);
    expect(status.meetings.recent.at(-1)?.number).toBe(40);
    expect(status.meetings.next?.number).toBe(41);
    expect(status.deadlineEscalatedAt).toBeDefined(); // carried over from an earlier run
    expect(status.run).toBeGreaterThan(2);
    // follow the chain of runs: every run's history stays near the limit
    const lengths: number[] = [];
    let runId: string | undefined = firstRunId;
    while (runId) {
      const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await stack.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      const events: NonNullable<typeof history.events> = history.events ?? [];
      lengths.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(lengths.length).toBe(status.run);
    for (const l of lengths) expect(l).toBeLessThan(limit + 60);
    // no meeting escalated, and nothing was written twice across the runs
    const rows = await kit.rowsFor(caseId);
    expect(rows.filter((r) => r.key.startsWith('meeting-'))).toEqual([]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    await retryingUpdate(() => handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_home' }] }));
    expect((await resultOf(stack.env, handle)).meetings.held).toBe(40);
  });
});
