/**
 * The allocator's transitions (workflows/temporary-stay/allocation-state.ts), without a server:
 * who is offered which place, what an expiry, a decline, an acceptance, a departure or a refused
 * offer does to the state, and the effects each hands the workflow to carry out, in order.
 */
import { describe, expect, it } from 'vitest';
import { REFUSED_OFFER_RETRY_MINUTES } from '../domain/rules.js';
import {
  addPlace,
  allocate,
  allocationView,
  changePriority,
  emptyAllocatorState,
  expireDue,
  join,
  leave,
  nextAllocatorInstant,
  offerRefused,
  reply,
  setPlaceOpen,
  validateAddPlace,
  validatePriorityChange,
  validateReply,
  validateSetPlaceOpen,
  type AllocatorState,
} from '../workflows/temporary-stay/allocation-state.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2027-03-01T10:00:00+01:00');

const ids = () => {
  let n = 0;
  return () => `o${++n}`;
};
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

/** Two places and three citizens: c2 has the highest priority, c1 and c3 are equal (c1 waited longer). */
function world(): AllocatorState {
  const s = emptyAllocatorState();
  addPlace(s, 'rehab', { placeId: 'p1', facilityId: 'f1', label: 'Stue 1' }, T0);
  addPlace(s, 'rehab', { placeId: 'p2', facilityId: 'f1', label: 'Stue 2' }, T0 + 1);
  join(s, { caseId: 'c1', workflowId: 'MDO-1', citizenId: 'z1', priority: 'hoej', waitingSince: T0 - 2 * HOUR, replyHours: 24 });
  join(s, { caseId: 'c2', workflowId: 'MDO-2', citizenId: 'z2', priority: 'akut', waitingSince: T0, replyHours: 24 });
  join(s, { caseId: 'c3', workflowId: 'MDO-3', citizenId: 'z3', priority: 'hoej', waitingSince: T0 - HOUR, replyHours: 24 });
  return s;
}

describe('allocator state', () => {
  it('offers the oldest vacancy to the highest priority, then the oldest waiting date; a case joins once', () => {
    const s = world();
    expect(join(s, { caseId: 'c1', citizenId: 'z1', priority: 'akut', waitingSince: T0, replyHours: 24 })).toBe(false);
    const effects = allocate(s, T0 + HOUR, ids());
    expect(s.offers.map((o) => [o.offerId, o.placeId, o.caseId])).toEqual([
      ['o1', 'p1', 'c2'],
      ['o2', 'p2', 'c1'],
    ]);
    expect(effects.map((e) => (e.type === 'db' ? `db ${e.effect.kind}` : `notify ${e.workflowId} ${e.event.kind}`))).toEqual([
      'db offer',
      'notify MDO-2 offered',
      'db offer',
      'notify MDO-1 offered',
    ]);
    expect(allocationView(s, 'rehab').waitingList.map((r) => [r.rank, r.caseId, r.state])).toEqual([
      [1, 'c2', 'offered'],
      [2, 'c1', 'offered'],
      [3, 'c3', 'waiting'],
    ]);
    expect(nextAllocatorInstant(s)).toBe(T0 + 25 * HOUR);
    expect(allocate(s, T0 + HOUR, ids())).toEqual([]);
  });

  it('an offer not answered by its reply time expires: the place goes to the next citizen, never back to the one passed over', () => {
    const s = world();
    allocate(s, T0 + HOUR, ids());
    expect(expireDue(s, T0 + 25 * HOUR - 1)).toEqual([]);
    const expired = expireDue(s, T0 + 25 * HOUR);
    expect(expired.filter((e) => e.type === 'notify').map((e) => e.type === 'notify' && e.event)).toEqual([
      { kind: 'offerClosed', offerId: 'o1', status: 'expired', at: T0 + 25 * HOUR },
      { kind: 'offerClosed', offerId: 'o2', status: 'expired', at: T0 + 25 * HOUR },
    ]);
    expect(s.places.map((p) => [p.id, p.status, p.passedOver])).toEqual([
      ['p1', 'vacant', ['c2']],
      ['p2', 'vacant', ['c1']],
    ]);
    allocate(s, T0 + 25 * HOUR, () => 'o3');
    allocate(s, T0 + 25 * HOUR, () => 'o4');
    expect(s.offers.map((o) => [o.placeId, o.caseId])).toEqual([
      ['p1', 'c1'],
      ['p2', 'c2'],
    ]);
  });

  it('a decline passes the citizen over; an acceptance starts the stay and occupies the place', () => {
    const s = world();
    allocate(s, T0 + HOUR, ids());
    expect(refusal(() => validateReply(s, { caseId: 'c2', offerId: 'o2', accept: true, plannedEndDate: '2027-04-01' }, T0 + 2 * HOUR))).toBe(
      'offer o2 is no longer open; the open offer is o1',
    );
    expect(refusal(() => validateReply(s, { caseId: 'c2', offerId: 'o1', accept: true }, T0 + 2 * HOUR))).toBe(
      'plannedEndDate is required to accept an offer',
    );
    expect(refusal(() => validateReply(s, { caseId: 'c2', offerId: 'o1', accept: false }, T0 + 25 * HOUR))).toMatch(/^the reply deadline passed/);
    const declined = reply(s, { caseId: 'c1', offerId: 'o2', accept: false }, T0 + 2 * HOUR);
    expect(declined.answer).toEqual({ offerId: 'o2', placeId: 'p2', status: 'declined' });
    expect(s.places[1]).toMatchObject({ status: 'vacant', passedOver: ['c1'] });
    const accepted = reply(s, { caseId: 'c2', offerId: 'o1', accept: true, plannedEndDate: '2027-04-01' }, T0 + 2 * HOUR);
    expect(accepted.answer).toEqual({ offerId: 'o1', placeId: 'p1', status: 'accepted' });
    expect(accepted.effects.map((e) => e.type)).toEqual(['db', 'notify']);
    expect(s.places[0]).toMatchObject({ status: 'occupied', passedOver: [] });
    expect(s.stays).toEqual([{ offerId: 'o1', placeId: 'p1', caseId: 'c2', workflowId: 'MDO-2', startedAt: T0 + 2 * HOUR, plannedEndDate: '2027-04-01' }]);
    expect(refusal(() => validateReply(s, { caseId: 'c2', offerId: 'o1', accept: true }, T0 + 2 * HOUR))).toBe('the citizen already has a place');
    expect(refusal(() => validatePriorityChange(s, { caseId: 'c2', priority: 'middel' }))).toBe(
      'the citizen has moved in; the priority no longer applies',
    );
  });

  it('a departure withdraws the offer or ends the stay, frees the place and takes the case off the list for good', () => {
    const s = world();
    allocate(s, T0 + HOUR, ids());
    reply(s, { caseId: 'c2', offerId: 'o1', accept: true, plannedEndDate: '2027-04-01' }, T0 + 2 * HOUR);
    const left = leave(s, 'c2', 'planned_end', T0 + 3 * HOUR);
    expect(left.map((e) => e.type === 'db' && e.effect.kind)).toEqual(['stayEnded', 'left']);
    const withdrawn = leave(s, 'c1', 'died', T0 + 3 * HOUR);
    expect(withdrawn.map((e) => e.type === 'db' && e.effect)).toMatchObject([
      { kind: 'offerClosed', offerId: 'o2', status: 'withdrawn', applicationStatus: 'closed' },
      { kind: 'left', caseId: 'c1', reason: 'died' },
    ]);
    expect(s.places.map((p) => p.status)).toEqual(['vacant', 'vacant']);
    expect(s.entries.map((e) => e.caseId)).toEqual(['c3']);
    expect(join(s, { caseId: 'c1', citizenId: 'z1', priority: 'hoej', waitingSince: T0, replyHours: 24 })).toBe(false);
  });

  it('a refused offer blocks the citizen for a while and frees the place; priorities and places change with their reasons', () => {
    const s = world();
    allocate(s, T0 + HOUR, ids());
    expect(offerRefused(s, { offerId: 'o1', caseId: 'c2', placeId: 'p1' }, T0 + HOUR)).toEqual([
      { type: 'db', effect: { kind: 'placeStatus', placeId: 'p1', status: 'vacant' } },
    ]);
    const blockedUntil = T0 + HOUR + REFUSED_OFFER_RETRY_MINUTES * 60_000;
    expect(s.entries.find((e) => e.caseId === 'c2')).toMatchObject({ state: 'waiting', blockedUntil });
    expect(nextAllocatorInstant(s)).toBe(blockedUntil);
    allocate(s, T0 + HOUR, () => 'o3');
    expect(s.offers.find((o) => o.offerId === 'o3')).toMatchObject({ placeId: 'p1', caseId: 'c3' });
    expireDue(s, blockedUntil);
    expect(s.entries.find((e) => e.caseId === 'c2')!.blockedUntil).toBeUndefined();

    expect(refusal(() => validatePriorityChange(s, { caseId: 'c3', priority: 'hoej' }))).toBe('the priority is already hoej');
    const changed = changePriority(s, { caseId: 'c3', priority: 'akut', reason: 'changed_need', by: 'u1', changeKey: 'k1' }, T0 + 2 * HOUR);
    expect(changed.answer).toEqual({ caseId: 'c3', from: 'hoej', to: 'akut' });
    expect(changed.effects[1]).toEqual({ type: 'notify', caseId: 'c3', workflowId: 'MDO-3', event: { kind: 'priority', priority: 'akut' } });

    expect(refusal(() => validateAddPlace(s, { placeId: 'p3', facilityId: 'f1', label: 'Stue 1' }))).toBe('the facility already has a place labelled "Stue 1"');
    expect(refusal(() => validateSetPlaceOpen(s, 'rehab', { placeId: 'p1', open: false }))).toBe(
      'the place is offered; a place can be closed only while it is vacant',
    );
    expect(setPlaceOpen(s, { placeId: 'p2', open: false }, T0 + 2 * HOUR).place).toMatchObject({ status: 'closed', since: T0 + 2 * HOUR });
    expect(refusal(() => validateSetPlaceOpen(s, 'rehab', { placeId: 'p9', open: true }))).toBe('no place p9 of type rehab');
  });
});
