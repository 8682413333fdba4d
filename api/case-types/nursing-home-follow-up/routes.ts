/**
 * The nursing-home follow-up's routes: the registration of the move (opens the case), the
 * individual decision and the close — each on the one decision path.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { upsertCitizen } from '../../../db/queries/cases.js';
import { birthDateFromCpr, normaliseCpr } from '../../../domain/cpr.js';
import { nursingHomeFollowUpCaseType } from '../../../workflows/nursing-home-follow-up/case-type.js';
import { closeNursingHomeFollowUpUpdate, nursingHomeDecisionUpdate, type FollowUpCloseReason } from '../../../workflows/nursing-home-follow-up/messages.js';
import { nursingHomeFollowUpWorkflow } from '../../../workflows/nursing-home-follow-up/workflow.js';
import type { ApiDeps } from '../../context.js';
import { CaseOpeningAnswer } from '../../contract.js';
import { decision, registerDecision } from '../../decision-route.js';
import { intake, startCase } from '../../decisions.js';
import { conflict } from '../../errors.js';
import type { Readers } from '../../need-to-know.js';
import { routeOptionsFor } from '../../route-options.js';
import * as c from './contracts.js';

export const NURSING_HOME_FOLLOW_UP_SLUG = 'nursing-home-follow-up';
export const NURSING_HOME_FOLLOW_UP_READERS: Readers = { needs_assessor: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band' };
const caseType = { ...nursingHomeFollowUpCaseType, slug: NURSING_HOME_FOLLOW_UP_SLUG };
const route = routeOptionsFor(NURSING_HOME_FOLLOW_UP_SLUG);
const acceptedAt = (r: { at?: number }) => (r.at !== undefined ? { at: r.at } : {});

const decisions = [
  decision({
    path: 'decision',
    summary: 'The individual decision after the move into the nursing home is recorded (the obligation is met; the follow-up closes)',
    roles: ['needs_assessor'],
    audit: 'nursing_home_follow_up.decision',
    body: c.DecisionBody,
    answer: c.DecisionRecorded,
    update: nursingHomeDecisionUpdate,
    args: () => [{}],
    texts: (b, r) => [{ kind: 'nursing_home_decision', body: { decision: b.decision, ...(b.decidedOn ? { decidedOn: b.decidedOn } : {}) }, ...acceptedAt(r) }],
    textKey: 'workflow',
    answerOf: (r) => ({ key: r.key, late: r.late }),
  }),
  decision({
    path: 'close',
    summary: 'The follow-up closes without a decision of its own (a decision made at moving in, the citizen died or moved out)',
    roles: ['needs_assessor'],
    audit: 'nursing_home_follow_up.close',
    body: c.CloseBody,
    answer: c.FollowUpClosed,
    update: closeNursingHomeFollowUpUpdate,
    args: (b) => [{ reason: b.reason as FollowUpCloseReason }],
    answerOf: (s) => ({ caseId: s.caseId, caseNumber: s.caseNumber, step: 'closed' as const, outcome: s.outcome ?? s.step }),
  }),
];

/** `POST /nursing-home-follow-ups`: the needs assessor registers the move; the follow-up opens (one open per citizen). */
const openRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/nursing-home-follow-ups',
    route({
      access: ['needs_assessor'],
      audit: 'nursing_home_follow_up.open',
      summary: 'Register a move into a nursing home (plejebolig): opens the follow-up, the individual decision due at week 6',
      body: c.OpenNursingHomeFollowUp,
      response: { 201: c.NursingHomeFollowUpOpened, 202: CaseOpeningAnswer },
    }),
    async (request, reply) => {
      const body = request.body;
      return intake(deps, request, reply, async (caseId) => {
        const citizenId = await upsertCitizen(deps.database.db, normaliseCpr(body.cpr), birthDateFromCpr(body.cpr)!);
        const requestHash = request.idempotencyHash;
        const opened = await startCase(deps, {
          caseId,
          citizenId,
          ...(requestHash ? { requestHash } : {}),
          oneOpen: (open) => {
            throw conflict(`the citizen already has an open nursing-home follow-up (${open.caseNumber})`);
          },
          caseType: nursingHomeFollowUpCaseType,
          workflow: nursingHomeFollowUpWorkflow,
          args: [{ caseId, citizenId, movedInDay: body.movedInOn, rules: deps.rules }],
          summary: 'Nursing-home follow-up (opfølgning efter indflytning i plejebolig)',
        });
        return { workflowId: opened.workflowId, caseNumber: opened.caseNumber, type: nursingHomeFollowUpCaseType.name };
      });
    },
  );
};

export const nursingHomeFollowUpRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  await openRoute(app, deps);
  for (const d of decisions) registerDecision(app, deps, caseType, d);
};
