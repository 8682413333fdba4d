/**
 * Recording path of the booked interval stay's case (intervalophold): a booking arrived and ended,
 * one cancelled, one a no-show — each case's decisions told to the place type's allocator.
 */
import { localDate } from '../../domain/calendar.js';
import { call, fakeCpr, sleep, today, type Ctx, type RecordingPath } from './context.js';

const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);

async function intervalStayCases(ctx: Ctx): Promise<string[]> {
  const placeType = `intervalophold-${Date.now()}`;
  await call(ctx, 'POST', '/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (interval)' });
  await call(ctx, 'POST', '/interval-place-types', 'dev-housing', { placeType });
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` });
  const place = await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  const entry = await call(ctx, 'POST', '/interval-list', 'dev-assessor', { cpr: fakeCpr('1940-05-06'), placeType, everyWeeks: 6, stayDays: 7 });
  const stay = await call(ctx, 'POST', '/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: place.id, from: today, to: inDays(6) });
  await call(ctx, 'POST', `/cases/${stay.caseId}/interval-stay/arrived`, 'dev-housing', {});
  await call(ctx, 'POST', `/cases/${stay.caseId}/interval-stay/ended`, 'dev-housing', {});
  const later = await call(ctx, 'POST', '/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: place.id, from: inDays(42), to: inDays(48) });
  await call(ctx, 'POST', `/cases/${later.caseId}/interval-stay/cancel`, 'dev-housing', {});
  const missed = await call(ctx, 'POST', '/interval-bookings', 'dev-housing', { entryId: entry.id, placeId: place.id, from: today, to: inDays(1) });
  await call(ctx, 'POST', `/cases/${missed.caseId}/interval-stay/no-show`, 'dev-housing', {});
  await sleep(1000);
  return [stay.caseNumber, later.caseNumber, missed.caseNumber, `allocator-${placeType}`];
}

export const intervalStayCasePaths: Record<string, RecordingPath> = { 'interval-stay': intervalStayCases };
