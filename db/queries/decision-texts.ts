/**
 * The free text written alongside a decision (`decision_texts`), for every case type: written
 * once per (case, key), read per case oldest first.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { decisionTexts } from '../schema/index.js';

export interface DecisionTextInput {
  caseId: string;
  /** The workflow's key for the step (unique per case): a repeated request writes nothing. */
  key: string;
  kind: string;
  body: Record<string, unknown>;
  userId: string;
  role: string;
  /** When the decision was accepted (epoch ms); the database's clock when absent. */
  at?: number;
}

export type DecisionTextRow = typeof decisionTexts.$inferSelect;

/** Writes the text once per (case, key); a repeat changes nothing. Answers whether it wrote. */
export async function insertDecisionTextOnce(db: Db | Tx, t: DecisionTextInput): Promise<boolean> {
  const inserted = await db
    .insert(decisionTexts)
    .values({ caseId: t.caseId, key: t.key, kind: t.kind, body: t.body, userId: t.userId, role: t.role, ...(t.at !== undefined ? { at: new Date(t.at) } : {}) })
    .onConflictDoNothing({ target: [decisionTexts.caseId, decisionTexts.key] })
    .returning({ id: decisionTexts.id });
  return inserted.length > 0;
}

/** The case's texts (of the given kinds, when given), oldest first. */
export async function decisionTextsOf(db: Db | Tx, caseId: string, kinds?: readonly string[]): Promise<DecisionTextRow[]> {
  if (kinds && kinds.length === 0) return [];
  return db
    .select()
    .from(decisionTexts)
    .where(and(eq(decisionTexts.caseId, caseId), kinds ? inArray(decisionTexts.kind, [...kinds]) : undefined))
    .orderBy(asc(decisionTexts.at), asc(decisionTexts.id));
}
