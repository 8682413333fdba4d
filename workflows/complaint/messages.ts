/**
 * The complaint case: its input, status and Updates. Ids, codes and dates only: the complaint's
 * and the statement's texts are kept in the database (decision_texts), never here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { RuleSet } from '../../domain/rules.js';
import type { ObligationView } from '../shared/obligations.js';

/** What the complaint is about: the decision (afgørelsen) or the delivery of the service (udførelsen). */
export type ComplaintAbout = 'decision' | 'delivery';
export const COMPLAINT_ABOUT: readonly ComplaintAbout[] = ['decision', 'delivery'];

/** The reconsideration's outcome: changed in the citizen's favour, or upheld wholly or partly (→ Ankestyrelsen). */
export type ReconsiderationOutcome = 'changed_in_favour' | 'upheld' | 'partly_upheld';
export const RECONSIDERATION_OUTCOMES: readonly ReconsiderationOutcome[] = ['changed_in_favour', 'upheld', 'partly_upheld'];

export type ComplaintOutcome = ReconsiderationOutcome | 'forwarded_to_provider' | 'withdrawn';

export interface ComplaintInput {
  caseId: string;
  citizenId: string;
  about: ComplaintAbout;
  /** The municipality's day of receipt (Copenhagen): the reconsideration's weeks run from it. */
  receivedOn: LocalDate;
  /** The case whose decision is complained about (any case type, open or ended). */
  concerns: { caseId: string; caseNumber: string };
  /** The provider whose delivery it is about (a delivery complaint goes to it). */
  providerCode?: string;
  /** A delivery complaint: the day the provider's written answer is due (default: receipt + 14 days). */
  providerAnswerBy?: LocalDate;
  rules: RuleSet;
}

export type ComplaintStep = 'reconsidering' | 'closed';

export interface ComplaintStatus {
  caseId: string;
  caseNumber: string;
  step: ComplaintStep;
  about: ComplaintAbout;
  receivedOn: LocalDate;
  concerns: { caseId: string; caseNumber: string };
  /** A decision complaint: reconsidered by the end of this day (receipt + 4 weeks). */
  reconsiderationDueDay?: LocalDate;
  providerCode?: string;
  providerAnswerBy?: LocalDate;
  outcome?: ComplaintOutcome;
  decidedAt?: string;
  /** The outbox keys written (letters and messages). */
  messages: string[];
  slaState: string | null;
  nextDueAt?: string;
  nextDueDay?: string;
  escalated: boolean;
  obligations: ObligationView[];
}

export const complaintStatusQuery = defineQuery<ComplaintStatus>('status');
/** Visitation has reconsidered (its statement in the database): the obligation is met, the letters go out, the case closes. */
export const reconsideredUpdate = defineUpdate<{ key: string; late: boolean; at: number; outcome: ReconsiderationOutcome; messages: string[] }, [{ outcome: ReconsiderationOutcome }]>(
  'complaintReconsidered',
);
/** The citizen withdrew the complaint: the obligation is cancelled, the case closes. */
export const withdrawComplaintUpdate = defineUpdate<ComplaintStatus, [{}]>('withdrawComplaint');
