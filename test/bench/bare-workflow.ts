/**
 * The bench's physical limit (bundled on its own, never part of workflows/index.ts): the least a
 * Temporal case can be — a start, one no-op activity, the end.
 */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function bareWorkflow(): Promise<void> {
  await noop();
}
