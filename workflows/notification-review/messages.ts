/**
 * The review of a cancelled hospital notification: its input, status and Updates. Ids, codes and
 * instants only: the message ids and case ids it concerns, never a CPR or free text.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { RuleSet } from '../../domain/rules.js';
import type { ObligationView } from '../shared/obligations.js';

export interface NotificationReviewInput {
  caseId: string;
  citizenId: string;
  /** The cancelling message (its MessageHeader id) and the message whose event it cancelled. */
  messageId: string;
  cancelledMessageId: string;
  /** The cases the cancelled event had changed or closed (ids and case numbers). */
  concerns: { caseId: string; caseNumber: string }[];
  rules: RuleSet;
}

export interface NotificationReviewStatus {
  caseId: string;
  caseNumber: string;
  step: 'awaiting_review' | 'closed';
  messageId: string;
  cancelledMessageId: string;
  concerns: { caseId: string; caseNumber: string }[];
  reviewDueDay: LocalDate;
  reviewedAt?: string;
  slaState: string | null;
  nextDueAt?: string;
  nextDueDay?: string;
  escalated: boolean;
  obligations: ObligationView[];
}

export const notificationReviewStatusQuery = defineQuery<NotificationReviewStatus>('status');
/** The needs assessor has reviewed the cases: the obligation is met and the review case closes. */
export const notificationReviewedUpdate = defineUpdate<{ key: string; late: boolean; at: number }, [{}]>('notificationReviewed');
