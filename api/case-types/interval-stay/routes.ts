/**
 * A booked interval stay's decisions — arrived, no-show, ended, cancel — each on the one decision
 * path as an Update of the case's workflow, which tells the place type's allocator (the one writer
 * of its places). The case opens with the booking (`POST /interval-bookings`: `openIntervalStay`).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LocalDate } from '../../../domain/calendar.js';
import { intervalStayCaseType } from '../../../workflows/interval-stay/case-type.js';
import {
  intervalStayArrivedUpdate,
  intervalStayCancelUpdate,
  intervalStayEndedUpdate,
  intervalStayNoShowUpdate,
  type IntervalStayStatus,
} from '../../../workflows/interval-stay/messages.js';
import { intervalStayWorkflow } from '../../../workflows/interval-stay/workflow.js';
import type { ApiDeps } from '../../context.js';
import { decision, registerDecision } from '../../decision-route.js';
import { decide, startCase } from '../../decisions.js';
import type { Readers } from '../../need-to-know.js';
import * as c from './contracts.js';

export const INTERVAL_STAY_SLUG = 'interval-stay';
export const INTERVAL_STAY_READERS: Readers = { housing_team_lead: 'cpr', needs_assessor: 'cpr', supervisor: 'age_band' };
const caseType = { ...intervalStayCaseType, slug: INTERVAL_STAY_SLUG };
const HOUSING = ['housing_team_lead'] as const;

const answerOf = (s: IntervalStayStatus) => ({
  caseId: s.caseId,
  caseNumber: s.caseNumber,
  bookingId: s.bookingId,
  placeId: s.placeId,
  step: s.step,
  from: s.from,
  to: s.to,
  ...(s.outcome ? { outcome: s.outcome } : {}),
});

/** The decisions, as data: [path, Update, summary]. */
export const INTERVAL_STAY_DECISIONS = [
  ['arrived', intervalStayArrivedUpdate, 'The citizen arrived for the booked period (from its first day): the place is occupied'],
  ['no-show', intervalStayNoShowUpdate, 'The citizen did not come (from the first day): the place is released; the case closes'],
  ['ended', intervalStayEndedUpdate, 'The interval stay ended: the place is free again; the case closes'],
  ['cancel', intervalStayCancelUpdate, 'The booking is cancelled before arrival: the place is released; the case closes'],
] as const;

const decisions = INTERVAL_STAY_DECISIONS.map(([path, update, summary]) =>
  decision({
    path,
    summary,
    roles: HOUSING,
    audit: `interval_stay.${path.replace('-', '_')}`,
    body: c.IntervalStayDecisionBody,
    answer: c.IntervalStayDecided,
    update,
    args: () => [{}],
    answerOf,
  }),
);

/**
 * Opens the booked stay's case (the case id is the booking's id), once the allocator has accepted
 * the booking. A repeat with the same booking attaches to the same case.
 */
export async function openIntervalStay(
  deps: ApiDeps,
  b: { bookingId: string; citizenId: string; placeId: string; allocatorWorkflowId: string; from: LocalDate; to: LocalDate },
): Promise<{ caseId: string; caseNumber: string }> {
  const opened = await startCase(deps, {
    caseId: b.bookingId,
    citizenId: b.citizenId,
    caseType: intervalStayCaseType,
    workflow: intervalStayWorkflow,
    args: [{ caseId: b.bookingId, citizenId: b.citizenId, placeId: b.placeId, allocatorWorkflowId: b.allocatorWorkflowId, from: b.from, to: b.to, rules: deps.rules }],
    summary: 'Interval stay (intervalophold)',
  });
  return { caseId: b.bookingId, caseNumber: opened.caseNumber };
}

/**
 * A decision on a booked stay through the deprecated booking routes (`POST /interval-bookings/:id/
 * cancel|arrived|ended`): the same Update of the case's workflow on the one decision path.
 */
export function decideIntervalStay(deps: ApiDeps, request: FastifyRequest, bookingId: string, path: 'arrived' | 'ended' | 'cancel'): Promise<IntervalStayStatus> {
  const update = INTERVAL_STAY_DECISIONS.find(([p]) => p === path)![1];
  return decide(deps, request, { caseId: bookingId, caseType, update, args: () => [{}] });
}

export const intervalStayRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  for (const d of decisions) registerDecision(app, deps, caseType, d);
};
