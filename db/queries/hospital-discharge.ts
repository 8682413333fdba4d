import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { carePlans, decisionTexts, dischargeTasks, notificationOutbox, providerHandovers } from '../schema/index.js';
import { insertDecisionTextOnce } from './decision-texts.js';

export type CarePlanRecord = typeof carePlans.$inferInsert;

/** Stores the care plan once; a repeated intake (same case id) changes nothing. */
export async function insertCarePlanOnce(db: Db | Tx, rec: CarePlanRecord): Promise<void> {
  await db.insert(carePlans).values(rec).onConflictDoNothing({ target: carePlans.caseId });
}

export async function getCarePlan(db: Db, caseId: string) {
  const [row] = await db.select().from(carePlans).where(eq(carePlans.caseId, caseId));
  return row;
}

export interface NoteInput {
  caseId: string;
  key: string;
  kind: string;
  body: string;
  userId: string;
  role: string;
}

/** Writes a note (to `decision_texts`, body `{ text }`) once per (case, key). */
export async function insertNoteOnce(db: Db | Tx, note: NoteInput): Promise<void> {
  await insertDecisionTextOnce(db, { ...note, body: { text: note.body } });
}

/** The case's notes, oldest first, each `body` the note's text. */
export async function caseNotes(db: Db, caseId: string) {
  return db
    .select({
      kind: decisionTexts.kind,
      body: sql<string>`${decisionTexts.body}->>'text'`,
      userId: decisionTexts.userId,
      role: decisionTexts.role,
      at: decisionTexts.at,
    })
    .from(decisionTexts)
    .where(eq(decisionTexts.caseId, caseId))
    .orderBy(asc(decisionTexts.at), asc(decisionTexts.id));
}

export interface HandoverInput {
  caseId: string;
  key: string;
  decision: string;
  minutesPerWeek?: number;
  handedAt: Date;
  startsOn: string;
  phoneProvider: boolean;
  /** Who must phone the provider (the role that made the decision). */
  recipientRole: string;
  phoneMessage: string;
}

/** The id of a row written once per (case, key): by this call, or earlier by a repeat. */
async function idOf(tx: Tx, table: typeof providerHandovers | typeof dischargeTasks, caseId: string, key: string): Promise<string> {
  const [row] = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.caseId, caseId), eq(table.key, key)));
  return row!.id;
}

/**
 * Records the decision handed to the provider and, when the 14:30 rule applies, the
 * "phone the provider" task and its notification — all once per (case, key), in one transaction.
 */
export async function recordHandoverOnce(db: Db, h: HandoverInput): Promise<{ handoverId: string; taskId?: string }> {
  return db.transaction(async (tx) => {
    await tx
      .insert(providerHandovers)
      .values({
        caseId: h.caseId,
        key: h.key,
        decision: h.decision,
        minutesPerWeek: h.minutesPerWeek ?? null,
        handedAt: h.handedAt,
        startsOn: h.startsOn,
        phoneProvider: h.phoneProvider,
      })
      .onConflictDoNothing({ target: [providerHandovers.caseId, providerHandovers.key] });
    const handoverId = await idOf(tx, providerHandovers, h.caseId, h.key);
    if (!h.phoneProvider) return { handoverId };
    const taskKey = `phone-provider:${h.key}`;
    await tx
      .insert(dischargeTasks)
      .values({
        caseId: h.caseId,
        key: taskKey,
        kind: 'phone_provider',
        recipientRole: h.recipientRole,
        dueDay: h.startsOn,
        message: h.phoneMessage,
      })
      .onConflictDoNothing({ target: [dischargeTasks.caseId, dischargeTasks.key] });
    const taskId = await idOf(tx, dischargeTasks, h.caseId, taskKey);
    await tx
      .insert(notificationOutbox)
      .values({
        sourceKey: `task:${taskId}`,
        recipientRole: h.recipientRole,
        caseId: h.caseId,
        subject: 'Task: phone the provider',
        body: h.phoneMessage,
      })
      .onConflictDoNothing({ target: notificationOutbox.sourceKey });
    return { handoverId, taskId };
  });
}

export async function caseHandovers(db: Db, caseId: string) {
  return db.select().from(providerHandovers).where(eq(providerHandovers.caseId, caseId)).orderBy(asc(providerHandovers.handedAt));
}

export async function listTasks(db: Db, filter: { status?: string; caseId?: string }) {
  const where = [];
  if (filter.status) where.push(eq(dischargeTasks.status, filter.status));
  if (filter.caseId) where.push(eq(dischargeTasks.caseId, filter.caseId));
  return db
    .select()
    .from(dischargeTasks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(dischargeTasks.createdAt));
}

export async function getTask(db: Db, taskId: string) {
  const [row] = await db.select().from(dischargeTasks).where(eq(dischargeTasks.id, taskId));
  return row;
}

/** Marks an open task done; returns false when it was not open. */
export async function completeTask(db: Db, taskId: string, userId: string): Promise<boolean> {
  const updated = await db
    .update(dischargeTasks)
    .set({ status: 'done', doneBy: userId, doneAt: new Date() })
    .where(and(eq(dischargeTasks.id, taskId), eq(dischargeTasks.status, 'open')))
    .returning({ id: dischargeTasks.id });
  return updated.length > 0;
}
