/**
 * Interval stays (intervalophold) and the ordinary waiting list share a place type's places for
 * three months, property-style over random bookings, cancellations, no-shows, arrivals, ends,
 * applications, replies and stay ends (the allocator's pure transitions, day by day): never two
 * occupants of a place, never two bookings of a place in one period, never an offer or an ordinary
 * stay on a place held for interval stays, and every interval citizen who turns up on the first
 * day of a booked period finds the place free.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { addDays, localDate, localInstant } from '../domain/calendar.js';
import { PRIORITY_ORDER } from '../domain/rules.js';
import { addPlace, allocate, emptyAllocatorState, join, leave, reply, type AllocatorState } from '../workflows/temporary-stay/allocation-state.js';
import {
  arrive,
  book,
  cancelBooking,
  endIntervalStay,
  heldForInterval,
  lapseBookings,
  validateArrival,
  validateBooking,
  validateCancel,
} from '../workflows/temporary-stay/interval-state.js';


const refused = (f: () => void): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

/** The invariants, after every step of a day. */
function check(s: AllocatorState, where: string): void {
  for (const p of s.places) {
    const stays = s.stays.filter((x) => x.placeId === p.id);
    const arrived = (s.bookings ?? []).filter((b) => b.placeId === p.id && b.state === 'arrived');
    const offers = s.offers.filter((o) => o.placeId === p.id);
    expect(stays.length + arrived.length, `${where}: occupants of ${p.label}`).toBeLessThanOrEqual(1);
    expect(offers.length + stays.length, `${where}: offers and stays on ${p.label}`).toBeLessThanOrEqual(1);
    if (stays.length || offers.length) expect(heldForInterval(s, p.id), `${where}: an ordinary offer or stay on ${p.label}, held for interval stays`).toBe(false);
    if (stays.length || arrived.length) expect(p.status, `${where}: ${p.label}`).toBe('occupied');
    const bookings = (s.bookings ?? []).filter((b) => b.placeId === p.id).sort((a, b) => a.from.localeCompare(b.from));
    for (let i = 1; i < bookings.length; i++) expect(bookings[i]!.from > bookings[i - 1]!.to, `${where}: double booking of ${p.label}`).toBe(true);
  }
}

describe('interval stays and the ordinary waiting list share places (property-style, pure)', () => {
  for (const seed of [3, 17, 2026, 99]) {
    it(`three months, seed ${seed}: no double booking, no offer into a booked period, every arrival finds the place free`, () => {
      const r = seededRandom(seed);
      const s = emptyAllocatorState();
      const start = '2027-01-04';
      const t0 = localInstant(start, 10);
      for (const label of ['Stue 1', 'Stue 2', 'Stue 3', 'Stue 4', 'Stue 5']) addPlace(s, 'interval-test', { placeId: randomUUID(), facilityId: 'f', label }, t0);
      const interval = [0, 1].map(() => ({ entryId: randomUUID(), citizenId: randomUUID() }));
      const ordinaryEnds = new Map<string, string>();
      const counts = { bookings: 0, refusedBookings: 0, cancellations: 0, noShows: 0, arrivals: 0, intervalEnds: 0, offers: 0, ordinaryStays: 0 };
      let caseNo = 0;
      // the team lead keeps two places for interval stays: each interval citizen's first period is booked before anyone applies
      interval.forEach((who, i) => book(s, { bookingId: randomUUID(), placeId: s.places[i]!.id, ...who, from: addDays(start, 2 + i), to: addDays(start, 8 + i) }));
      for (let day = 0; day < 91; day++) {
        const today = addDays(start, day);
        const now = localInstant(today, 10);
        const where = `seed ${seed}, ${today}`;
        // interval stays whose period is over end; ordinary stays end on their planned day
        for (const b of [...(s.bookings ?? [])].filter((x) => x.state === 'arrived' && x.to < today)) {
          endIntervalStay(s, b.bookingId, now);
          counts.intervalEnds++;
        }
        for (const st of [...s.stays]) {
          if ((ordinaryEnds.get(st.caseId) ?? today) <= today) leave(s, st.caseId, 'planned_end', now);
        }
        counts.noShows += lapseBookings(s, now).length;
        // arrivals on the first day of a booked period (one in ten does not turn up)
        for (const b of [...(s.bookings ?? [])].filter((x) => x.state === 'booked' && x.from === today)) {
          if (r.next() < 0.1) continue;
          expect(refused(() => validateArrival(s, b.bookingId, now)), `${where}: the interval citizen could not arrive`).toBe(false);
          arrive(s, b.bookingId, now);
          counts.arrivals++;
        }
        check(s, `${where} after arrivals`);
        // the housing team lead books an interval citizen's next period (or cancels one)
        if (r.next() < 0.3) {
          const who = r.pick(interval);
          const from = addDays(today, 1 + r.int(20));
          // mostly the two places the team lead keeps for interval stays, now and then another
          const place = r.next() < 0.85 ? s.places[r.int(2)]! : r.pick(s.places);
          const req = { bookingId: randomUUID(), placeId: place.id, ...who, from, to: addDays(from, 6) };
          if (refused(() => validateBooking(s, req, now))) counts.refusedBookings++;
          else {
            book(s, req);
            counts.bookings++;
          }
        }
        const cancellable = (s.bookings ?? []).filter((b) => b.state === 'booked');
        if (cancellable.length && r.next() < 0.05) {
          const b = r.pick(cancellable);
          expect(refused(() => validateCancel(s, b.bookingId))).toBe(false);
          cancelBooking(s, b.bookingId);
          counts.cancellations++;
        }
        // ordinary applications, allocation (places held for interval stays are skipped), replies
        if (r.next() < 0.5) {
          caseNo++;
          join(s, { caseId: `case-${caseNo}`, workflowId: `MDO-${caseNo}`, citizenId: randomUUID(), priority: r.pick([...PRIORITY_ORDER]), waitingSince: now, replyHours: 24 });
        }
        const made = allocate(s, now, randomUUID, (placeId) => heldForInterval(s, placeId)).filter((e) => e.type === 'db' && e.effect.kind === 'offer');
        counts.offers += made.length;
        check(s, `${where} after allocation`);
        for (const o of [...s.offers]) {
          const accept = r.next() < 0.7;
          const plannedEndDate = addDays(today, 3 + r.int(25));
          reply(s, { caseId: o.caseId, offerId: o.offerId, accept, ...(accept ? { plannedEndDate } : {}) }, now + 60_000);
          if (accept) {
            ordinaryEnds.set(o.caseId, plannedEndDate);
            counts.ordinaryStays++;
          }
        }
        allocate(s, now + 120_000, randomUUID, (placeId) => heldForInterval(s, placeId));
        check(s, `${where} after replies`);
      }
      console.log(`[interval] seed ${seed}: ${JSON.stringify(counts)}`);
      // the sequence exercised every path
      expect(counts.bookings).toBeGreaterThanOrEqual(3);
      expect(counts.arrivals).toBeGreaterThanOrEqual(3);
      expect(counts.ordinaryStays).toBeGreaterThan(5);
      expect(counts.refusedBookings + counts.cancellations + counts.noShows).toBeGreaterThan(0);
      expect(localDate(localInstant(addDays(start, 90)))).toBe('2027-04-04');
    });
  }
});
