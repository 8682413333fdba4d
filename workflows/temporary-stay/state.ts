/**
 * The temporary-stay case's state and its pure transitions: what an allocation event, a
 * reassessment or an unavailable citizen does to the case, which obligations open, are met or
 * are cancelled, and why a request is refused (validators throw the refusal reason). No
 * Temporal imports, no clock but the instants handed in: unit-tested without a server
 * (test/temporary-stay-state.test.ts).
 */
import { addDays, formatLocal, localDate, overnightAfter, startOfDay, workingDaysAfter, type LocalDate } from '../../domain/calendar.js';
import { PRIORITY_REVIEW_WORKING_DAYS, type ActorRole, type Priority, type RuleSet } from '../../domain/rules.js';
import type {
  AllocationEvent,
  EndStayReason,
  LeaveReason,
  ReassessmentOutcome,
  StayStep,
  TemporaryStayCaseInput,
  TemporaryStayStatus,
  UnavailableReason,
} from './messages.js';

export interface StayCaseState {
  caseId: string;
  placeType: string;
  appliedAt: number;
  originCaseId?: string;
  step: StayStep;
  priority: Priority;
  offer?: { offerId: string; placeId: string; placeLabel: string; offeredAt: number; replyBy: number };
  pastOffers: { offerId: string; placeId: string; status: string }[];
  stay?: { stayId: string; placeId: string; placeLabel: string; startedAt: number; plannedEndDate: string };
  /** The grant case a reassessment "home with help" opened. */
  grantCase?: { caseId: string; caseNumber: string };
  /** Reassessment period: 1 for the first planned end date, +1 per extension. */
  period: number;
  reassessment?: { outcome: ReassessmentOutcome; at: number };
  /** Periods whose reassessment escalated (was missed). */
  escalatedPeriods: number[];
  endRequest?: LeaveReason;
  unavailable?: UnavailableReason;
  outcome?: string;
  /** An open priority review (003: the situation changed while waiting): its obligation key. */
  priorityReview?: { key: string; since: number };
  priorityReviews?: number;
  /** A hospital case that re-pointed its temporary-stay decision to this application (its workflow id). */
  originWorkflowId?: string;
}

export const priorityReviewKey = (n: number) => `priority-review-${n}`;

/** What a transition does to the case's obligations (the workflow applies it to its CaseCore). */
export type ObligationChange =
  | { type: 'open_offer'; key: string; offerId: string; replyBy: number }
  | { type: 'open_reassessment'; key: string; period: number; dueDay: LocalDate; plannedEndDate: string }
  | { type: 'meet'; key: string; at: number }
  | { type: 'cancel'; key: string; at: number };

export const offerKey = (offerId: string) => `offer-${offerId}`;
/** The reassessment obligation of a period; also the key of its escalation row (unchanged from before the case core). */
export const reassessmentKey = (period: number) => `reassessment-${period}`;

/** The reassessment's due day: `stayReviewDaysBeforeEnd` days before the planned end date. */
export function reviewDueDay(plannedEndDate: string, rules: Pick<RuleSet, 'stayReviewDaysBeforeEnd'>): LocalDate {
  return addDays(plannedEndDate, -rules.stayReviewDaysBeforeEnd);
}

/** The instant a stay ends after its planned end date: 00:00 local the day after (the last night is included). */
export function stayEndInstant(plannedEndDate: string): number {
  return startOfDay(addDays(plannedEndDate, 1));
}

export function initialState(input: Pick<TemporaryStayCaseInput, 'caseId' | 'placeType' | 'appliedAt' | 'originCaseId' | 'priority'>): StayCaseState {
  return {
    caseId: input.caseId,
    placeType: input.placeType,
    appliedAt: input.appliedAt,
    ...(input.originCaseId ? { originCaseId: input.originCaseId } : {}),
    step: 'opening',
    priority: input.priority,
    pastOffers: [],
    period: 1,
    escalatedPeriods: [],
  };
}

export const stayOver = (s: StayCaseState) => s.endRequest !== undefined || s.unavailable !== undefined;
/** Reassessed home: the stay ends after its planned end date. */
export const goingHome = (s: StayCaseState) => s.reassessment?.outcome === 'home' || s.reassessment?.outcome === 'home_with_help';

function reassessmentOpening(s: StayCaseState, rules: Pick<RuleSet, 'stayReviewDaysBeforeEnd'>): ObligationChange {
  const plannedEndDate = s.stay!.plannedEndDate;
  return { type: 'open_reassessment', key: reassessmentKey(s.period), period: s.period, dueDay: reviewDueDay(plannedEndDate, rules), plannedEndDate };
}

/**
 * An allocation event applied to the case: the step changes (offered, back to waiting, in the
 * stay) and the obligations follow (the offer's reply opens; it is met by an answer and
 * cancelled when it lapses or is withdrawn; the stay opens the first reassessment).
 * Ignored once the case is closed or the citizen is unavailable.
 */
export function applyAllocationEvent(s: StayCaseState, ev: AllocationEvent, rules: Pick<RuleSet, 'stayReviewDaysBeforeEnd'>): ObligationChange[] {
  if (s.step === 'closed' || s.unavailable !== undefined) return [];
  const changes: ObligationChange[] = [];
  switch (ev.kind) {
    case 'offered':
      if (s.offer && s.offer.offerId !== ev.offerId) {
        s.pastOffers.push({ offerId: s.offer.offerId, placeId: s.offer.placeId, status: 'superseded' });
        changes.push({ type: 'cancel', key: offerKey(s.offer.offerId), at: ev.offeredAt });
      }
      s.offer = { offerId: ev.offerId, placeId: ev.placeId, placeLabel: ev.placeLabel, offeredAt: ev.offeredAt, replyBy: ev.replyBy };
      s.step = 'offered';
      changes.push({ type: 'open_offer', key: offerKey(ev.offerId), offerId: ev.offerId, replyBy: ev.replyBy });
      break;
    case 'offerClosed':
      if (s.offer?.offerId === ev.offerId) {
        s.pastOffers.push({ offerId: s.offer.offerId, placeId: s.offer.placeId, status: ev.status });
        s.offer = undefined;
        if (s.step === 'offered') s.step = 'waiting';
      }
      // Declined: the citizen answered (met). Expired or withdrawn: nobody answered (cancelled).
      changes.push({ type: ev.status === 'declined' ? 'meet' : 'cancel', key: offerKey(ev.offerId), at: ev.at });
      break;
    case 'stayStarted':
      if (s.offer?.offerId === ev.offerId) {
        s.pastOffers.push({ offerId: s.offer.offerId, placeId: s.offer.placeId, status: 'accepted' });
        s.offer = undefined;
      }
      changes.push({ type: 'meet', key: offerKey(ev.offerId), at: ev.startedAt });
      s.stay = { stayId: ev.offerId, placeId: ev.placeId, placeLabel: ev.placeLabel, startedAt: ev.startedAt, plannedEndDate: ev.plannedEndDate };
      s.step = 'in_stay';
      changes.push(reassessmentOpening(s, rules));
      break;
    case 'priority':
      s.priority = ev.priority;
      break;
  }
  return changes;
}

/**
 * An offer the allocator let expire while its reply obligation is still open: the case's own
 * clock lapses that obligation at the same instant (its timer is due now), and mirrors the
 * step change with it. The event then changes the state without waking the clock, so the
 * timer due at that instant is never cancelled as it fires (the time-skipping test server
 * strands a run that does, temporalio/sdk-java#3088).
 */
export function lapsesByClock(ev: AllocationEvent, offerObligationOpen: boolean): boolean {
  return ev.kind === 'offerClosed' && ev.status === 'expired' && offerObligationOpen;
}

/**
 * 003: the citizen's situation changed while waiting (discharged home, or a new hospital
 * decision): the needs assessor reviews the priority by the end of the next working day.
 * Returns the review's obligation to open, or undefined when no review applies (the case is
 * closed or in the stay, the citizen is unavailable, or a review is already open).
 */
export function startPriorityReview(
  s: StayCaseState,
  now: number,
  rules: Pick<RuleSet, 'closingDays'>,
): { key: string; dueDay: LocalDate } | undefined {
  if (s.step === 'closed' || s.step === 'in_stay' || s.unavailable !== undefined || s.priorityReview) return undefined;
  const n = (s.priorityReviews ?? 0) + 1;
  s.priorityReviews = n;
  s.priorityReview = { key: priorityReviewKey(n), since: now };
  return { key: priorityReviewKey(n), dueDay: workingDaysAfter(localDate(now), PRIORITY_REVIEW_WORKING_DAYS, rules.closingDays ?? []) };
}

/**
 * An open priority review ends with the allocation event that settles it: a priority change
 * meets it; the citizen moving in cancels it (there is no list any more).
 */
export function endPriorityReview(s: StayCaseState, ev: AllocationEvent, at: number): ObligationChange | undefined {
  if (!s.priorityReview || (ev.kind !== 'priority' && ev.kind !== 'stayStarted')) return undefined;
  const key = s.priorityReview.key;
  s.priorityReview = undefined;
  return { type: ev.kind === 'priority' ? 'meet' : 'cancel', key, at };
}

/** The citizen is readmitted, died or no longer needs the stay. Returns false when it changes nothing. */
export function markUnavailable(s: StayCaseState, reason: UnavailableReason): boolean {
  if (s.step === 'closed' || s.unavailable !== undefined) return false;
  s.unavailable = reason;
  return true;
}

export function validateReassessment(s: StayCaseState, req: { outcome: ReassessmentOutcome; newEndDate?: string }): void {
  if (s.step !== 'in_stay' || !s.stay) throw new Error('a reassessment needs a running stay');
  if (stayOver(s)) throw new Error('the stay is ending');
  if (req.outcome === 'extension') {
    if (!req.newEndDate) throw new Error('newEndDate is required for an extension');
    if (req.newEndDate <= s.stay.plannedEndDate) throw new Error(`newEndDate must be after the planned end date ${s.stay.plannedEndDate}`);
  } else if (req.newEndDate) {
    throw new Error('newEndDate applies to an extension only');
  }
}

/**
 * The reassessment recorded (validated first): the period's obligation is met (met late after
 * its escalation); an extension moves the planned end date and opens the next period's.
 */
export function applyReassessment(
  s: StayCaseState,
  req: { outcome: ReassessmentOutcome; newEndDate?: string },
  at: number,
  rules: Pick<RuleSet, 'stayReviewDaysBeforeEnd'>,
): ObligationChange[] {
  const changes: ObligationChange[] = [{ type: 'meet', key: reassessmentKey(s.period), at }];
  if (req.outcome === 'extension') {
    s.stay!.plannedEndDate = req.newEndDate!;
    s.period += 1;
    s.reassessment = undefined;
    changes.push(reassessmentOpening(s, rules));
  } else {
    s.reassessment = { outcome: req.outcome, at };
  }
  return changes;
}

export function validateEndStay(s: StayCaseState, req: { reason: EndStayReason }): void {
  if (s.step !== 'in_stay') throw new Error('there is no running stay');
  if (stayOver(s)) throw new Error('the stay is already ending');
  if (req.reason === 'nursing_home_place_found' && s.reassessment?.outcome !== 'nursing_home') {
    throw new Error('no nursing-home application was recorded in the reassessment');
  }
}

export function validateWithdraw(s: StayCaseState): void {
  if (s.step === 'closed') throw new Error('the case has already ended');
  if (stayOver(s)) throw new Error('the case is already ending');
}

/** A reassessment obligation escalated: remembered for the status (`escalatedPeriods`). */
export function noteEscalation(s: StayCaseState, key: string): void {
  const m = /^reassessment-(\d+)$/.exec(key);
  if (m && !s.escalatedPeriods.includes(Number(m[1]))) s.escalatedPeriods.push(Number(m[1]));
}

/** Why the stay ended (the leave reason sent to the allocator). */
export function leaveReasonOf(s: StayCaseState): LeaveReason {
  return s.unavailable ?? s.endRequest!;
}

/** The case's outcome once the stay is over. */
export function finalOutcome(s: StayCaseState): string {
  if (s.unavailable) return s.unavailable;
  if (s.endRequest === 'planned_end') return s.reassessment!.outcome;
  if (s.endRequest === 'nursing_home_place_found') return 'nursing_home';
  return s.endRequest!;
}

/** The step the case row and the CaseStep search attribute show (an opening case is already waiting). */
export function shownStep(s: StayCaseState): Exclude<StayStep, 'opening'> {
  return s.step === 'opening' ? 'waiting' : s.step;
}

/** Who acts when no obligation is open. */
export function actingRoleOf(s: StayCaseState): ActorRole {
  return s.step === 'in_stay' ? 'needs_assessor' : 'housing_team_lead';
}

/** Non-sensitive case facts for the case row (ids, codes, dates; null clears a fact). */
export function detailsOf(s: StayCaseState): Record<string, unknown> {
  return {
    placeType: s.placeType,
    priority: s.priority,
    ...(s.originCaseId ? { originCaseId: s.originCaseId } : {}),
    offerId: s.offer?.offerId ?? null,
    replyBy: s.offer ? formatLocal(s.offer.replyBy) : null,
    ...(s.stay ? { stayId: s.stay.stayId, placeId: s.stay.placeId, plannedEndDate: s.stay.plannedEndDate, reassessment: s.reassessment?.outcome ?? null } : {}),
    ...(s.priorityReviews ? { priorityToBeReviewed: s.priorityReview !== undefined } : {}),
  };
}

export function statusOf(
  s: StayCaseState,
  caseNumber: string,
  rules: Pick<RuleSet, 'stayReviewDaysBeforeEnd' | 'escalationLocalHour'>,
  sla: Pick<TemporaryStayStatus, 'slaState' | 'nextDueAt' | 'nextDueDay' | 'escalated' | 'obligations'>,
): TemporaryStayStatus {
  const dueDay = s.stay && reviewDueDay(s.stay.plannedEndDate, rules);
  return {
    caseId: s.caseId,
    caseNumber,
    step: s.step,
    placeType: s.placeType,
    priority: s.priority,
    waitingSince: formatLocal(s.appliedAt),
    ...(s.offer ? { offer: { ...s.offer, offeredAt: formatLocal(s.offer.offeredAt), replyBy: formatLocal(s.offer.replyBy) } } : {}),
    pastOffers: s.pastOffers,
    ...(s.stay && dueDay
      ? {
          stay: {
            ...s.stay,
            startedAt: formatLocal(s.stay.startedAt),
            reassessmentDueDay: dueDay,
            reassessmentEscalationAt: formatLocal(overnightAfter(dueDay, rules.escalationLocalHour)),
            ...(s.reassessment ? { reassessment: { ...s.reassessment, at: formatLocal(s.reassessment.at) } } : {}),
            escalatedPeriods: s.escalatedPeriods,
          },
        }
      : {}),
    ended: s.step === 'closed',
    ...(s.outcome !== undefined ? { outcome: s.outcome } : {}),
    ...(s.priorityReviews ? { priorityToBeReviewed: s.priorityReview !== undefined } : {}),
    ...sla,
  };
}
