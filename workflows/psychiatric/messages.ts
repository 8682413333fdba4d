/**
 * What the API may ask of a psychiatric case (queries) and tell it (updates, each with a
 * validator in the workflow: an out-of-step decision is refused with its reason). Arguments
 * carry ids, dates and decision codes only; the free text of a decision goes to the database.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseCore } from '../shared/case-core.js';
import type { LocalDate } from '../../domain/calendar.js';
import type { ChoiceOverrideReason, ExternalPurchaseReason } from '../../domain/rules.js';
import type { ChiefDecision, EndRequest, NoticeRequest, PsychiatricFacts } from './state.js';

import type { Accepted } from '../shared/messages.js';

export { caseOpenedUpdate } from '../shared/messages.js';

/** The status query: the case's facts, its case number and its obligations (SLA view). */
export type PsychiatricCaseStatus = PsychiatricFacts & { caseNumber: string } & ReturnType<CaseCore['view']>;

export const psychiatricStatusQuery = defineQuery<PsychiatricCaseStatus>('status');

/** The case ends: discharged (to the offer, home, an external place) or withdrawn. */
export const endPsychiatricCaseUpdate = defineUpdate<PsychiatricCaseStatus & { key: string } & Accepted, [EndRequest]>('end');

/** The other notice follows (forvarsling or færdigmelding). */
export const recordNoticeUpdate = defineUpdate<{ key: string; bedDaysFrom?: string }, [NoticeRequest]>('recordNotice');

export type FlagLongCourseResult = { key: string; flaggedDay: string; firstMeetingDueDay: string } & Accepted;
export const flagLongCourseUpdate = defineUpdate<FlagLongCourseResult, [{}]>('flagLongCourse');

export type StatusMeetingRequest = { heldOn: LocalDate };
export type StatusMeetingResult = { key: string; number: number; dueDay: string; late: boolean; nextDueDay: string } & Accepted;
export const recordStatusMeetingUpdate = defineUpdate<StatusMeetingResult, [StatusMeetingRequest]>('recordStatusMeeting');

export type InvolvementRequest = { chosenOfferId?: string };
export const recordInvolvementUpdate = defineUpdate<{ key: string } & Accepted, [InvolvementRequest]>('recordInvolvement');

export type PlacementRequest = {
  offerId: string;
  placeId?: string;
  /** Why the placement departs from the citizen's choice while it has a vacant place (002 free choice). */
  overrideReason?: ChoiceOverrideReason;
};
export type PlacementResult = { key: string; offerId: string; placeId: string; label: string } & Accepted;
export const decidePlacementUpdate = defineUpdate<PlacementResult, [PlacementRequest]>('decidePlacement');

export type ExternalPlaceRequest = {
  /** The provider's registry id (`external_providers`): a workflow never carries its name. */
  providerId?: string;
  /** Only in histories recorded before the provider registry: the provider's name. */
  provider?: string;
  /** Why a place is bought while an own offer has a vacant place (002: buy "where none exists"). */
  reasonCode?: ExternalPurchaseReason;
};
export const buyExternalPlaceUpdate = defineUpdate<{ key: string } & Accepted, [ExternalPlaceRequest]>('buyExternalPlace');

export type DisagreementRequest = { raisedBy: 'hospital' | 'psychiatry_coordinator'; regionRefusesDischarge: boolean };
export type DisagreementResult = { key: string; number: number; dueDay: string; escalationAt: string } & Accepted;
export const raiseDisagreementUpdate = defineUpdate<DisagreementResult, [DisagreementRequest]>('raiseDisagreement');

export type ChiefDecisionRequest = { decision: ChiefDecision; regionRefusesDischarge?: boolean };
export type ChiefDecisionResult = { key: string; number: number; withinDeadline: boolean } & Accepted;
export const recordChiefDecisionUpdate = defineUpdate<ChiefDecisionResult, [ChiefDecisionRequest]>('recordChiefDecision');
