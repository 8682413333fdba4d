/**
 * `decision_texts`: the free text written alongside a decision, for every case type — the
 * citizen's wishes and choice, status-meeting decisions, disagreement reasons and chief-level
 * decisions (psychiatric), re-routing reasons, conference notes, holistic assessments and
 * follow-up notes (hospital discharge). Health details: kept only here, never in a workflow
 * (input, history, search attributes). One table since migration 0014, which copied the former
 * `psychiatric_records` (body as it was) and `discharge_notes` (body `{ text }`) into it.
 */
import { bigserial, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { caseRef, ts } from './core.js';


/**
 * One text per (case, key). `key` is the workflow's key for the step (e.g. `meeting-3`, or
 * `reroute_reason:<update id>`), so a repeated request never writes a second row. `kind` says
 * what the text is (involvement, status_meeting, disagreement, reroute_reason, …); `body` is an
 * object (a hospital-discharge note is `{ text }`).
 */
export const decisionTexts = pgTable(
  'decision_texts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: caseRef(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('decision_texts_case_key_uq').on(t.caseId, t.key), index('decision_texts_case_at_idx').on(t.caseId, t.at)],
);
