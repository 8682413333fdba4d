/**
 * The one list of error codes meaning PostgreSQL (or the way to it) did not answer — the
 * connection, not the query. The API answers them 503 (`api/faults.ts`); an activity keeps
 * retrying them (`activities/errors.ts`).
 */

/** postgres.js connection error codes (errno names and its own). */
export const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** SQLSTATEs of a server that is there but does not serve (shutting down, starting, full, cancelled). */
const SERVER_NOT_SERVING = new Set([
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** Whether a driver error code means the database did not answer (class 08 is "connection exception"). */
export function isUnavailableCode(code: string): boolean {
  return CONNECTION_ERROR_CODES.has(code) || SERVER_NOT_SERVING.has(code) || code.startsWith('08');
}
