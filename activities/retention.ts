/**
 * Retention of the look-up log (logning af opslag) and of expired idempotency keys: the one
 * activity of the nightly retention schedule (workflows/retention/workflow.ts). Idempotent: it
 * deletes what is older than a limit, and a repeat finds nothing more to delete.
 */
import type { Db } from '../db/client.js';
import { deleteAccessLogBefore, deleteExpiredIdempotencyKeys } from '../db/queries/access-log.js';

export interface RetentionLimits {
  /** Look-ups older than this many days are deleted (ACCESS_LOG_RETENTION_DAYS). */
  accessLogRetentionDays: number;
  /** Idempotency keys older than this many hours are deleted (IDEMPOTENCY_KEY_TTL_HOURS). */
  idempotencyKeyTtlHours: number;
}

export interface RetentionResult {
  lookUpsDeleted: number;
  idempotencyKeysDeleted: number;
}

export function createRetentionActivities(db: Db) {
  return {
    async deleteExpiredEntries(limits: RetentionLimits): Promise<RetentionResult> {
      const now = Date.now();
      const lookUpsDeleted = await deleteAccessLogBefore(db, new Date(now - limits.accessLogRetentionDays * 86_400_000));
      const idempotencyKeysDeleted = await deleteExpiredIdempotencyKeys(db, new Date(now - limits.idempotencyKeyTtlHours * 3_600_000));
      return { lookUpsDeleted, idempotencyKeysDeleted };
    },
  };
}
