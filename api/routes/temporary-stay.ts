/**
 * Temporary 24-hour stays (midlertidigt døgnophold), sources 000 and 003: facilities and places,
 * applications on the waiting list, offers and replies, priority changes, reassessment and end
 * of the stay. No business logic: validate, authorise, then update/query the case workflow or
 * the place type's allocator workflow (workflows/temporary-stay/allocation.ts), or read the
 * database. A case's workflow id is its case number (`MDO-2026-000042`).
 */
import { temporaryStayCaseType } from '../../workflows/temporary-stay/case-type.js';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getCase, upsertCitizen } from '../../db/queries/cases.js';
import {
  casesWithPriorityToReview,
  getApplication,
  getFacility,
  getPlace,
  insertFacility,
  listFacilities,
  listPlaces,
  openApplicationOf,
  placeByLabel,
  priorityHistory,
} from '../../db/queries/temporary-stay.js';
import { allocatorWorkflowId, normalisePlaceType, PLACE_TYPE_PATTERN } from '../../workflows/temporary-stay/allocation-state.js';
import { placeTypeAllocatorWorkflow, temporaryStayCaseWorkflow } from '../../workflows/temporary-stay/index.js';
import {
  addPlaceUpdate,
  allocationQuery,
  changePriorityUpdate,
  endStayUpdate,
  reassessStayUpdate,
  replyToOfferUpdate,
  setPlaceOpenUpdate,
  temporaryStayStatusQuery,
  wakeAllocatorSignal,
  withdrawStayCaseUpdate,
} from '../../workflows/temporary-stay/messages.js';
import { daysBetween, formatLocal, localDate } from '../../domain/calendar.js';
import { birthDateFromCpr, normaliseCpr } from '../../domain/cpr.js';
import {
  PRIORITY_CHANGE_REASON_CODES,
  PRIORITY_CHANGE_REASONS,
  PRIORITY_ORDER,
  STAY_PURPOSE_CODES,
  STAY_PURPOSES,
  type Priority,
} from '../../domain/rules.js';
import type { Role } from '../auth.js';
import { workflowIdOf } from '../case-numbers.js';
import type { ApiDeps } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { decide as decideOnCase, intake, startCase } from '../decisions.js';
import { idempotencyKey, updateIdFor, uuidFromKey } from '../idempotency.js';
import { liveStatus } from '../live.js';
import { caseViewOrForbid } from '../need-to-know.js';
import { calendarDate, caseIdParams, cprSchema, FUTURE_TOLERANCE_MS, instant, instantsAfterBirth, line, longText, token } from '../schemas.js';


import { placeTypeSchema, prioritySchema, priorityReasonSchema, purposeSchema } from '../case-types/temporary-stay/contracts.js';
export { placeTypeSchema, prioritySchema, purposeSchema };

const READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead', 'supervisor'];
const ASSESSOR: readonly Role[] = ['needs_assessor'];
const HOUSING: readonly Role[] = ['housing_team_lead'];
const OFFER_REPLY: readonly Role[] = ['housing_team_lead', 'needs_assessor'];

const openSchema = z.object({
  cpr: cprSchema,
  eligible: z.literal(true, {
    message: 'only an eligible citizen is put on the waiting list (a refusal, afslag, is not a waiting-list case)',
  }),
  placeType: placeTypeSchema,
  purpose: purposeSchema,
  priority: prioritySchema,
  appliedAt: instant.optional().describe('Waiting-list date (ventelistedato); default now'),
  originCaseId: z.uuid().optional().describe('The hospital-discharge case this application comes from'),
});

const placeParams = z.object({ id: z.uuid({ message: 'must be a place id (UUID)' }) });

async function ensureAllocator(temporal: Client, taskQueue: string, placeType: string) {
  return temporal.workflow.signalWithStart(placeTypeAllocatorWorkflow, {
    workflowId: allocatorWorkflowId(placeType),
    taskQueue,
    args: [{ placeType }],
    signal: wakeAllocatorSignal,
    staticSummary: `Allocator of ${placeType} places (midlertidigt døgnophold)`,
  });
}

export const temporaryStayRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;

  const application = async (caseId: string) => {
    const row = await getApplication(db, caseId);
    if (!row) throw notFound(`no temporary-stay case ${caseId}`);
    return row;
  };
  /** The application of a case that is still open (409 with the outcome once it has ended). */
  const openApplication = async (caseId: string) => {
    const row = await application(caseId);
    const c = await getCase(db, caseId);
    if (c?.closedAt) throw conflict(`the case has already ended (${c.outcome})`);
    if (row.status === 'closed') throw conflict(`the application is closed (${row.closedReason ?? 'ended'})`);
    return row;
  };
  /** Sends a decision to an open application's case workflow as an Update (refusal → 409). */
  const updateStayCase = <Ret, Arg>(request: FastifyRequest, caseId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg) =>
    decideOnCase(deps, request, {
      caseId,
      caseType: temporaryStayCaseType,
      update,
      args: () => [arg],
      precheck: async () => {
        await openApplication(caseId);
      },
    });
  /** A decision the place type's allocator makes (offers, priorities), on the one decision path. */
  const updateAllocator = async <Ret, Arg>(
    request: FastifyRequest,
    caseId: string,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: (row: Awaited<ReturnType<typeof application>>, updateKey: string) => Arg,
  ) => {
    let row: Awaited<ReturnType<typeof application>> | undefined;
    return decideOnCase(deps, request, {
      caseId,
      caseType: temporaryStayCaseType,
      update,
      precheck: async () => {
        row = await openApplication(caseId);
      },
      workflowId: () => allocatorWorkflowId(row!.placeType),
      args: (ctx) => [arg(row!, ctx.updateKey)],
    });
  };

  // ---- facilities and places (housing team lead)

  app.post(
    '/facilities',
    {
      config: { access: HOUSING, audit: 'facility.create' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Register a facility with temporary places',
        body: z.object({ name: line(200), address: line(300).optional() }),
      },
    },
    async (request, reply) => {
      const key = idempotencyKey(request);
      const id = key ? uuidFromKey(request.user!.user, 'POST /facilities', key) : randomUUID();
      const existing = await getFacility(db, id);
      if (existing) return reply.code(201).send(existing);
      const row = await insertFacility(db, { id, name: request.body.name, address: request.body.address });
      if (!row) throw conflict(`a facility named "${request.body.name}" already exists`);
      return reply.code(201).send(row);
    },
  );

  app.get(
    '/facilities',
    { config: { access: READERS }, schema: { tags: ['temporary stays'], summary: 'Facilities' } },
    async () => listFacilities(db),
  );

  app.post(
    '/places',
    {
      config: { access: HOUSING, audit: 'place.create' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Add a place of a place type; it is vacant and offered at once to the waiting list',
        body: z.object({ facilityId: z.uuid(), placeType: placeTypeSchema, label: line(60).describe('Room or bed label') }),
      },
    },
    async (request, reply) => {
      const { facilityId, placeType, label } = request.body;
      if (!(await getFacility(db, facilityId))) throw badRequest('body.facilityId: no such facility', 'body.facilityId');
      const key = idempotencyKey(request);
      const placeId = key ? uuidFromKey(request.user!.user, 'POST /places', key) : randomUUID();
      const sameLabel = await placeByLabel(db, facilityId, label);
      if (sameLabel && sameLabel.id !== placeId) {
        throw conflict(`the facility already has a place labelled "${label}" (${sameLabel.placeType})`);
      }
      const handle = await ensureAllocator(deps.temporal, deps.taskQueue, placeType);
      const place = await handle.executeUpdate(addPlaceUpdate, {
        args: [{ placeId, facilityId, label }],
        updateId: updateIdFor(request),
      });
      return reply.code(201).send({ ...place, placeType });
    },
  );

  for (const [action, open] of [
    ['close', false],
    ['reopen', true],
  ] as const) {
    app.post(
      `/places/:id/${action}`,
      {
        config: { access: HOUSING, audit: `place.${action}` },
        schema: {
          tags: ['temporary stays'],
          summary: open ? 'Reopen a closed place (it is offered at once)' : 'Close a vacant place (lukket)',
          params: placeParams,
        },
      },
      async (request) => {
        const place = await getPlace(db, request.params.id);
        if (!place) throw notFound(`no place ${request.params.id}`);
        const handle = deps.temporal.workflow.getHandle(allocatorWorkflowId(place.placeType));
        const view = await handle.executeUpdate(setPlaceOpenUpdate, {
          args: [{ placeId: place.id, open }],
          updateId: updateIdFor(request),
        });
        return { ...view, placeType: place.placeType };
      },
    );
  }

  app.get(
    '/places',
    {
      config: { access: READERS, audit: 'place.list' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Places with their occupancy (vacant, offered, occupied, closed)',
        querystring: z.object({ placeType: placeTypeSchema.optional() }),
      },
    },
    async (request) => {
      const rows = await listPlaces(db, request.query.placeType);
      const counts = { vacant: 0, offered: 0, occupied: 0, closed: 0 } as Record<string, number>;
      for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
      return { placeType: request.query.placeType ?? null, occupancy: { total: rows.length, ...counts }, places: rows };
    },
  );

  app.get(
    '/waiting-list',
    {
      config: { access: READERS, audit: 'waiting_list.read' },
      schema: {
        tags: ['temporary stays'],
        summary: "A place type's waiting list in allocation order, with rank and days waited",
        querystring: z.object({ placeType: placeTypeSchema }),
      },
    },
    async (request) => {
      const placeType = request.query.placeType;
      let view;
      try {
        view = await deps.temporal.workflow.getHandle(allocatorWorkflowId(placeType)).query(allocationQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { placeType, asOf: formatLocal(Date.now()), entries: [] };
        throw err;
      }
      const today = localDate(Date.now());
      const toReview = await casesWithPriorityToReview(deps.database.db, view.waitingList.map((r) => r.caseId));
      return {
        placeType,
        asOf: formatLocal(Date.now()),
        entries: view.waitingList.map((r) => ({
          rank: r.rank,
          caseId: r.caseId,
          citizenId: r.citizenId,
          priority: r.priority,
          waitingSince: formatLocal(r.waitingSince),
          daysWaited: daysBetween(localDate(r.waitingSince), today),
          state: r.state,
          offerId: r.offerId ?? null,
          /** 003: the citizen's situation changed (discharged home while waiting): the priority is to be reviewed. */
          priorityToBeReviewed: toReview.has(r.caseId),
        })),
      };
    },
  );

  // ---- applications

  app.post(
    '/temporary-stays',
    {
      config: { access: ASSESSOR, audit: 'temporary_stay.open' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Record an application (revisitation): eligibility, place type, purpose, priority → waiting list',
        body: openSchema,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const appliedAt = body.appliedAt ? Date.parse(body.appliedAt) : Date.now();
      if (appliedAt > Date.now() + FUTURE_TOLERANCE_MS) throw badRequest('appliedAt: must not be in the future', 'body.appliedAt');
      const beforeBirth = instantsAfterBirth(body.cpr, { appliedAt: body.appliedAt });
      if (beforeBirth.length) throw badRequest(`appliedAt: ${beforeBirth[0]!.message}`, 'body.appliedAt');
      if (body.originCaseId && !(await getCase(db, body.originCaseId))) {
        throw badRequest('body.originCaseId: no such case', 'body.originCaseId');
      }
      return intake(deps, request, reply, async (caseId) => {
        const citizenId = await upsertCitizen(db, normaliseCpr(body.cpr), birthDateFromCpr(body.cpr)!);
        const open = await openApplicationOf(db, citizenId);
        if (open) throw conflict(`the citizen already has an open temporary-stay application (case ${open.caseId}); change that one`);
        const opened = await startCase(deps, {
          caseId,
          caseType: temporaryStayCaseType,
          workflow: temporaryStayCaseWorkflow,
          args: [
            {
              caseId,
              citizenId,
              placeType: body.placeType,
              purpose: body.purpose,
              priority: body.priority,
              appliedAt,
              originCaseId: body.originCaseId,
              rules: deps.rules,
            },
          ],
          summary: 'Temporary 24-hour stay (midlertidigt døgnophold)',
        });
        if (opened.duplicateOf) throw conflict(`the citizen already has an open temporary-stay application (case ${opened.duplicateOf})`);
        return { workflowId: opened.workflowId, caseNumber: opened.caseNumber, type: 'temporary_stay' };
      });
    },
  );

  app.get(
    '/temporary-stays/:id',
    {
      config: { access: READERS, audit: 'temporary_stay.read' },
      schema: { tags: ['temporary stays'], summary: 'An application: waiting-list entry, offers, stay, priority history', params: caseIdParams },
    },
    async (request) => {
      request.auditCaseId = request.params.id;
      // need to know: 403 for a case type the role does not read (404 for a readable case of another type)
      const c = await getCase(db, request.params.id);
      if (!c) throw notFound(`no case ${request.params.id}`);
      caseViewOrForbid(request.user!.role, c.type);
      const row = await application(request.params.id);
      const caseNumber = await workflowIdOf(db, row.caseId);
      const { live: status, liveError } = await liveStatus(deps.temporal, caseNumber, temporaryStayStatusQuery);
      return { caseNumber, application: row, status, ...(liveError ? { liveError } : {}), priorityChanges: await priorityHistory(db, row.caseId) };
    },
  );

  app.post(
    '/cases/:id/temporary-stay/priority',
    {
      config: { access: ASSESSOR, audit: 'temporary_stay.priority' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Change the priority while the citizen waits (with a reason; recorded and audited)',
        params: caseIdParams,
        body: z.object({ priority: prioritySchema, reason: priorityReasonSchema }),
      },
    },
    async (request) =>
      updateAllocator(request, request.params.id, changePriorityUpdate, (row, updateKey) => ({
        caseId: row.caseId,
        priority: request.body.priority,
        reason: request.body.reason,
        by: request.user!.user,
        changeKey: updateKey,
      })),
  );

  app.post(
    '/cases/:id/temporary-stay/offer-reply',
    {
      config: { access: OFFER_REPLY, audit: 'temporary_stay.offer_reply' },
      schema: {
        tags: ['temporary stays'],
        summary: "Record the citizen's answer to the offered place (accept starts the stay; decline passes it on)",
        params: caseIdParams,
        body: z
          .object({
            offerId: z.uuid(),
            accept: z.boolean(),
            plannedEndDate: calendarDate.optional().describe('Accept only: planned end date of the stay'),
          })
          .superRefine((v, ctx) => {
            if (v.accept && !v.plannedEndDate) ctx.addIssue({ code: 'custom', path: ['plannedEndDate'], message: 'required to accept' });
            if (!v.accept && v.plannedEndDate) ctx.addIssue({ code: 'custom', path: ['plannedEndDate'], message: 'only when accepting' });
          }),
      },
    },
    async (request) =>
      updateAllocator(request, request.params.id, replyToOfferUpdate, (row) => ({ caseId: row.caseId, ...request.body })),
  );

  app.post(
    '/cases/:id/temporary-stay/reassessment',
    {
      config: { access: ASSESSOR, audit: 'temporary_stay.reassessment' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Record the reassessment before the end: home, home with help, nursing-home application, or extension',
        params: caseIdParams,
        body: z
          .object({
            outcome: z.enum(['home', 'home_with_help', 'nursing_home', 'extension']),
            newEndDate: calendarDate.optional().describe('Extension only: the new planned end date'),
          })
          .superRefine((v, ctx) => {
            if (v.outcome === 'extension' && !v.newEndDate) ctx.addIssue({ code: 'custom', path: ['newEndDate'], message: 'required for an extension' });
            if (v.outcome !== 'extension' && v.newEndDate) ctx.addIssue({ code: 'custom', path: ['newEndDate'], message: 'only for an extension' });
          }),
      },
    },
    async (request) => updateStayCase(request, request.params.id, reassessStayUpdate, request.body),
  );

  app.post(
    '/cases/:id/temporary-stay/end-stay',
    {
      config: { access: OFFER_REPLY, audit: 'temporary_stay.end' },
      schema: {
        tags: ['temporary stays'],
        summary: 'End the stay now (nursing-home place found, or moved out early); the place is offered again',
        params: caseIdParams,
        body: z.object({ reason: z.enum(['nursing_home_place_found', 'moved_out']) }),
      },
    },
    async (request) => updateStayCase(request, request.params.id, endStayUpdate, request.body),
  );

  app.post(
    '/cases/:id/temporary-stay/withdraw',
    {
      config: { access: ASSESSOR, audit: 'temporary_stay.withdraw' },
      schema: {
        tags: ['temporary stays'],
        summary: 'Take the citizen off the list (no longer needed, death, admission); frees what the case held',
        params: caseIdParams,
        body: z.object({ reason: z.enum(['no_longer_needed', 'died', 'readmitted']) }),
      },
    },
    async (request) => updateStayCase(request, request.params.id, withdrawStayCaseUpdate, request.body),
  );

  app.post(
    '/cases/:id/temporary-stay/hospital-events',
    {
      config: { access: ['hospital'], audit: 'temporary_stay.hospital_event' },
      schema: {
        tags: ['temporary stays'],
        summary: 'The hospital reports an admission or a death: the citizen leaves the list / the place is freed',
        params: caseIdParams,
        body: z.object({ event: z.enum(['readmitted', 'died']) }),
      },
    },
    async (request) => {
      const status = await updateStayCase(request, request.params.id, withdrawStayCaseUpdate, { reason: request.body.event });
      return { caseId: status.caseId, caseNumber: status.caseNumber, step: status.step, outcome: status.outcome };
    },
  );
};
