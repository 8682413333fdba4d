/**
 * Psychiatric ready-for-discharge cases (færdigmelding, source 002): how one opens, and one
 * route per decision. Each decision is a Temporal Update with a validator (an out-of-step
 * decision → 409 with the reason); the request's `Idempotency-Key` is the update id, so a
 * repeat reaches the workflow once. Free text (wishes, meeting decisions, reasons) never goes
 * to the workflow: after the workflow accepted the decision, the text is written to
 * `psychiatric_records` under the workflow's key for the step (once per key).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import { getCase } from '../../db/queries/cases.js';
import { externalProviderIdFor, getHousingOffer, insertPsychiatricRecordOnce, psychiatricRecordsOf, wardIdFor } from '../../db/queries/psychiatric.js';
import {
  buyExternalPlaceUpdate,
  decidePlacementUpdate,
  endPsychiatricCaseUpdate,
  flagLongCourseUpdate,
  psychiatricCaseWorkflow,
  raiseDisagreementUpdate,
  recordChiefDecisionUpdate,
  recordInvolvementUpdate,
  recordNoticeUpdate,
  recordStatusMeetingUpdate,
} from '../../workflows/psychiatric/workflow.js';
import { CHOICE_OVERRIDE_REASON_CODES, EXTERNAL_PURCHASE_REASON_CODES } from '../../domain/rules.js';
import type { Role } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { decide as decideOnCase, startCase } from '../decisions.js';
import { caseViewOrForbid } from '../need-to-know.js';
import { bedDayStart, calendarDate, caseIdParams, cprSchema, FUTURE_TOLERANCE_MS, instant, line, longText } from '../schemas.js';

export const psychiatricOpenSchema = z
  .object({
    type: z.literal('psychiatric_discharge'),
    cpr: cprSchema,
    notice: z.enum(['forvarsling', 'faerdigmelding']).describe('forvarsling = advance notice; faerdigmelding = declared ready for discharge'),
    receivedAt: instant.describe('When the notice was received'),
    readyAt: bedDayStart.optional().describe('færdigmelding only: when the doctor declared the patient ready'),
    ward: line(200).describe('Psychiatric ward or centre'),
  })
  .superRefine((v, ctx) => {
    if (v.notice === 'faerdigmelding' && !v.readyAt) {
      ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'required when notice is faerdigmelding' });
    }
    if (v.notice === 'forvarsling' && v.readyAt) {
      ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'only a færdigmelding has a ready time' });
    }
  });

export async function openPsychiatricCase(
  deps: ApiDeps,
  caseId: string,
  citizenId: string,
  body: z.infer<typeof psychiatricOpenSchema>,
): Promise<{ workflowId: string; caseNumber: string }> {
  return startCase(deps, {
    caseId,
    caseType: 'psychiatric_discharge',
    workflow: psychiatricCaseWorkflow,
    args: [
      {
        caseId,
        citizenId,
        notice: body.notice,
        receivedAt: Date.parse(body.receivedAt),
        readyAt: body.readyAt ? Date.parse(body.readyAt) : undefined,
        // the ward's registry id, never its name (a name can reveal a diagnosis)
        ward: await wardIdFor(deps.database.db, body.ward),
        rules: deps.rules,
      },
    ],
    summary: 'Psychiatric ready-for-discharge case (færdigmelding)',
  });
}

// ---- decision bodies --------------------------------------------------------------------


export const noticeBody = z
  .object({
    notice: z.enum(['forvarsling', 'faerdigmelding']),
    receivedAt: instant,
    readyAt: bedDayStart.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.notice === 'faerdigmelding' && !v.readyAt) {
      ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'required when notice is faerdigmelding' });
    }
    if (v.notice === 'forvarsling' && v.readyAt) {
      ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'only a færdigmelding has a ready time' });
    }
  });
export const longCourseBody = z.object({ reason: longText(2000).describe('Why the case may become a long course') }).strict();
export const meetingBody = z
  .object({
    heldOn: calendarDate.describe('Day the status meeting (statusmøde) was held'),
    decision: longText(4000).describe('The management decision (ledelsesbeslutning)'),
    participants: z.array(line(200)).max(20).optional(),
  })
  .strict();
export const involvementBody = z
  .object({
    wishesForSupport: longText(4000).describe("The citizen's wishes for support"),
    wishesForFuture: longText(4000).describe("The citizen's wishes for the future"),
    chosenOfferId: z.uuid({ message: 'must be a housing offer id (UUID)' }).optional().describe('The offer the citizen chose (it must have a vacant place)'),
    regionTookPart: z.boolean().optional().describe('The region took part in aligning expectations'),
  })
  .strict();
export const placementBody = z
  .object({
    offerId: z.uuid({ message: 'must be a housing offer id (UUID)' }),
    placeId: z.uuid({ message: 'must be a place id (UUID)' }).optional(),
    overrideReason: z
      .enum(CHOICE_OVERRIDE_REASON_CODES)
      .optional()
      .describe("Why the placement departs from the citizen's chosen offer while it has a vacant place (002 free choice); without it such a placement is refused (409)"),
  })
  .strict();
export const externalPlacementBody = z
  .object({
    provider: line(200).describe('The external provider the place is bought from (kept in the provider registry; the case carries its id)'),
    reason: longText(4000).optional(),
    reasonCode: z
      .enum(EXTERNAL_PURCHASE_REASON_CODES)
      .optional()
      .describe('Why a place is bought while an own offer has a vacant place (002: buy "where none exists"); without it such a purchase is refused (409)'),
  })
  .strict();
export const disagreementBody = z
  .object({
    regionRefusesDischarge: z.boolean().describe("The region's doctors refuse to discharge to the designated support"),
    reason: longText(4000),
  })
  .strict();
export const chiefDecisionBody = z
  .object({
    decision: z.enum(['municipality_support_upheld', 'region_view_accepted', 'other_support_designated']),
    reasoning: longText(4000),
    regionRefusesDischarge: z.boolean().optional().describe('Whether the region still refuses to discharge after the decision'),
  })
  .strict();
export const dischargeBody = z
  .object({ dischargedAt: instant, destination: z.enum(['offer', 'home', 'external']) })
  .strict();
export const withdrawBody = z.object({ withdrawnAt: instant.optional(), reason: longText(4000).optional() }).strict();

const OUTCOME = { offer: 'discharged_to_offer', home: 'discharged_home', external: 'discharged_external' } as const;

function notInFuture(value: string | undefined, field: string) {
  if (value && Date.parse(value) > Date.now() + FUTURE_TOLERANCE_MS) throw badRequest(`${field}: must not be in the future`, `body.${field}`);
}

// ---- routes -------------------------------------------------------------------------------

const COORDINATOR: Role[] = ['psychiatry_coordinator'];
const RECORD_READERS: Role[] = ['psychiatry_coordinator', 'area_chief'];

export const psychiatricRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;

  async function psychiatricCase(caseId: string) {
    const row = await getCase(db, caseId);
    if (!row) throw notFound(`no case ${caseId}`);
    if (row.type !== 'psychiatric_discharge') throw conflict(`case ${caseId} is a ${row.type} case, not a psychiatric one`);
    return row;
  }

  /** A decision on the one decision path (api/decisions.ts); its text goes to `psychiatric_records` under the workflow's key. */
  const decide = <R extends { key: string }, A>(
    request: FastifyRequest,
    caseId: string,
    update: UpdateDefinition<R, [A]>,
    arg: A,
    record?: { kind: string; body: Record<string, unknown> },
  ): Promise<R> =>
    decideOnCase(deps, request, {
      caseId,
      caseType: 'psychiatric_discharge',
      update,
      args: () => [arg],
      texts: record ? (result) => recordText(request, caseId, result.key, record) : undefined,
    });

  /** A decision's text, in `psychiatric_records` under the workflow's key (once per key). */
  const recordText = (request: FastifyRequest, caseId: string, key: string, record: { kind: string; body: Record<string, unknown> }) =>
    insertPsychiatricRecordOnce(db, {
      caseId,
      key,
      kind: record.kind,
      body: record.body,
      userId: request.user!.user,
      role: request.user!.role,
    }).then(() => undefined);

  const route = (summary: string) => ({ tags: ['psychiatric'], summary, params: caseIdParams });

  app.post(
    '/cases/:id/psychiatric/notices',
    {
      config: { access: ['hospital'], audit: 'psychiatric.notice' },
      schema: { ...route('The other notice follows (forvarsling or færdigmelding); a færdigmelding starts the bed-days'), body: noticeBody },
    },
    async (request) => {
      const b = request.body;
      notInFuture(b.receivedAt, 'receivedAt');
      notInFuture(b.readyAt, 'readyAt');
      return decide(request, request.params.id, recordNoticeUpdate, {
        notice: b.notice,
        receivedAt: Date.parse(b.receivedAt),
        ...(b.readyAt ? { readyAt: Date.parse(b.readyAt) } : {}),
      });
    },
  );

  app.post(
    '/cases/:id/psychiatric/long-course',
    {
      config: { access: COORDINATOR, audit: 'psychiatric.long_course.flag' },
      schema: { ...route('Flag a potential long course: status meetings every 14 days from today'), body: longCourseBody },
    },
    async (request) =>
      decide(request, request.params.id, flagLongCourseUpdate, {}, { kind: 'long_course', body: { reason: request.body.reason } }),
  );

  app.post(
    '/cases/:id/psychiatric/status-meetings',
    {
      config: { access: ['psychiatry_coordinator', 'area_chief'], audit: 'psychiatric.status_meeting.record' },
      schema: { ...route("Record a status meeting's management decision (statusmøde)"), body: meetingBody },
    },
    async (request) => {
      const { heldOn, ...rest } = request.body;
      return decide(request, request.params.id, recordStatusMeetingUpdate, { heldOn }, { kind: 'status_meeting', body: { heldOn, ...rest } });
    },
  );

  app.post(
    '/cases/:id/psychiatric/involvement',
    {
      config: { access: COORDINATOR, audit: 'psychiatric.involvement.record' },
      schema: { ...route("Record the citizen's involvement: wishes and choice among offers with a vacant place"), body: involvementBody },
    },
    async (request) => {
      const b = request.body;
      if (b.chosenOfferId) {
        const offer = await getHousingOffer(db, b.chosenOfferId);
        if (!offer) throw badRequest('chosenOfferId: no such housing offer', 'body.chosenOfferId');
        if (offer.vacantPlaces === 0) throw conflict(`the chosen offer ${offer.name} has no vacant place`);
      }
      return decide(
        request,
        request.params.id,
        recordInvolvementUpdate,
        b.chosenOfferId ? { chosenOfferId: b.chosenOfferId } : {},
        { kind: 'involvement', body: b },
      );
    },
  );

  app.post(
    '/cases/:id/psychiatric/placement',
    {
      config: { access: COORDINATOR, audit: 'psychiatric.placement.decide' },
      schema: { ...route('Match the citizen to a vacant place of an own botilbud offer'), body: placementBody },
    },
    async (request) => {
      const b = request.body;
      const result = await decide(request, request.params.id, decidePlacementUpdate, b, {
        kind: 'placement',
        body: { offerId: b.offerId, ...(b.overrideReason ? { overrideReason: b.overrideReason } : {}) },
      });
      return result;
    },
  );

  app.post(
    '/cases/:id/psychiatric/external-placement',
    {
      config: { access: COORDINATOR, audit: 'psychiatric.external_place.buy' },
      schema: { ...route('No own offer fits: record the decision to buy an external place'), body: externalPlacementBody },
    },
    async (request) => {
      // the workflow gets the provider's registry id, never its name; the name is filed once the
      // case is known to take the decision (after the case checks, before the Update)
      let providerId = '';
      const result = await decideOnCase(deps, request, {
        caseId: request.params.id,
        caseType: 'psychiatric_discharge',
        update: buyExternalPlaceUpdate,
        precheck: async () => {
          providerId = await externalProviderIdFor(db, request.body.provider);
        },
        args: () => [{ providerId, ...(request.body.reasonCode ? { reasonCode: request.body.reasonCode } : {}) }],
        texts: (r) => recordText(request, request.params.id, r.key, { kind: 'external_placement', body: request.body }),
      });
      return { ...result, providerId };
    },
  );

  app.post(
    '/cases/:id/psychiatric/disagreements',
    {
      config: { access: ['hospital', 'psychiatry_coordinator'], audit: 'psychiatric.disagreement.raise' },
      schema: { ...route('Raise a disagreement with the region: chief level within 7 days'), body: disagreementBody },
    },
    async (request) => {
      const role = request.user!.role as 'hospital' | 'psychiatry_coordinator';
      return decide(
        request,
        request.params.id,
        raiseDisagreementUpdate,
        { raisedBy: role, regionRefusesDischarge: request.body.regionRefusesDischarge },
        { kind: 'disagreement', body: request.body },
      );
    },
  );

  app.post(
    '/cases/:id/psychiatric/chief-decision',
    {
      config: { access: ['area_chief'], audit: 'psychiatric.chief_decision.record' },
      schema: { ...route('Record the chief-level decision (chefniveau) on the open disagreement'), body: chiefDecisionBody },
    },
    async (request) => {
      const { decision, regionRefusesDischarge } = request.body;
      return decide(
        request,
        request.params.id,
        recordChiefDecisionUpdate,
        { decision, ...(regionRefusesDischarge !== undefined ? { regionRefusesDischarge } : {}) },
        { kind: 'chief_decision', body: request.body },
      );
    },
  );

  app.post(
    '/cases/:id/psychiatric/discharge',
    {
      config: { access: ['hospital'], audit: 'psychiatric.discharge' },
      schema: { ...route("The hospital's discharge: to the offer, home or an external place (ends the case)"), body: dischargeBody },
    },
    async (request) => {
      notInFuture(request.body.dischargedAt, 'dischargedAt');
      const status = await decide(request, request.params.id, endPsychiatricCaseUpdate, {
        outcome: OUTCOME[request.body.destination],
        at: Date.parse(request.body.dischargedAt),
      });
      return status;
    },
  );

  app.post(
    '/cases/:id/psychiatric/withdraw',
    {
      config: { access: ['hospital'], audit: 'psychiatric.withdraw' },
      schema: { ...route('The region withdraws the færdigmelding/forvarsling (ends the case)'), body: withdrawBody },
    },
    async (request) => {
      notInFuture(request.body.withdrawnAt, 'withdrawnAt');
      return decide(
        request,
        request.params.id,
        endPsychiatricCaseUpdate,
        { outcome: 'withdrawn', ...(request.body.withdrawnAt ? { at: Date.parse(request.body.withdrawnAt) } : {}) },
        request.body.reason ? { kind: 'withdrawal', body: { reason: request.body.reason } } : undefined,
      );
    },
  );

  app.get(
    '/cases/:id/psychiatric/records',
    {
      config: { access: RECORD_READERS, audit: 'psychiatric.records.read' },
      schema: { ...route('What was recorded on the case: wishes, meeting decisions, disagreements, chief-level decisions') },
    },
    async (request) => {
      const row = await getCase(db, request.params.id);
      if (!row) throw notFound(`no case ${request.params.id}`);
      caseViewOrForbid(request.user!.role, row.type);
      await psychiatricCase(request.params.id);
      return { items: await psychiatricRecordsOf(db, request.params.id) };
    },
  );
};
