/**
 * Activities of the grant case (bevilling). Thin and idempotent: the grant row is upserted per
 * case, a week's delivered time per (case, week, provider), a message put in the outbox once per
 * (case, key). The letters name services and providers by their registry names and the reason by
 * its text, looked up here: the workflow passes codes only.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client.js';
import { namesFor, upsertDeliveredWeek, upsertGrant, type GrantRecord } from '../db/queries/grant.js';
import { GRANT_REASONS, type GrantReason } from '../domain/grants.js';
import type { LetterFacts } from '../domain/letters.js';
import { createOutboxActivities } from './outbox.js';

export interface GrantMessage {
  caseId: string;
  key: string;
  addressee: { kind: 'citizen' | 'provider'; id: string };
  template: string;
  decidedOn: string;
  caseNumber: string;
  serviceCode: string;
  reason?: GrantReason;
  /** Provider codes the letter names (fact name → code): providerName, oldProviderName, newProviderName. */
  providers: Record<string, string>;
  /** Dates and numbers (startsOn, endsOn, minutesPerDelivery, …). */
  facts: Record<string, string | number | null>;
}

/** "fra 2026-03-10 (varig)" or "fra 2026-03-10 til og med 2026-04-30 (midlertidig)". */
function periodText(startsOn: unknown, endsOn: unknown): string {
  return endsOn ? `fra ${String(startsOn)} til og med ${String(endsOn)} (midlertidig)` : `fra ${String(startsOn)} (varig)`;
}

export function createGrantActivities(db: Db) {
  const outbox = createOutboxActivities(db);
  return {
    async recordGrant(g: Omit<GrantRecord, 'startsOn'> & { startsOn: string }): Promise<void> {
      await upsertGrant(db, g);
    },

    async recordDeliveredWeek(r: { caseId: string; providerCode: string; weekStart: string; minutes: number; reportedAt: number }): Promise<void> {
      await upsertDeliveredWeek(db, { ...r, reportedAt: new Date(r.reportedAt) });
    },

    /** A grant's letter or message, with the registry names and the reason's text, put in the outbox once. */
    async sendGrantMessage(m: GrantMessage): Promise<{ id: number; created: boolean }> {
      const names = await namesFor(db, { serviceCode: m.serviceCode, providerCodes: Object.values(m.providers) });
      if (!names.service) throw ApplicationFailure.nonRetryable(`no service ${m.serviceCode} in the catalogue`, 'UnknownService');
      const facts: LetterFacts = {
        ...m.facts,
        caseNumber: m.caseNumber,
        serviceName: names.service.nameDa,
        legalBasis: names.service.legalBasis,
        period: periodText(m.facts.startsOn, m.facts.endsOn),
        ...(m.reason ? { reason: GRANT_REASONS[m.reason] } : {}),
        ...Object.fromEntries(Object.entries(m.providers).map(([fact, code]) => [fact, names.providers.get(code) ?? code])),
      };
      return outbox.putInOutbox({ caseId: m.caseId, key: m.key, addressee: m.addressee, template: m.template, facts, decidedOn: m.decidedOn });
    },
  };
}
