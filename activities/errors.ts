/**
 * Database errors of activities, classified once (issue 8, points 2 and 3).
 *
 * A value the database can never accept (SQLSTATE class 22 "data exception" — e.g. 22P05 a NUL
 * in text/jsonb, 22001 string too long, 22007/22008 bad datetime —, 23502 not-null, 23514
 * check) is a non-retryable `ApplicationFailure`: retrying it would fail for ever. A foreign key
 * violation (23503) is non-retryable once the activity has tried `FOREIGN_KEY_ATTEMPTS` times
 * (a referenced row written by another activity had its chance to appear). Everything else —
 * connection refused or lost, timeouts, serialization failures, a unique race — stays retryable.
 *
 * No failure carries the query's parameters (personal data): drizzle's error message holds the
 * query and every parameter, the driver's message may hold the value (22P02 quotes it). The
 * failure message names the activity, the SQLSTATE (or the driver's error code) and a reference
 * id; the structured log line with the same reference holds only `code`, `constraint`, `table`,
 * `column`, `dataType`, `routine`, `severity` — never `query`, `parameters`, `detail` or the
 * driver's message. Errors that do not come from the database pass through unchanged.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { createLogger } from '../config/logging.js';
import { CONNECTION_ERROR_CODES, isUnavailableCode } from '../db/unavailable.js';

/** Attempts after which a foreign key violation is taken as final. */
export const FOREIGN_KEY_ATTEMPTS = 5;

const SQLSTATE = /^[0-9A-Z]{5}$/;


/** The fields of a driver error that may be logged: names and codes, never values. */
export interface DatabaseErrorFacts {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
  dataType?: string;
  routine?: string;
  severity?: string;
}

export interface Classified {
  /** The failure's `type`. */
  type: string;
  nonRetryable: boolean;
  facts: DatabaseErrorFacts;
}

/** The driver error in an error's cause chain (drizzle wraps it in DrizzleQueryError). */
function driverError(err: unknown): Record<string, unknown> | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const o = e as Record<string, unknown>;
    if (typeof o.code === 'string' && (SQLSTATE.test(o.code) || CONNECTION_ERROR_CODES.has(o.code))) return o;
    e = o.cause;
  }
  return undefined;
}

function isDrizzleQueryError(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'DrizzleQueryError';
}

const str = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : undefined);

/**
 * Classifies a database error; undefined when the error does not come from the database.
 * `attempt` is the activity's attempt (1-based).
 */
export function classifyDatabaseError(err: unknown, attempt = 1): Classified | undefined {
  const d = driverError(err);
  if (!d) {
    if (isDrizzleQueryError(err)) return { type: 'DatabaseError', nonRetryable: false, facts: { code: 'unknown' } };
    return undefined;
  }
  const code = d.code as string;
  const facts: DatabaseErrorFacts = { code };
  // postgres.js names them constraint_name / table_name / column_name / data_type; PGlite camelCase.
  const constraint = str(d.constraint) ?? str(d.constraint_name);
  const table = str(d.table) ?? str(d.table_name);
  const column = str(d.column) ?? str(d.column_name);
  const dataType = str(d.dataType) ?? str(d.data_type);
  const routine = str(d.routine);
  const severity = str(d.severity);
  if (constraint) facts.constraint = constraint;
  if (table) facts.table = table;
  if (column) facts.column = column;
  if (dataType) facts.dataType = dataType;
  if (routine) facts.routine = routine;
  if (severity) facts.severity = severity;

  if (isUnavailableCode(code)) {
    return { type: 'DatabaseUnavailable', nonRetryable: false, facts };
  }
  if (code.startsWith('22')) return { type: 'DatabaseDataException', nonRetryable: true, facts };
  if (code === '23502') return { type: 'DatabaseNotNullViolation', nonRetryable: true, facts };
  if (code === '23514') return { type: 'DatabaseCheckViolation', nonRetryable: true, facts };
  if (code === '23503') {
    return { type: 'DatabaseForeignKeyViolation', nonRetryable: attempt >= FOREIGN_KEY_ATTEMPTS, facts };
  }
  return { type: 'DatabaseError', nonRetryable: false, facts };
}

export interface ActivityErrorLog {
  warn(message: string, attrs: Record<string, unknown>): void;
}

let outside: Logger | undefined;
const outsideActivityLog = (): Logger => (outside ??= createLogger('worker'));

/** The activity's attempt and logger, or (outside an activity) attempt = final and a pino logger. */
function activityContext(): { attempt: number; log: ActivityErrorLog } {
  try {
    const ctx = Context.current();
    return { attempt: ctx.info.attempt, log: ctx.log };
  } catch {
    return {
      attempt: Number.POSITIVE_INFINITY,
      log: { warn: (message, attrs) => outsideActivityLog().warn(attrs, message) },
    };
  }
}

/** The failure an activity reports for a database error: no query, no parameters, no value. */
export function toActivityFailure(activity: string, err: unknown, log?: ActivityErrorLog): unknown {
  const ctx = activityContext();
  const c = classifyDatabaseError(err, ctx.attempt);
  if (!c) return err;
  const reference = randomUUID();
  (log ?? ctx.log).warn('activity database error', {
    activity,
    reference,
    type: c.type,
    nonRetryable: c.nonRetryable,
    ...c.facts,
  });
  return ApplicationFailure.create({
    message: `${activity}: database error ${c.facts.code} (${c.type}), reference ${reference}`,
    type: c.type,
    nonRetryable: c.nonRetryable,
  });
}

type AnyFn = (...args: never[]) => Promise<unknown>;

/** Wraps every activity function so that its database errors are classified and scrubbed. */
export function withDatabaseErrors<T extends Record<string, AnyFn>>(activities: T, log?: ActivityErrorLog): T {
  const wrapped: Record<string, AnyFn> = {};
  for (const [name, fn] of Object.entries(activities)) {
    const run = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toActivityFailure(name, err, log);
      }
    };
    Object.defineProperty(run, 'name', { value: name });
    wrapped[name] = run;
  }
  return wrapped as T;
}
