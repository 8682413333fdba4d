/**
 * The escalations' contracts: an escalation or warning raised by a case's timer, as the lists and
 * `GET /cases/:id` show it (the `escalations` row). One definition each, with one example.
 */
import { z } from 'zod';
import { Day, documented, Id, Instant } from '../contract.js';
import { CASE_TYPE_NAMES } from '../case-types/index.js';
import { CaseTypeAnswer } from './case-types.contracts.js';

/** An escalation or warning (eskalering / advarsel): the row its timer wrote. */
export const EscalationRow = z.object({
  id: Id,
  caseId: Id,
  key: z.string().describe('The timer within the case, e.g. deadline-12w, meeting-3'),
  kind: z.string(),
  severity: z.string().describe('warning or escalation'),
  recipientRole: z.string().describe('The role that must act'),
  dueDay: Day.describe('The due day that was missed (or warned about)'),
  scheduledFor: Instant.describe('The instant the timer was set for'),
  firedAt: Instant.describe("The workflow's time when the timer fired"),
  message: z.string(),
  status: z.string().describe('open or acknowledged'),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: Instant.nullable(),
  createdAt: Instant,
});

const example = {
  id: '33bf8aec-250e-497b-b241-33ebdb9d5be3',
  caseId: '03576525-1382-4ed7-a358-b5c0b6d04aa2',
  key: 'deadline-12w',
  kind: 'psychiatric_deadline_passed',
  severity: 'escalation',
  recipientRole: 'area_chief',
  dueDay: '2026-11-24',
  scheduledFor: '2026-11-25T00:00:00+01:00',
  firedAt: '2026-11-25T00:00:00.643+01:00',
  message: 'The 12-week case-processing deadline (sagsbehandlingsfrist) ended on 2026-11-24 without a placement decided with the citizen involved.',
  status: 'open',
  acknowledgedBy: null,
  acknowledgedAt: null,
  createdAt: '2026-11-25T00:00:00.782+01:00',
};

/** `GET /escalations`: newest first, each with its case's number and type. */
export const EscalationList = documented(
  z.object({ items: z.array(EscalationRow.extend({ caseNumber: z.string(), caseType: CaseTypeAnswer })) }),
  {
    description: 'Escalations and warnings, newest first (by the instant they were due to fire)',
    example: { items: [{ ...example, caseNumber: 'PSY-2026-000030', caseType: CASE_TYPE_NAMES[0] }] },
  },
);

/** `POST /escalations/:id/acknowledge`: the escalation, acknowledged. */
export const EscalationAcknowledged = documented(EscalationRow, {
  description: 'The escalation, acknowledged (by whom and when)',
  example: { ...example, status: 'acknowledged', acknowledgedBy: 'omraadechef-dorte', acknowledgedAt: '2026-11-30T06:22:06.548+01:00' },
});
