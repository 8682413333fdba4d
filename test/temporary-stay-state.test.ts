/**
 * The temporary-stay case's pure transitions (workflows/temporary-stay/state.ts) and the
 * allocator's pure parts, without a server: allocation events → step and obligations,
 * reassessments and extensions, refusals with their reasons, the stay's end instant.
 */
import { describe, expect, it } from 'vitest';
import { formatLocal } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { advance, newObligation } from '../workflows/shared/obligations.js';
import {
  allocatorWorkflowId,
  byAllocationOrder,
  caseTarget,
  nextAllocatorInstant,
  normalisePlaceType,
  PLACE_TYPE_PATTERN,
} from '../workflows/temporary-stay/allocation-state.js';
import {
  actingRoleOf,
  applyAllocationEvent,
  applyReassessment,
  detailsOf,
  endPriorityReview,
  finalOutcome,
  goingHome,
  initialState,
  lapsesByClock,
  leaveReasonOf,
  markUnavailable,
  noteEscalation,
  offerKey,
  reassessmentKey,
  reviewDueDay,
  shownStep,
  startPriorityReview,
  statusOf,
  stayEndInstant,
  stayOver,
  validateEndStay,
  validateReassessment,
  validateWithdraw,
  type StayCaseState,
} from '../workflows/temporary-stay/state.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2027-03-01T10:00:00+01:00');
const rules = defaultRules;

function fresh(): StayCaseState {
  const s = initialState({ caseId: 'c1', placeType: 'rehabilitering', appliedAt: T0, priority: 'hoej' });
  s.step = 'waiting';
  return s;
}
const offered = (offerId = 'o1', at = T0 + HOUR) =>
  ({ kind: 'offered', offerId, placeId: 'p1', placeLabel: 'Stue 1', offeredAt: at, replyBy: at + 24 * HOUR }) as const;
const started = (plannedEndDate = '2027-04-04', offerId = 'o1') =>
  ({ kind: 'stayStarted', offerId, placeId: 'p1', placeLabel: 'Stue 1', startedAt: T0 + 2 * HOUR, plannedEndDate }) as const;
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};
const emptySla = { slaState: null, escalated: false, obligations: [] };

describe('temporary-stay case: allocation events', () => {
  it('an offer makes the case offered and opens its reply obligation; a decline meets it and the case waits again', () => {
    const s = fresh();
    expect(shownStep(s)).toBe('waiting');
    expect(actingRoleOf(s)).toBe('housing_team_lead');
    expect(applyAllocationEvent(s, offered(), rules)).toEqual([{ type: 'open_offer', key: 'offer-o1', offerId: 'o1', replyBy: T0 + 25 * HOUR }]);
    expect(s.step).toBe('offered');
    expect(shownStep(s)).toBe('offered');
    expect(detailsOf(s)).toMatchObject({ offerId: 'o1', replyBy: formatLocal(T0 + 25 * HOUR) });
    const changes = applyAllocationEvent(s, { kind: 'offerClosed', offerId: 'o1', status: 'declined', at: T0 + 3 * HOUR }, rules);
    expect(changes).toEqual([{ type: 'meet', key: 'offer-o1', at: T0 + 3 * HOUR }]);
    expect(s.step).toBe('waiting');
    expect(s.offer).toBeUndefined();
    expect(s.pastOffers).toEqual([{ offerId: 'o1', placeId: 'p1', status: 'declined' }]);
    expect(detailsOf(s)).toMatchObject({ offerId: null, replyBy: null });
  });

  it('an offer that expires or is withdrawn cancels its obligation (nobody answered)', () => {
    for (const status of ['expired', 'withdrawn'] as const) {
      const s = fresh();
      applyAllocationEvent(s, offered(), rules);
      expect(applyAllocationEvent(s, { kind: 'offerClosed', offerId: 'o1', status, at: T0 + 25 * HOUR }, rules)).toEqual([
        { type: 'cancel', key: 'offer-o1', at: T0 + 25 * HOUR },
      ]);
      expect(s.step).toBe('waiting');
      expect(s.pastOffers[0]!.status).toBe(status);
    }
  });

  it('acceptance starts the stay: in_stay, the offer obligation met, the first reassessment opened 7 days before the end', () => {
    const s = fresh();
    applyAllocationEvent(s, offered(), rules);
    const changes = applyAllocationEvent(s, started('2027-04-04'), rules);
    expect(changes).toEqual([
      { type: 'meet', key: 'offer-o1', at: T0 + 2 * HOUR },
      { type: 'open_reassessment', key: 'reassessment-1', period: 1, dueDay: '2027-03-28', plannedEndDate: '2027-04-04' },
    ]);
    expect(s.step).toBe('in_stay');
    expect(actingRoleOf(s)).toBe('needs_assessor');
    expect(s.pastOffers).toEqual([{ offerId: 'o1', placeId: 'p1', status: 'accepted' }]);
    expect(s.stay).toMatchObject({ stayId: 'o1', plannedEndDate: '2027-04-04' });
  });

  it('a priority change is kept; events after the citizen became unavailable or the case closed are ignored', () => {
    const s = fresh();
    expect(applyAllocationEvent(s, { kind: 'priority', priority: 'akut' }, rules)).toEqual([]);
    expect(s.priority).toBe('akut');
    expect(markUnavailable(s, 'readmitted')).toBe(true);
    expect(markUnavailable(s, 'died')).toBe(false);
    expect(s.unavailable).toBe('readmitted');
    expect(applyAllocationEvent(s, offered(), rules)).toEqual([]);
    expect(s.step).toBe('waiting');
    const closed = fresh();
    closed.step = 'closed';
    expect(markUnavailable(closed, 'died')).toBe(false);
    expect(applyAllocationEvent(closed, offered(), rules)).toEqual([]);
  });

  it('an expired offer still open in the case lapses by the case clock (the event does not wake it)', () => {
    const expired = { kind: 'offerClosed', offerId: 'o1', status: 'expired', at: T0 } as const;
    expect(lapsesByClock(expired, true)).toBe(true);
    expect(lapsesByClock(expired, false)).toBe(false);
    expect(lapsesByClock({ ...expired, status: 'declined' }, true)).toBe(false);
    expect(lapsesByClock({ ...expired, status: 'withdrawn' }, true)).toBe(false);
  });

  it('a second offer supersedes an offer still recorded (its obligation cancelled)', () => {
    const s = fresh();
    applyAllocationEvent(s, offered('o1'), rules);
    const changes = applyAllocationEvent(s, offered('o2', T0 + 5 * HOUR), rules);
    expect(changes.map((c) => [c.type, c.key])).toEqual([
      ['cancel', 'offer-o1'],
      ['open_offer', 'offer-o2'],
    ]);
  });
});

describe('temporary-stay case: the stay', () => {
  const inStay = (end = '2027-04-04') => {
    const s = fresh();
    applyAllocationEvent(s, offered(), rules);
    applyAllocationEvent(s, started(end), rules);
    return s;
  };

  it('refuses reassessments with their reasons', () => {
    expect(refusal(() => validateReassessment(fresh(), { outcome: 'home' }))).toBe('a reassessment needs a running stay');
    const s = inStay();
    expect(refusal(() => validateReassessment(s, { outcome: 'extension' }))).toBe('newEndDate is required for an extension');
    expect(refusal(() => validateReassessment(s, { outcome: 'extension', newEndDate: '2027-04-04' }))).toBe(
      'newEndDate must be after the planned end date 2027-04-04',
    );
    expect(refusal(() => validateReassessment(s, { outcome: 'home', newEndDate: '2027-05-01' }))).toBe('newEndDate applies to an extension only');
    expect(refusal(() => validateReassessment(s, { outcome: 'home' }))).toBeUndefined();
    s.endRequest = 'moved_out';
    expect(refusal(() => validateReassessment(s, { outcome: 'home' }))).toBe('the stay is ending');
  });

  it('an extension meets the period and opens the next one with the new end date; home meets it and goes home', () => {
    const s = inStay('2027-04-04');
    const at = T0 + 10 * 24 * HOUR;
    expect(applyReassessment(s, { outcome: 'extension', newEndDate: '2027-05-01' }, at, rules)).toEqual([
      { type: 'meet', key: 'reassessment-1', at },
      { type: 'open_reassessment', key: 'reassessment-2', period: 2, dueDay: '2027-04-24', plannedEndDate: '2027-05-01' },
    ]);
    expect(s.stay!.plannedEndDate).toBe('2027-05-01');
    expect(goingHome(s)).toBe(false);
    expect(applyReassessment(s, { outcome: 'home_with_help' }, at + HOUR, rules)).toEqual([{ type: 'meet', key: 'reassessment-2', at: at + HOUR }]);
    expect(goingHome(s)).toBe(true);
    expect(s.reassessment).toEqual({ outcome: 'home_with_help', at: at + HOUR });
    s.endRequest = 'planned_end';
    expect(stayOver(s)).toBe(true);
    expect(leaveReasonOf(s)).toBe('planned_end');
    expect(finalOutcome(s)).toBe('home_with_help');
  });

  it('ending the stay: a nursing-home place needs a nursing-home reassessment; withdrawing twice is refused', () => {
    expect(refusal(() => validateEndStay(fresh(), { reason: 'moved_out' }))).toBe('there is no running stay');
    const s = inStay();
    expect(refusal(() => validateEndStay(s, { reason: 'nursing_home_place_found' }))).toBe(
      'no nursing-home application was recorded in the reassessment',
    );
    applyReassessment(s, { outcome: 'nursing_home' }, T0, rules);
    expect(refusal(() => validateEndStay(s, { reason: 'nursing_home_place_found' }))).toBeUndefined();
    s.endRequest = 'nursing_home_place_found';
    expect(finalOutcome(s)).toBe('nursing_home');
    expect(refusal(() => validateEndStay(s, { reason: 'moved_out' }))).toBe('the stay is already ending');
    expect(refusal(() => validateWithdraw(s))).toBe('the case is already ending');
    const w = inStay();
    expect(refusal(() => validateWithdraw(w))).toBeUndefined();
    markUnavailable(w, 'died');
    expect(finalOutcome(w)).toBe('died');
    w.step = 'closed';
    expect(refusal(() => validateWithdraw(w))).toBe('the case has already ended');
  });

  it('escalated periods, keys, and the status', () => {
    const s = inStay('2027-04-04');
    noteEscalation(s, reassessmentKey(1));
    noteEscalation(s, reassessmentKey(1));
    noteEscalation(s, offerKey('o1'));
    expect(s.escalatedPeriods).toEqual([1]);
    const st = statusOf(s, 'MDO-2027-000001', rules, emptySla);
    expect(st).toMatchObject({
      caseNumber: 'MDO-2027-000001',
      step: 'in_stay',
      ended: false,
      stay: { reassessmentDueDay: '2027-03-28', reassessmentEscalationAt: '2027-03-29T00:00:00+02:00', escalatedPeriods: [1] },
    });
  });

  it('the stay ends at 00:00 the day after the planned end date (also across the daylight-saving change)', () => {
    expect(formatLocal(stayEndInstant('2027-03-27'))).toBe('2027-03-28T00:00:00+01:00');
    expect(formatLocal(stayEndInstant('2027-03-28'))).toBe('2027-03-29T00:00:00+02:00');
    expect(formatLocal(stayEndInstant('2027-12-31'))).toBe('2028-01-01T00:00:00+01:00');
    expect(reviewDueDay('2027-04-04', rules)).toBe('2027-03-28');
    expect(reviewDueDay('2027-04-04', { stayReviewDaysBeforeEnd: 3 })).toBe('2027-04-01');
  });
});

describe('temporary-stay obligations (the kinds the case opens)', () => {
  it('the offer reply is at risk 6 hours before its reply time and lapses at it (no escalation row)', () => {
    const replyBy = T0 + 24 * HOUR;
    const o = newObligation({ key: 'offer-o1', kind: 'offer_reply', now: T0, dueAt: replyBy, escalationLocalHour: 0 });
    expect(o.atRiskAt).toBe(replyBy - 6 * HOUR);
    expect(o.escalateAt).toBe(replyBy);
    expect(o.actor).toBe('housing_team_lead');
    expect(advance([o], replyBy - 6 * HOUR - 60_000)).toEqual([]);
    expect(advance([o], replyBy - 6 * HOUR).map((e) => e.type)).toEqual(['at_risk']);
  });

  it('the reassessment is at risk 2 days before its due day and escalates overnight after it', () => {
    const o = newObligation({ key: 'reassessment-1', kind: 'stay_reassessment', now: T0, dueDay: '2027-03-28', escalationLocalHour: 0 });
    expect(formatLocal(o.atRiskAt)).toBe('2027-03-26T00:00:00+01:00');
    expect(formatLocal(o.escalateAt)).toBe('2027-03-29T00:00:00+02:00');
    expect(o.actor).toBe('needs_assessor');
  });
});

describe('allocator pure parts', () => {
  it('names, order and the case a message goes to', () => {
    expect(normalisePlaceType('  Midlertidig Rehabilitering ')).toBe('midlertidig-rehabilitering');
    expect(PLACE_TYPE_PATTERN.test('midlertidig-rehabilitering')).toBe(true);
    expect(PLACE_TYPE_PATTERN.test('Bad Type!')).toBe(false);
    expect(allocatorWorkflowId('aflastning')).toBe('allocator-aflastning');
    expect(caseTarget({ caseId: 'abc', workflowId: 'MDO-2027-000042' })).toBe('MDO-2027-000042');
    // An entry carried over from before case numbers.
    expect(caseTarget({ caseId: 'abc' })).toBe('case-abc');
    const rows = [
      { id: 'planlagt-old', priority: 'planlagt', waitingSince: 1, seq: 1 },
      { id: 'hoej-new', priority: 'hoej', waitingSince: 5, seq: 2 },
      { id: 'hoej-old', priority: 'hoej', waitingSince: 2, seq: 3 },
      { id: 'akut', priority: 'akut', waitingSince: 9, seq: 4 },
      { id: 'hoej-old-later', priority: 'hoej', waitingSince: 2, seq: 5 },
    ] as const;
    expect([...rows].sort(byAllocationOrder).map((r) => r.id)).toEqual(['akut', 'hoej-old', 'hoej-old-later', 'hoej-new', 'planlagt-old']);
    expect(nextAllocatorInstant({ offers: [], entries: [] })).toBeUndefined();
    expect(
      nextAllocatorInstant({
        offers: [{ offerId: 'o', placeId: 'p', caseId: 'c', offeredAt: 0, replyBy: 50 }],
        entries: [{ caseId: 'd', citizenId: 'x', priority: 'akut', waitingSince: 0, replyHours: 24, seq: 1, state: 'waiting', blockedUntil: 40 }],
      }),
    ).toBe(40);
  });
});

describe('temporary-stay case: priority review (003)', () => {
  it('opens while waiting, due the next working day; a priority change meets it, moving in cancels it', () => {
    const s = fresh();
    const now = Date.parse('2027-03-05T10:00:00+01:00'); // a Friday: due Monday
    expect(startPriorityReview(s, now, rules)).toEqual({ key: 'priority-review-1', dueDay: '2027-03-08' });
    expect(startPriorityReview(s, now, rules)).toBeUndefined(); // one at a time
    expect(detailsOf(s)).toMatchObject({ priorityToBeReviewed: true });
    expect(endPriorityReview(s, offered(), now)).toBeUndefined();
    expect(endPriorityReview(s, { kind: 'priority', priority: 'akut' }, now + HOUR)).toEqual({ type: 'meet', key: 'priority-review-1', at: now + HOUR });
    expect(detailsOf(s)).toMatchObject({ priorityToBeReviewed: false });
    expect(startPriorityReview(s, now, rules)?.key).toBe('priority-review-2');
    expect(endPriorityReview(s, started(), now + HOUR)).toEqual({ type: 'cancel', key: 'priority-review-2', at: now + HOUR });
    applyAllocationEvent(s, started(), rules);
    expect(startPriorityReview(s, now, rules)).toBeUndefined(); // in the stay: no list any more
  });
});
