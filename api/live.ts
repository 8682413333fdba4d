/**
 * A workflow's live status for a read route. The database part of the answer does not depend on
 * Temporal: when the query cannot be answered (no worker, server unreachable) the route still
 * answers, with `liveError` saying why. The same when the status does not fit its contract (a
 * worker of another version during a rolling deploy): the page still answers, without it.
 *
 * A query replays the workflow on a worker when it is not in the worker's cache, so it is asked
 * only where a route is asked for it, and under a short deadline (`LIVE_STATUS_DEADLINE_MS`):
 * a busy worker makes the page answer without the live part, not wait.
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { z } from 'zod';

/** Whether a value can be answered through its contract (the names of the fields that cannot). */
export function unfit(contract: z.ZodType | undefined, value: unknown): string | undefined {
  if (!contract || value === null || value === undefined) return undefined;
  const encoded = z.safeEncode(contract, value as never);
  return encoded.success ? undefined : [...new Set(encoded.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5).join(', ');
}

/** How long a read route waits for a workflow's live status. */
export const LIVE_STATUS_DEADLINE_MS = 2_000;

export async function liveStatus<T>(
  temporal: Client,
  workflowId: string,
  query: QueryDefinition<T, []> | string,
  contract?: z.ZodType,
  deadlineMs = LIVE_STATUS_DEADLINE_MS,
): Promise<{ live: T | null; liveError?: string }> {
  let live: T;
  try {
    live = await temporal.withDeadline(Date.now() + deadlineMs, () => temporal.workflow.getHandle(workflowId).query<T, []>(query));
  } catch (err) {
    return { live: null, liveError: `workflow status unavailable: ${(err as Error).message}` };
  }
  const bad = unfit(contract, live);
  return bad ? { live: null, liveError: `workflow status in a shape this API version does not show (${bad})` } : { live };
}
