/**
 * The psychiatric case's contracts (færdigmelding, source 002): what its routes accept and
 * answer, and what `GET /cases/:id` shows of it. One definition each, with one example.
 */
import { z } from 'zod';
import { CHOICE_OVERRIDE_REASON_CODES, EXTERNAL_PURCHASE_REASON_CODES } from '../../../domain/rules.js';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';
import { bedDayStart, calendarDate, cprSchema, instant, line, longText } from '../../schemas.js';
import { psychiatricCaseType } from '../../../workflows/psychiatric/case-type.js';

// ---- requests -----------------------------------------------------------------------------------

const notice = z.enum(['forvarsling', 'faerdigmelding']).describe('forvarsling = advance notice; faerdigmelding = declared ready for discharge');

/** A færdigmelding has a ready time; a forvarsling has none. */
function readyAtFitsNotice(v: { notice: string; readyAt?: string }, ctx: z.RefinementCtx) {
  if (v.notice === 'faerdigmelding' && !v.readyAt) ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'required when notice is faerdigmelding' });
  if (v.notice === 'forvarsling' && v.readyAt) ctx.addIssue({ code: 'custom', path: ['readyAt'], message: 'only a færdigmelding has a ready time' });
}

/** `POST /cases` with `type: psychiatric_discharge`: the region's notice opens the case. */
export const OpenPsychiatricCase = z
  .object({
    type: z.literal(psychiatricCaseType.name),
    cpr: cprSchema,
    notice,
    receivedAt: instant.describe('When the notice was received'),
    readyAt: bedDayStart.optional().describe('færdigmelding only: when the doctor declared the patient ready'),
    ward: line(200).describe('Psychiatric ward or centre'),
  })
  .superRefine(readyAtFitsNotice);

export const NoticeBody = z
  .object({ notice, receivedAt: instant, readyAt: bedDayStart.optional() })
  .strict()
  .superRefine(readyAtFitsNotice);
export const LongCourseBody = z.object({ reason: longText(2000).describe('Why the case may become a long course') }).strict();
export const MeetingBody = z
  .object({
    heldOn: calendarDate.describe('Day the status meeting (statusmøde) was held'),
    decision: longText(4000).describe('The management decision (ledelsesbeslutning)'),
    participants: z.array(line(200)).max(20).optional(),
  })
  .strict();
export const InvolvementBody = z
  .object({
    wishesForSupport: longText(4000).describe("The citizen's wishes for support"),
    wishesForFuture: longText(4000).describe("The citizen's wishes for the future"),
    chosenOfferId: z.uuid({ message: 'must be a housing offer id (UUID)' }).optional().describe('The offer the citizen chose (it must have a vacant place)'),
    regionTookPart: z.boolean().optional().describe('The region took part in aligning expectations'),
  })
  .strict();
export const PlacementBody = z
  .object({
    offerId: z.uuid({ message: 'must be a housing offer id (UUID)' }),
    placeId: z.uuid({ message: 'must be a place id (UUID)' }).optional(),
    overrideReason: z
      .enum(CHOICE_OVERRIDE_REASON_CODES)
      .optional()
      .describe("Why the placement departs from the citizen's chosen offer while it has a vacant place (002 free choice); without it such a placement is refused (409)"),
  })
  .strict();
export const ExternalPlacementBody = z
  .object({
    provider: line(200).describe('The external provider the place is bought from (kept in the provider registry; the case carries its id)'),
    reason: longText(4000).optional(),
    reasonCode: z
      .enum(EXTERNAL_PURCHASE_REASON_CODES)
      .optional()
      .describe('Why a place is bought while an own offer has a vacant place (002: buy "where none exists"); without it such a purchase is refused (409)'),
  })
  .strict();
export const DisagreementBody = z
  .object({
    regionRefusesDischarge: z.boolean().describe("The region's doctors refuse to discharge to the designated support"),
    reason: longText(4000),
  })
  .strict();
export const ChiefDecisionBody = z
  .object({
    decision: z.enum(['municipality_support_upheld', 'region_view_accepted', 'other_support_designated']),
    reasoning: longText(4000),
    regionRefusesDischarge: z.boolean().optional().describe('Whether the region still refuses to discharge after the decision'),
  })
  .strict();
export const DischargeBody = z.object({ dischargedAt: instant, destination: z.enum(['offer', 'home', 'external']) }).strict();
export const WithdrawBody = z.object({ withdrawnAt: instant.optional(), reason: longText(4000).optional() }).strict();

// ---- answers ------------------------------------------------------------------------------------

export const NoticeRecorded = documented(z.object({ key: z.string(), bedDaysFrom: Day.optional() }), {
  description: 'The notice is recorded; a færdigmelding starts the bed-days from `bedDaysFrom`',
  example: { key: 'notice-faerdigmelding', bedDaysFrom: '2026-12-01' },
});
export const LongCourseFlagged = documented(z.object({ key: z.string(), flaggedDay: Day, firstMeetingDueDay: Day }), {
  description: 'Flagged as a potential long course: the first status meeting is due on `firstMeetingDueDay`',
  example: { key: 'long-course', flaggedDay: '2026-11-30', firstMeetingDueDay: '2026-12-14' },
});
export const MeetingRecorded = documented(
  z.object({ key: z.string(), number: z.number().int(), dueDay: Day, late: z.boolean(), nextDueDay: Day.optional() }),
  { description: 'The status meeting is recorded; the next one is due on `nextDueDay`', example: { key: 'meeting-1', number: 1, dueDay: '2026-12-14', late: false, nextDueDay: '2026-12-28' } },
);
export const Recorded = documented(z.object({ key: z.string() }), { description: 'Recorded under the case step key `key`', example: { key: 'involvement-1' } });
export const PlacementDecided = documented(z.object({ key: z.string(), offerId: Id, placeId: Id, label: z.string() }), {
  description: 'The citizen is placed in a vacant place of an own offer',
  example: { key: 'placement', offerId: '1abfed4d-399d-4615-abc8-d0bf7effb4a8', placeId: '0e081d15-28ad-4548-b930-2c75d5e2005b', label: 'Room 1' },
});
export const ExternalPlaceBought = documented(z.object({ key: z.string(), providerId: Id }), {
  description: 'The purchase is recorded; the provider is named by its registry id (external_providers)',
  example: { key: 'external-placement', providerId: '7d4f6a2e-3b1c-4e8a-9f0d-2c5b8e1a6f34' },
});
export const DisagreementRaised = documented(z.object({ key: z.string(), number: z.number().int(), dueDay: Day, escalationAt: Instant }), {
  description: 'The disagreement must reach chief level (chefniveau) by `dueDay`; it escalates at `escalationAt`',
  example: { key: 'disagreement-1', number: 1, dueDay: '2026-12-07', escalationAt: '2026-12-08T00:00:00+01:00' },
});
export const ChiefDecisionRecorded = documented(z.object({ key: z.string(), number: z.number().int(), withinDeadline: z.boolean() }), {
  description: 'The chief-level decision is recorded',
  example: { key: 'chief-decision-1', number: 1, withinDeadline: true },
});

const Placement = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('own_offer'),
    offerId: Id,
    placeId: Id,
    label: z.string(),
    decidedAt: Instant,
    choiceOverride: z.object({ chosenOfferId: Id, reason: z.enum(CHOICE_OVERRIDE_REASON_CODES) }).optional(),
  }),
  z.object({
    kind: z.literal('external'),
    providerId: Id.optional(),
    /** Only in cases decided before the provider registry. */
    provider: z.string().optional(),
    decidedAt: Instant,
    reasonCode: z.enum(EXTERNAL_PURCHASE_REASON_CODES).optional(),
  }),
]);

const Disagreement = z.object({
  number: z.number().int(),
  raisedBy: z.enum(['hospital', 'psychiatry_coordinator']),
  raisedAt: Instant,
  raisedDay: Day,
  dueDay: Day,
  regionRefusesDischarge: z.boolean(),
  chiefDecision: z
    .object({ decision: ChiefDecisionBody.shape.decision, at: Instant, day: Day, withinDeadline: z.boolean() })
    .optional(),
  escalatedAt: Instant.optional(),
  escalationAt: Instant,
});

const STEPS = ['open', 'citizen_involved', 'placed_in_offer', 'external_place_bought', 'closed'] as const;

/** The psychiatric case's live status (the workflow's `status` query). */
export const PsychiatricStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    step: z.string().describe(`The step: ${STEPS.join(', ')}`),
    receivedDay: Day,
    deadlineDay: Day.describe('The 12-week case-processing deadline (sagsbehandlingsfrist)'),
    deadlineEscalationAt: Instant,
    deadlineEscalatedAt: Instant.optional(),
    warnings: z.array(z.object({ weeks: z.number().int(), firesAt: Instant, firedAt: Instant.optional() })),
    notices: z.array(z.object({ kind: notice, receivedAt: Instant, readyAt: Instant.optional() })),
    nextDeadlines: z.array(
      z.object({ key: z.string(), kind: z.string(), severity: z.enum(['warning', 'escalation']), dueDay: Day, firesAt: Instant, description: z.string() }),
    ),
    longCourse: z.object({ flaggedAt: Instant, flaggedDay: Day, by: z.enum(['psychiatry_coordinator', 'system']) }).optional(),
    meetings: z.object({
      held: z.number().int(),
      missed: z.array(z.number().int()),
      recent: z.array(z.object({ number: z.number().int(), dueDay: Day, heldOn: Day, late: z.boolean() })),
      next: z.object({ number: z.number().int(), dueDay: Day, escalationAt: Instant }).optional(),
    }),
    involvement: z.object({ recorded: z.boolean(), count: z.number().int(), lastAt: Instant.optional(), chosenOfferId: Id.optional() }),
    placement: Placement.optional(),
    caseProcessingDoneAt: Instant.optional(),
    disagreement: z.object({
      state: z.enum(['none', 'awaiting_chief_level', 'escalated', 'decided']),
      regionRefusesDischarge: z.boolean(),
      current: Disagreement.optional(),
      count: z.number().int(),
    }),
    bedDays: z.object({ counting: z.boolean(), readyAt: Instant.optional(), firstPaidDay: Day.optional(), days: z.number().int(), asOf: Instant }),
    ended: z.boolean(),
    outcome: z.enum(['discharged_to_offer', 'discharged_home', 'discharged_external', 'withdrawn', 'died']).optional(),
    endedAt: Instant.optional(),
    run: z.number().int(),
  })
  .extend(CaseCoreAnswer.shape);

/** A placed case's live status (an example for the documents). */
export const psychiatricStatusExample: z.input<typeof PsychiatricStatus> = {
  caseId: 'e1b8bf9a-ebd2-4538-b39f-ac397929a65d',
  caseNumber: 'PSY-2026-000004',
  step: 'placed_in_offer',
  receivedDay: '2026-11-30',
  deadlineDay: '2027-02-22',
  deadlineEscalationAt: '2027-02-23T00:00:00+01:00',
  warnings: [
    { weeks: 8, firesAt: '2027-01-25T00:00:00+01:00' },
    { weeks: 11, firesAt: '2027-02-15T00:00:00+01:00' },
  ],
  notices: [
    { kind: 'forvarsling', receivedAt: '2026-11-30T05:25:03.130+01:00' },
    { kind: 'faerdigmelding', receivedAt: '2026-11-30T05:55:03.329+01:00', readyAt: '2026-11-30T05:55:03.329+01:00' },
  ],
  nextDeadlines: [
    {
      key: 'meeting-2',
      kind: 'psychiatric_status_meeting_missed',
      severity: 'escalation',
      dueDay: '2026-12-28',
      firesAt: '2026-12-29T00:00:00+01:00',
      description: 'status meeting (statusmøde) 2 due 2026-12-28',
    },
  ],
  longCourse: { flaggedAt: '2026-11-30T06:25:03.566+01:00', flaggedDay: '2026-11-30', by: 'psychiatry_coordinator' },
  meetings: {
    held: 1,
    missed: [],
    recent: [{ number: 1, dueDay: '2026-12-14', heldOn: '2026-11-30', late: false }],
    next: { number: 2, dueDay: '2026-12-28', escalationAt: '2026-12-29T00:00:00+01:00' },
  },
  involvement: { recorded: true, count: 1, lastAt: '2026-11-30T06:25:03.876+01:00', chosenOfferId: '71570a9d-4fe8-4061-a927-c3bf61a8b1b8' },
  placement: {
    kind: 'own_offer',
    offerId: '71570a9d-4fe8-4061-a927-c3bf61a8b1b8',
    placeId: 'eeda453b-52b7-4ea6-b401-26da32914a05',
    label: 'Room 1',
    decidedAt: '2026-11-30T06:25:04.044+01:00',
  },
  caseProcessingDoneAt: '2026-11-30T06:25:04.044+01:00',
  disagreement: { state: 'none', regionRefusesDischarge: false, count: 0 },
  bedDays: { counting: true, readyAt: '2026-11-30T05:55:03.329+01:00', firstPaidDay: '2026-12-01', days: 0, asOf: '2026-11-30T06:25:04.310+01:00' },
  ended: false,
  run: 1,
  slaState: 'on_track',
  nextDueAt: '2026-12-29T00:00:00+01:00',
  nextDueDay: '2026-12-28',
  escalated: false,
  obligations: [],
};

/** The case's final status, answered by the decision that ended it. */
export const PsychiatricEnded = documented(PsychiatricStatus.extend({ key: z.string() }), {
  description: "The case's final status (the decision that ended it), with the decision's key",
  example: {
    ...psychiatricStatusExample,
    key: 'discharge',
    step: 'closed',
    ended: true,
    outcome: 'discharged_to_offer',
    endedAt: '2026-12-10T14:02:11.512+01:00',
    bedDays: { counting: false, readyAt: '2026-11-30T05:55:03.329+01:00', firstPaidDay: '2026-12-01', days: 9, asOf: '2026-12-10T14:02:11.512+01:00' },
    slaState: null,
    nextDueAt: undefined,
    nextDueDay: undefined,
  },
});

/** The psychiatric case's facts in lists (`cases.details`). */
export const PsychiatricDetails = z.object({
  wardId: Id.optional().describe('The ward in the registry'),
  ward: z.string().nullable().optional().describe('The ward’s name: only for readers who see the CPR'),
  notice,
  receivedDay: Day,
  deadlineDay: Day,
  notices: z.array(notice),
  longCourse: z.object({ flaggedDay: Day, by: z.string() }).nullable(),
  meetingsHeld: z.number().int(),
  meetingsMissed: z.number().int(),
  placement: z
    .object({ kind: z.enum(['own_offer', 'external']), offerId: Id.optional(), placeId: Id.optional(), providerId: Id.nullable().optional(), provider: z.string().nullable().optional() })
    .nullable(),
  disagreement: z.object({ number: z.number().int(), dueDay: Day, decided: z.boolean(), regionRefusesDischarge: z.boolean() }).nullable(),
}).partial();

/** What was recorded on the case (the decisions' free texts). */
export const PsychiatricRecords = documented(
  z.object({
    items: z.array(
      z.object({ id: z.number().int(), caseId: Id, key: z.string(), kind: z.string(), body: z.record(z.string(), z.unknown()), userId: z.string(), role: z.string(), at: Instant }),
    ),
  }),
  {
    description: 'What was recorded on the case: wishes, meeting decisions, disagreements, chief-level decisions',
    example: {
      items: [
        {
          id: 1,
          caseId: '552199ac-7537-437d-94ab-5a67fc121ad7',
          key: 'meeting-1',
          kind: 'status_meeting',
          body: { heldOn: '2026-12-14', decision: 'Continue the search for a place in an own offer' },
          userId: 'psykiatrikoordinator',
          role: 'psychiatry_coordinator',
          at: '2026-12-14T13:05:00+01:00',
        },
      ],
    },
  },
);
