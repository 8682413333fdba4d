/**
 * The nightly retention run (started by the Temporal Schedule `overgang-retention`, api/retention-schedule.ts):
 * deletes look-ups older than the retention period and expired idempotency keys, and answers how
 * many. Carries no personal data: its input is two numbers, its result two counts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RetentionLimits, RetentionResult } from '../../activities/retention.js';
import type { Activities } from '../../activities/index.js';

const { deleteExpiredEntries } = proxyActivities<Pick<Activities, 'deleteExpiredEntries'>>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5 },
  summary: 'delete expired look-ups and idempotency keys',
});

export async function retentionWorkflow(limits: RetentionLimits): Promise<RetentionResult> {
  return deleteExpiredEntries(limits);
}
