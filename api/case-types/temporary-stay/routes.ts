/**
 * The temporary stay's routes (midlertidigt døgnophold, source 003): the application (intake,
 * `POST /temporary-stays`: this case type opens there, not through `POST /cases`), its read,
 * and its decisions, declared as data on the one decision path (api/decision-route.ts). The
 * decisions the place type's allocator makes — the reply to an offer, a priority change — go to
 * the allocator's workflow (`workflowId`), once the case's application is known to be open
 * (`precheck`); the others go to the case's own workflow. Facilities, places and the waiting list
 * are in `places.ts`. A case's workflow id is its case number (`MDO-2026-000042`).
 */
import { checkGrantOrder } from '../grant/order.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCase, upsertCitizen } from '../../../db/queries/cases.js';
import { getApplication, offersAndStayOf, openApplicationOf, priorityHistory } from '../../../db/queries/temporary-stay.js';
import { birthDateFromCpr, normaliseCpr } from '../../../domain/cpr.js';
import { allocatorWorkflowId } from '../../../workflows/temporary-stay/allocation-state.js';
import { temporaryStayCaseType } from '../../../workflows/temporary-stay/case-type.js';
import { temporaryStayCaseWorkflow } from '../../../workflows/temporary-stay/index.js';
import {
  changePriorityUpdate,
  endStayUpdate,
  reassessStayUpdate,
  replyToOfferUpdate,
  temporaryStayStatusQuery,
  withdrawStayCaseUpdate,
} from '../../../workflows/temporary-stay/messages.js';
import type { Role } from '../../auth.js';
import { workflowIdOf } from '../../case-numbers.js';
import type { ApiDeps } from '../../context.js';
import { decision, registerDecision } from '../../decision-route.js';
import { intake, readableCase, startCase, type DecisionContext } from '../../decisions.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { DependencyUnavailable } from '../../faults.js';
import { LIVE_STATUS_DEADLINE_MS, liveStatus } from '../../live.js';
import { caseIdParams, FUTURE_TOLERANCE_MS, instantsAfterBirth } from '../../schemas.js';
import * as c from './contracts.js';
import { CaseOpeningAnswer } from '../../contract.js';
import { assertPlaceTypeRegistered } from './place-types.js';
import { placeRoutes, route, STAY_READERS, TEMPORARY_STAY_SLUG } from './places.js';

type App = Parameters<FastifyPluginAsyncZod<ApiDeps>>[0];
type Db = ApiDeps['database']['db'];

export { STAY_READERS, TEMPORARY_STAY_SLUG };

const ASSESSOR: readonly Role[] = ['needs_assessor'];
const OFFER_REPLY: readonly Role[] = ['housing_team_lead', 'needs_assessor'];
const caseType = { ...temporaryStayCaseType, slug: TEMPORARY_STAY_SLUG };

/**
 * The case's application. A case whose row is written but whose application is not yet (its
 * opening activity has not run: a worker restarting) is still opening: 503 with Retry-After,
 * never a final 404 for a case that exists.
 */
async function applicationOf(db: Db, caseId: string) {
  const row = await getApplication(db, caseId);
  if (row) return row;
  const found = await getCase(db, caseId);
  if (found && !found.closedAt && found.type === temporaryStayCaseType.name) throw new DependencyUnavailable('worker');
  throw notFound(`no temporary-stay case ${caseId}`);
}

/** An intake's repeat answers 201 only once the application its decisions need is written (or the case has ended). */
const applicationWritten = (db: Db) => async (row: { id: string }) => (await getApplication(db, row.id)) !== undefined;

/** The application of a case that is still open (409 with the outcome once it has ended). */
async function openApplication(db: Db, caseId: string) {
  const row = await applicationOf(db, caseId);
  const found = await getCase(db, caseId);
  if (found?.closedAt) throw conflict(`the case has already ended (${found.outcome})`);
  if (row.status === 'closed') throw conflict(`the application is closed (${row.closedReason ?? 'ended'})`);
  return row;
}

/**
 * A decision the place type's allocator makes: the open application names the allocator (its
 * place type). The precheck finds it; `workflowId` and the Update's arguments use what it found.
 */
function onAllocator(db: Db) {
  return {
    precheck: async (_body: unknown, ctx: DecisionContext) => {
      const row = await openApplication(db, ctx.row.id);
      return { caseId: row.caseId, placeType: row.placeType, updateKey: ctx.updateKey };
    },
    workflowId: (_ctx: DecisionContext, _body: unknown, open: { placeType: string }) => allocatorWorkflowId(open.placeType),
  };
}

/** The temporary-stay decisions, as data. */
const decisions = (deps: ApiDeps) => {
  const db = deps.database.db;
  const allocator = onAllocator(db);
  /** A decision of the case's own workflow: only while its application is open. */
  const stillOpen = async (_body: unknown, ctx: DecisionContext) => {
    await openApplication(db, ctx.row.id);
  };
  return [
    decision({
      path: 'priority',
      summary: 'Change the priority while the citizen waits (with a reason; recorded and audited)',
      roles: ASSESSOR,
      audit: 'temporary_stay.priority',
      body: c.PriorityBody,
      answer: c.PriorityChanged,
      update: changePriorityUpdate,
      precheck: allocator.precheck,
      workflowId: allocator.workflowId,
      args: (b, request, open) => [{ caseId: open.caseId, priority: b.priority, reason: b.reason, by: request.user!.user, changeKey: open.updateKey }],
    }),
    decision({
      path: 'offer-reply',
      summary: "Record the citizen's answer to the offered place (accept starts the stay; decline passes it on)",
      roles: OFFER_REPLY,
      audit: 'temporary_stay.offer_reply',
      body: c.OfferReplyBody,
      answer: c.OfferReplied,
      update: replyToOfferUpdate,
      precheck: allocator.precheck,
      workflowId: allocator.workflowId,
      args: (b, _request, open) => [{ caseId: open.caseId, ...b }],
    }),
    decision({
      path: 'reassessment',
      summary: 'Record the reassessment before the end: home, home with help, nursing-home application, or extension',
      roles: ASSESSOR,
      audit: 'temporary_stay.reassessment',
      body: c.ReassessmentBody,
      answer: c.TemporaryStayStatus,
      update: reassessStayUpdate,
      precheck: async (b, ctx) => {
        await stillOpen(b, ctx);
        if (b.grant) await checkGrantOrder(db, b.grant, 'body.grant');
      },
      args: (b) => [b],
    }),
    decision({
      path: 'end-stay',
      summary: 'End the stay now (nursing-home place found, or moved out early); the place is offered again',
      roles: OFFER_REPLY,
      audit: 'temporary_stay.end',
      body: c.EndStayBody,
      answer: c.TemporaryStayStatus,
      update: endStayUpdate,
      precheck: stillOpen,
      args: (b) => [b],
    }),
    decision({
      path: 'withdraw',
      summary: 'Take the citizen off the list (no longer needed, death, admission); frees what the case held',
      roles: ASSESSOR,
      audit: 'temporary_stay.withdraw',
      body: c.WithdrawBody,
      answer: c.TemporaryStayStatus,
      update: withdrawStayCaseUpdate,
      precheck: stillOpen,
      args: (b) => [b],
    }),
    decision({
      path: 'hospital-events',
      summary: 'The hospital reports an admission or a death: the citizen leaves the list / the place is freed',
      roles: ['hospital'],
      audit: 'temporary_stay.hospital_event',
      body: c.HospitalEventBody,
      answer: c.HospitalEventRecorded,
      update: withdrawStayCaseUpdate,
      precheck: stillOpen,
      args: (b) => [{ reason: b.event }],
      answerOf: (s) => ({ caseId: s.caseId, caseNumber: s.caseNumber, step: s.step, ...(s.outcome !== undefined ? { outcome: s.outcome } : {}) }),
    }),
  ];
};

/** `POST /temporary-stays`: the application (revisitation) opens the case and puts the citizen on the waiting list. */
function intakeRoute(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.post(
    '/temporary-stays',
    route({
      access: ASSESSOR,
      audit: 'temporary_stay.open',
      summary: 'Record an application (revisitation): eligibility, place type, purpose, priority → waiting list',
      body: c.OpenTemporaryStay,
      response: { 201: c.TemporaryStayOpened, 202: CaseOpeningAnswer },
    }),
    async (request, reply) => {
      const body = request.body;
      const appliedAt = body.appliedAt ? Date.parse(body.appliedAt) : Date.now();
      if (appliedAt > Date.now() + FUTURE_TOLERANCE_MS) throw badRequest('appliedAt: must not be in the future', 'body.appliedAt');
      const beforeBirth = instantsAfterBirth(body.cpr, { appliedAt: body.appliedAt });
      if (beforeBirth.length) throw badRequest(`appliedAt: ${beforeBirth[0]!.message}`, 'body.appliedAt');
      await assertPlaceTypeRegistered(db, body.placeType, 'body.placeType');
      if (body.originCaseId && !(await getCase(db, body.originCaseId))) {
        throw badRequest('body.originCaseId: no such case', 'body.originCaseId');
      }
      return intake(deps, request, reply, async (caseId) => {
        const citizenId = await upsertCitizen(db, normaliseCpr(body.cpr), birthDateFromCpr(body.cpr)!);
        const open = await openApplicationOf(db, citizenId);
        if (open) throw conflict(`the citizen already has an open temporary-stay application (case ${open.caseId}); change that one`);
        const { placeType, purpose, priority, originCaseId } = body;
        const requestHash = request.idempotencyHash;
        const opened = await startCase(deps, {
          caseId,
          citizenId,
          ...(requestHash ? { requestHash } : {}),
          caseType: temporaryStayCaseType,
          workflow: temporaryStayCaseWorkflow,
          args: [{ caseId, citizenId, placeType, purpose, priority, appliedAt, originCaseId, rules: deps.rules }],
          summary: 'Temporary 24-hour stay (midlertidigt døgnophold)',
        });
        if (opened.duplicateOf) throw conflict(`the citizen already has an open temporary-stay application (case ${opened.duplicateOf})`);
        return { workflowId: opened.workflowId, caseNumber: opened.caseNumber, type: temporaryStayCaseType.name };
      }, applicationWritten(db));
    },
  );
}

/**
 * `GET /temporary-stays/:id`: the application from the database (the mirror the case workflow and
 * the allocator keep): waiting-list entry, open and past offers, the stay, priority history. The
 * case workflow's live status (a query: a replay when the case is not cached) only with
 * `?live=true`, under the short deadline of every live read.
 */
function readRoute(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.get(
    '/temporary-stays/:id',
    route({
      access: STAY_READERS,
      audit: 'temporary_stay.read',
      summary: 'An application: waiting-list entry, offers, stay, priority history; the live workflow status with ?live=true',
      description:
        'Answered from the database (the mirror the workflows keep): the application, the open offer (`offer`), past offers, the running or last stay (`stay`) and the priority changes. ' +
        `\`live=true\` also asks the case workflow for its live status (\`status\`), within ${LIVE_STATUS_DEADLINE_MS / 1000} s; without it, or when the workflow does not answer in time, \`status\` is null (with \`liveError\` saying why when it was asked for).`,
      params: caseIdParams,
      querystring: c.TemporaryStayReadQuery,
      response: { 200: c.TemporaryStayRead },
    }),
    async (request) => {
      request.auditCaseId = request.params.id;
      // need to know: 403 for a case type the role does not read (404 for a readable case of another type: it has no application)
      await readableCase(db, request.user!.role, request.params.id);
      const row = await applicationOf(db, request.params.id);
      const caseNumber = await workflowIdOf(db, row.caseId);
      // the live status (when asked for) and the database reads at once: the page waits for the slowest, not the sum
      const [{ live: status, liveError }, held, priorityChanges] = await Promise.all([
        request.query.live === 'true' ? liveStatus(deps.temporal, caseNumber, temporaryStayStatusQuery, c.TemporaryStayStatus) : { live: null, liveError: undefined },
        offersAndStayOf(db, row.caseId),
        priorityHistory(db, row.caseId),
      ]);
      return { caseNumber, application: row, ...held, status, ...(liveError ? { liveError } : {}), priorityChanges };
    },
  );
}

export const temporaryStayRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  placeRoutes(app, deps);
  intakeRoute(app, deps);
  readRoute(app, deps);
  for (const d of decisions(deps)) registerDecision(app, deps, caseType, d);
};
