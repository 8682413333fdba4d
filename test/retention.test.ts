/**
 * Retention (docs/access-log.md): the nightly Temporal Schedule deletes look-ups older than the
 * retention period and expired idempotency keys. A real schedule on the dev server, triggered
 * now: the old rows go, the recent ones stay; the run's result counts them.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ensureRetentionSchedule, RETENTION_LOCAL_TIME } from '../api/retention-schedule.js';
import { accessLog, idempotencyKeys } from '../db/schema/index.js';
import { eventually, useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev' });
const DAY = 86_400_000;

describe('the retention schedule', () => {
  it('is a real schedule, nightly in Copenhagen time; triggered, it deletes old look-ups and expired idempotency keys only', async () => {
    const db = stack.database.db;
    const citizenId = randomUUID();
    const now = Date.now();
    const row = (daysAgo: number) => ({ at: new Date(now - daysAgo * DAY), userId: 'retention-test', role: 'supervisor', use: 'GET /cases/:id', citizenId, purpose: 'case_handling', statusCode: 200, requestId: randomUUID() });
    await db.insert(accessLog).values([row(200), row(184), row(182), row(1)]);
    const user = `retention-${randomUUID()}`;
    const key = (hoursAgo: number) => ({ userId: user, key: `k-${hoursAgo}`, method: 'POST', path: '/x', statusCode: 200, response: null, createdAt: new Date(now - hoursAgo * 3_600_000) });
    await db.insert(idempotencyKeys).values([key(48), key(25), key(1)]);

    const scheduleId = `retention-test-${randomUUID()}`;
    const opts = { taskQueue: stack.worker.taskQueue, accessLogRetentionDays: 184, idempotencyKeyTtlHours: 24, scheduleId };
    expect(await ensureRetentionSchedule(stack.env.client, opts)).toBe('created');
    expect(await ensureRetentionSchedule(stack.env.client, opts)).toBe('updated'); // every start: brought up to date
    const handle = stack.env.client.schedule.getHandle(scheduleId);
    try {
      const described = await handle.describe();
      expect(described.spec.timezone).toBe('Europe/Copenhagen');
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: RETENTION_LOCAL_TIME.hour, end: RETENTION_LOCAL_TIME.hour, step: 1 }], minute: [{ start: RETENTION_LOCAL_TIME.minute, end: RETENTION_LOCAL_TIME.minute, step: 1 }] })]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow' });
      const next = described.info.nextActionTimes[0]!;
      // the next run is at 03:15 Copenhagen time, within a day
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('03:15');
      expect(next.getTime() - now).toBeLessThanOrEqual(DAY);

      await handle.trigger();
      const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action);
      const result = await stack.env.client.workflow.getHandle(started.workflow.workflowId, started.workflow.firstExecutionRunId).result();
      expect(result.lookUpsDeleted).toBeGreaterThanOrEqual(2);
      expect(result.idempotencyKeysDeleted).toBeGreaterThanOrEqual(2);

      const left = await db.select({ at: accessLog.at }).from(accessLog).where(eq(accessLog.citizenId, citizenId));
      expect(left.map((r) => Math.round((now - r.at.getTime()) / DAY)).sort((a, b) => a - b)).toEqual([1, 182]);
      const keys = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(inArray(idempotencyKeys.userId, [user]));
      expect(keys.map((k) => k.key)).toEqual(['k-1']);
    } finally {
      await handle.delete();
    }
  }, 120_000);
});
