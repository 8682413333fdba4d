/**
 * A 503 means not applied. Every Update the API sends carries the instant after which it must
 * not take effect (`workflows/shared/decision-deadline.ts` refuses it in the workflow): the
 * request's Temporal deadline less a guard, the time a worker may take to finish a workflow
 * task it started just before that instant. When the API stops waiting (503 `worker`), it has
 * looked once more for the outcome; none → the decision was not applied and never will be
 * (Temporal may still hold the Update, but any worker that gets it later refuses it).
 *
 * Not for the time-skipping test server, whose clock runs ahead of the wall clock.
 */
import { ApplicationFailure } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { Client, WorkflowUpdateFailedError, type Connection, type WorkflowClientInterceptor, type WorkflowHandle } from '@temporalio/client';
import { ARRIVED_TOO_LATE, NOT_AFTER_HEADER } from '../workflows/shared/decision-deadline.js';

/** The time a worker may take to finish a workflow task it started just before the instant (ms). */
export function guardMs(waitMs: number): number {
  return Math.min(1_000, Math.floor(waitMs / 4));
}

/** How long the API looks once more for an outcome after its wait ran out (ms). */
const LAST_LOOK_MS = 250;

/** A client on the same connection whose Updates carry their not-after instant. */
export function refusingLateDecisions(temporal: Client, waitMs: number): Client {
  const connection = temporal.connection as Connection;
  const guard = guardMs(waitMs);
  const stamp: WorkflowClientInterceptor = {
    startUpdate(input, next) {
      const deadline = connection.callContextStorage?.getStore()?.deadline;
      const until = deadline !== undefined ? Number(deadline) : Date.now() + waitMs;
      return next({ ...input, headers: { ...input.headers, [NOT_AFTER_HEADER]: defaultPayloadConverter.toPayload(until - guard) } });
    },
  };
  const own = temporal.options.interceptors?.workflow;
  return new Client({
    connection: temporal.connection,
    namespace: temporal.options.namespace,
    identity: temporal.options.identity,
    dataConverter: temporal.options.dataConverter,
    interceptors: { ...temporal.options.interceptors, workflow: [...(Array.isArray(own) ? own : []), stamp] },
  });
}

/** Whether an Update was refused because it reached the workflow after its instant. */
export function arrivedTooLate(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === ARRIVED_TOO_LATE;
}

/**
 * After the wait for an Update ran out: its outcome if the workflow decided in the meantime
 * (`{ result }`, or `{ error }` for a refusal), else undefined (not applied, and it will not be).
 */
export async function lastLook<R>(temporal: Client, handle: WorkflowHandle, updateId: string): Promise<{ result: R } | { error: unknown } | undefined> {
  try {
    return { result: await temporal.withDeadline(Date.now() + LAST_LOOK_MS, () => handle.getUpdateHandle<R>(updateId).result()) };
  } catch (err) {
    return err instanceof WorkflowUpdateFailedError ? { error: err } : undefined;
  }
}
