/**
 * The contracts of cases in general: `POST /cases` (the case opened) and `GET /cases/:id` (a
 * case of any type: database state, SLA and obligations, the workflow's live status, escalations,
 * bed-days, history). The parts that differ by case type — the live status and the details —
 * come from the case types' own contracts through the one list. One example each.
 */
import { z } from 'zod';
import { Day, documented, Id, Instant } from '../contract.js';
import { CASE_TYPE_NAMES, CASE_TYPES } from '../case-types/index.js';
import { psychiatricStatusExample } from '../case-types/psychiatric/contracts.js';
import { EscalationRow } from './escalations.contracts.js';
import { CaseBedDays, caseBedDaysExample } from './payments.contracts.js';

const CaseType = z.enum(CASE_TYPE_NAMES);
const [exampleType] = CASE_TYPE_NAMES;

/** `POST /cases` → 201 (200 with `repeatedNotice`: re-pointed to the citizen's open case). */
export const CaseOpened = documented(
  z.object({
    id: Id,
    workflowId: z.string(),
    caseNumber: z.string(),
    type: CaseType,
    repeatedNotice: z
      .literal(true)
      .optional()
      .describe('200 only: the citizen already has an open case of this type and the notice is a repeat of one it has; recorded there, nothing new opened'),
  }),
  {
    description: 'The case opened (or, with a repeated Idempotency-Key, the case it opened before; 200 with `repeatedNotice`: the citizen’s open case the repeated notice was recorded on)',
    example: { id: '552199ac-7537-437d-94ab-5a67fc121ad7', workflowId: 'PSY-2026-000002', caseNumber: 'PSY-2026-000002', type: exampleType },
  },
);

// ---- GET /cases/:id -----------------------------------------------------------------------------

/** Who must act next, by when, and how the case stands (its worst open obligation; the `cases` row). */
const CaseSla = z.object({
  state: z.string().nullable().describe('on_track, at_risk or breached; null when nothing is open'),
  actingRole: z.string().nullable(),
  actingTeam: z.string().nullable().describe('The team, where the obligation names one'),
  nextDueDay: Day.nullable(),
  nextDueAt: Instant.nullable().describe('The instant the next escalation fires'),
  escalated: z.boolean(),
});

/** One obligation (frist) of the case, as its row in `obligations` stands. */
const CaseObligation = z.object({
  key: z.string(),
  kind: z.string(),
  action: z.object({ code: z.string(), en: z.string().optional(), da: z.string().optional() }).describe('What to do (without labels for a kind this version does not know)'),
  actor: z.object({ role: z.string(), team: z.string().nullable() }),
  escalateTo: z.string(),
  dueDay: Day,
  atRiskAt: Instant,
  escalationAt: Instant,
  state: z.string().describe('on_track, at_risk, breached, met, met_late or cancelled'),
  atRiskSince: Instant.nullable(),
  breachedAt: Instant.nullable(),
  closedAt: Instant.nullable(),
});

/** Need to know (api/need-to-know.ts): who sees the CPR sees it with the birth date; the others an age band only. */
const CitizenWithAgeBand = z.object({ id: Id, ageBand: z.string().nullable().describe('e.g. 80-89') });
const CitizenWithCpr = z.object({ id: Id, birthDate: Day.optional(), cpr: z.string().optional() });
/** An age band first: a citizen answer without one is the CPR reader's. */
const CaseCitizen = z.union([CitizenWithAgeBand, CitizenWithCpr]);

/** One line of the case's audit log (the request minus personal identifiers and free text). */
const HistoryEntry = z.object({
  at: Instant,
  userId: z.string(),
  role: z.string(),
  action: z.string(),
  statusCode: z.number().int(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

/** What every case shows, whatever its type. */
export const CaseBase = z.object({
  id: Id,
  caseNumber: z.string(),
  workflowId: z.string(),
  step: z.string(),
  sla: CaseSla,
  obligations: z.array(CaseObligation),
  openedAt: Instant,
  closedAt: Instant.nullable(),
  outcome: z.string().nullable(),
  citizen: CaseCitizen,
  escalations: z.array(EscalationRow),
  bedDays: CaseBedDays.nullable().describe('Bed-days (betalingsforpligtelse) and their cost so far, priced live; null without a færdigmelding'),
  history: z.array(HistoryEntry).describe('Newest first'),
  liveError: z.string().optional().describe('Why `live` is null although `?live=true` asked for it (the workflow did not answer in time)'),
});

type Module = (typeof CASE_TYPES)[number];
/** A case of one type: its live status (null unless `?live=true` asked for it, or when the workflow does not answer) and its details, by its own contracts. */
const caseOfType = (t: Module) =>
  CaseBase.extend({ type: z.literal(t.name as Module['name']), live: t.status.nullable().describe('The workflow\'s live status with `?live=true` (null otherwise, or when it did not answer in time)'), details: t.details.nullable() });

const caseExample: z.input<ReturnType<typeof caseOfType>> = {
  id: 'e1b8bf9a-ebd2-4538-b39f-ac397929a65d',
  caseNumber: 'PSY-2026-000004',
  type: exampleType,
  workflowId: 'PSY-2026-000004',
  step: 'placed_in_offer',
  sla: { state: 'on_track', actingRole: 'area_chief', actingTeam: null, nextDueDay: '2026-12-28', nextDueAt: '2026-12-29T00:00:00+01:00', escalated: false },
  obligations: [
    {
      key: 'meeting-2',
      kind: 'psychiatric_status_meeting',
      action: { code: 'hold_status_meeting', en: 'Hold the status meeting and record its decision', da: 'Hold statusmøde og registrér ledelsesbeslutningen' },
      actor: { role: 'area_chief', team: null },
      escalateTo: 'area_chief',
      dueDay: '2026-12-28',
      atRiskAt: '2026-12-26T00:00:00+01:00',
      escalationAt: '2026-12-29T00:00:00+01:00',
      state: 'on_track',
      atRiskSince: null,
      breachedAt: null,
      closedAt: null,
    },
  ],
  openedAt: '2026-11-30T05:25:03.130+01:00',
  closedAt: null,
  outcome: null,
  details: {
    wardId: '77cb3d22-6be0-440c-be3e-54b0a7bfc022',
    ward: 'Psykiatrisk Center Amager',
    notice: 'forvarsling',
    notices: ['forvarsling', 'faerdigmelding'],
    receivedDay: '2026-11-30',
    deadlineDay: '2027-02-22',
    longCourse: { by: 'psychiatry_coordinator', flaggedDay: '2026-11-30' },
    meetingsHeld: 1,
    meetingsMissed: 0,
    placement: { kind: 'own_offer', offerId: '71570a9d-4fe8-4061-a927-c3bf61a8b1b8', placeId: 'eeda453b-52b7-4ea6-b401-26da32914a05' },
    disagreement: null,
  },
  citizen: { id: '8f8ed067-94b7-444a-8ce2-6c3ce07c40b7', birthDate: '1980-02-02', cpr: '0202801403' },
  live: psychiatricStatusExample,
  escalations: [],
  bedDays: { ...caseBedDaysExample, caseId: 'e1b8bf9a-ebd2-4538-b39f-ac397929a65d' },
  history: [
    { at: '2026-11-30T06:25:04.134+01:00', userId: 'psykiatrikoordinator-carla', role: 'psychiatry_coordinator', action: 'psychiatric.placement.decide', statusCode: 200, detail: { offerId: '71570a9d-4fe8-4061-a927-c3bf61a8b1b8' } },
    { at: '2026-11-30T05:25:03.320+01:00', userId: 'region-hovedstaden', role: 'hospital', action: 'case.open', statusCode: 201, detail: { type: exampleType, ward: '(text withheld)', notice: 'forvarsling', receivedAt: '2026-11-30T05:25:03.130+01:00' } },
  ],
};

/** `GET /cases/:id`: by its `type`, the case type's live status and details. */
export const CaseView = documented(
  z.discriminatedUnion('type', CASE_TYPES.map(caseOfType) as unknown as [ReturnType<typeof caseOfType>, ...ReturnType<typeof caseOfType>[]]),
  {
    description: 'The case: database state, SLA and obligations, escalations, bed-days, history (CPR or age band by need to know); the live workflow status with `?live=true`',
    example: caseExample,
  },
);
