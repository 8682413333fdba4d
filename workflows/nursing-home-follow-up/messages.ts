/**
 * The nursing-home follow-up: its input, status and Updates. Ids, codes and dates only: the
 * individual decision's text is kept in the database (decision_texts), never here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { RuleSet } from '../../domain/rules.js';
import type { ObligationView } from '../shared/obligations.js';

export interface NursingHomeFollowUpInput {
  caseId: string;
  citizenId: string;
  /** The day the citizen moved into the nursing home (plejebolig), Copenhagen. */
  movedInDay: LocalDate;
  /** The temporary stay that ended with the nursing-home place found, when it started this case. */
  origin?: { caseId: string; caseNumber: string };
  rules: RuleSet;
}

/** Why a follow-up closes without a decision recorded in it. */
export type FollowUpCloseReason = 'decision_made_at_moving_in' | 'died' | 'moved_out';
export const FOLLOW_UP_CLOSE_REASONS: readonly FollowUpCloseReason[] = ['decision_made_at_moving_in', 'died', 'moved_out'];

export type FollowUpStep = 'awaiting_decision' | 'closed';

export interface NursingHomeFollowUpStatus {
  caseId: string;
  caseNumber: string;
  step: FollowUpStep;
  movedInDay: LocalDate;
  /** 00:00 of this day the decision is at risk (week 3); due by the end of `decisionDueDay` (week 6). */
  atRiskDay: LocalDate;
  decisionDueDay: LocalDate;
  origin?: { caseId: string; caseNumber: string };
  decidedAt?: string;
  outcome?: 'decision_recorded' | FollowUpCloseReason;
  slaState: string | null;
  nextDueAt?: string;
  nextDueDay?: string;
  escalated: boolean;
  obligations: ObligationView[];
}

export const nursingHomeFollowUpStatusQuery = defineQuery<NursingHomeFollowUpStatus>('status');
/** The individual decision is recorded (its text in the database): the obligation is met, the case closes. */
export const nursingHomeDecisionUpdate = defineUpdate<{ key: string; late: boolean; at: number }, [{}]>('nursingHomeDecision');
/** The follow-up closes without a decision of its own (a decision made at moving in, death, moved out). */
export const closeNursingHomeFollowUpUpdate = defineUpdate<NursingHomeFollowUpStatus, [{ reason: FollowUpCloseReason }]>('closeNursingHomeFollowUp');
