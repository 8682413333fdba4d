/**
 * The deadline dashboard's contracts (fristoverblik) and who is signed in (`GET /me`). Counts
 * only: no case numbers, no CPR, no free text.
 */
import { z } from 'zod';
import { Day, documented, Instant } from '../contract.js';
import { CASE_TYPE_NAMES } from '../case-types/index.js';
import { CaseTypeAnswer } from './case-types.contracts.js';

const count = z.number().int().min(0);

/** `GET /me`: the user the bearer token names. */
export const MeAnswer = documented(
  z.object({ user: z.string(), role: z.string(), team: z.string() }),
  { description: 'The signed-in user: who, which role, which team', example: { user: 'visitator-anna', role: 'needs_assessor', team: 'Lokal visitation Nord' } },
);

/** `GET /dashboard`: the deadline dashboard's figures, from the database mirror. */
export const DashboardAnswer = documented(
  z.object({
    asOf: Instant.describe('When the figures were read'),
    today: Day.describe('The Copenhagen date the ageing is counted against'),
    caseTypes: z.array(CaseTypeAnswer).describe('The case types counted (those the role reads)'),
    sla: z
      .array(z.object({ team: z.string().nullable(), caseType: CaseTypeAnswer, state: z.string(), count }))
      .describe('Open obligations (frister) by team, case type and SLA state (on_track, at_risk, breached, paused); team null: the whole role'),
    overdue: z
      .array(z.object({ team: z.string().nullable(), daysLate: z.number().int(), count }))
      .describe('Breached obligations by team and whole days after their due day'),
    escalationsPerNight: z
      .array(z.object({ night: Day, count }))
      .describe('Escalations (not warnings) per Copenhagen date they fired on, the last 30 days, nights without any included (0)'),
    waitingList: z
      .array(z.object({ priority: z.string(), count, longestWaitDays: z.number().int().min(0) }))
      .describe('Citizens waiting for a temporary place (no offer yet), by priority, most urgent first'),
  }),
  {
    description: 'Open obligations by SLA state per team and case type, overdue ageing, escalations per night, the waiting list by priority',
    example: {
      asOf: '2026-12-06T08:00:00+01:00',
      today: '2026-12-06',
      caseTypes: [CASE_TYPE_NAMES[0]],
      sla: [{ team: null, caseType: CASE_TYPE_NAMES[0], state: 'at_risk', count: 3 }],
      overdue: [{ team: 'Lokal visitation Nord', daysLate: 2, count: 1 }],
      escalationsPerNight: [{ night: '2026-12-05', count: 4 }],
      waitingList: [{ priority: 'akut', count: 2, longestWaitDays: 1 }],
    },
  },
);
