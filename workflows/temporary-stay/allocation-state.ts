/**
 * The allocator's state and its transitions (source 003, allocation of temporary 24-hour places):
 * names, allocation order, the state it carries across continue-as-new, and what each message
 * and each allocation round does to it. A transition changes the state in place and returns
 * the effects to carry out, in order (a database write, then a message to the case concerned);
 * a validator throws the refusal reason. No Temporal imports and no clock but the `now` handed
 * in: the API and the unit tests use them too.
 */
import type { AllocationEffect } from '../../db/queries/temporary-stay.js';
import { hoursAfter, formatLocal, localDate, minutesAfter } from '../../domain/calendar.js';
import { PRIORITY_ORDER, REFUSED_OFFER_RETRY_MINUTES, type Priority } from '../../domain/rules.js';
import type { AllocationEvent, AllocationView, JoinRequest, LeaveReason, Offer, PlaceView, Stay } from './messages.js';

/**
 * A place type (pladstype) is a short lower-case slug (letters incl. æøå, digits, - and _); it
 * names the allocator workflow. `normalisePlaceType` turns "Midlertidig Rehabilitering" into
 * "midlertidig-rehabilitering", so every entry point files a type under the same name.
 */
export const PLACE_TYPE_PATTERN = /^[\p{Ll}\p{N}][\p{Ll}\p{N}_-]{0,59}$/u;

export function normalisePlaceType(raw: string): string {
  return raw.trim().toLowerCase().replace(/\s+/g, '-');
}

export function allocatorWorkflowId(placeType: string): string {
  return `allocator-${placeType}`;
}

/**
 * The workflow id of the case an entry, offer or stay belongs to: the case number it joined
 * with; `case-<caseId>` for one carried over from before case numbers.
 */
export function caseTarget(x: { caseId: string; workflowId?: string }): string {
  return x.workflowId ?? `case-${x.caseId}`;
}

export interface AllocPlace extends PlaceView {
  seq: number;
}

export interface Entry extends JoinRequest {
  seq: number;
  state: 'waiting' | 'offered' | 'in_stay';
  /**
   * Set when the database refused an offer to this citizen (an open offer or stay elsewhere):
   * not offered anything before this instant, then tried again.
   */
  blockedUntil?: number;
}

export interface AllocatorState {
  places: AllocPlace[];
  entries: Entry[];
  offers: Offer[];
  stays: Stay[];
  /** Cases that left (a late duplicate join is ignored). Bounded. */
  departed: string[];
  seq: number;
  /** Interval stays booked on this type's places (intervalophold; interval-state.ts). Absent in states carried from before. */
  bookings?: IntervalBooking[];
}

/** A booked interval stay (intervalophold) on a place: booked, then arrived; cancelled or ended, it is gone. */
export interface IntervalBooking {
  bookingId: string;
  placeId: string;
  /** The citizen's entry on the interval list. */
  entryId: string;
  citizenId: string;
  /** The booked period, Copenhagen days, both included. */
  from: string;
  to: string;
  state: 'booked' | 'arrived';
}

export interface AllocatorInput {
  placeType: string;
  state?: AllocatorState;
}

const priorityRank = (p: Priority) => PRIORITY_ORDER.indexOf(p);

/** Allocation order: highest priority, then oldest waiting-list date, then arrival. */
export function byAllocationOrder(
  a: Pick<Entry, 'priority' | 'waitingSince' | 'seq'>,
  b: Pick<Entry, 'priority' | 'waitingSince' | 'seq'>,
): number {
  return priorityRank(a.priority) - priorityRank(b.priority) || a.waitingSince - b.waitingSince || a.seq - b.seq;
}

/** The next instant the allocator must act on its own: a reply deadline or the end of a block. */
export function nextAllocatorInstant(s: Pick<AllocatorState, 'offers' | 'entries'>): number | undefined {
  const instants = [...s.offers.map((o) => o.replyBy), ...s.entries.flatMap((e) => (e.blockedUntil === undefined ? [] : [e.blockedUntil]))];
  return instants.length ? Math.min(...instants) : undefined;
}

// ---- the state and its transitions ----------------------------------------------------------

/** What a transition asks the allocator to carry out, in order: a database write, or a message to the case concerned. */
export type AllocatorEffect =
  | { type: 'db'; effect: AllocationEffect }
  | { type: 'notify'; caseId: string; workflowId: string; event: AllocationEvent };

/** A place type's first run: no places, nobody waiting. */
export function emptyAllocatorState(): AllocatorState {
  return { places: [], entries: [], offers: [], stays: [], departed: [], seq: 0 };
}

const placeOf = (s: AllocatorState, id: string) => s.places.find((p) => p.id === id);
const entryOf = (s: AllocatorState, caseId: string) => s.entries.find((e) => e.caseId === caseId);
const offerOf = (s: AllocatorState, caseId: string) => s.offers.find((o) => o.caseId === caseId);

/** A place as the API shows it. */
export function placeView(p: AllocPlace): PlaceView {
  return { id: p.id, facilityId: p.facilityId, label: p.label, status: p.status, since: p.since, passedOver: [...p.passedOver] };
}

/** The waiting list (in allocation order), places, offers and stays, as the allocation query shows them. */
export function allocationView(s: AllocatorState, placeType: string): AllocationView {
  const listed = s.entries.filter((e) => e.state !== 'in_stay').sort(byAllocationOrder);
  return {
    placeType,
    places: s.places.map(placeView),
    waitingList: listed.map((e, i) => ({
      rank: i + 1,
      caseId: e.caseId,
      citizenId: e.citizenId,
      priority: e.priority,
      waitingSince: e.waitingSince,
      state: e.state as 'waiting' | 'offered',
      offerId: offerOf(s, e.caseId)?.offerId,
    })),
    offers: s.offers,
    stays: s.stays,
  };
}

function setVacant(p: AllocPlace, now: number, resetPassedOver: boolean): void {
  p.status = 'vacant';
  p.since = now;
  if (resetPassedOver) p.passedOver = [];
}

/**
 * An open offer closes: declined (the citizen answered no), expired (nobody answered by the
 * reply time) or withdrawn (the citizen left the list). The place is vacant again; a citizen who
 * declined or let the offer expire is passed over for that place. The case is told unless it is leaving.
 */
export function closeOffer(
  s: AllocatorState,
  o: Offer,
  status: 'declined' | 'expired' | 'withdrawn',
  at: number,
  leaving: boolean,
  now: number,
): AllocatorEffect[] {
  s.offers = s.offers.filter((x) => x.offerId !== o.offerId);
  const p = placeOf(s, o.placeId)!;
  setVacant(p, now, false);
  if (status !== 'withdrawn') p.passedOver.push(o.caseId);
  const e = entryOf(s, o.caseId);
  if (e) e.state = 'waiting';
  const effects: AllocatorEffect[] = [
    {
      type: 'db',
      effect: {
        kind: 'offerClosed',
        offerId: o.offerId,
        placeId: o.placeId,
        caseId: o.caseId,
        status,
        at,
        placeStatus: 'vacant',
        applicationStatus: leaving ? 'closed' : 'waiting',
      },
    },
  ];
  if (!leaving) effects.push({ type: 'notify', caseId: o.caseId, workflowId: caseTarget(o), event: { kind: 'offerClosed', offerId: o.offerId, status, at } });
  return effects;
}

/** A vacant place is offered to a waiting citizen, who must reply by the reply time (offerReplyHours). */
function makeOffer(s: AllocatorState, p: AllocPlace, e: Entry, offerId: string, now: number): AllocatorEffect[] {
  const o: Offer = { offerId, placeId: p.id, caseId: e.caseId, workflowId: caseTarget(e), offeredAt: now, replyBy: hoursAfter(now, e.replyHours) };
  s.offers.push(o);
  p.status = 'offered';
  p.since = now;
  e.state = 'offered';
  return [
    {
      type: 'db',
      effect: { kind: 'offer', offerId: o.offerId, placeId: p.id, caseId: e.caseId, citizenId: e.citizenId, offeredAt: now, replyBy: o.replyBy },
    },
    {
      type: 'notify',
      caseId: e.caseId,
      workflowId: caseTarget(e),
      event: { kind: 'offered', offerId: o.offerId, placeId: p.id, placeLabel: p.label, offeredAt: now, replyBy: o.replyBy },
    },
  ];
}

/**
 * 003: every vacant place, oldest vacancy first, is offered to the best waiting citizen (highest
 * priority, then oldest waiting-list date) not passed over for it. `newOfferId` names each offer.
 */
export function allocate(s: AllocatorState, now: number, newOfferId: () => string, heldForInterval?: (placeId: string) => boolean): AllocatorEffect[] {
  const effects: AllocatorEffect[] = [];
  for (;;) {
    const ranked = s.entries.filter((e) => e.state === 'waiting' && e.blockedUntil === undefined).sort(byAllocationOrder);
    if (!ranked.length) return effects;
    // a place held for interval stays (a booking not yet over) is never offered to the waiting list
    const vacant = s.places.filter((p) => p.status === 'vacant' && !heldForInterval?.(p.id)).sort((a, b) => a.since - b.since || a.seq - b.seq);
    let made = false;
    for (const p of vacant) {
      const e = ranked.find((x) => !p.passedOver.includes(x.caseId));
      if (e) {
        effects.push(...makeOffer(s, p, e, newOfferId(), now));
        made = true;
        break;
      }
    }
    if (!made) return effects;
  }
}

/** Offers past their reply time expire (earliest first); a citizen's block after a refused offer ends. */
export function expireDue(s: AllocatorState, now: number): AllocatorEffect[] {
  const effects: AllocatorEffect[] = [];
  for (const o of [...s.offers].sort((a, b) => a.replyBy - b.replyBy)) {
    if (o.replyBy <= now) effects.push(...closeOffer(s, o, 'expired', o.replyBy, false, now));
  }
  for (const e of s.entries) if (e.blockedUntil !== undefined && e.blockedUntil <= now) delete e.blockedUntil;
  return effects;
}

/** A case joins the waiting list (a late duplicate join, or one from a case that already left, is ignored). Returns whether it joined. */
export function join(s: AllocatorState, req: JoinRequest): boolean {
  if (s.departed.includes(req.caseId) || entryOf(s, req.caseId)) return false;
  s.seq += 1;
  s.entries.push({ ...req, seq: s.seq, state: 'waiting' });
  return true;
}

/** A case leaves: its open offer is withdrawn, its stay ends (the place is vacant again), it is off the list. */
export function leave(s: AllocatorState, caseId: string, reason: LeaveReason, now: number): AllocatorEffect[] {
  if (!s.departed.includes(caseId)) {
    s.departed.push(caseId);
    if (s.departed.length > 500) s.departed.shift();
  }
  const effects: AllocatorEffect[] = [];
  const o = offerOf(s, caseId);
  if (o) effects.push(...closeOffer(s, o, 'withdrawn', now, true, now));
  const st = s.stays.find((x) => x.caseId === caseId);
  if (st) {
    s.stays = s.stays.filter((x) => x !== st);
    const p = placeOf(s, st.placeId)!;
    setVacant(p, now, true);
    effects.push({ type: 'db', effect: { kind: 'stayEnded', offerId: st.offerId, placeId: p.id, at: now, reason, placeStatus: 'vacant' } });
  }
  if (entryOf(s, caseId)) {
    s.entries = s.entries.filter((e) => e.caseId !== caseId);
    for (const p of s.places) p.passedOver = p.passedOver.filter((c) => c !== caseId);
  }
  effects.push({ type: 'db', effect: { kind: 'left', caseId, reason } });
  return effects;
}

export function validateAddPlace(s: AllocatorState, { placeId, facilityId, label }: { placeId: string; facilityId: string; label: string }): void {
  if (placeOf(s, placeId)) throw new Error(`place ${placeId} already exists`);
  if (s.places.some((p) => p.facilityId === facilityId && p.label === label)) {
    throw new Error(`the facility already has a place labelled "${label}"`);
  }
}

/** A new place, vacant from now. */
export function addPlace(
  s: AllocatorState,
  placeType: string,
  { placeId, facilityId, label }: { placeId: string; facilityId: string; label: string },
  now: number,
): { place: AllocPlace; effects: AllocatorEffect[] } {
  s.seq += 1;
  const place: AllocPlace = { id: placeId, facilityId, label, status: 'vacant', since: now, seq: s.seq, passedOver: [] };
  s.places.push(place);
  return { place, effects: [{ type: 'db', effect: { kind: 'place', placeId, facilityId, placeType, label, status: 'vacant', at: now } }] };
}

export function validateSetPlaceOpen(s: AllocatorState, placeType: string, { placeId, open }: { placeId: string; open: boolean }): void {
  const p = placeOf(s, placeId);
  if (!p) throw new Error(`no place ${placeId} of type ${placeType}`);
  if (open && p.status !== 'closed') throw new Error(`the place is ${p.status}, not closed`);
  if (!open && p.status !== 'vacant') {
    throw new Error(`the place is ${p.status}; a place can be closed only while it is vacant`);
  }
}

/** A place reopens (vacant, nobody passed over) or closes (only while vacant). */
export function setPlaceOpen(s: AllocatorState, { placeId, open }: { placeId: string; open: boolean }, now: number): { place: AllocPlace; effects: AllocatorEffect[] } {
  const place = placeOf(s, placeId)!;
  if (open) setVacant(place, now, true);
  else {
    place.status = 'closed';
    place.since = now;
  }
  return { place, effects: [{ type: 'db', effect: { kind: 'placeStatus', placeId, status: place.status } }] };
}

type Reply = { caseId: string; offerId: string; accept: boolean; plannedEndDate?: string };

export function validateReply(s: AllocatorState, { caseId, offerId, accept, plannedEndDate }: Reply, now: number): void {
  const o = offerOf(s, caseId);
  if (!o) {
    throw new Error(entryOf(s, caseId)?.state === 'in_stay' ? 'the citizen already has a place' : 'there is no open offer for this case');
  }
  if (o.offerId !== offerId) throw new Error(`offer ${offerId} is no longer open; the open offer is ${o.offerId}`);
  if (now >= o.replyBy) throw new Error(`the reply deadline passed at ${formatLocal(o.replyBy)}`);
  if (accept) {
    if (!plannedEndDate) throw new Error('plannedEndDate is required to accept an offer');
    if (plannedEndDate <= localDate(now)) throw new Error('plannedEndDate must be after today');
  }
}

/**
 * The citizen's reply to the open offer (validated first). Declined: the offer closes and the
 * place is offered on. Accepted: the stay starts in the place (occupied) until the planned end date.
 */
export function reply(
  s: AllocatorState,
  { caseId, accept, plannedEndDate }: Reply,
  now: number,
): { answer: { offerId: string; placeId: string; status: 'declined' | 'accepted' }; effects: AllocatorEffect[] } {
  const o = offerOf(s, caseId)!;
  const p = placeOf(s, o.placeId)!;
  const e = entryOf(s, caseId)!;
  if (!accept) return { answer: { offerId: o.offerId, placeId: p.id, status: 'declined' }, effects: closeOffer(s, o, 'declined', now, false, now) };
  s.offers = s.offers.filter((x) => x !== o);
  s.stays.push({ offerId: o.offerId, placeId: p.id, caseId, workflowId: caseTarget(o), startedAt: now, plannedEndDate: plannedEndDate! });
  p.status = 'occupied';
  p.since = now;
  p.passedOver = [];
  e.state = 'in_stay';
  return {
    answer: { offerId: o.offerId, placeId: p.id, status: 'accepted' },
    effects: [
      {
        type: 'db',
        effect: { kind: 'stayStarted', offerId: o.offerId, placeId: p.id, caseId, citizenId: e.citizenId, at: now, plannedEndDate: plannedEndDate! },
      },
      {
        type: 'notify',
        caseId,
        workflowId: caseTarget(o),
        event: { kind: 'stayStarted', offerId: o.offerId, placeId: p.id, placeLabel: p.label, startedAt: now, plannedEndDate: plannedEndDate! },
      },
    ],
  };
}

type PriorityChange = { caseId: string; priority: Priority; reason: string; by: string; changeKey: string };

export function validatePriorityChange(s: AllocatorState, { caseId, priority }: Pick<PriorityChange, 'caseId' | 'priority'>): void {
  const e = entryOf(s, caseId);
  if (!e) throw new Error('the citizen is not on the waiting list');
  if (e.state === 'in_stay') throw new Error('the citizen has moved in; the priority no longer applies');
  if (e.priority === priority) throw new Error(`the priority is already ${priority}`);
}

/** The citizen's priority changes (validated first): recorded with its reason, and the case is told. */
export function changePriority(
  s: AllocatorState,
  { caseId, priority, reason, by, changeKey }: PriorityChange,
  now: number,
): { answer: { caseId: string; from: Priority; to: Priority }; effects: AllocatorEffect[] } {
  const e = entryOf(s, caseId)!;
  const from = e.priority;
  e.priority = priority;
  return {
    answer: { caseId, from, to: priority },
    effects: [
      { type: 'db', effect: { kind: 'priority', caseId, changeKey, from, to: priority, reason, by, at: now } },
      { type: 'notify', caseId, workflowId: caseTarget(e), event: { kind: 'priority', priority } },
    ],
  };
}

/**
 * The database refused an offer (a unique index: the citizen holds an offer or a place
 * elsewhere): the offer is dropped, the citizen is not offered anything for
 * REFUSED_OFFER_RETRY_MINUTES, and the place is vacant again.
 */
export function offerRefused(s: AllocatorState, { offerId, caseId, placeId }: { offerId: string; caseId: string; placeId: string }, now: number): AllocatorEffect[] {
  s.offers = s.offers.filter((o) => o.offerId !== offerId);
  const e = entryOf(s, caseId);
  if (e) {
    e.state = 'waiting';
    e.blockedUntil = minutesAfter(now, REFUSED_OFFER_RETRY_MINUTES);
  }
  const p = placeOf(s, placeId);
  if (p && p.status === 'offered') setVacant(p, now, false);
  return [{ type: 'db', effect: { kind: 'placeStatus', placeId, status: p?.status ?? 'vacant' } }];
}
