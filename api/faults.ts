/**
 * Faults get 503 fast. Every route runs under deadlines: the Temporal calls of a request share
 * one gRPC deadline (`WORKER_TIMEOUT_MS` / `DEPENDENCY_TIMEOUT_MS`), every database wait is
 * bounded by `DEPENDENCY_TIMEOUT_MS` (postgres.js `connect_timeout` for a server that does not
 * answer, and a race on the whole handler for one that stops answering mid-request). What did
 * not answer becomes a 503 with `Retry-After` and `dependency`: `database`, `temporal` or
 * `worker` (Temporal answered but no worker accepted the case's Update in time).
 */
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { isUnavailableCode } from '../db/unavailable.js';
import type { Later } from './later.js';

export type Dependency = 'database' | 'temporal' | 'worker' | 'audit' | 'capacity';

export interface FaultOptions {
  /** How long the database or the Temporal server may take to answer (ms). */
  dependencyTimeoutMs: number;
  /** How long a case's Update may wait to be accepted by a worker (ms). */
  workerTimeoutMs: number;
}

export const DEFAULT_FAULT_OPTIONS: FaultOptions = { dependencyTimeoutMs: 5_000, workerTimeoutMs: 5_000 };

/**
 * How long a write that follows a change which took effect (its texts, audit row, kept answer)
 * may hold the answer back (ms); if the database does not answer in that time, the write waits
 * in the follow-up queue (`later.ts`) and the answer goes: the change happened.
 */
export const AFTER_CHANGE_MS = 500;

/** The value of `Retry-After` (seconds) on a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** `Retry-After` (seconds) when the decisions already waiting fill what the workers take (`admission.ts`): the queue moves in seconds. */
export const CAPACITY_RETRY_AFTER_SECONDS = 1;

const REASONS: Record<Dependency, string> = {
  database: 'the database did not answer in time',
  temporal: 'the workflow service (Temporal) did not answer',
  worker: 'no worker accepted the decision in time (the case is safe; the decision is not recorded yet)',
  audit: 'the audit row could not be written, so the request is not answered as done',
  capacity: 'as many decisions as the workers take are waiting for the workflow service; this one was not sent (nothing changed)',
};

export class DependencyUnavailable extends Error {
  constructor(readonly dependency: Dependency) {
    super(REASONS[dependency]);
  }
}

export function unavailableBody(dependency: Dependency) {
  return {
    statusCode: 503,
    error: 'Service Unavailable',
    message: `${REASONS[dependency]}; try again (a repeat with the same Idempotency-Key has no second effect)`,
    dependency,
  };
}


/** Whether an error (or one of its causes) means the database did not answer. */
export function databaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; errno?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && isUnavailableCode(e.code)) return true;
    if (e instanceof AggregateError && e.errors.some((x) => databaseUnavailable(x))) return true;
  }
  return false;
}

/** gRPC codes meaning Temporal did not answer in time or is overloaded (DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE). */
const TEMPORAL_UNAVAILABLE = new Set([4, 8, 14]);

/** Whether an error means the Temporal server (or a worker behind it) did not answer. */
export function temporalUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (!(err instanceof ServiceError)) return false;
  const code = (err.cause as { code?: number } | undefined)?.code;
  return code !== undefined && TEMPORAL_UNAVAILABLE.has(code);
}

/** Whether Temporal could not be reached at all (UNAVAILABLE): the call did not reach the server. */
export function unreachable(err: unknown): boolean {
  return err instanceof ServiceError && (err.cause as { code?: number } | undefined)?.code === 14;
}

/**
 * After a Temporal call ran out of time: was it the server, or did the server answer and no
 * worker took the task? One cheap call with a short deadline tells.
 */
export async function whoDidNotAnswer(temporal: Client, err: unknown): Promise<'temporal' | 'worker'> {
  const code = err instanceof ServiceError ? (err.cause as { code?: number } | undefined)?.code : undefined;
  if (code === 14) return 'temporal'; // UNAVAILABLE: the server itself
  try {
    await temporal.withDeadline(Date.now() + 1_000, () => temporal.workflowService.getSystemInfo({}));
    return 'worker';
  } catch {
    return 'temporal';
  }
}

/** `promise`, or DependencyUnavailable(dependency) after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, dependency: Dependency): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyUnavailable(dependency)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Every route's handler runs under a Temporal deadline and a time bound. Temporal calls end at
 * the deadline with their own error (classified in the error handler); what is still waiting
 * 0.6 s later (a decision's last look for its outcome takes up to 0.4 s) is answered 503 at once, naming the database when it does not answer a
 * ping either, else Temporal — within the dependency timeout + 1 s.
 */
export function registerDeadlines(app: FastifyInstance, temporal: Client, opts: FaultOptions, pingDatabase: () => Promise<void>): void {
  const temporalMs = Math.max(opts.dependencyTimeoutMs, opts.workerTimeoutMs);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.url.startsWith('/health')) return;
    const handler = route.handler;
    route.handler = function deadlined(request, reply) {
      const run = temporal.withDeadline(Date.now() + temporalMs, async () => handler.call(this, request, reply));
      return withinNamingCulprit(run, temporalMs + STILL_WAITING_MS, pingDatabase);
    };
  });
}

/** How long past the Temporal deadline a handler may still be waiting before it is answered 503. */
const STILL_WAITING_MS = 600;
/** How long the database has to answer the look that tells who kept the handler waiting. */
const CULPRIT_PING_MS = 300;

/**
 * `promise`, or — when it is still waiting after `ms` — a 503 naming what kept it: the database if
 * it does not answer a ping either, else Temporal (a call past its deadline that has not given
 * up, e.g. a connection that is being retried). The answer goes within `ms` + the ping's bound.
 */
function withinNamingCulprit<T>(promise: Promise<T>, ms: number, pingDatabase: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      within(pingDatabase(), CULPRIT_PING_MS, 'database').then(
        () => reject(new DependencyUnavailable('temporal')),
        () => reject(new DependencyUnavailable('database')),
      );
    }, ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A write that follows a change which took effect: given `AFTER_CHANGE_MS`; if the database does
 * not answer in that time it waits in `later` (as `retry`, default the write itself) and is written
 * as soon as it answers. Any other failure is thrown.
 */
export async function writeAfterChange(later: Later, what: string, write: () => Promise<unknown>, retry = write): Promise<void> {
  await within(write(), AFTER_CHANGE_MS, 'database').catch((err) => {
    if (!(err instanceof DependencyUnavailable) && !databaseUnavailable(err)) throw err;
    later.add(what, retry);
  });
}
