/**
 * Case 2 — temporary 24-hour stay: the messages of the case workflow and of a place type's
 * allocator workflow, and their types. Codes, ids, dates and instants only: no CPR, no free
 * text (the purpose is a category, a priority change a reason code).
 */
import type { GrantOrder } from '../grant/child.js';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { JoinRequest as JoinRequestOf, PlaceStatus } from '../../db/queries/temporary-stay.js';
import type { Priority, PriorityChangeReason, RuleSet, StayPurpose } from '../../domain/rules.js';
import type { ObligationView, SlaState } from '../shared/obligations.js';

/** The intake waits for the case row (answer: `{ caseId, caseNumber, duplicateOf? }`). */
export { caseOpenedUpdate } from '../shared/messages.js';
export type { PlaceStatus };
/** A case joining a place type's waiting list, with its priority (003). */
export type JoinRequest = JoinRequestOf<Priority>;
export type { Priority } from '../../domain/rules.js';

// ---------------------------------------------------------------------------------------------
// The case

export interface TemporaryStayCaseInput {
  caseId: string;
  /** Pseudonymous citizen id (the CPR stays in the database). */
  citizenId: string;
  /** Place type (pladstype) applied for; a slug, see PLACE_TYPE_PATTERN in allocation-state.ts. */
  placeType: string;
  /** Purpose of the stay (formål), as a category — no health details. */
  purpose: StayPurpose;
  priority: Priority;
  /** Waiting-list date: when the application was recorded (epoch ms). */
  appliedAt: number;
  /** The hospital-discharge case that started this one, if any. */
  originCaseId?: string;
  rules: RuleSet;
}

export type UnavailableReason = 'readmitted' | 'died' | 'no_longer_needed';

/** home / home_with_help: the stay ends after the planned end date; nursing_home: stays on until a place is found; extension: new end date. */
export type ReassessmentOutcome = 'home' | 'home_with_help' | 'nursing_home' | 'extension';

export type StayStep = 'opening' | 'waiting' | 'offered' | 'in_stay' | 'closed';

export type EndStayReason = 'nursing_home_place_found' | 'moved_out';

export interface TemporaryStayStatus {
  caseId: string;
  /** The case number (the workflow id). */
  caseNumber: string;
  step: StayStep;
  placeType: string;
  priority: Priority;
  waitingSince: string;
  offer?: { offerId: string; placeId: string; placeLabel: string; offeredAt: string; replyBy: string };
  pastOffers: { offerId: string; placeId: string; status: string }[];
  stay?: {
    stayId: string;
    placeId: string;
    placeLabel: string;
    startedAt: string;
    plannedEndDate: string;
    reassessmentDueDay: string;
    reassessmentEscalationAt: string;
    reassessment?: { outcome: ReassessmentOutcome; at: string };
    escalatedPeriods: number[];
  };
  ended: boolean;
  outcome?: string;
  /** The grant case (bevilling) a reassessment "home with help" opened. */
  grantCase?: { caseId: string; caseNumber: string };
  /** The priority is to be reviewed (the citizen's situation changed, 003). */
  priorityToBeReviewed?: boolean;
  /** The case's worst open obligation (null: nothing open). */
  slaState: SlaState | null;
  nextDueAt?: string;
  nextDueDay?: string;
  escalated: boolean;
  obligations: ObligationView[];
}

/**
 * 003 "the priority must change as the situation changes": the hospital case tells the application
 * that the citizen's situation changed (discharged home while waiting): the needs assessor must
 * review the priority (obligation `priority-review-<n>`).
 */
export const priorityReviewSignal = defineSignal<[{ reason: 'discharged_home' | 'hospital_decision' }]>('priorityReview');
/** A hospital case re-pointed to this (already open) application: tell it when the stay starts. */
export const originCaseSignal = defineSignal<[{ workflowId: string }]>('originCase');
/** Takes the citizen off the waiting list / withdraws a pending offer / ends the case and frees what it held. */
export const citizenUnavailableSignal = defineSignal<[{ reason: UnavailableReason }]>('citizenUnavailable');
export const temporaryStayStatusQuery = defineQuery<TemporaryStayStatus>('status');
/** With `home_with_help`, a grant order opens a grant case from the day after the stay's planned end (patch `stay-opens-grant`). */
export const reassessStayUpdate = defineUpdate<TemporaryStayStatus, [{ outcome: ReassessmentOutcome; newEndDate?: string; grant?: GrantOrder }]>('reassess');
export const endStayUpdate = defineUpdate<TemporaryStayStatus, [{ reason: EndStayReason }]>('endStay');
/** The API's way to take the citizen off (withdrawal, readmission, death) with a 409 once ended. */
export const withdrawStayCaseUpdate = defineUpdate<TemporaryStayStatus, [{ reason: UnavailableReason }]>('withdraw');

// ---------------------------------------------------------------------------------------------
// The allocator (one per place type)

export type LeaveReason = 'readmitted' | 'died' | 'no_longer_needed' | 'planned_end' | 'moved_out' | 'nursing_home_place_found' | 'duplicate_application';

export const joinWaitingListSignal = defineSignal<[JoinRequest]>('joinWaitingList');
export const leaveWaitingListSignal = defineSignal<[{ caseId: string; reason: LeaveReason }]>('leaveWaitingList');
/** Starts an allocator that does not run yet (signal-with-start); no effect otherwise. */
export const wakeAllocatorSignal = defineSignal('wake');

export interface PlaceView {
  id: string;
  facilityId: string;
  label: string;
  status: PlaceStatus;
  /** Since when the place has had its current status (epoch ms). */
  since: number;
  /** Cases that declined or let expire this place during its current vacancy (not offered it again). */
  passedOver: string[];
}

export const addPlaceUpdate = defineUpdate<PlaceView, [{ placeId: string; facilityId: string; label: string }]>('addPlace');
export const setPlaceOpenUpdate = defineUpdate<PlaceView, [{ placeId: string; open: boolean }]>('setPlaceOpen');
export const replyToOfferUpdate = defineUpdate<
  { offerId: string; placeId: string; status: 'accepted' | 'declined' },
  [{ caseId: string; offerId: string; accept: boolean; plannedEndDate?: string }]
>('replyToOffer');
export const changePriorityUpdate = defineUpdate<
  { caseId: string; from: Priority; to: Priority },
  [{ caseId: string; priority: Priority; reason: PriorityChangeReason; by: string; changeKey: string }]
>('changePriority');

export interface WaitingListRow {
  rank: number;
  caseId: string;
  citizenId: string;
  priority: Priority;
  waitingSince: number;
  /** waiting | offered */
  state: 'waiting' | 'offered';
  offerId?: string;
}

export interface Offer {
  offerId: string;
  placeId: string;
  caseId: string;
  /** The case's workflow id (absent in offers from before case numbers). */
  workflowId?: string;
  offeredAt: number;
  replyBy: number;
}

export interface Stay {
  offerId: string;
  placeId: string;
  caseId: string;
  /** The case's workflow id (absent in stays from before case numbers). */
  workflowId?: string;
  startedAt: number;
  plannedEndDate: string;
}

export interface AllocationView {
  placeType: string;
  places: PlaceView[];
  waitingList: WaitingListRow[];
  offers: Offer[];
  stays: Stay[];
}

export const allocationQuery = defineQuery<AllocationView>('allocation');

/** What the allocator tells a case about its application (signal to the case workflow). */
export type AllocationEvent =
  | { kind: 'offered'; offerId: string; placeId: string; placeLabel: string; offeredAt: number; replyBy: number }
  | { kind: 'offerClosed'; offerId: string; status: 'declined' | 'expired' | 'withdrawn'; at: number }
  | { kind: 'stayStarted'; offerId: string; placeId: string; placeLabel: string; startedAt: number; plannedEndDate: string }
  | { kind: 'priority'; priority: Priority };

export const allocationEventSignal = defineSignal<[AllocationEvent]>('allocationEvent');
