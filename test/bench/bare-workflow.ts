/**
 * The bench's physical limits (bundled on its own, never part of workflows/index.ts): the least a
 * Temporal case can be — a start, one no-op activity, the end; the least an overnight escalation
 * can be — a timer to an instant, then one row; the least a decision can be — an Update on a
 * running workflow that answers at once.
 */
import { condition, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

const { noop, row } = proxyActivities<{ noop(): Promise<void>; row(id: string): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function bareWorkflow(): Promise<void> {
  await noop();
}

/** A timer to `instant` (epoch ms), then one row: a bare overnight escalation. */
export async function bareTimerWorkflow(instant: number, id: string): Promise<void> {
  await sleep(Math.max(1, instant - Date.now()));
  await row(id);
}

export const bareUpdate = defineUpdate<number, [string]>('bare');

/** A running workflow whose Update answers at once: a bare decision. */
export async function bareEntityWorkflow(): Promise<void> {
  let n = 0;
  setHandler(bareUpdate, () => ++n);
  await condition(() => false);
}
