/** Complaints (klagesager): the contracts of the intake, the reconsideration, the withdrawal and the status. */
import { z } from 'zod';
import { localDate } from '../../../domain/calendar.js';
import { complaintCaseType } from '../../../workflows/complaint/case-type.js';
import { COMPLAINT_ABOUT, RECONSIDERATION_OUTCOMES } from '../../../workflows/complaint/messages.js';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';
import { calendarDate, line, longText, plannedDate, plausiblePast } from '../../schemas.js';

const About = z.enum(COMPLAINT_ABOUT as ['decision', 'delivery']);
const Outcome = z.enum(RECONSIDERATION_OUTCOMES as ['changed_in_favour', 'upheld', 'partly_upheld']);
const pastDay = calendarDate
  .refine((v) => v >= localDate(plausiblePast().earliest), { message: 'is implausibly far in the past (more than PLAUSIBLE_PAST_DAYS days ago)' })
  .refine((v) => v <= localDate(Date.now()), { message: 'must not be in the future' });

/** `POST /complaints`: visitation registers a complaint (from the citizen, or forwarded by a provider). */
export const OpenComplaint = z
  .object({
    concernsCaseId: Id.describe('The case whose decision is complained about (any case type, open or ended); the citizen is its citizen'),
    decisionId: z.number().int().positive().optional().describe('The decision complained about: its audit-log id on that case (optional)'),
    about: About.describe('decision: the decision (afgørelsen), reconsidered by visitation; delivery: the delivery of the service (udførelsen), the provider\'s to answer'),
    receivedOn: pastDay.describe("The municipality's day of receipt: the 4 weeks run from it"),
    receivedVia: z.enum(['citizen', 'provider']).describe('citizen: directly; provider: forwarded by the provider'),
    providerCode: line(60).optional().describe('The provider (providers.code) that forwarded it, or whose delivery it is about — required for either'),
    providerReceivedOn: pastDay.optional().describe('Forwarded: the day the provider received it'),
    providerAnswerBy: plannedDate.optional().describe('About the delivery: the day the provider\'s written answer is due (default: receipt + 14 days)'),
    complaint: longText(20000).describe('The complaint as the citizen made it (or a note of an oral complaint) — stored in the database only'),
  })
  .superRefine((v, ctx) => {
    if ((v.receivedVia === 'provider' || v.about === 'delivery') && !v.providerCode) {
      ctx.addIssue({ code: 'custom', path: ['providerCode'], message: 'is required for a complaint forwarded by a provider or about the delivery' });
    }
    if (v.receivedVia === 'provider' && !v.providerReceivedOn) ctx.addIssue({ code: 'custom', path: ['providerReceivedOn'], message: 'is required for a complaint forwarded by a provider' });
    if (v.receivedVia !== 'provider' && v.providerReceivedOn) ctx.addIssue({ code: 'custom', path: ['providerReceivedOn'], message: 'only for a complaint forwarded by a provider' });
    if (v.providerReceivedOn && v.providerReceivedOn > v.receivedOn) ctx.addIssue({ code: 'custom', path: ['providerReceivedOn'], message: 'must not be after receivedOn' });
    if (v.providerAnswerBy && v.about !== 'delivery') ctx.addIssue({ code: 'custom', path: ['providerAnswerBy'], message: 'only for a complaint about the delivery' });
    if (v.providerAnswerBy && v.providerAnswerBy < v.receivedOn) ctx.addIssue({ code: 'custom', path: ['providerAnswerBy'], message: 'must not be before receivedOn' });
  });

export const ComplaintOpened = documented(z.object({ id: Id, workflowId: z.string(), caseNumber: z.string(), type: z.literal(complaintCaseType.name) }), {
  description: 'The complaint case opened: its id, case number (= workflow id) and type',
  example: { id: '8a1d3c52-7b0e-4f31-9d8e-2c4b6a0f1e93', workflowId: 'KLA-2026-000051', caseNumber: 'KLA-2026-000051', type: complaintCaseType.name },
});

const Concerns = z.object({ caseId: Id, caseNumber: z.string() });

export const ComplaintStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    step: z.enum(['reconsidering', 'closed']),
    about: About,
    receivedOn: Day,
    concerns: Concerns,
    reconsiderationDueDay: Day.optional().describe('Reconsidered by the end of this day (receipt + 4 weeks); escalates overnight after it'),
    providerCode: z.string().optional(),
    providerAnswerBy: Day.optional(),
    outcome: z.enum(['changed_in_favour', 'upheld', 'partly_upheld', 'forwarded_to_provider', 'withdrawn']).optional(),
    decidedAt: Instant.optional(),
    messages: z.array(z.string()).describe('The outbox keys written: letters and messages'),
  })
  .extend(CaseCoreAnswer.shape);

export const ComplaintDetails = z.object({
  about: About.optional(),
  receivedOn: Day.optional(),
  concernsCaseNumber: z.string().optional(),
  reconsiderationDueDay: Day.optional(),
  providerCode: z.string().optional(),
});

export const ReconsideredBody = z
  .object({
    outcome: Outcome.describe('changed_in_favour: the decision is changed in the citizen\'s favour (a letter); upheld / partly_upheld: the complaint goes on to Ankestyrelsen (and the citizen is told)'),
    statement: longText(40000).optional().describe('The written statement (redegørelse) — required when upheld; stored in the database only'),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== 'changed_in_favour' && !v.statement) ctx.addIssue({ code: 'custom', path: ['statement'], message: 'is required when the decision is upheld (it goes to Ankestyrelsen with the complaint)' });
  });
export const Reconsidered = documented(z.object({ key: z.string(), late: z.boolean(), outcome: Outcome, messages: z.array(z.string()) }), {
  description: 'The reconsideration is recorded; the letters and messages are in the outbox; the complaint closes',
  example: { key: 'reconsideration', late: false, outcome: 'upheld', messages: ['ankestyrelsen:complaint', 'letter:forwarded'] },
});

export const WithdrawBody = z.object({}).strict();
export const ComplaintWithdrawn = documented(z.object({ caseId: Id, caseNumber: z.string(), step: z.literal('closed'), outcome: z.string() }), {
  description: 'The citizen withdrew the complaint; the case closed',
  example: { caseId: '8a1d3c52-7b0e-4f31-9d8e-2c4b6a0f1e93', caseNumber: 'KLA-2026-000051', step: 'closed', outcome: 'withdrawn' },
});
