/** The review of a cancelled hospital notification: one decision, the needs assessor's review. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notificationReviewCaseType } from '../../../workflows/notification-review/case-type.js';
import { notificationReviewedUpdate } from '../../../workflows/notification-review/messages.js';
import type { ApiDeps } from '../../context.js';
import { decision, registerDecision } from '../../decision-route.js';
import type { Readers } from '../../need-to-know.js';
import * as c from './contracts.js';

export const NOTIFICATION_REVIEW_SLUG = 'notification-review';
export const NOTIFICATION_REVIEW_READERS: Readers = { needs_assessor: 'cpr', visitation_team_lead: 'age_band', supervisor: 'age_band' };
const caseType = { ...notificationReviewCaseType, slug: NOTIFICATION_REVIEW_SLUG };

const decisions = [
  decision({
    path: 'reviewed',
    summary: 'The needs assessor has reviewed the cases a cancelled hospital notification had changed (the review case closes)',
    roles: ['needs_assessor'],
    audit: 'notification_review.reviewed',
    body: c.ReviewBody,
    answer: c.Reviewed,
    update: notificationReviewedUpdate,
    args: () => [{}],
    answerOf: (r: { key: string; late: boolean }) => ({ key: r.key, late: r.late }),
  }),
];

export const notificationReviewRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  for (const d of decisions) registerDecision(app, deps, caseType, d);
};
