/**
 * The review of a cancelled hospital notification (gennemgang af annulleret advis) as one module:
 * opened by the MedCom receiver (`openCancellationReview`) when the hospital cancels (AN_) an
 * event whose effect had changed or closed a case — never through `POST /cases`.
 */
import { createHash } from 'node:crypto';
import { notificationReviewCaseType } from '../../../workflows/notification-review/case-type.js';
import { notificationReviewWorkflow } from '../../../workflows/notification-review/workflow.js';
import type { ApiDeps } from '../../context.js';
import { startCase } from '../../decisions.js';
import type { CaseTypeModule } from '../case-type.js';
import { NotificationReviewDetails, NotificationReviewStatus } from './contracts.js';
import { NOTIFICATION_REVIEW_READERS, NOTIFICATION_REVIEW_SLUG, notificationReviewRoutes } from './routes.js';

export const notificationReview = {
  ...notificationReviewCaseType,
  slug: NOTIFICATION_REVIEW_SLUG,
  readers: NOTIFICATION_REVIEW_READERS,
  bedDayKind: 'somatic',
  obligationKinds: ['cancellation_review'],
  status: NotificationReviewStatus,
  details: NotificationReviewDetails,
  readRoutes: {},
  routes: notificationReviewRoutes,
} as const satisfies CaseTypeModule;

/** The review case's id for a cancelling message: fixed by the message, so a repeated delivery opens it once. */
function reviewCaseId(messageId: string): string {
  const h = createHash('sha256').update(`notification-review:${messageId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Opens (once) the review case of a cancellation whose event had changed or closed the cases named. */
export async function openCancellationReview(
  deps: ApiDeps,
  o: { citizenId: string; messageId: string; cancelledMessageId: string; concerns: { caseId: string; caseNumber: string }[] },
): Promise<{ caseId: string; caseNumber: string }> {
  const caseId = reviewCaseId(o.messageId);
  const { caseNumber } = await startCase(deps, {
    caseId,
    citizenId: o.citizenId,
    caseType: notificationReviewCaseType,
    workflow: notificationReviewWorkflow,
    args: [{ caseId, citizenId: o.citizenId, messageId: o.messageId, cancelledMessageId: o.cancelledMessageId, concerns: o.concerns, rules: deps.rules }],
    summary: `review of a cancelled hospital notification (${o.concerns.length} case${o.concerns.length === 1 ? '' : 's'})`,
  });
  return { caseId, caseNumber };
}
