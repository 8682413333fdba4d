/**
 * The grant case's routes (bevilling, 003): the grant (`POST /grants`: this case type opens
 * there, the needs assessor's decision), its decisions on the one decision path, the provider's
 * report of delivered time, and the reads — the grant with its delivered time and messages, the
 * provider's own grants, the registries.
 *
 * Need to know for a provider (`provider` role, its tokens' team = its provider code): it reads
 * only the grants handed to it (now, under notice, or before a change): another provider's grant
 * answers 404 as if it did not exist; every other case type 403.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { upsertCitizen } from '../../../db/queries/cases.js';
import { deliveredTimeOf, grantOf, grantsOfProvider, handedTo, listProviders, listServices, providerOf, serviceOf, type GrantRecord } from '../../../db/queries/grant.js';
import { outboxOfCase } from '../../../db/queries/outbox.js';
import { localDate } from '../../../domain/calendar.js';
import { birthDateFromCpr, normaliseCpr } from '../../../domain/cpr.js';
import { isMonday } from '../../../domain/grants.js';
import type { ActorRole } from '../../../domain/rules.js';
import { grantCaseType } from '../../../workflows/grant/case-type.js';
import {
  changeGrantUpdate,
  changeProviderUpdate,
  decideExpiryUpdate,
  endGrantUpdate,
  providerPhonedUpdate,
  reassessedUpdate,
  recordDeliveredTimeUpdate,
} from '../../../workflows/grant/messages.js';
import { grantCaseWorkflow } from '../../../workflows/grant/workflow.js';
import type { Role, User } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { CaseOpeningAnswer } from '../../contract.js';
import { decision, registerDecision } from '../../decision-route.js';
import { intake, readableCase, startCase, type CaseRow } from '../../decisions.js';
import { badRequest, notFound } from '../../errors.js';
import type { Readers } from '../../need-to-know.js';
import { routeOptionsFor } from '../../route-options.js';
import { caseIdParams } from '../../schemas.js';
import { grantRulesOf } from './rules.js';
import * as c from './contracts.js';

export const GRANT_SLUG = 'grant';
/**
 * Need to know: the assessor decides (CPR); the lead and the supervisor watch (age band); a
 * provider delivers (CPR: it must find the citizen), its own grants only; the discharge
 * coordinator whose "more help at home" opened the grant phones the provider under the 14:30 rule
 * (CPR: the provider must know whom the call is about) — its phone task is in its work queue.
 */
export const GRANT_READERS: Readers = { needs_assessor: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band', provider: 'cpr', discharge_coordinator: 'cpr' };
const ASSESSOR: Role[] = ['needs_assessor'];
const caseType = { ...grantCaseType, slug: GRANT_SLUG };
const route = routeOptionsFor(GRANT_SLUG);
type Db = ApiDeps['database']['db'];

/** Whether the user may read this grant: a provider only one handed to it. */
export async function mayReadGrant(db: Db, row: Pick<CaseRow, 'id' | 'details'>, user: User): Promise<boolean> {
  // the discharge coordinator: only the grants its own "more help at home" opened (a grant's details say who decided it)
  if (user.role === 'discharge_coordinator') return row.details.openedBy === user.role;
  if (user.role !== 'provider') return true;
  const g = await grantOf(db, row.id);
  return g !== undefined && handedTo(g, user.team, localDate(Date.now()));
}

async function approvedProvider(db: Db, code: string, field: string): Promise<void> {
  const p = await providerOf(db, code);
  if (!p) throw badRequest(`${field}: no provider ${code} in the registry (GET /providers)`, `body.${field}`);
  if (!p.approved) throw badRequest(`${field}: provider ${code} is not approved`, `body.${field}`);
}

const decidedBy = (request: FastifyRequest) => request.user!.role as ActorRole;

const decisions = (deps: ApiDeps) => [
  decision({
    path: 'change',
    summary: 'Change the grant (minutes, deliveries, end day) from a day: letter to the citizen, message to the provider',
    roles: ASSESSOR,
    audit: 'grant.change',
    body: c.ChangeBody,
    answer: c.Decided,
    update: changeGrantUpdate,
    check: (b) => {
      if (b.endsOn && b.endsOn < b.fromDay) throw badRequest('endsOn: must not lie before fromDay', 'body.endsOn');
    },
    args: (b, request) => [{ minutesPerDelivery: b.minutesPerDelivery, deliveriesPerWeek: b.deliveriesPerWeek, fromDay: b.fromDay, ...(b.endsOn !== undefined ? { endsOn: b.endsOn } : {}), reason: b.reason, decidedBy: decidedBy(request) }],
    answerOf: (r: { key: string; decision: number }) => ({ key: r.key, decision: r.decision }),
  }),
  decision({
    path: 'end',
    summary: 'End the grant after a last day: letter to the citizen, message to the provider',
    roles: ASSESSOR,
    audit: 'grant.end',
    body: c.EndBody,
    answer: c.Ended,
    update: endGrantUpdate,
    args: (b, request) => [{ lastDay: b.lastDay, reason: b.reason, decidedBy: decidedBy(request) }],
    answerOf: (r: { key: string; decision: number; lastDay: string }) => ({ key: r.key, decision: r.decision, lastDay: r.lastDay }),
  }),
  decision({
    path: 'change-provider',
    summary: "Change of provider (skift af leverandør): the current one is given notice, the grant passes on the first day after it",
    roles: ASSESSOR,
    audit: 'grant.change_provider',
    body: c.ChangeProviderBody,
    answer: c.ProviderChangeDecided,
    update: changeProviderUpdate,
    precheck: (b) => approvedProvider(deps.database.db, b.toProviderCode, 'toProviderCode'),
    args: (b, request) => [{ toProviderCode: b.toProviderCode, decidedBy: decidedBy(request) }],
    answerOf: (r: { key: string; decision: number; lastDayOfOld: string; firstDayOfNew: string }) => ({ key: r.key, decision: r.decision, lastDayOfOld: r.lastDayOfOld, firstDayOfNew: r.firstDayOfNew }),
  }),
  decision({
    path: 'expiry',
    summary: 'Before a temporary grant ends: let it end, or a new grant was made (it never silently continues)',
    roles: ASSESSOR,
    audit: 'grant.expiry',
    body: c.ExpiryBody,
    answer: c.Met,
    update: decideExpiryUpdate,
    args: (b) => [{ outcome: b.outcome }],
    answerOf: (r: { key: string; late: boolean }) => ({ key: r.key, late: r.late }),
  }),
  decision({
    path: 'reassessed',
    summary: 'The grant was reassessed after a significant deviation and stays as it is (a change meets it as well)',
    roles: ASSESSOR,
    audit: 'grant.reassessed',
    body: c.ReassessedBody,
    answer: c.Met,
    update: reassessedUpdate,
    args: () => [{}],
  }),
  decision({
    path: 'provider-phoned',
    summary: 'The 14:30 rule: the provider has been phoned',
    roles: ['needs_assessor', 'discharge_coordinator'],
    audit: 'grant.provider_phoned',
    body: c.PhonedBody,
    answer: c.Met,
    update: providerPhonedUpdate,
    args: (b) => [{ key: b.key }],
  }),
  decision({
    path: 'delivered-time',
    summary: "The provider reports a week's delivered time (leveret tid); a significant deviation opens a reassessment",
    roles: ['provider'],
    audit: 'grant.delivered_time',
    body: c.DeliveredBody,
    answer: c.DeliveredRecorded,
    update: recordDeliveredTimeUpdate,
    check: (b) => {
      if (!isMonday(b.weekStart)) throw badRequest('weekStart: must be a Monday', 'body.weekStart');
    },
    // a provider learns nothing of a case not handed to it: not its type, not that it ended
    visible: (row, request) => mayReadGrant(deps.database.db, row, request.user!),
    args: (b, request) => [{ providerCode: request.user!.team, weekStart: b.weekStart, minutes: b.minutes }],
  }),
];

function grantAnswer(g: GrantRecord & { startsOn: string }, caseNumber: string) {
  return {
    caseId: g.caseId,
    caseNumber,
    serviceCode: g.serviceCode,
    minutesPerDelivery: g.minutesPerDelivery,
    deliveriesPerWeek: g.deliveriesPerWeek,
    startsOn: g.startsOn,
    endsOn: g.endsOn ?? null,
    temporary: g.temporary,
    providerCode: g.providerCode,
    previousProviderCode: g.previousProviderCode ?? null,
    previousProviderUntil: g.previousProviderUntil ?? null,
    nextProviderCode: g.nextProviderCode ?? null,
    nextProviderFrom: g.nextProviderFrom ?? null,
    state: g.state,
  };
}

type App = Parameters<FastifyPluginAsyncZod<ApiDeps>>[0];

function intakeRoute(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.post(
    '/grants',
    route({ access: ASSESSOR, audit: 'grant.open', summary: 'Grant (or refuse) a service at home: the grant case opens, the citizen gets the letter, the provider the grant', body: c.OpenGrant, response: { 201: c.GrantOpened, 202: CaseOpeningAnswer } }),
    async (request, reply) => {
      const b = request.body;
      if (!(await serviceOf(db, b.serviceCode))) throw badRequest(`serviceCode: no service ${b.serviceCode} in the catalogue (GET /grant-services)`, 'body.serviceCode');
      if (b.endsOn && b.endsOn < b.startsOn) throw badRequest('endsOn: must not lie before startsOn', 'body.endsOn');
      if (b.decision === 'granted' && !b.providerCode) throw badRequest('providerCode: required for a grant (the citizen chooses among the approved providers)', 'body.providerCode');
      if (b.providerCode) await approvedProvider(db, b.providerCode, 'providerCode');
      return intake(deps, request, reply, async (caseId) => {
        const citizenId = await upsertCitizen(db, normaliseCpr(b.cpr), birthDateFromCpr(b.cpr)!);
        const requestHash = request.idempotencyHash;
        const terms = { serviceCode: b.serviceCode, minutesPerDelivery: b.minutesPerDelivery, deliveriesPerWeek: b.deliveriesPerWeek, startsOn: b.startsOn, ...(b.endsOn ? { endsOn: b.endsOn } : {}) };
        const opened = await startCase(deps, {
          caseId,
          citizenId,
          ...(requestHash ? { requestHash } : {}),
          caseType: grantCaseType,
          workflow: grantCaseWorkflow,
          args: [{ caseId, citizenId, rules: deps.rules, grantRules: grantRulesOf(deps), decision: b.decision, terms, providerCode: b.providerCode ?? '', reason: b.reason, decidedBy: 'needs_assessor' }],
          summary: `Grant (bevilling): ${b.serviceCode}`,
        });
        return { workflowId: opened.workflowId, caseNumber: opened.caseNumber, type: grantCaseType.name };
      });
    },
  );
}

function readRoutes(app: App, deps: ApiDeps) {
  const db = deps.database.db;
  app.get(
    '/cases/:id/grant',
    route({ access: ['needs_assessor', 'visitation_team_lead', 'supervisor', 'provider'], audit: 'grant.read', summary: 'A grant: as it stands, its delivered time and its messages (a provider: its own grants only, its own reports and messages)', params: caseIdParams, response: { 200: c.GrantRead } }),
    async (request) => {
      request.auditCaseId = request.params.id;
      const user = request.user!;
      const { row } = await readableCase(db, user.role, request.params.id);
      const g = await grantOf(db, row.id);
      if (!g || !(await mayReadGrant(db, row, user))) throw notFound(`no grant ${request.params.id}`);
      const provider = user.role === 'provider' ? user.team : undefined;
      const messages = (await outboxOfCase(db, row.id, provider ? 'provider' : undefined)).filter((m) => !provider || m.addresseeId === provider);
      const delivered = await deliveredTimeOf(db, row.id, provider);
      return { grant: grantAnswer(g, row.workflowId), deliveredTime: delivered, messages };
    },
  );
  app.get(
    '/provider/grants',
    route({ access: ['provider'], audit: 'grant.provider_list', summary: "The grants handed to the caller's provider (leverandørens bevillinger)", response: { 200: c.ProviderGrants } }),
    async (request) => ({ items: (await grantsOfProvider(db, request.user!.team, localDate(Date.now()))).map((r) => grantAnswer(r.grant, r.caseNumber)) }),
  );
  const everyone: Role[] = ['needs_assessor', 'discharge_coordinator', 'visitation_team_lead', 'supervisor', 'provider'];
  app.get('/providers', route({ access: everyone, summary: 'The approved providers (free choice of provider)', response: { 200: c.Providers } }), async () => ({ items: await listProviders(db) }));
  app.get('/grant-services', route({ access: everyone, summary: 'The service catalogue (indsatskatalog)', response: { 200: c.Services } }), async () => ({ items: await listServices(db) }));
}

export const grantRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  intakeRoute(app, deps);
  readRoutes(app, deps);
  for (const d of decisions(deps)) registerDecision(app, deps, caseType, d);
};

