/**
 * The nightly retention schedule: a Temporal Schedule (`overgang-retention`, visible under
 * Schedules in the Web UI) that runs `retentionWorkflow` every night at 03:15 Copenhagen time —
 * deleting look-ups older than ACCESS_LOG_RETENTION_DAYS and idempotency keys older than
 * IDEMPOTENCY_KEY_TTL_HOURS. The API makes sure it exists at start, with today's limits and task
 * queue (an existing schedule is updated: a changed retention takes effect the next night).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { RetentionLimits } from '../activities/retention.js';
import { ZONE } from '../domain/calendar.js';

export const RETENTION_SCHEDULE_ID = 'overgang-retention';
/** When it runs: at night, local time (outside office hours, after the day's look-ups). */
export const RETENTION_LOCAL_TIME = { hour: 3, minute: 15 } as const;

export interface RetentionScheduleOptions extends RetentionLimits {
  taskQueue: string;
  /** Another id (the tests: one schedule per test file on the shared server). */
  scheduleId?: string;
}

function scheduleOf(opts: RetentionScheduleOptions): ScheduleOptions {
  const limits: RetentionLimits = { accessLogRetentionDays: opts.accessLogRetentionDays, idempotencyKeyTtlHours: opts.idempotencyKeyTtlHours };
  const scheduleId = opts.scheduleId ?? RETENTION_SCHEDULE_ID;
  return {
    scheduleId,
    spec: { calendars: [{ hour: RETENTION_LOCAL_TIME.hour, minute: RETENTION_LOCAL_TIME.minute }], timezone: ZONE },
    action: { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: `${scheduleId}-run`, taskQueue: opts.taskQueue, args: [limits] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    state: { note: 'Deletes look-ups (logning af opslag) past their retention and expired idempotency keys (docs/access-log.md)' },
  };
}

/** Creates the schedule, or brings an existing one to today's limits and task queue. */
export async function ensureRetentionSchedule(client: Client, opts: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const options = scheduleOf(opts);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
    return 'updated';
  }
}
