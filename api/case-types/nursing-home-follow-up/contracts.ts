/** The nursing-home follow-up (opfølgning efter indflytning i plejebolig): its contracts, one definition each. */
import { z } from 'zod';
import { nursingHomeFollowUpCaseType } from '../../../workflows/nursing-home-follow-up/case-type.js';
import { FOLLOW_UP_CLOSE_REASONS } from '../../../workflows/nursing-home-follow-up/messages.js';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';
import { calendarDate, cprSchema, longText, plannedDate, plausiblePast } from '../../schemas.js';
import { localDate } from '../../../domain/calendar.js';

const CloseReason = z.enum(FOLLOW_UP_CLOSE_REASONS as [string, ...string[]]);

/** `POST /nursing-home-follow-ups`: the move into a nursing home, registered by the needs assessor. */
export const OpenNursingHomeFollowUp = z.object({
  cpr: cprSchema,
  movedInOn: plannedDate
    .refine((v) => v >= localDate(plausiblePast().earliest), { message: 'is implausibly far in the past (more than PLAUSIBLE_PAST_DAYS days ago)' })
    .describe('The day the citizen moves (moved) into the nursing home (plejebolig), Copenhagen; the follow-up counts its weeks from it'),
});

export const NursingHomeFollowUpOpened = documented(z.object({ id: Id, workflowId: z.string(), caseNumber: z.string(), type: z.literal(nursingHomeFollowUpCaseType.name) }), {
  description: 'The follow-up case opened: its id, case number (= workflow id) and type',
  example: { id: '3d0e7a51-4b8e-4a53-9e0c-6b1f5a3c2d10', workflowId: 'PLB-2026-000031', caseNumber: 'PLB-2026-000031', type: nursingHomeFollowUpCaseType.name },
});

const Origin = z.object({ caseId: Id, caseNumber: z.string() });

export const NursingHomeFollowUpStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    step: z.enum(['awaiting_decision', 'closed']),
    movedInDay: Day,
    atRiskDay: Day.describe('From 00:00 of this day the decision is at risk (week 3 after moving in)'),
    decisionDueDay: Day.describe('The decision is due by the end of this day (week 6); it escalates overnight after it'),
    origin: Origin.optional().describe('The temporary stay that ended with the nursing-home place found'),
    decidedAt: Instant.optional(),
    outcome: z.enum(['decision_recorded', ...FOLLOW_UP_CLOSE_REASONS] as [string, ...string[]]).optional(),
  })
  .extend(CaseCoreAnswer.shape);

export const NursingHomeFollowUpDetails = z.object({
  movedInDay: Day.optional(),
  decisionDueDay: Day.optional(),
  originCaseNumber: z.string().optional(),
});

export const DecisionBody = z.object({
  decision: longText(20000).describe('The individual decision (konkret individuel afgørelse) the unit plans from — stored in the database only'),
  decidedOn: calendarDate.optional().describe('The day of the decision (default: today)'),
});
export const DecisionRecorded = documented(z.object({ key: z.string(), late: z.boolean() }), {
  description: 'The individual decision is recorded; the follow-up closes',
  example: { key: 'individual-decision', late: false },
});

export const CloseBody = z.object({ reason: CloseReason.describe('decision_made_at_moving_in: a decision the unit can plan from already exists; died; moved_out') });
export const FollowUpClosed = documented(z.object({ caseId: Id, caseNumber: z.string(), step: z.literal('closed'), outcome: z.string() }), {
  description: 'The follow-up closed without a decision of its own',
  example: { caseId: '3d0e7a51-4b8e-4a53-9e0c-6b1f5a3c2d10', caseNumber: 'PLB-2026-000031', step: 'closed', outcome: 'died' },
});
