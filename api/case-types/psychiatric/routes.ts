/**
 * The psychiatric case's routes (færdigmelding, source 002): one decision per step, each a
 * workflow Update with a validator (an out-of-step decision → 409 with the reason), declared as
 * data on the one decision path (api/decision-route.ts). Free text (wishes, meeting decisions,
 * reasons) never goes to the workflow: once the workflow accepted the decision it is kept in
 * `decision_texts` under the workflow's key for the step (once per key).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { externalProviderIdFor, getHousingOffer, psychiatricRecordsOf } from '../../../db/queries/psychiatric.js';
import {
  buyExternalPlaceUpdate,
  decidePlacementUpdate,
  endPsychiatricCaseUpdate,
  flagLongCourseUpdate,
  raiseDisagreementUpdate,
  recordChiefDecisionUpdate,
  recordInvolvementUpdate,
  recordNoticeUpdate,
  recordStatusMeetingUpdate,
} from '../../../workflows/psychiatric/messages.js';
import { psychiatricCaseType } from '../../../workflows/psychiatric/case-type.js';
import type { Role } from '../../auth.js';
import type { ApiDeps } from '../../context.js';
import { decision, registerDecision } from '../../decision-route.js';
import { badRequest, conflict } from '../../errors.js';
import { readableCase } from '../../decisions.js';
import type { Readers } from '../../need-to-know.js';
import { routeOptionsFor } from '../../route-options.js';
import { caseIdParams, FUTURE_TOLERANCE_MS } from '../../schemas.js';
import * as c from './contracts.js';

export const PSYCHIATRIC_SLUG = 'psychiatric';

/** Need to know: who reads psychiatric cases, and what each sees of the citizen. */
export const PSYCHIATRIC_READERS: Readers = { psychiatry_coordinator: 'cpr', area_chief: 'cpr', supervisor: 'age_band' };

const COORDINATOR: Role[] = ['psychiatry_coordinator'];
export const RECORD_READERS: Role[] = ['psychiatry_coordinator', 'area_chief'];
const OUTCOME = { offer: 'discharged_to_offer', home: 'discharged_home', external: 'discharged_external' } as const;
const caseType = { ...psychiatricCaseType, slug: PSYCHIATRIC_SLUG };
const route = routeOptionsFor(PSYCHIATRIC_SLUG);

/** A text is dated by the instant the workflow accepted its decision (`at` of the Update's result), when the workflow says it. */
const acceptedAt = (r: { at?: number }) => (r.at !== undefined ? { at: r.at } : {});

function notInFuture(value: string | undefined, field: string) {
  if (value && Date.parse(value) > Date.now() + FUTURE_TOLERANCE_MS) throw badRequest(`${field}: must not be in the future`, `body.${field}`);
}

/** The psychiatric decisions, as data. */
const decisions = (deps: ApiDeps) => [
  decision({
    path: 'notices',
    summary: 'The other notice follows (forvarsling or færdigmelding); a færdigmelding starts the bed-days',
    roles: ['hospital'],
    audit: 'psychiatric.notice',
    body: c.NoticeBody,
    answer: c.NoticeRecorded,
    update: recordNoticeUpdate,
    check: (b) => {
      notInFuture(b.receivedAt, 'receivedAt');
      notInFuture(b.readyAt, 'readyAt');
    },
    args: (b) => [{ notice: b.notice, receivedAt: Date.parse(b.receivedAt), ...(b.readyAt ? { readyAt: Date.parse(b.readyAt) } : {}) }],
  }),
  decision({
    path: 'long-course',
    summary: 'Flag a potential long course: status meetings every 14 days from today',
    roles: COORDINATOR,
    audit: 'psychiatric.long_course.flag',
    body: c.LongCourseBody,
    answer: c.LongCourseFlagged,
    update: flagLongCourseUpdate,
    args: () => [{}],
    texts: (b, r) => [{ kind: 'long_course', body: { reason: b.reason }, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  decision({
    path: 'status-meetings',
    summary: "Record a status meeting's management decision (statusmøde)",
    roles: ['psychiatry_coordinator', 'area_chief'],
    audit: 'psychiatric.status_meeting.record',
    body: c.MeetingBody,
    answer: c.MeetingRecorded,
    update: recordStatusMeetingUpdate,
    args: (b) => [{ heldOn: b.heldOn }],
    texts: (b, r) => [{ kind: 'status_meeting', body: b, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  decision({
    path: 'involvement',
    summary: "Record the citizen's involvement: wishes and choice among offers with a vacant place",
    roles: COORDINATOR,
    audit: 'psychiatric.involvement.record',
    body: c.InvolvementBody,
    answer: c.Recorded,
    update: recordInvolvementUpdate,
    precheck: async (b) => {
      if (!b.chosenOfferId) return;
      const offer = await getHousingOffer(deps.database.db, b.chosenOfferId);
      if (!offer) throw badRequest('chosenOfferId: no such housing offer', 'body.chosenOfferId');
      if (offer.vacantPlaces === 0) throw conflict(`the chosen offer ${offer.name} has no vacant place`);
    },
    args: (b) => [b.chosenOfferId ? { chosenOfferId: b.chosenOfferId } : {}],
    texts: (b, r) => [{ kind: 'involvement', body: b, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  decision({
    path: 'placement',
    summary: 'Match the citizen to a vacant place of an own botilbud offer',
    roles: COORDINATOR,
    audit: 'psychiatric.placement.decide',
    body: c.PlacementBody,
    answer: c.PlacementDecided,
    update: decidePlacementUpdate,
    args: (b) => [b],
    texts: (b, r) => [{ kind: 'placement', body: { offerId: b.offerId, ...(b.overrideReason ? { overrideReason: b.overrideReason } : {}) }, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  externalPlacement(deps),
  decision({
    path: 'disagreements',
    summary: 'Raise a disagreement with the region: chief level within 7 days',
    roles: ['hospital', 'psychiatry_coordinator'],
    audit: 'psychiatric.disagreement.raise',
    body: c.DisagreementBody,
    answer: c.DisagreementRaised,
    update: raiseDisagreementUpdate,
    args: (b, request) => [{ raisedBy: request.user!.role as 'hospital' | 'psychiatry_coordinator', regionRefusesDischarge: b.regionRefusesDischarge }],
    texts: (b, r) => [{ kind: 'disagreement', body: b, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  decision({
    path: 'chief-decision',
    summary: 'Record the chief-level decision (chefniveau) on the open disagreement',
    roles: ['area_chief'],
    audit: 'psychiatric.chief_decision.record',
    body: c.ChiefDecisionBody,
    answer: c.ChiefDecisionRecorded,
    update: recordChiefDecisionUpdate,
    args: ({ decision: d, regionRefusesDischarge: r }) => [{ decision: d, ...(r !== undefined ? { regionRefusesDischarge: r } : {}) }],
    texts: (b, r) => [{ kind: 'chief_decision', body: b, ...acceptedAt(r) }],
    textKey: 'workflow',
  }),
  decision({
    path: 'discharge',
    summary: "The hospital's discharge: to the offer, home or an external place (ends the case)",
    roles: ['hospital'],
    audit: 'psychiatric.discharge',
    body: c.DischargeBody,
    answer: c.PsychiatricEnded,
    update: endPsychiatricCaseUpdate,
    check: (b) => notInFuture(b.dischargedAt, 'dischargedAt'),
    args: (b) => [{ outcome: OUTCOME[b.destination], at: Date.parse(b.dischargedAt) }],
  }),
  decision({
    path: 'withdraw',
    summary: 'The region withdraws the færdigmelding/forvarsling (ends the case)',
    roles: ['hospital'],
    audit: 'psychiatric.withdraw',
    body: c.WithdrawBody,
    answer: c.PsychiatricEnded,
    update: endPsychiatricCaseUpdate,
    check: (b) => notInFuture(b.withdrawnAt, 'withdrawnAt'),
    args: (b) => [{ outcome: 'withdrawn', ...(b.withdrawnAt ? { at: Date.parse(b.withdrawnAt) } : {}) }],
    texts: (b, r) => (b.reason ? [{ kind: 'withdrawal', body: { reason: b.reason }, ...acceptedAt(r) }] : []),
    textKey: 'workflow',
  }),
];

/**
 * No own offer fits: a place is bought. The workflow gets the provider's registry id, never its
 * name; the name is filed once the case is known to take the decision (after the case checks,
 * before the Update).
 */
function externalPlacement(deps: ApiDeps) {
  return decision({
    path: 'external-placement',
    summary: 'No own offer fits: record the decision to buy an external place',
    roles: COORDINATOR,
    audit: 'psychiatric.external_place.buy',
    body: c.ExternalPlacementBody,
    answer: c.ExternalPlaceBought,
    update: buyExternalPlaceUpdate,
    precheck: (b) => externalProviderIdFor(deps.database.db, b.provider),
    args: (b, _request, providerId) => [{ providerId, ...(b.reasonCode ? { reasonCode: b.reasonCode } : {}) }],
    texts: (b, r) => [{ kind: 'external_placement', body: b, ...acceptedAt(r) }],
    textKey: 'workflow',
    // a repeat of the decision after the case ended skips the precheck: the registry gives the same id
    answerOf: async (r, b, _request, providerId) => ({ ...r, providerId: providerId ?? (await externalProviderIdFor(deps.database.db, b.provider)) }),
  });
}

export const psychiatricRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  for (const d of decisions(deps)) registerDecision(app, deps, caseType, d);

  app.get(
    `/cases/:id/${PSYCHIATRIC_SLUG}/records`,
    route({
      access: RECORD_READERS,
      audit: 'psychiatric.records.read',
      summary: 'What was recorded on the case: wishes, meeting decisions, disagreements, chief-level decisions',
      params: caseIdParams,
      response: { 200: c.PsychiatricRecords },
    }),
    async (request) => {
      const { row } = await readableCase(deps.database.db, request.user!.role, request.params.id, psychiatricCaseType);
      return { items: await psychiatricRecordsOf(deps.database.db, row.id) };
    },
  );
};
