/** The look-up log (logning af opslag) of one citizen, and its retention. */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accessLog, cases, idempotencyKeys } from '../schema/index.js';

/** The look-ups on one citizen, oldest first, with the case number they were read for. */
export async function citizenAccessLog(db: Db, citizenId: string, opts: { from?: Date; limit: number }) {
  return db
    .select({
      at: accessLog.at,
      purpose: accessLog.purpose,
      use: accessLog.use,
      role: accessLog.role,
      userId: accessLog.userId,
      statusCode: accessLog.statusCode,
      caseId: accessLog.caseId,
      caseNumber: cases.workflowId,
    })
    .from(accessLog)
    .leftJoin(cases, eq(cases.id, accessLog.caseId))
    .where(and(eq(accessLog.citizenId, citizenId), opts.from ? gte(accessLog.at, opts.from) : undefined))
    .orderBy(asc(accessLog.at), asc(accessLog.id))
    .limit(opts.limit);
}

/** Retention: look-ups older than `before` are deleted; the number deleted. */
export async function deleteAccessLogBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(accessLog).where(lt(accessLog.at, before)).returning({ id: accessLog.id });
  return rows.length;
}

/**
 * Retention: idempotency keys older than their time (`before`: now minus IDEMPOTENCY_KEY_TTL_HOURS).
 * An intake's binding outlives its key: it is kept with its case (`intake` in api/decisions.ts).
 */
export async function deleteExpiredIdempotencyKeys(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).returning({ key: idempotencyKeys.key });
  return rows.length;
}
