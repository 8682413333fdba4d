import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { auditLog, cases, citizens, escalations, notificationOutbox } from '../schema/index.js';

export interface NewCaseRecord {
  caseId: string;
  type: string;
  citizenId: string;
  workflowId: string;
  step: string;
  details: Record<string, unknown>;
  openedAt: Date;
}

/** Inserts the case row once; a retry finds it there and changes nothing. */
export async function insertCaseOnce(db: Db, rec: NewCaseRecord): Promise<boolean> {
  const inserted = await db
    .insert(cases)
    .values({
      id: rec.caseId,
      type: rec.type,
      citizenId: rec.citizenId,
      workflowId: rec.workflowId,
      step: rec.step,
      details: rec.details,
      openedAt: rec.openedAt,
    })
    .onConflictDoNothing({ target: cases.id })
    .returning({ id: cases.id });
  return inserted.length > 0;
}

export async function setCaseStep(
  db: Db,
  caseId: string,
  step: string,
  end?: { closedAt: Date; outcome: string },
): Promise<void> {
  await db
    .update(cases)
    .set({ step, updatedAt: new Date(), ...(end ? { closedAt: end.closedAt, outcome: end.outcome } : {}) })
    .where(eq(cases.id, caseId));
}

export async function mergeCaseDetails(db: Db, caseId: string, patch: Record<string, unknown>): Promise<void> {
  const [row] = await db.select({ details: cases.details }).from(cases).where(eq(cases.id, caseId));
  if (!row) return;
  await db
    .update(cases)
    .set({ details: { ...row.details, ...patch }, updatedAt: new Date() })
    .where(eq(cases.id, caseId));
}

export async function getCase(db: Db, caseId: string) {
  const [row] = await db.select().from(cases).where(eq(cases.id, caseId));
  return row;
}

/** Finds or creates the citizen for a CPR number; returns the pseudonymous citizen id. */
export async function upsertCitizen(db: Db, cpr: string, birthDate: string): Promise<string> {
  const [row] = await db
    .insert(citizens)
    .values({ cpr, birthDate })
    .onConflictDoUpdate({ target: citizens.cpr, set: { cpr } })
    .returning({ id: citizens.id });
  return row!.id;
}

export async function getCitizen(db: Db, citizenId: string) {
  const [row] = await db.select().from(citizens).where(eq(citizens.id, citizenId));
  return row;
}

export interface EscalationInput {
  caseId: string;
  /** The obligation's key (or its warning's key): unique within the case. */
  key: string;
  kind: string;
  severity: 'warning' | 'escalation';
  recipientRole: string;
  dueDay: string;
  scheduledFor: number;
  firedAt: number;
  message: string;
}

/** Writes the escalation and its notification exactly once per (case, key). */
export async function insertEscalationOnce(db: Db, e: EscalationInput): Promise<{ id: string; created: boolean }> {
  return db.transaction((tx) => insertEscalationOnceIn(tx, e));
}

/** The same, inside a transaction the caller holds. */
export async function insertEscalationOnceIn(tx: Tx, e: EscalationInput): Promise<{ id: string; created: boolean }> {
  const inserted = await tx
    .insert(escalations)
    .values({
      caseId: e.caseId,
      key: e.key,
      kind: e.kind,
      severity: e.severity,
      recipientRole: e.recipientRole,
      dueDay: e.dueDay,
      scheduledFor: new Date(e.scheduledFor),
      firedAt: new Date(e.firedAt),
      message: e.message,
    })
    .onConflictDoNothing({ target: [escalations.caseId, escalations.key] })
    .returning({ id: escalations.id });
  const created = inserted.length > 0;
  const [row] = created
    ? inserted
    : await tx
        .select({ id: escalations.id })
        .from(escalations)
        .where(and(eq(escalations.caseId, e.caseId), eq(escalations.key, e.key)));
  await tx
    .insert(notificationOutbox)
    .values({
      sourceKey: `escalation:${row!.id}`,
      recipientRole: e.recipientRole,
      caseId: e.caseId,
      subject: `${e.severity === 'warning' ? 'Warning' : 'Escalation'}: ${e.kind}`,
      body: e.message,
    })
    .onConflictDoNothing({ target: notificationOutbox.sourceKey });
  return { id: row!.id, created };
}

export async function caseHistory(db: Db, caseId: string) {
  return db
    .select({
      at: auditLog.at,
      userId: auditLog.userId,
      role: auditLog.role,
      action: auditLog.action,
      statusCode: auditLog.statusCode,
      detail: auditLog.detail,
    })
    .from(auditLog)
    // the case's changes; who read it is the look-up log's (access_log), shown to no case reader
    .where(and(eq(auditLog.caseId, caseId), ne(auditLog.method, 'GET')))
    .orderBy(desc(auditLog.at));
}

export async function caseEscalations(db: Db, caseId: string) {
  return db.select().from(escalations).where(eq(escalations.caseId, caseId)).orderBy(escalations.scheduledFor);
}
