/** Complaints (klagesager): the complaint row, written once per complaint case. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { auditLog, complaints, providers } from '../schema/index.js';

export type ComplaintRow = typeof complaints.$inferSelect;
export type NewComplaint = typeof complaints.$inferInsert;

/** Writes the complaint once (a repeated intake writes nothing). */
export async function insertComplaintOnce(db: Db, row: NewComplaint): Promise<void> {
  await db.insert(complaints).values(row).onConflictDoNothing({ target: complaints.caseId });
}

export async function getComplaint(db: Db, caseId: string): Promise<ComplaintRow | undefined> {
  const [row] = await db.select().from(complaints).where(eq(complaints.caseId, caseId));
  return row;
}

/** Removes a complaint whose case could not be opened (nothing half-written). */
export async function deleteComplaint(db: Db, caseId: string): Promise<void> {
  await db.delete(complaints).where(eq(complaints.caseId, caseId));
}

/** Whether an audit-log row is a change that took effect on the case (a decision recorded on it). */
export async function isDecisionOf(db: Db, auditId: number, caseId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.id, auditId), eq(auditLog.caseId, caseId), eq(auditLog.method, 'POST'), inArray(auditLog.statusCode, [200, 201])));
  return row !== undefined;
}

/** Whether a provider is in the registry (providers.code). */
export async function providerExists(db: Db, code: string): Promise<boolean> {
  const [row] = await db.select({ code: providers.code }).from(providers).where(eq(providers.code, code));
  return row !== undefined;
}
