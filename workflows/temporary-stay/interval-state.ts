/**
 * Interval stays (intervalophold, 003 "Intervalophold i midlertidig bolig") on a place type's
 * places, as transitions of the allocator's state (pure: no Temporal, no clock but `now`).
 *
 * The housing team lead books a period on a place for a citizen on the interval list. A place with
 * a booking that is not over is **held for interval stays**: the allocator never offers it to the
 * ordinary waiting list (`allocate`'s `heldForInterval`), so a booked period is never offered and
 * no ordinary stay can run into it; a booking is refused on a place an ordinary offer or stay holds.
 * The booked stay follows the place's lifecycle: arrival (the place occupied), end (vacant again).
 * A booking not arrived by the end of its period lapses (a no-show).
 */
import { addDays, localDate } from '../../domain/calendar.js';
import type { AllocatorEffect, AllocatorState, IntervalBooking } from './allocation-state.js';

export type BookingRequest = Omit<IntervalBooking, 'state'>;

const bookingsOf = (s: AllocatorState): IntervalBooking[] => s.bookings ?? [];
const overlaps = (a: { from: string; to: string }, b: { from: string; to: string }) => a.from <= b.to && b.from <= a.to;

/** Whether a place is held for interval stays: a booking on it is not over. */
export function heldForInterval(s: AllocatorState, placeId: string): boolean {
  return bookingsOf(s).some((b) => b.placeId === placeId);
}

export function validateBooking(s: AllocatorState, req: BookingRequest, now: number): void {
  const p = s.places.find((x) => x.id === req.placeId);
  if (!p) throw new Error(`no place ${req.placeId} of this place type`);
  if (p.status === 'closed') throw new Error('the place is closed');
  if (req.to < req.from) throw new Error('the period ends before it starts');
  if (req.from < localDate(now)) throw new Error('the period starts in the past');
  if (bookingsOf(s).some((b) => b.bookingId === req.bookingId)) throw new Error(`booking ${req.bookingId} exists already`);
  if (s.stays.some((x) => x.placeId === p.id) || s.offers.some((x) => x.placeId === p.id)) {
    throw new Error('an ordinary stay or offer holds the place: book a place that is free');
  }
  const clash = bookingsOf(s).find((b) => b.placeId === p.id && overlaps(b, req));
  if (clash) throw new Error(`the place is booked ${clash.from} – ${clash.to}`);
  const own = bookingsOf(s).find((b) => b.citizenId === req.citizenId && overlaps(b, req));
  if (own) throw new Error(`the citizen has a booking ${own.from} – ${own.to} already`);
}

/** A period is booked: from now on the place is held for interval stays. */
export function book(s: AllocatorState, req: BookingRequest): IntervalBooking {
  const b: IntervalBooking = { ...req, state: 'booked' };
  s.bookings = [...bookingsOf(s), b];
  return b;
}

function bookingOf(s: AllocatorState, bookingId: string): IntervalBooking {
  const b = bookingsOf(s).find((x) => x.bookingId === bookingId);
  if (!b) throw new Error(`no booking ${bookingId}`);
  return b;
}

export function validateCancel(s: AllocatorState, bookingId: string): void {
  if (bookingOf(s, bookingId).state !== 'booked') throw new Error('the citizen has arrived: end the stay instead');
}

/** A booking is cancelled (before arrival): the place may go to the waiting list again. */
export function cancelBooking(s: AllocatorState, bookingId: string): IntervalBooking {
  const b = bookingOf(s, bookingId);
  s.bookings = bookingsOf(s).filter((x) => x !== b);
  return b;
}

export function validateArrival(s: AllocatorState, bookingId: string, now: number): void {
  const b = bookingOf(s, bookingId);
  if (b.state !== 'booked') throw new Error('the citizen has arrived already');
  const today = localDate(now);
  if (today < b.from || today > b.to) throw new Error(`the booked period is ${b.from} – ${b.to}`);
  const p = s.places.find((x) => x.id === b.placeId)!;
  if (p.status !== 'vacant') throw new Error(`the place is ${p.status}`);
}

/** The citizen arrives: the place is occupied by the interval stay. */
export function arrive(s: AllocatorState, bookingId: string, now: number): AllocatorEffect[] {
  const b = bookingOf(s, bookingId);
  const p = s.places.find((x) => x.id === b.placeId)!;
  b.state = 'arrived';
  p.status = 'occupied';
  p.since = now;
  return [{ type: 'db', effect: { kind: 'placeStatus', placeId: p.id, status: 'occupied' } }];
}

export function validateEnd(s: AllocatorState, bookingId: string): void {
  if (bookingOf(s, bookingId).state !== 'arrived') throw new Error('the citizen has not arrived: cancel the booking instead');
}

/** The interval stay ends: the place is vacant again (for the next booking, or the waiting list once none is left). */
export function endIntervalStay(s: AllocatorState, bookingId: string, now: number): AllocatorEffect[] {
  const b = bookingOf(s, bookingId);
  s.bookings = bookingsOf(s).filter((x) => x !== b);
  const p = s.places.find((x) => x.id === b.placeId)!;
  p.status = 'vacant';
  p.since = now;
  p.passedOver = [];
  return [{ type: 'db', effect: { kind: 'placeStatus', placeId: p.id, status: 'vacant' } }];
}

/** Bookings whose period ended without an arrival lapse (no-show): the place is no longer held for them. */
export function lapseBookings(s: AllocatorState, now: number): IntervalBooking[] {
  const today = localDate(now);
  const lapsed = bookingsOf(s).filter((b) => b.state === 'booked' && b.to < today);
  if (lapsed.length) s.bookings = bookingsOf(s).filter((b) => !lapsed.includes(b));
  return lapsed;
}

/** A period of a place's calendar: booked for an interval stay, occupied by an ordinary stay, or free. */
export interface CalendarPeriod {
  from: string;
  to: string;
  status: 'booked' | 'occupied' | 'free';
  bookingId?: string;
}

/**
 * A place's calendar between two days (both included): its busy periods (bookings, ordinary stays
 * until their planned end) in order, the days between them free.
 */
export function calendarOf(from: string, to: string, busy: { from: string; to: string; status: 'booked' | 'occupied'; bookingId?: string }[]): CalendarPeriod[] {
  const out: CalendarPeriod[] = [];
  let cursor = from;
  for (const b of [...busy].sort((x, y) => x.from.localeCompare(y.from))) {
    const start = b.from < from ? from : b.from;
    const end = b.to > to ? to : b.to;
    if (end < cursor) continue;
    if (start > cursor) out.push({ from: cursor, to: addDays(start, -1), status: 'free' });
    out.push({ from: start < cursor ? cursor : start, to: end, status: b.status, ...(b.bookingId ? { bookingId: b.bookingId } : {}) });
    cursor = addDays(end, 1);
    if (cursor > to) return out;
  }
  if (cursor <= to) out.push({ from: cursor, to, status: 'free' });
  return out;
}
