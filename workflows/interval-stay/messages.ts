/**
 * A booked interval stay: its input, status and Updates. Ids, codes and days only: the interval
 * list's remarks stay in the database.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { RuleSet } from '../../domain/rules.js';
import type { ObligationView } from '../shared/obligations.js';

export interface IntervalStayInput {
  /** The case id is the booking's id (`interval_bookings.id`). */
  caseId: string;
  citizenId: string;
  placeId: string;
  /** The place type's allocator, which keeps the booking (the one writer of its places). */
  allocatorWorkflowId: string;
  /** The booked period, both days included (Copenhagen). */
  from: LocalDate;
  to: LocalDate;
  rules: RuleSet;
}

export type IntervalStayStep = 'booked' | 'arrived' | 'closed';
export type IntervalStayOutcome = 'ended' | 'no_show' | 'cancelled';
/** A decision on the booked stay: what the allocator is told. */
export type IntervalStayAction = 'arrived' | 'no_show' | 'ended' | 'cancel';

export interface IntervalStayStatus {
  caseId: string;
  caseNumber: string;
  bookingId: string;
  placeId: string;
  step: IntervalStayStep;
  from: LocalDate;
  to: LocalDate;
  arrivedAt?: string;
  closedAt?: string;
  outcome?: IntervalStayOutcome;
  slaState: string | null;
  nextDueAt?: string;
  nextDueDay?: string;
  escalated: boolean;
  obligations: ObligationView[];
}

export const intervalStayStatusQuery = defineQuery<IntervalStayStatus>('status');
/** The citizen arrived (from the first day of the period): the place is occupied. */
export const intervalStayArrivedUpdate = defineUpdate<IntervalStayStatus, [{}]>('intervalStayArrived');
/** The citizen did not come (from the first day of the period): the place is released; the case closes. */
export const intervalStayNoShowUpdate = defineUpdate<IntervalStayStatus, [{}]>('intervalStayNoShow');
/** The stay ended: the place is free again; the case closes. */
export const intervalStayEndedUpdate = defineUpdate<IntervalStayStatus, [{}]>('intervalStayEnded');
/** The booking is cancelled before arrival: the place is released; the case closes. */
export const intervalStayCancelUpdate = defineUpdate<IntervalStayStatus, [{}]>('intervalStayCancel');
