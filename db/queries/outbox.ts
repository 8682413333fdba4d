/**
 * The outbox (udbakke): one message per (case, key), rendered from its template in the database's
 * process. Idempotent: a repeat with the same (case, key) answers the row already written and
 * renders nothing again.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { outbox, outboxTemplates } from '../schema/index.js';
import { complaintDeadline, renderLetterText, type LetterFacts, type OutboxAddresseeKind } from '../../domain/letters.js';
import type { LocalDate } from '../../domain/calendar.js';

export interface OutboxInput {
  caseId: string;
  /** Unique in the case: the step that wrote it (e.g. `letter:grant`, `provider:end:<id>`). */
  key: string;
  addressee: { kind: OutboxAddresseeKind; id?: string | null };
  template: string;
  facts: LetterFacts;
  /** The Copenhagen day the decision was made and the letter written: the appeal period is stated from it. */
  decidedOn: LocalDate;
}

export type OutboxRow = typeof outbox.$inferSelect;

/** The template is missing, or written for another kind of addressee: a repeat cannot help. */
export class OutboxTemplateError extends Error {
  constructor(readonly template: string, readonly reason: 'unknown_template' | 'addressee_mismatch' | 'no_complaint_guidance') {
    super(`outbox template ${template}: ${reason}`);
    this.name = 'OutboxTemplateError';
  }
}

async function templateOf(tx: Tx, code: string) {
  const [row] = await tx.select().from(outboxTemplates).where(eq(outboxTemplates.code, code));
  return row;
}

/** The subject, body and appeal deadline of a message: its template, and the appeal guidance after it when the template asks. */
async function render(tx: Tx, m: OutboxInput, complaintWeeks: number) {
  const t = await templateOf(tx, m.template);
  if (!t) throw new OutboxTemplateError(m.template, 'unknown_template');
  if (t.addresseeKind !== m.addressee.kind) throw new OutboxTemplateError(m.template, 'addressee_mismatch');
  const facts: LetterFacts = { ...m.facts, decidedOn: m.decidedOn };
  let body = renderLetterText(t.code, t.body, facts);
  let complaintBy: string | null = null;
  if (t.complaintGuidance) {
    const g = await templateOf(tx, 'complaint_guidance');
    if (!g) throw new OutboxTemplateError('complaint_guidance', 'no_complaint_guidance');
    complaintBy = complaintDeadline(m.decidedOn, complaintWeeks);
    body += '\n\n' + renderLetterText(g.code, g.body, { ...facts, toldOn: m.decidedOn, complaintBy, complaintWeeks });
  }
  return { subject: renderLetterText(t.code, t.subject, facts), body, complaintBy };
}

/**
 * Puts a message in the outbox once per (case, key). Answers its id and whether this call wrote
 * it. Throws `OutboxTemplateError` or `MissingLetterFact` (domain/letters.ts) when the template
 * cannot be rendered with the facts given — final, not to be retried.
 */
export async function putInOutboxOnce(db: Db, m: OutboxInput, complaintWeeks: number): Promise<{ id: number; created: boolean }> {
  return db.transaction(async (tx) => {
    const existing = await outboxRowOf(tx, m.caseId, m.key);
    if (existing) return { id: existing.id, created: false };
    const r = await render(tx, m, complaintWeeks);
    const inserted = await tx
      .insert(outbox)
      .values({
        caseId: m.caseId,
        key: m.key,
        addresseeKind: m.addressee.kind,
        addresseeId: m.addressee.id ?? null,
        templateCode: m.template,
        facts: { ...m.facts, decidedOn: m.decidedOn },
        subject: r.subject,
        body: r.body,
        complaintBy: r.complaintBy,
      })
      .onConflictDoNothing({ target: [outbox.caseId, outbox.key] })
      .returning({ id: outbox.id });
    if (inserted[0]) return { id: inserted[0].id, created: true };
    const row = await outboxRowOf(tx, m.caseId, m.key);
    return { id: row!.id, created: false };
  });
}

async function outboxRowOf(db: Db | Tx, caseId: string, key: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(and(eq(outbox.caseId, caseId), eq(outbox.key, key)));
  return row;
}

/** A case's messages, oldest first (optionally only those to one kind of addressee). */
export async function outboxOfCase(db: Db | Tx, caseId: string, addresseeKind?: string): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.caseId, caseId), addresseeKind ? eq(outbox.addresseeKind, addresseeKind) : undefined))
    .orderBy(asc(outbox.createdAt), asc(outbox.id));
}

/** Marks a message sent (by the integration that sent it); false when it was sent already. */
export async function markOutboxSent(db: Db, id: number, at: Date = new Date()): Promise<boolean> {
  const updated = await db.update(outbox).set({ sentAt: at }).where(and(eq(outbox.id, id), isNull(outbox.sentAt))).returning({ id: outbox.id });
  return updated.length > 0;
}
