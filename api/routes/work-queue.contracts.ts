/**
 * The work queue's contract (arbejdsliste): an open obligation of a case, with who must act and
 * by when. One definition, with one example.
 */
import { z } from 'zod';
import { Action, Day, documented, Id, Instant } from '../contract.js';
import { CASE_TYPE_NAMES } from '../case-types/index.js';
import { CaseTypeAnswer } from './case-types.contracts.js';

/** One open obligation (frist) in the queue. */
export const queueItem = z.object({
  caseId: Id,
  caseNumber: z.string(),
  caseType: CaseTypeAnswer,
  step: z.string(),
  obligation: z.string().describe('The obligation key within the case'),
  kind: z.string(),
  action: Action,
  actor: z.object({ role: z.string(), team: z.string().nullable().describe('The team, where the obligation names one') }),
  escalateTo: z.string(),
  dueDay: Day,
  atRiskAt: Instant,
  escalationAt: Instant,
  slaState: z.enum(['on_track', 'at_risk', 'breached', 'paused']).describe('paused: its clock stands still while the citizen is on leave (orlov)'),
  citizenOnLeaveSince: Instant.nullable().describe('The citizen is on leave from the hospital (orlov, MedCom STOR) since; null: not on leave'),
});

/** `GET /work-queue`: a page, most urgent first; `nextCursor` fetches the next. */
export const WorkQueuePage = documented(z.object({ items: z.array(queueItem), nextCursor: z.string().nullable().describe('null: the last page') }), {
  description: 'Open obligations, breached first, then at risk, then by escalation instant',
  example: {
    items: [
      {
        caseId: '552199ac-7537-437d-94ab-5a67fc121ad7',
        caseNumber: 'PSY-2026-000002',
        caseType: CASE_TYPE_NAMES[0],
        step: 'open',
        obligation: 'deadline-12w',
        kind: 'psychiatric_case_deadline',
        action: { code: 'process_case', en: 'Process the case within 12 weeks', da: 'Sagsbehandling inden for 12 uger (sagsbehandlingsfrist)' },
        actor: { role: 'psychiatry_coordinator', team: null },
        escalateTo: 'area_chief',
        dueDay: '2027-02-22',
        atRiskAt: '2027-02-08T00:00:00+01:00',
        escalationAt: '2027-02-23T00:00:00+01:00',
        slaState: 'on_track',
        citizenOnLeaveSince: null,
      },
    ],
    nextCursor: null,
  },
});
