/**
 * The grant case's input, status and Updates. Ids, codes, dates, numbers and epoch instants only:
 * the letters' texts are rendered in the database (the outbox), the assessor's notes kept in
 * `decision_texts`.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { GrantReason, GrantRules } from '../../domain/grants.js';
import type { ActorRole, RuleSet } from '../../domain/rules.js';
import type { Obligation } from '../shared/obligations.js';
import type { CaseCore } from '../shared/case-core.js';
import type { Accepted } from '../shared/messages.js';
import type { GrantState, GrantTerms } from './state.js';

export { caseOpenedUpdate } from '../shared/messages.js';

export interface GrantCaseInput {
  caseId: string;
  citizenId: string;
  rules: RuleSet;
  grantRules: GrantRules;
  /** The decision the case opens with: a grant (handed to the provider) or a refusal (a letter, then closed). */
  decision: 'granted' | 'refused';
  terms: GrantTerms;
  /** The provider the citizen chose among the approved ones (a refusal names none). */
  providerCode: string;
  reason: GrantReason;
  /** Who decided (the 14:30 rule's phone task is theirs). */
  decidedBy: ActorRole;
  /** The case that opened it (a hospital discharge's "more help at home", a stay's "home with help"). */
  origin?: { caseId: string };
  /** Carried from the previous run (continue-as-new). */
  carried?: { state: GrantState; obligations: Obligation[]; leave?: number | null };
  /** Continue-as-new after this many history events (tests); default DEFAULT_MAX_HISTORY_EVENTS. */
  maxHistoryEvents?: number;
}

export type GrantStatus = {
  caseId: string;
  caseNumber: string;
  step: GrantState['step'];
  terms: GrantTerms;
  providerCode: string;
  providerChange?: GrantState['providerChange'];
  previousProvider?: GrantState['previousProvider'];
  endDay?: LocalDate;
  expiryDecided?: GrantState['expiryDecided'];
  outcome?: GrantState['outcome'];
  decisions: number;
  runs: number;
} & ReturnType<CaseCore['view']>;

export const grantStatusQuery = defineQuery<GrantStatus>('status');

export type GrantDecisionResult = { key: string; decision: number } & Accepted;

export interface ChangeGrantRequest {
  minutesPerDelivery: number;
  deliveriesPerWeek: number;
  fromDay: LocalDate;
  /** A new last day (temporary); null: permanent from now; absent: as before. */
  endsOn?: LocalDate | null;
  reason: GrantReason;
  decidedBy: ActorRole;
}
export const changeGrantUpdate = defineUpdate<GrantDecisionResult, [ChangeGrantRequest]>('changeGrant');

export interface EndGrantRequest {
  lastDay: LocalDate;
  reason: GrantReason;
  decidedBy: ActorRole;
}
export const endGrantUpdate = defineUpdate<GrantDecisionResult & { lastDay: LocalDate }, [EndGrantRequest]>('endGrant');

export interface ChangeProviderRequest {
  toProviderCode: string;
  decidedBy: ActorRole;
}
export const changeProviderUpdate = defineUpdate<GrantDecisionResult & { lastDayOfOld: LocalDate; firstDayOfNew: LocalDate }, [ChangeProviderRequest]>('changeProvider');

/** Before a temporary grant ends: let it end, or a new grant was made (a grant case of its own). */
export const decideExpiryUpdate = defineUpdate<{ key: string; late: boolean } & Accepted, [{ outcome: 'let_end' | 'new_grant' }]>('decideExpiry');

export interface DeliveredTimeRequest {
  providerCode: string;
  /** The Monday of the week. */
  weekStart: LocalDate;
  minutes: number;
}
export type DeliveredTimeResult = {
  key: string;
  significant: boolean;
  reason?: string;
  changePerDelivery?: number;
  changePerWeek?: number;
  deviationPercent?: number;
  /** The reassessment obligation it opened. */
  reassessment?: string;
};
export const recordDeliveredTimeUpdate = defineUpdate<DeliveredTimeResult, [DeliveredTimeRequest]>('recordDeliveredTime');

/** The assessor reassessed after a significant deviation and keeps the grant as it is (a change meets it as well). */
export const reassessedUpdate = defineUpdate<{ key: string; late: boolean }, [{}]>('reassessed');

/** The 14:30 rule's task: the provider has been phoned. */
export const providerPhonedUpdate = defineUpdate<{ key: string; late: boolean }, [{ key: string }]>('providerPhoned');
