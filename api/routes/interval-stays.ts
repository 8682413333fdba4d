/**
 * Interval stays (intervalophold, 003 "Intervalophold i midlertidig bolig"): interval-capable place
 * types, the interval list with the assessor's remarks, bookings on the places and a place's
 * calendar. Bookings are Updates of the place type's allocator (the truth: it refuses a clash and
 * never offers a place held for interval stays to the waiting list), called like the place routes
 * — no case to decide on: the Update id from the Idempotency-Key, a refusal a 409 — and then
 * written to the database for the calendar.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { upsertCitizen } from '../../db/queries/cases.js';
import {
  getBooking,
  getIntervalEntry,
  insertBookingOnce,
  insertIntervalEntryOnce,
  intervalEntries,
  isIntervalCapable,
  markIntervalCapable,
  placeBusy,
  setBookingStatus,
} from '../../db/queries/interval-stay.js';
import { getCase } from '../../db/queries/cases.js';
import { getPlace, getPlaceType } from '../../db/queries/temporary-stay.js';
import { addDays, localDate } from '../../domain/calendar.js';
import { birthDateFromCpr, normaliseCpr } from '../../domain/cpr.js';
import { allocatorWorkflowId } from '../../workflows/temporary-stay/allocation-state.js';
import { bookIntervalUpdate, cancelIntervalUpdate, intervalArrivedUpdate, intervalEndedUpdate } from '../../workflows/temporary-stay/interval-messages.js';
import { calendarOf } from '../../workflows/temporary-stay/interval-state.js';
import type { Role } from '../auth.js';
import { decideIntervalStay, openIntervalStay } from '../case-types/interval-stay/routes.js';
import type { ApiDeps } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { newIdFor, updateIdFor } from '../idempotency.js';
import { routeOptionsFor } from '../route-options.js';
import * as c from './interval-stays.contracts.js';

const route = routeOptionsFor('interval-stays');
const HOUSING: readonly Role[] = ['housing_team_lead'];
const READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead', 'supervisor'];
/** The interval list carries the assessor's remarks (free text about the citizen): the two roles that work with it. */
const LIST_READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead'];
type App = Parameters<FastifyPluginAsyncZod<ApiDeps>>[0];

async function intervalPlaceType(deps: ApiDeps, placeType: string, field: string): Promise<void> {
  if (!(await getPlaceType(deps.database.db, placeType))) throw badRequest(`${field}: place type "${placeType}" is not registered`, field);
  if (!(await isIntervalCapable(deps.database.db, placeType))) throw badRequest(`${field}: place type "${placeType}" is not interval-capable (POST /interval-place-types)`, field);
}

/** `POST /interval-place-types`, `POST /interval-list`, `GET /interval-list`. */
function listRoutes(app: App, deps: ApiDeps): void {
  const db = deps.database.db;
  app.post(
    '/interval-place-types',
    route({ access: HOUSING, audit: 'interval.place_type', summary: 'Mark a place type interval-capable: its places can be booked for interval stays', body: c.IntervalPlaceTypeBody, response: { 201: c.IntervalPlaceType } }),
    async (request, reply) => {
      const { placeType } = request.body;
      if (!(await getPlaceType(db, placeType))) throw badRequest(`body.placeType: place type "${placeType}" is not registered`, 'body.placeType');
      await markIntervalCapable(db, placeType, request.user!.user);
      return reply.code(201).send({ placeType, intervalCapable: true as const });
    },
  );
  app.post(
    '/interval-list',
    route({ access: ['needs_assessor'], audit: 'interval.list_entry', summary: 'Put an eligible citizen on the interval list, with the rhythm and where a stay suits them', body: c.IntervalEntryBody, response: { 201: c.IntervalEntry } }),
    async (request, reply) => {
      const b = request.body;
      await intervalPlaceType(deps, b.placeType, 'body.placeType');
      const id = newIdFor(request);
      const citizenId = await upsertCitizen(db, normaliseCpr(b.cpr), birthDateFromCpr(b.cpr)!);
      await insertIntervalEntryOnce(db, { id, citizenId, placeType: b.placeType, everyWeeks: b.everyWeeks, stayDays: b.stayDays, suits: b.suits ?? null, avoid: b.avoid ?? null, createdBy: request.user!.user });
      return reply.code(201).send((await getIntervalEntry(db, id))!);
    },
  );
  app.get(
    '/interval-list',
    route({ access: LIST_READERS, audit: 'interval.list', summary: 'The interval list (intervalliste), with the remarks', querystring: c.IntervalListQuery, response: { 200: c.IntervalListAnswer } }),
    async (request) => ({ entries: await intervalEntries(db, request.query.placeType) }),
  );
}

/** `POST /interval-bookings` and its cancel / arrived / ended: Updates of the place type's allocator. */
function bookingRoutes(app: App, deps: ApiDeps): void {
  const db = deps.database.db;
  app.post(
    '/interval-bookings',
    route({ access: HOUSING, audit: 'interval.book', summary: 'Book an interval stay on a place (never a period held by another booking or a place an ordinary stay holds)', body: c.BookingBody, response: { 201: c.BookingAnswer } }),
    async (request, reply) => {
      const b = request.body;
      const entry = await getIntervalEntry(db, b.entryId);
      if (!entry || entry.endedAt) throw badRequest('body.entryId: no open entry on the interval list', 'body.entryId');
      const place = await getPlace(db, b.placeId);
      if (!place) throw badRequest('body.placeId: no such place', 'body.placeId');
      await intervalPlaceType(deps, place.placeType, 'body.placeId');
      if (place.placeType !== entry.placeType) throw badRequest(`body.placeId: the citizen is on the interval list of ${entry.placeType}, the place is ${place.placeType}`, 'body.placeId');
      const bookingId = newIdFor(request);
      const handle = deps.temporal.workflow.getHandle(allocatorWorkflowId(place.placeType));
      const booked = await handle.executeUpdate(bookIntervalUpdate, {
        args: [{ bookingId, placeId: place.id, entryId: entry.id, citizenId: entry.citizenId, from: b.from, to: b.to }],
        updateId: updateIdFor(request),
      });
      await insertBookingOnce(db, { id: bookingId, entryId: entry.id, placeId: place.id, citizenId: entry.citizenId, fromDay: b.from, toDay: b.to, status: 'booked' });
      // the booked stay is a case of its own (its id the booking's): arrival, end, their obligations
      request.auditCaseId = bookingId;
      const opened = await openIntervalStay(deps, { bookingId, citizenId: entry.citizenId, placeId: place.id, allocatorWorkflowId: handle.workflowId, from: b.from, to: b.to });
      return reply.code(201).send({ ...booked, caseId: opened.caseId, caseNumber: opened.caseNumber });
    },
  );
  const steps = [
    ['cancel', cancelIntervalUpdate, 'cancelled', 'Cancel a booked interval stay (before arrival). Deprecated alias of POST /cases/:id/interval-stay/cancel'],
    ['arrived', intervalArrivedUpdate, 'arrived', 'The citizen arrived for the booked period: the place is occupied. Deprecated alias of POST /cases/:id/interval-stay/arrived'],
    ['ended', intervalEndedUpdate, 'ended', 'The interval stay ended: the place is free again. Deprecated alias of POST /cases/:id/interval-stay/ended'],
  ] as const;
  for (const [action, update, status, summary] of steps) {
    app.post(
      `/interval-bookings/:id/${action}`,
      route({ access: HOUSING, audit: `interval.${action}`, summary, params: c.BookingParams, body: c.BookingStepBody, response: { 200: c.BookingAnswer } }),
      async (request, reply) => {
        const row = await getBooking(db, request.params.id);
        if (!row) throw notFound(`no booking ${request.params.id}`);
        const answer = { bookingId: row.id, placeId: row.placeId, entryId: row.entryId, citizenId: row.citizenId, from: row.fromDay, to: row.toDay, state: status };
        if (await getCase(db, row.id)) {
          // a booked stay with its case: the case's decision (it tells the allocator and writes the row)
          const s = await decideIntervalStay(deps, request, row.id, action);
          reply.header('deprecation', 'true').header('link', `</cases/${row.id}/interval-stay/${action}>; rel="successor-version"`);
          return { ...answer, caseId: s.caseId, caseNumber: s.caseNumber };
        }
        const place = (await getPlace(db, row.placeId))!;
        const handle = deps.temporal.workflow.getHandle(allocatorWorkflowId(place.placeType));
        await handle.executeUpdate(update as typeof cancelIntervalUpdate, { args: [{ bookingId: row.id }], updateId: updateIdFor(request) });
        await setBookingStatus(db, row.id, status);
        return answer;
      },
    );
  }
}

/** `GET /places/:id/calendar`: booked, occupied and free periods of a place. */
function calendarRoute(app: App, deps: ApiDeps): void {
  const db = deps.database.db;
  app.get(
    '/places/:id/calendar',
    route({ access: READERS, audit: 'interval.calendar', summary: "A place's calendar: booked (interval stays), occupied (ordinary stay), free", params: c.CalendarParams, querystring: c.CalendarQuery, response: { 200: c.PlaceCalendar } }),
    async (request) => {
      const place = await getPlace(db, request.params.id);
      if (!place) throw notFound(`no place ${request.params.id}`);
      const from = request.query.from ?? localDate(Date.now());
      const to = request.query.to ?? addDays(from, 90);
      if (to < from) throw badRequest('querystring.to: must not be before from', 'querystring.to');
      if (addDays(from, 366) < to) throw badRequest('querystring.to: at most a year after from', 'querystring.to');
      const { bookings, ordinary } = await placeBusy(db, place.id, from, to);
      const busy = [
        ...bookings.map((b) => ({ from: b.fromDay, to: b.toDay, status: 'booked' as const, bookingId: b.id })),
        ...ordinary.map((s) => ({ from: localDate(s.startedAt.getTime()), to: s.plannedEndDate, status: 'occupied' as const })),
      ];
      return { placeId: place.id, placeType: place.placeType, label: place.label, intervalCapable: await isIntervalCapable(db, place.placeType), from, to, periods: calendarOf(from, to, busy) };
    },
  );
}

export const intervalStayRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  listRoutes(app, deps);
  bookingRoutes(app, deps);
  calendarRoute(app, deps);
};
