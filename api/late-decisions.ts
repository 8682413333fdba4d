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

/** How long each step of the last look may take (ms): the poll for acceptance, the look at the workflow's task. */
const LOOK_MS = 200;
/** How far the API's clock and the server's may disagree when telling a task started before the decision was sent (ms). */
const CLOCK_MARGIN_MS = 100;
/** `UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED` (temporal.api.enums.v1). */
const STAGE_ACCEPTED = 2;

/**
 * A decision accepted by the workflow whose outcome is not known yet (`accepted`), or one a
 * workflow task that started before the decision's instant may still accept (`deciding`): answered
 * 202. The outcome is learnt by the repeat with the same key; the API also waits for it in the
 * background and keeps the decision's texts once it is known.
 */
export class DecisionPending extends Error {
  constructor(
    readonly workflowId: string,
    readonly updateId: string,
    readonly state: 'accepted' | 'deciding',
  ) {
    super('the decision is pending');
  }
}

export type Verdict<R> = { kind: 'result'; result: R } | { kind: 'refused'; error: unknown } | { kind: 'accepted' | 'deciding' | 'not-applied' };

/**
 * After the wait for an Update ran out (within ~0.4 s): its outcome if the workflow decided in the
 * meantime; `accepted` if it accepted it and the outcome is not known yet; `deciding` if a
 * workflow task is running that started after the decision was sent (so before its instant: it
 * may still accept it);
 * else `not-applied` — it was not accepted, and any task that starts from now on refuses it.
 */
export async function lastLook<R>(temporal: Client, handle: WorkflowHandle, updateId: string, sentAt: number): Promise<Verdict<R>> {
  const look = <T>(fn: () => Promise<T>) => temporal.withDeadline(Date.now() + LOOK_MS, fn);
  try {
    const polled = await look(() =>
      temporal.workflowService.pollWorkflowExecutionUpdate({
        namespace: temporal.options.namespace,
        updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId },
        identity: temporal.options.identity,
        waitPolicy: { lifecycleStage: STAGE_ACCEPTED },
      }),
    );
    if ((polled.stage ?? 0) >= STAGE_ACCEPTED) {
      try {
        return { kind: 'result', result: await look(() => handle.getUpdateHandle<R>(updateId).result()) };
      } catch (err) {
        return err instanceof WorkflowUpdateFailedError ? { kind: 'refused', error: err } : { kind: 'accepted' };
      }
    }
  } catch {
    // not accepted (still admitted, or unknown to the server)
  }
  try {
    const { raw } = await look(() => handle.describe());
    // a workflow task started after the decision was sent (and so before its instant) may carry it;
    // one started before cannot (an Update reaches a workflow in a task started after it arrived)
    const started = raw.pendingWorkflowTask?.startedTime;
    const startedAt = started ? Number(started.seconds ?? 0) * 1000 + Math.floor((started.nanos ?? 0) / 1e6) : undefined;
    return startedAt !== undefined && startedAt >= sentAt - CLOCK_MARGIN_MS ? { kind: 'deciding' } : { kind: 'not-applied' };
  } catch {
    return { kind: 'not-applied' };
  }
}

/** Waits (bounded) for a pending decision's outcome, then `then` with the result; a refusal or no outcome: nothing. */
export function whenDecided<R>(temporal: Client, pending: DecisionPending, then: (result: R) => Promise<unknown>, log: (msg: string) => void): void {
  const handle = temporal.workflow.getHandle(pending.workflowId);
  temporal
    .withDeadline(Date.now() + PENDING_WAIT_MS, () => handle.getUpdateHandle<R>(pending.updateId).result())
    .then(then, () => undefined)
    .catch(() => log('the texts of a decision that was pending could not be kept; the repeat with its key keeps them'));
}

/** How long the API waits in the background for a pending decision's outcome (ms). */
const PENDING_WAIT_MS = 15 * 60_000;
