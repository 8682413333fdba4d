/** Interval stays (intervalophold): the contracts of the interval list, the bookings and a place's calendar. */
import { z } from 'zod';
import { Day, documented, Id, Instant } from '../contract.js';
import { calendarDate, cprSchema, line, longText, plannedDate } from '../schemas.js';

const PlaceType = line(60).describe('A registered place type (pladstype)');

export const IntervalPlaceTypeBody = z.object({ placeType: PlaceType });
export const IntervalPlaceType = documented(z.object({ placeType: z.string(), intervalCapable: z.literal(true) }), {
  description: 'The place type is interval-capable: its places can be booked for interval stays',
  example: { placeType: 'aflastning', intervalCapable: true },
});

export const IntervalEntryBody = z.object({
  cpr: cprSchema,
  placeType: PlaceType.describe('An interval-capable place type'),
  everyWeeks: z.number().int().min(1).max(52).describe('A stay every this many weeks (e.g. 6)'),
  stayDays: z.number().int().min(1).max(28).describe('Each stay this many days (e.g. 7)'),
  suits: longText(4000).optional().describe('Where (places, facilities) a stay suits the citizen — stored in the database only'),
  avoid: longText(4000).optional().describe('Where the citizen does not want a stay — stored in the database only'),
});

const Entry = z.object({
  id: Id,
  citizenId: Id,
  placeType: z.string(),
  everyWeeks: z.number().int(),
  stayDays: z.number().int(),
  suits: z.string().nullable(),
  avoid: z.string().nullable(),
  createdAt: Instant,
});
export const IntervalEntry = documented(Entry, {
  description: 'The citizen is on the interval list (intervalliste)',
  example: { id: '5c0f1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f', citizenId: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70', placeType: 'aflastning', everyWeeks: 6, stayDays: 7, suits: 'Plejecenter Solgården', avoid: null, createdAt: '2026-12-07T10:00:00+01:00' },
});
export const IntervalListQuery = z.object({ placeType: PlaceType.optional() });
export const IntervalListAnswer = documented(z.object({ entries: z.array(Entry) }), {
  description: 'The interval list, oldest first',
  example: { entries: [] },
});

export const BookingBody = z
  .object({
    entryId: Id.describe("The citizen's entry on the interval list"),
    placeId: Id.describe('A place of an interval-capable place type'),
    from: plannedDate.describe('The first day of the stay'),
    to: plannedDate.describe('The last day of the stay'),
  })
  .superRefine((v, ctx) => {
    if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
/** The booking's lifecycle steps carry nothing (an empty body, or none). */
export const BookingStepBody = z.object({}).strict().nullish();
export const BookingParams = z.object({ id: z.uuid({ message: 'must be a booking id (UUID)' }) });
const Booking = z.object({
  bookingId: Id,
  placeId: Id,
  entryId: Id,
  citizenId: Id,
  from: Day,
  to: Day,
  state: z.enum(['booked', 'arrived', 'ended', 'cancelled']),
  caseId: Id.optional().describe('The booked stay\'s case (intervalophold) — the same id as the booking; absent for a booking made before bookings had cases'),
  caseNumber: z.string().optional().describe('Its case number (INT-…)'),
});
export const BookingAnswer = documented(Booking, {
  description: 'The booked interval stay',
  example: { bookingId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f', placeId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', entryId: '5c0f1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f', citizenId: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70', from: '2027-01-11', to: '2027-01-17', state: 'booked', caseId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f', caseNumber: 'INT-2027-000004' },
});

export const CalendarParams = z.object({ id: z.uuid({ message: 'must be a place id (UUID)' }) });
export const CalendarQuery = z.object({ from: calendarDate.optional().describe('Default: today'), to: calendarDate.optional().describe('Default: from + 90 days') });
export const PlaceCalendar = documented(
  z.object({
    placeId: Id,
    placeType: z.string(),
    label: z.string(),
    intervalCapable: z.boolean(),
    from: Day,
    to: Day,
    periods: z.array(z.object({ from: Day, to: Day, status: z.enum(['booked', 'occupied', 'free']), bookingId: Id.optional() })),
  }),
  {
    description: "A place's calendar: booked for interval stays, occupied by an ordinary stay (until its planned end), free",
    example: {
      placeId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      placeType: 'aflastning',
      label: 'Stue 1',
      intervalCapable: true,
      from: '2027-01-04',
      to: '2027-01-31',
      periods: [
        { from: '2027-01-04', to: '2027-01-10', status: 'free' },
        { from: '2027-01-11', to: '2027-01-17', status: 'booked', bookingId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f' },
        { from: '2027-01-18', to: '2027-01-31', status: 'free' },
      ],
    },
  },
);
