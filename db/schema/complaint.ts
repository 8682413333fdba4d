/**
 * Complaints (klagesager, 003 "Behandling af klagesager"; retssikkerhedsloven §§ 66–67): one row
 * per complaint case — the decision (and its case, of any type, open or ended) complained about,
 * what the complaint concerns, the municipality's day of receipt (its 4 weeks run from it) and,
 * when it came in through a provider, which one and the day the provider received it. The
 * complaint's and the statement's texts are in `decision_texts` (kinds `complaint`,
 * `complaint_statement`); the letters and messages in the `outbox`.
 */
import { bigint, date, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdNow } from './core.js';
import { cases } from './core.js';

export const complaints = pgTable(
  'complaints',
  {
    /** The complaint case. */
    caseId: uuid('case_id')
      .primaryKey()
      .references(() => cases.id),
    /** The case whose decision is complained about (any case type; open or ended). */
    concernsCaseId: uuid('concerns_case_id')
      .notNull()
      .references(() => cases.id),
    /** The decision complained about: its audit-log row (the change that recorded it), where named. */
    concernsDecisionAuditId: bigint('concerns_decision_audit_id', { mode: 'number' }),
    /** `decision` (afgørelsen) or `delivery` (udførelsen af indsatsen: the provider's responsibility). */
    about: text('about').notNull(),
    /** The municipality's day of receipt: the reconsideration's weeks run from it. */
    receivedOn: date('received_on').notNull(),
    /** `citizen` (directly) or `provider` (forwarded by the provider). */
    receivedVia: text('received_via').notNull(),
    /** The provider (providers.code) that forwarded it, or whose delivery it is about. */
    providerCode: text('provider_code'),
    /** The day the provider received it (forwarded complaints). */
    providerReceivedOn: date('provider_received_on'),
    createdAt: createdNow(),
  },
  (t) => [index('complaints_concerns_idx').on(t.concernsCaseId)],
);
