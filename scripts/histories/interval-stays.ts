/**
 * Recording path of interval stays (intervalophold): a place type's allocator with a booked
 * period (patch `allocator-interval-bookings`): booked, a second booked and cancelled, an ordinary
 * application offered the other place, the first booking arrived and ended.
 */
import { localDate } from '../../domain/calendar.js';
import { call, fakeCpr, sleep, today, type Ctx, type RecordingPath } from './context.js';

const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);

async function intervalStays(ctx: Ctx): Promise<string[]> {
  const placeType = `interval-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (interval)' });
  await call(ctx, 'POST', '/interval-place-types', 'dev-housing', { placeType });
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` });
  const p1 = await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  const entry = await call(ctx, 'POST', '/interval-list', 'dev-assessor', { cpr: fakeCpr('1939-04-05'), placeType, everyWeeks: 6, stayDays: 7, suits: 'Stue 1' });
  const booked = await call(ctx, 'POST', '/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: p1.id, from: today, to: inDays(6) });
  const later = await call(ctx, 'POST', '/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: p1.id, from: inDays(42), to: inDays(48) });
  await call(ctx, 'POST', `/interval-bookings/${later.bookingId}/cancel`, 'dev-housing');
  await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1937-06-07'), eligible: true, placeType, purpose: 'respite', priority: 'hoej' });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 2' });
  await sleep(1000);
  await call(ctx, 'POST', `/interval-bookings/${booked.bookingId}/arrived`, 'dev-housing');
  await call(ctx, 'POST', `/interval-bookings/${booked.bookingId}/ended`, 'dev-housing');
  await sleep(1000);
  return [`allocator-${placeType}`];
}

export const intervalStayPaths: Record<string, RecordingPath> = { interval: intervalStays };
