/**
 * Facilities, places and the waiting list (venteliste) of the temporary stay (midlertidigt
 * døgnophold, source 003): the housing team lead registers place types (place-types.ts) and
 * facilities and adds, closes and reopens places; everyone who reads temporary stays sees the places' occupancy and a place
 * type's waiting list. No business logic: validate, authorise, then update the place type's
 * allocator workflow (workflows/temporary-stay/allocation.ts), or read the database (its mirror).
 *
 * The one named exception to the decision route factory (api/decision-route.ts): adding, closing
 * and reopening a place are Updates of the place type's allocator, but not decisions on a case —
 * there is no case id, so there is no case to read, check or audit against, which the one
 * decision path (`decide`) starts from. They call the allocator's Update directly, with the same
 * Update id from the Idempotency-Key (a repeat reaches the allocator once) and the same refusal
 * handling (a validator's refusal is a 409, no Temporal a 503), and answer through a contract.
 */
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { daysBetween, localDate } from '../../../domain/calendar.js';
import {
  getFacility,
  getPlace,
  insertFacility,
  listFacilities,
  listPlaces,
  placeByLabel,
  waitingListRows,
} from '../../../db/queries/temporary-stay.js';
import { PRIORITY_ORDER, type Priority } from '../../../domain/rules.js';
import { allocatorWorkflowId } from '../../../workflows/temporary-stay/allocation-state.js';
import { placeTypeAllocatorWorkflow } from '../../../workflows/temporary-stay/index.js';
import { addPlaceUpdate, setPlaceOpenUpdate, wakeAllocatorSignal } from '../../../workflows/temporary-stay/messages.js';
import type { Role } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { newIdFor, updateIdFor } from '../../idempotency.js';
import { routeOptionsFor } from '../../route-options.js';
import * as c from './contracts.js';
import { assertPlaceTypeRegistered, placeTypeRoutes } from './place-types.js';

type App = Parameters<FastifyPluginAsyncZod<ApiDeps>>[0];

/** The URL segment of the temporary stay's decisions (`/cases/:id/temporary-stay/…`), also the OpenAPI tag of all its routes. */
export const TEMPORARY_STAY_SLUG = 'temporary-stay';
/** Who reads temporary stays' places and waiting lists (and applications). */
export const STAY_READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead', 'supervisor'];
const HOUSING: readonly Role[] = ['housing_team_lead'];
/** The options of a temporary-stay route (its tag: the slug). */
export const route = routeOptionsFor(TEMPORARY_STAY_SLUG);

/** The place type's allocator, started if it does not run yet (signal-with-start). */
async function ensureAllocator(temporal: Client, taskQueue: string, placeType: string) {
  return temporal.workflow.signalWithStart(placeTypeAllocatorWorkflow, {
    workflowId: allocatorWorkflowId(placeType),
    taskQueue,
    args: [{ placeType }],
    signal: wakeAllocatorSignal,
    staticSummary: `Allocator of ${placeType} places (midlertidigt døgnophold)`,
  });
}

/** `POST /facilities`, `GET /facilities`. */
function facilityRoutes(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.post(
    '/facilities',
    route({ access: HOUSING, audit: 'facility.create', summary: 'Register a facility with temporary places', body: c.FacilityBody, response: { 201: c.Facility } }),
    async (request, reply) => {
      const id = newIdFor(request);
      const existing = await getFacility(db, id);
      if (existing) return reply.code(201).send(existing);
      const row = await insertFacility(db, { id, name: request.body.name, address: request.body.address });
      if (!row) throw conflict(`a facility named "${request.body.name}" already exists`);
      return reply.code(201).send(row);
    },
  );

  app.get(
    '/facilities',
    route({ access: STAY_READERS, summary: 'Facilities', response: { 200: c.Facilities } }),
    async () => listFacilities(db),
  );
}

/** `POST /places`, `POST /places/:id/close|reopen`: Updates of the place type's allocator (the named exception, see above). */
function placeChangeRoutes(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.post(
    '/places',
    route({ access: HOUSING, audit: 'place.create', summary: 'Add a place of a place type; it is vacant and offered at once to the waiting list', body: c.PlaceBody, response: { 201: c.PlaceAnswer } }),
    async (request, reply) => {
      const { facilityId, placeType, label } = request.body;
      if (!(await getFacility(db, facilityId))) throw badRequest('body.facilityId: no such facility', 'body.facilityId');
      await assertPlaceTypeRegistered(db, placeType, 'body.placeType');
      const placeId = newIdFor(request);
      const sameLabel = await placeByLabel(db, facilityId, label);
      if (sameLabel && sameLabel.id !== placeId) {
        throw conflict(`the facility already has a place labelled "${label}" (${sameLabel.placeType})`);
      }
      const handle = await ensureAllocator(deps.temporal, deps.taskQueue, placeType);
      const place = await handle.executeUpdate(addPlaceUpdate, { args: [{ placeId, facilityId, label }], updateId: updateIdFor(request) });
      return reply.code(201).send({ ...place, placeType });
    },
  );

  for (const [action, open] of [
    ['close', false],
    ['reopen', true],
  ] as const) {
    app.post(
      `/places/:id/${action}`,
      route({ access: HOUSING, audit: `place.${action}`, summary: open ? 'Reopen a closed place (it is offered at once)' : 'Close a vacant place (lukket)', params: c.PlaceParams, response: { 200: c.PlaceAnswer } }),
      async (request) => {
        const place = await getPlace(db, request.params.id);
        if (!place) throw notFound(`no place ${request.params.id}`);
        const handle = deps.temporal.workflow.getHandle(allocatorWorkflowId(place.placeType));
        const view = await handle.executeUpdate(setPlaceOpenUpdate, { args: [{ placeId: place.id, open }], updateId: updateIdFor(request) });
        return { ...view, placeType: place.placeType };
      },
    );
  }
}

/** `GET /places`, `GET /waiting-list`. */
function occupancyRoutes(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.get(
    '/places',
    route({ access: STAY_READERS, audit: 'place.list', summary: 'Places with their occupancy (vacant, offered, occupied, closed)', querystring: c.PlacesQuery, response: { 200: c.Places } }),
    async (request) => {
      if (request.query.placeType) await assertPlaceTypeRegistered(db, request.query.placeType, 'querystring.placeType');
      const rows = await listPlaces(db, request.query.placeType);
      const counts = { vacant: 0, offered: 0, occupied: 0, closed: 0 };
      for (const r of rows) if (r.status in counts) counts[r.status as keyof typeof counts] += 1;
      return { placeType: request.query.placeType ?? null, occupancy: { total: rows.length, ...counts }, places: rows };
    },
  );

  app.get(
    '/waiting-list',
    route({ access: STAY_READERS, audit: 'waiting_list.read', summary: "A place type's waiting list in allocation order, with rank and days waited", querystring: c.WaitingListQuery, response: { 200: c.WaitingList } }),
    async (request) => {
      const placeType = request.query.placeType;
      await assertPlaceTypeRegistered(db, placeType, 'querystring.placeType');
      // the database's mirror of the allocator's decisions, in its allocation order: no query to the allocator
      const { limit, offset } = request.query;
      const rows = await waitingListRows(db, placeType, PRIORITY_ORDER, { ...(limit ? { limit } : {}), offset });
      // the look-up log's citizens named here, not by parsing the answer again (api/access-log.ts)
      request.lookedUp = { caseIds: rows.map((r) => r.caseId), citizenIds: rows.map((r) => r.citizenId) };
      const now = Date.now();
      const today = localDate(now);
      return {
        placeType,
        asOf: now,
        entries: rows.map((r, i) => ({
          rank: offset + i + 1,
          caseId: r.caseId,
          citizenId: r.citizenId,
          priority: r.priority as Priority,
          waitingSince: r.waitingSince,
          state: r.state as 'waiting' | 'offered',
          daysWaited: daysBetween(localDate(r.waitingSince.getTime()), today),
          offerId: r.offerId ?? null,
          /** 003: the citizen's situation changed (discharged home while waiting): the priority is to be reviewed. */
          priorityToBeReviewed: r.priorityToBeReviewed,
        })),
      };
    },
  );
}

/** The facilities, places and waiting-list routes. */
export function placeRoutes(app: App, deps: ApiDeps): void {
  placeTypeRoutes(app, deps, route);
  facilityRoutes(app, deps);
  placeChangeRoutes(app, deps);
  occupancyRoutes(app, deps);
}
