/**
 * A workflow's live status for a read route. The database part of the answer does not depend on
 * Temporal: when the query cannot be answered (no worker, server unreachable) the route still
 * answers, with `liveError` saying why.
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

export async function liveStatus<T>(
  temporal: Client,
  workflowId: string,
  query: QueryDefinition<T, []> | string,
): Promise<{ live: T | null; liveError?: string }> {
  try {
    return { live: await temporal.workflow.getHandle(workflowId).query<T, []>(query) };
  } catch (err) {
    return { live: null, liveError: `workflow status unavailable: ${(err as Error).message}` };
  }
}
