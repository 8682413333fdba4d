/**
 * Interval stays (intervalophold) through the API on the time-skipping server: an interval-capable
 * place type, a citizen on the interval list with remarks, a booked period on a place; the
 * ordinary waiting list is never offered the booked place; a clash and a place an ordinary offer
 * holds are refused; the calendar shows booked and free; arrival occupies the place, the end frees
 * it — and with no booking left the waiting list gets it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { intervalBookings, intervalList, placeOffers } from '../db/schema/index.js';
import { addDays, localDate, localInstant } from '../domain/calendar.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const post = (url: string, token: string, payload: object = {}) => stack.app.inject({ method: 'POST', url, headers: as(token), payload });
const get = (url: string, token: string) => stack.app.inject({ method: 'GET', url, headers: as(token) });
/** The case's open offer, as the allocator's projection shows it. */
const offerOf = async (caseId: string) => (await stack.database.db.select().from(placeOffers).where(and(eq(placeOffers.caseId, caseId), eq(placeOffers.status, 'offered'))))[0];

describe('interval stays (time-skipping server)', () => {
  it('a booked place is never offered to the waiting list; arrival and end follow the place; then the waiting list gets it', { timeout: 180_000 }, async () => {
    const placeType = `interval-${randomUUID().slice(0, 8)}`;
    expect((await post('/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (interval)' })).statusCode).toBe(201);
    const notYet = await post('/interval-list', 'dev-assessor', { cpr: fakeCpr('1940-01-01'), placeType, everyWeeks: 6, stayDays: 7 });
    expect(notYet.statusCode).toBe(400);
    expect(notYet.json().message).toContain('not interval-capable');
    expect((await post('/interval-place-types', 'dev-assessor', { placeType })).statusCode).toBe(403);
    expect((await post('/interval-place-types', 'dev-housing', { placeType })).statusCode).toBe(201);
    const facility = (await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` })).json();
    const p1 = (await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' })).json();

    const entry = await post('/interval-list', 'dev-assessor', { cpr: fakeCpr('1940-01-01'), placeType, everyWeeks: 6, stayDays: 7, suits: 'Stue 1 ved haven', avoid: 'Ikke 2. sal' });
    expect(entry.statusCode, entry.body).toBe(201);
    const [kept] = await stack.database.db.select().from(intervalList).where(eq(intervalList.id, entry.json().id));
    expect(kept).toMatchObject({ everyWeeks: 6, stayDays: 7, suits: 'Stue 1 ved haven', avoid: 'Ikke 2. sal' });
    expect((await get(`/interval-list?placeType=${placeType}`, 'dev-housing')).json().entries).toHaveLength(1);

    const today = localDate(await stack.env.currentTimeMs());
    const from = addDays(today, 3);
    const to = addDays(from, 6);
    const booked = await post('/interval-bookings', 'dev-housing', { entryId: entry.json().id, placeId: p1.id, from, to });
    expect(booked.statusCode, booked.body).toBe(201);
    const bookingId = booked.json().bookingId as string;
    expect(booked.json()).toMatchObject({ placeId: p1.id, from, to, state: 'booked' });
    const clash = await post('/interval-bookings', 'dev-housing', { entryId: entry.json().id, placeId: p1.id, from: addDays(from, 2), to: addDays(to, 2) });
    expect(clash.statusCode).toBe(409);

    // an ordinary application: p1 is held for the interval stay, so it waits; a second place goes to it
    const ordinary = await post('/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1938-02-02'), eligible: true, placeType, purpose: 'rehabilitation', priority: 'akut' });
    expect(ordinary.statusCode, ordinary.body).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await offerOf(ordinary.json().id)).toBeUndefined();
    const p2 = (await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 2' })).json();
    const offer = await eventually(() => offerOf(ordinary.json().id));
    expect(offer.placeId).toBe(p2.id);
    const onOffered = await post('/interval-bookings', 'dev-housing', { entryId: entry.json().id, placeId: p2.id, from: addDays(to, 10), to: addDays(to, 16) });
    expect(onOffered.statusCode).toBe(409);
    expect(onOffered.json().message).toContain('ordinary');
    const accepted = await post(`/cases/${ordinary.json().id}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.id, accept: true, plannedEndDate: addDays(today, 60) });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const third = await post('/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1937-03-03'), eligible: true, placeType, purpose: 'rehabilitation', priority: 'akut' });

    const calendar = (await get(`/places/${p1.id}/calendar?from=${today}&to=${addDays(today, 20)}`, 'dev-housing')).json();
    expect(calendar.periods).toEqual([
      { from: today, to: addDays(from, -1), status: 'free' },
      { from, to, status: 'booked', bookingId },
      { from: addDays(to, 1), to: addDays(today, 20), status: 'free' },
    ]);

    // too early to arrive; on the first day the place is free for the citizen
    expect((await post(`/interval-bookings/${bookingId}/arrived`, 'dev-housing')).statusCode).toBe(409);
    const now = await stack.env.currentTimeMs();
    await stack.env.sleep(localInstant(from, 10) - now);
    const arrived = await post(`/interval-bookings/${bookingId}/arrived`, 'dev-housing');
    expect(arrived.statusCode, arrived.body).toBe(200);
    expect((await get(`/places?placeType=${placeType}`, 'dev-housing')).json().places.find((p: { id: string }) => p.id === p1.id).status).toBe('occupied');
    expect(await offerOf(third.json().id)).toBeUndefined();
    const ended = await post(`/interval-bookings/${bookingId}/ended`, 'dev-housing');
    expect(ended.statusCode, ended.body).toBe(200);
    const [row] = await stack.database.db.select().from(intervalBookings).where(eq(intervalBookings.id, bookingId));
    expect(row!.status).toBe('ended');
    // nothing booked on p1 any more: the waiting list gets it
    const thirdOffer = await eventually(() => offerOf(third.json().id));
    expect(thirdOffer.placeId).toBe(p1.id);
  });
});
