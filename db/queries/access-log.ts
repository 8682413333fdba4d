/** The look-up log (logning af opslag) of one citizen, and its retention. */
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { isUuid } from '../../domain/ids.js';
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

/** A uuid[] literal (one parameter however many ids: a list of a thousand citizens is not a thousand parameters). */
function uuidArray(ids: readonly (string | null | undefined)[]): string {
  for (const id of ids) if (id != null && !isUuid(id)) throw new TypeError('not a uuid');
  return `{${ids.map((id) => id ?? 'NULL').join(',')}}`;
}

/** The citizens of cases, by one array parameter. */
export function citizensOfCases(db: Db, caseIds: readonly string[]): Promise<{ id: string; citizenId: string }[]> {
  return db.select({ id: cases.id, citizenId: cases.citizenId }).from(cases).where(sql`${cases.id} = any(${uuidArray(caseIds)}::uuid[])`);
}

/**
 * The look-up rows of one request in one statement: what the rows share (time, user, role, use,
 * purpose, status, request id) once, the citizens and cases as two arrays — not nine parameters a
 * row (a waiting list of a thousand citizens is one insert of nine parameters).
 */
export async function insertLookups(db: Db, rows: readonly (typeof accessLog.$inferInsert)[]): Promise<void> {
  const groups = new Map<string, (typeof accessLog.$inferInsert)[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.at, r.userId, r.role, r.use, r.purpose, r.statusCode, r.requestId]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    const r = group[0]!;
    await db.execute(sql`
      insert into ${accessLog} (at, user_id, role, use, purpose, status_code, request_id, citizen_id, case_id)
      select ${(r.at ?? new Date()).toISOString()}::timestamptz, ${r.userId}, ${r.role}, ${r.use}, ${r.purpose}, ${r.statusCode}::int, ${r.requestId}::uuid, shown.citizen_id, shown.case_id
      from unnest(${uuidArray(group.map((g) => g.citizenId))}::uuid[], ${uuidArray(group.map((g) => g.caseId))}::uuid[]) as shown(citizen_id, case_id)`);
  }
}
