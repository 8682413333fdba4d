/**
 * The complaint's dates and its letters and messages, pure: which outbox messages an outcome
 * writes (each under its own key, so exactly one of each), from ids, codes and dates.
 */
import { addDays, addWeeks, type LocalDate } from '../../domain/calendar.js';
import { COMPLAINT_PROVIDER_ANSWER_DAYS, COMPLAINT_RECONSIDERATION_WEEKS, type RuleSet } from '../../domain/rules.js';
import type { OutboxAddresseeKind } from '../../domain/letters.js';
import type { ComplaintInput, ReconsiderationOutcome } from './messages.js';

export const RECONSIDERATION_KEY = 'reconsideration';

/** Retssikkerhedsloven § 66: reconsidered within 4 weeks (configurable) of the municipality's receipt — the same weekday. */
export function reconsiderationDueDay(receivedOn: LocalDate, rules: RuleSet): LocalDate {
  return addWeeks(receivedOn, rules.complaintReconsiderationWeeks ?? COMPLAINT_RECONSIDERATION_WEEKS);
}

/** 003: the provider's written answer to a delivery complaint is due by the day stated in the request. */
export function providerAnswerDay(input: Pick<ComplaintInput, 'receivedOn' | 'providerAnswerBy'>): LocalDate {
  return input.providerAnswerBy ?? addDays(input.receivedOn, COMPLAINT_PROVIDER_ANSWER_DAYS);
}

export interface ComplaintMessage {
  key: string;
  addressee: { kind: OutboxAddresseeKind; id?: string };
  template: string;
  facts: Record<string, string>;
}

/** How much of the decision stands, as the letters say it (a label of the outcome code). */
const EXTENT: Record<Exclude<ReconsiderationOutcome, 'changed_in_favour'>, string> = { upheld: 'helt', partly_upheld: 'delvist' };

/**
 * The letters and messages of a reconsideration: changed in the citizen's favour → a letter to the
 * citizen (a new decision, with appeal guidance); upheld wholly or partly → the complaint with the
 * statement to Ankestyrelsen and a letter telling the citizen it went on.
 */
export function reconsiderationMessages(
  outcome: ReconsiderationOutcome,
  c: { caseNumber: string; citizenId: string; input: Pick<ComplaintInput, 'receivedOn' | 'concerns'> },
): ComplaintMessage[] {
  const facts = { caseNumber: c.caseNumber, concernsCaseNumber: c.input.concerns.caseNumber, receivedOn: c.input.receivedOn };
  const citizen = { kind: 'citizen' as const, id: c.citizenId };
  if (outcome === 'changed_in_favour') return [{ key: 'letter:decision-changed', addressee: citizen, template: 'complaint_decision_changed', facts }];
  const extent = EXTENT[outcome];
  return [
    {
      key: 'ankestyrelsen:complaint',
      addressee: { kind: 'ankestyrelsen' },
      template: 'complaint_to_ankestyrelsen',
      facts: { ...facts, extent, statementRef: `${c.caseNumber}/${RECONSIDERATION_KEY}` },
    },
    { key: 'letter:forwarded', addressee: citizen, template: 'complaint_forwarded_citizen', facts: { ...facts, extent } },
  ];
}

/** 003: a complaint about the delivery is the provider's responsibility: it goes to the provider with the answer deadline. */
export function deliveryMessage(c: { caseNumber: string; input: ComplaintInput }): ComplaintMessage {
  return {
    key: 'provider:delivery-complaint',
    addressee: { kind: 'provider', id: c.input.providerCode! },
    template: 'complaint_delivery_provider',
    facts: { caseNumber: c.caseNumber, concernsCaseNumber: c.input.concerns.caseNumber, receivedOn: c.input.receivedOn, answerBy: providerAnswerDay(c.input) },
  };
}
