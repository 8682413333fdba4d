/** The review of a cancelled hospital notification: its status, details and the reviewed answer. */
import { z } from 'zod';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';

const Concern = z.object({ caseId: Id, caseNumber: z.string() });

export const NotificationReviewStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    step: z.enum(['awaiting_review', 'closed']),
    messageId: z.string().describe('The cancelling message (MessageHeader id)'),
    cancelledMessageId: z.string().describe('The message whose event the hospital cancelled'),
    concerns: z.array(Concern).describe('The cases the cancelled event had changed or closed: review each'),
    reviewDueDay: Day,
    reviewedAt: Instant.optional(),
  })
  .extend(CaseCoreAnswer.shape);

export const NotificationReviewDetails = z.object({
  messageId: z.string().optional(),
  reviewDueDay: Day.optional(),
  concerns: z.number().int().optional().describe('How many cases the cancelled event had changed'),
});

export const ReviewBody = z.object({}).strict();
export const Reviewed = documented(z.object({ key: z.string(), late: z.boolean() }), {
  description: 'The review is recorded; the review case closes',
  example: { key: 'review', late: false },
});
