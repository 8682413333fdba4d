/**
 * The outbox (udbakke): letters to the citizen (afgørelsesbreve with klagevejledning) and
 * messages to providers, Ankestyrelsen and others, written once per (case, key) by an idempotent
 * activity and sent by the municipality's integrations (Digital Post, the providers' system),
 * which set `sent_at`. The texts are rendered here, in the database's process, from
 * `outbox_templates`: no letter text ever travels through a workflow.
 *
 * The older `notification_outbox` (core.ts) holds notifications to roles (escalations, tasks).
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { caseRef, createdNow, ts } from './core.js';

/**
 * One template per decision and message (skabelon). `subject` and `body` name facts as
 * `{{name}}`; with `complaint_guidance` the citizen's letter ends with the `complaint_guidance`
 * template (klagevejledning: where, how and by when to complain). The seeded texts are examples
 * (`is_example`): the municipality replaces them with its own.
 */
export const outboxTemplates = pgTable('outbox_templates', {
  code: text('code').primaryKey(),
  /** The addressee kind it is written to (domain/letters.ts OUTBOX_ADDRESSEE_KINDS). */
  addresseeKind: text('addressee_kind').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  /** Append the appeal guidance (klagevejledning) — every decision (afgørelse) to the citizen. */
  complaintGuidance: boolean('complaint_guidance').notNull().default(false),
  isExample: boolean('is_example').notNull().default(true),
  createdAt: createdNow(),
});

export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: caseRef(),
    /** The step's key, unique in the case (e.g. `letter:grant`, `provider:end:<provider id>`): written once. */
    key: text('key').notNull(),
    /** citizen | provider | ankestyrelsen | … (domain/letters.ts OUTBOX_ADDRESSEE_KINDS). */
    addresseeKind: text('addressee_kind').notNull(),
    /** citizens.id for the citizen, providers.id for a provider; null for a single body (Ankestyrelsen). */
    addresseeId: text('addressee_id'),
    templateCode: text('template_code').notNull(),
    /** The facts the template was rendered from (ids, codes, dates, numbers, registry labels). */
    facts: jsonb('facts').$type<Record<string, unknown>>().notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** The last day to complain, stated in a letter with appeal guidance (klagefrist). */
    complaintBy: date('complaint_by', { mode: 'string' }),
    createdAt: createdNow(),
    /** Set by the integration that sent it. */
    sentAt: ts('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_case_key_uq').on(t.caseId, t.key),
    index('outbox_unsent_idx').on(t.createdAt).where(sql`${t.sentAt} is null`),
    index('outbox_addressee_idx').on(t.addresseeKind, t.addresseeId, t.createdAt),
  ],
);
