/**
 * The review of a cancelled hospital notification (MedCom AN_): a case of its own, opened when
 * the hospital cancels an event whose effect had already changed or closed one of the citizen's
 * cases, and outliving those cases. Its one obligation, `review` (kind `cancellation_review`), is
 * the needs assessor's: due by the end of the next working day, escalating overnight like every
 * obligation; the reviewed Update meets it and the case closes. Nothing is undone silently: the
 * assessor looks at the cases named in its input and acts on them through their own routes.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatLocal, localDate, workingDaysAfter } from '../../domain/calendar.js';
import { CANCELLATION_REVIEW_WORKING_DAYS } from '../../domain/rules.js';
import { CaseCore } from '../shared/case-core.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { notificationReviewCaseType } from './case-type.js';
import { notificationReviewedUpdate, notificationReviewStatusQuery, type NotificationReviewInput, type NotificationReviewStatus } from './messages.js';

const REVIEW = 'review';

export async function notificationReviewWorkflow(input: NotificationReviewInput): Promise<NotificationReviewStatus> {
  // the cancellation came when the review case started (the workflow's clock)
  const receivedAt = Date.now();
  const dueDay = workingDaysAfter(localDate(receivedAt), CANCELLATION_REVIEW_WORKING_DAYS, input.rules.closingDays ?? []);
  let reviewedAt: number | undefined;
  let opened = false;
  const core: CaseCore = new CaseCore({
    caseId: input.caseId,
    caseType: notificationReviewCaseType.name,
    rules: input.rules,
    view: () => ({ step: reviewedAt === undefined ? 'awaiting_review' : 'closed', details: { messageId: input.messageId, reviewDueDay: dueDay, concerns: input.concerns.length }, actingRole: 'needs_assessor' }),
    opening: { type: notificationReviewCaseType.name, citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt: receivedAt },
  });
  const status = (): NotificationReviewStatus => ({
    caseId: input.caseId,
    caseNumber: workflowInfo().workflowId,
    step: reviewedAt === undefined ? 'awaiting_review' : 'closed',
    messageId: input.messageId,
    cancelledMessageId: input.cancelledMessageId,
    concerns: input.concerns,
    reviewDueDay: dueDay,
    ...(reviewedAt !== undefined ? { reviewedAt: formatLocal(reviewedAt) } : {}),
    ...core.view(),
  });
  setHandler(notificationReviewStatusQuery, status);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => opened);
    return { caseId: input.caseId, caseNumber: workflowInfo().workflowId };
  });
  setHandler(
    notificationReviewedUpdate,
    async () => {
      const at = Date.now();
      const ob = core.meet(REVIEW, at);
      reviewedAt = at;
      await core.end('reviewed', at);
      return { key: REVIEW, late: ob?.state === 'met_late', at };
    },
    {
      validator: (_a: {}) => {
        if (reviewedAt !== undefined) throw new Error('the review is recorded already');
      },
    },
  );
  core.open({ key: REVIEW, kind: 'cancellation_review', dueDay, now: receivedAt });
  await core.sync();
  opened = true;
  await core.runUntil(() => reviewedAt !== undefined, 'review');
  await condition(allHandlersFinished);
  return status();
}
