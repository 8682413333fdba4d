/**
 * Cases in general: open one (the body's `type` picks the case type), read one.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caseEscalations, caseHistory, getCitizen, upsertCitizen } from '../../db/queries/cases.js';
import { caseBedDays } from '../bed-days.js';
import { caseObligations } from '../../db/queries/work-queue.js';
import { OBLIGATION_KINDS, type ObligationKind } from '../../domain/rules.js';
import { birthDateFromCpr, normaliseCpr } from '../../domain/cpr.js';
import { localDate } from '../../domain/calendar.js';
import { ageBand } from '../need-to-know.js';
import { CASE_READER_ROLES, CASE_TYPES, caseTypeNamed } from '../case-types/index.js';
import type { ApiDeps } from '../context.js';
import { badRequest, HttpError } from '../errors.js';
import type { CaseIntake } from '../case-types/case-type.js';
import { intake, readableCase } from '../decisions.js';
import { idempotencyKey } from '../idempotency.js';
import { LIVE_STATUS_DEADLINE_MS, liveStatus, unfit } from '../live.js';
import { routeOptionsFor } from '../route-options.js';
import { caseIdParams, FUTURE_TOLERANCE_MS, instantsAfterBirth } from '../schemas.js';
import { CaseBase, CaseOpened, CaseView } from './cases.contracts.js';
import { CaseOpeningAnswer } from '../contract.js';

/** The case types that open through `POST /cases`, and their intake. */
const INTAKES: Record<string, CaseIntake> = Object.fromEntries(CASE_TYPES.flatMap((t) => ('intake' in t ? [[t.name, t.intake as CaseIntake]] : [])));
const intakeBodies = Object.values(INTAKES).map((i) => i.body) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...z.ZodObject<{ type: z.ZodLiteral<string> }>[]];

const route = routeOptionsFor('cases');

/** `GET /cases/:id?live=true`: also the workflow's live status (a query to the case workflow). */
const caseViewQuery = z.object({
  live: z.enum(['true', 'false']).optional().describe("true: also the case workflow's live status (`live`), asked under a short deadline; otherwise `live` is null"),
});

/** `POST /cases`: the body's `type` picks the case type (one body contract per case type that opens here). */
export const openCaseSchema = z.discriminatedUnion('type', intakeBodies);


export const caseRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/cases',
    route({ access: ['hospital', 'psychiatry_coordinator'], audit: 'case.open', summary: 'Open a case (the region/hospital notice or care plan; a repeated notice → 200 with the open case)', body: openCaseSchema, response: { 201: CaseOpened, 200: CaseOpened, 202: CaseOpeningAnswer } }),
    async (request, reply) => {
      const body = request.body as { type: string; cpr: string; receivedAt: string };
      const intakeOf = INTAKES[body.type]!;
      if (Date.parse(body.receivedAt) > Date.now() + FUTURE_TOLERANCE_MS) {
        throw badRequest('receivedAt: must not be in the future', 'body.receivedAt');
      }
      const beforeBirth = instantsAfterBirth(body.cpr, intakeOf.instants(body));
      if (beforeBirth.length) throw new HttpError(400, `invalid request — ${beforeBirth.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields: beforeBirth });
      return intake(deps, request, reply, async (caseId) => {
        intakeOf.authorise?.(request);
        const citizenId = await upsertCitizen(deps.database.db, normaliseCpr(body.cpr), birthDateFromCpr(body.cpr)!);
        const keyed = idempotencyKey(request) !== undefined;
        const requestHash = request.idempotencyHash;
        const { workflowId, caseNumber, repeatOf } = await intakeOf.open(deps, { caseId, citizenId, body, keyed, ...(requestHash ? { requestHash } : {}) });
        return { workflowId, caseNumber, type: body.type, ...(repeatOf ? { repeatOf } : {}) };
      });
    },
  );

  app.get(
    '/cases/:id',
    route({
      access: CASE_READER_ROLES,
      audit: 'case.read',
      summary: 'A case: database state, SLA and obligations, escalations, bed-days, history; the live workflow status with ?live=true',
      description:
        'Answered from the database (the mirror the workflow keeps). `live=true` also asks the case workflow for its live status (`live`), ' +
        `within ${LIVE_STATUS_DEADLINE_MS / 1000} s; without it, or when the workflow does not answer in time, \`live\` is null (with \`liveError\` saying why when it was asked for).`,
      params: caseIdParams,
      querystring: caseViewQuery,
      response: { 200: CaseView },
    }),
    async (request) => {
      const { row, view } = await readableCase(deps.database.db, request.user!.role, request.params.id);
      const caseType = caseTypeNamed(row.type);
      // need to know beyond the matrix (a provider reads only the grants handed to it): as if there were no such case
      if (caseType?.mayRead && !(await caseType.mayRead(deps.database.db, row, request.user!))) throw new HttpError(404, `no case ${row.id}`);
      // the workflow's live answer and the database reads at once: the page waits for the slowest, not the sum
      const [citizen, { live, liveError }, escalations, history, obligations, details, bedDays] = await Promise.all([
        getCitizen(deps.database.db, row.citizenId),
        request.query.live === 'true' ? liveStatus<unknown>(deps.temporal, row.workflowId, 'status', caseType?.status) : { live: null, liveError: undefined },
        caseEscalations(deps.database.db, row.id),
        caseHistory(deps.database.db, row.id),
        caseObligations(deps.database.db, row.id),
        caseType?.showDetails?.(deps.database.db, row.details, view) ?? row.details,
        caseBedDays(deps.database.db, row.id),
      ]);
      const common: z.output<typeof CaseBase> = {
        id: row.id,
        caseNumber: row.workflowId,
        workflowId: row.workflowId,
        step: row.step,
        /** Who must act next, by when, and how the case stands (its worst open obligation). */
        sla: {
          state: row.slaState,
          actingRole: row.actingRole,
          actingTeam: row.actingTeam,
          nextDueDay: row.nextDueDay,
          nextDueAt: row.nextDueAt,
          escalated: row.escalated,
        },
        obligations: obligations.map((o) => ({
          key: o.key,
          kind: o.kind,
          action: OBLIGATION_KINDS[o.kind as ObligationKind]?.action ?? { code: o.actionCode },
          actor: { role: o.actorRole, team: o.actorTeam },
          escalateTo: o.escalateTo,
          dueDay: o.dueDay,
          atRiskAt: o.atRiskAt,
          escalationAt: o.escalateAt,
          state: o.state,
          atRiskSince: o.atRiskSince,
          breachedAt: o.breachedAt,
          closedAt: o.closedAt,
        })),
        openedAt: row.openedAt,
        closedAt: row.closedAt,
        outcome: row.outcome,
        /** Need to know (api/need-to-know.ts): CPR and birth date, or an age band only. */
        citizen:
          view === 'cpr'
            ? { id: row.citizenId, birthDate: citizen?.birthDate, cpr: citizen?.cpr }
            : { id: row.citizenId, ageBand: citizen?.birthDate ? ageBand(citizen.birthDate, localDate(Date.now())) : null },
        ...(liveError ? { liveError } : {}),
        escalations,
        /** Bed-days (betalingsforpligtelse) and their cost so far, priced live; null without a færdigmelding. */
        bedDays: bedDays ?? null,
        history,
      };
      // the type's live status and details: its own contracts (by `type`) say what of them is answered
      // details written by an older version that no longer fit are left out, not a failed page
      const shownDetails = unfit(caseType?.details, details) ? null : details;
      const shownLive = live === null ? null : (caseType?.showStatus?.(live, view) ?? live);
      return { ...common, type: row.type, live: shownLive, details: shownDetails } as z.output<typeof CaseView>;
    },
  );
};
