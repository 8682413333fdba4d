/**
 * The hospital discharge's contracts (udskrivning, sources 000, 001, 003, 004): what its routes
 * accept and answer, and what `GET /cases/:id` shows of it. One definition each, with one example.
 *
 * The care plan and every free text are health details: they are accepted here, kept in the
 * database and shown only by the care-plan read; the workflow's status carries none of them.
 */
import { GrantOrderBody } from '../grant/order.js';
import { z } from 'zod';
import { localDate } from '../../../domain/calendar.js';
import { hospitalDischargeCaseType } from '../../../workflows/hospital-discharge/case-type.js';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';
import { cprSchema, instant, line, longText, optionalLongText, pastBedDayStart, pastInstant, plannedDate } from '../../schemas.js';
import { placeTypeSchema, purposeSchema } from '../temporary-stay/contracts.js';

// ---- requests -----------------------------------------------------------------------------------

/** `POST /cases` with `type: hospital_discharge`: the hospital's care plan (plejeforløbsplan) opens the case. */
export const hospitalDischargeOpenSchema = z
  .object({
    type: z.literal(hospitalDischargeCaseType.name),
    cpr: cprSchema,
    receivedAt: instant.describe('When the care plan (plejeforløbsplan) was received'),
    ward: line(200).describe('Hospital ward (afdeling)'),
    admittedAt: instant.describe('When the citizen was admitted'),
    expectedDischargeDate: plannedDate.optional().describe('Expected discharge date (YYYY-MM-DD), Copenhagen'),
    functionalLevel: longText(4000).describe('Functional level (funktionsniveau) — stored in the database only'),
    freeText: optionalLongText(20000).optional().describe("The care plan's free text — stored in the database only"),
  })
  .superRefine((v, ctx) => {
    if (Date.parse(v.admittedAt) > Date.parse(v.receivedAt)) {
      ctx.addIssue({ code: 'custom', path: ['admittedAt'], message: 'must not be after receivedAt' });
    }
    if (v.expectedDischargeDate && v.expectedDischargeDate < localDate(Date.parse(v.admittedAt))) {
      ctx.addIssue({ code: 'custom', path: ['expectedDischargeDate'], message: 'must not be before the admission date' });
    }
  });

const Administration = z.enum(['SUF', 'SOF']);

export const RerouteBody = z.object({
  to: Administration.describe('SUF (Sundheds- og Omsorgsforvaltningen) or SOF (Socialforvaltningen)'),
  reason: longText(4000).describe('Why the case moves, e.g. a dominant social-pedagogical need (004) — stored in the database only'),
});

export const AssessmentBody = z.object({
  vulnerable: z.boolean().describe('Particularly vulnerable, in need of extended coordination (000)?'),
  providerStartsOn: plannedDate.optional().describe('Not vulnerable: the day the provider must start (default: the expected discharge date)'),
  note: longText(10000).optional().describe('Stored in the database only'),
});

export const ConferenceBody = z.object({
  heldAt: pastInstant.describe('When the conference at the hospital was held'),
  note: longText(10000).optional().describe('Stored in the database only'),
});

const CoordinatorDecision = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('temporary_stay'),
    placeType: placeTypeSchema,
    purpose: purposeSchema,
  }),
  z.object({
    kind: z.literal('more_help_at_home'),
    help: longText(4000).describe('What help (øget hjælp i eget hjem) — stored in the database only'),
    minutesPerWeek: z.number().int().positive().max(10080).describe('Granted minutes per week'),
    providerStartsOn: plannedDate.optional().describe('Default: the expected discharge date'),
    grant: GrantOrderBody.optional().describe('Opens a grant case (bevilling) from the start day: the grant is the hand-over to the provider; minutesPerDelivery × deliveriesPerWeek must equal minutesPerWeek'),
  }),
  z.object({
    kind: z.literal('home_with_existing_help'),
    providerStartsOn: plannedDate.optional().describe('Default: the expected discharge date'),
  }),
]);

export const DecisionBody = z.object({
  holisticAssessment: longText(20000).describe('The holistic assessment (helhedsvurdering) — stored in the database only'),
  decision: CoordinatorDecision,
});

export const FaerdigbehandletBody = z.object({ readyAt: pastBedDayStart.describe('When the hospital declared the citizen færdigbehandlet') });
export const DischargedBody = z.object({
  dischargedAt: pastInstant,
  destination: z.enum(['home', 'temporary_stay']).optional().describe('Default: temporary_stay when a temporary stay was decided, otherwise home'),
});
export const ReadmittedBody = z.object({ readmittedAt: pastInstant });
export const DiedBody = z.object({ diedAt: pastInstant });
export const FollowUpVisitBody = z.object({ visitedAt: pastInstant, note: longText(10000).optional().describe('Stored in the database only') });
export const HelpFollowUpBody = z.object({ followedUpAt: pastInstant, note: longText(10000).optional().describe('Stored in the database only') });

export const TaskQuery = z.object({
  status: z.enum(['open', 'done']).optional(),
  caseId: z.uuid({ message: 'must be a case id (UUID)' }).optional(),
});
export const TaskParams = z.object({ taskId: z.uuid({ message: 'must be a task id (UUID)' }) });

// ---- answers ------------------------------------------------------------------------------------

const STEPS = ['awaiting_vulnerability_assessment', 'awaiting_conference', 'awaiting_decision', 'awaiting_discharge', 'follow_up', 'closed'] as const;
const DECISION_KINDS = ['home_per_plan', 'temporary_stay', 'more_help_at_home', 'home_with_existing_help'] as const;
const OUTCOMES = ['discharged_home', 'discharged_to_temporary_stay', 'readmitted', 'died'] as const;

/** A step that must be taken by a day (frist): escalates overnight after `dueDay` if still missing. */
const Deadline = z.object({
  dueDay: Day,
  escalationAt: Instant,
  escalatedAt: Instant.optional(),
  doneAt: Instant.optional(),
});

const Handover = z.object({
  key: z.string().describe('handover-plan (the accepted plan) or handover-decision (the coordinator’s decision)'),
  decision: z.enum(DECISION_KINDS),
  handedAt: Instant,
  startsOn: Day,
  phoneProvider: z.boolean().describe("003's 14:30 rule applies: the provider must be phoned as well"),
  taskId: Id.optional(),
  phonedAt: Instant.optional(),
});

/** The hospital-discharge case's live status (the workflow's `status` query, and every decision's answer). */
export const HospitalDischargeStatus = documented(
  z
    .object({
      caseId: Id,
      caseNumber: z.string().describe('The case number, which is the workflow id (UDS-2026-000042)'),
      step: z.enum(STEPS),
      administration: Administration,
      reroutes: z.array(z.object({ from: Administration, to: Administration, at: Instant })),
      receivedDay: Day,
      expectedDischargeDay: Day.optional(),
      vulnerabilityAssessment: Deadline.extend({ vulnerable: z.boolean().optional() }),
      conferenceHeldAt: Instant.optional(),
      decision: z
        .object({ kind: z.enum(DECISION_KINDS), decidedAt: Instant, minutesPerWeek: z.number().int().optional(), placeType: z.string().optional() })
        .optional(),
      temporaryStay: z
        .object({
          caseId: Id,
          workflowId: z.string().describe("The temporary stay's case number (MDO-2026-000042)"),
          signalled: Instant.optional(),
          startedAt: Instant.optional(),
          dischargedHomeWhileWaiting: Instant.optional(),
          repointedFrom: z.string().optional(),
        })
        .optional(),
      handovers: z.array(Handover),
      grantCase: z.object({ caseId: Id, caseNumber: z.string() }).optional().describe('The grant case (bevilling) the decision opened'),
      faerdigbehandletAt: Instant.optional(),
      bedDaysEndedAt: Instant.optional(),
      dischargedAt: Instant.optional(),
      dischargedTo: z.enum(['home', 'temporary_stay']).optional(),
      followUpVisit: Deadline.optional(),
      helpFollowUp: Deadline.optional(),
      closed: z.boolean(),
      closedAt: Instant.optional(),
      outcome: z.enum(OUTCOMES).optional(),
    })
    .extend(CaseCoreAnswer.shape),
  {
    description: "A hospital-discharge case's status (the workflow's answer to a decision): step, administration, deadlines, handovers, obligations and SLA",
    example: {
      caseId: 'd5efc1d4-f4fd-4e39-bd2d-33a32ff12e24',
      caseNumber: 'UDS-2026-000006',
      step: 'awaiting_discharge',
      administration: 'SOF',
      reroutes: [{ from: 'SUF', to: 'SOF', at: '2026-11-30T06:25:06.285+01:00' }],
      receivedDay: '2026-11-30',
      expectedDischargeDay: '2026-12-01',
      vulnerabilityAssessment: { dueDay: '2026-12-01', escalationAt: '2026-12-02T00:00:00+01:00', doneAt: '2026-11-30T06:25:06.417+01:00', vulnerable: true },
      conferenceHeldAt: '2026-11-30T05:55:06.517+01:00',
      decision: { kind: 'more_help_at_home', decidedAt: '2026-11-30T06:25:06.619+01:00', minutesPerWeek: 210 },
      handovers: [{ key: 'handover-decision', decision: 'more_help_at_home', handedAt: '2026-11-30T06:25:06.619+01:00', startsOn: '2026-12-02', phoneProvider: false }],
      closed: false,
      slaState: null,
      escalated: false,
      obligations: [
        {
          key: 'vulnerability-assessment',
          kind: 'vulnerability_assessment',
          action: { code: 'assess_vulnerability', en: 'Assess whether the citizen is particularly vulnerable', da: 'Vurdér om borgeren er særligt sårbar' },
          actor: { role: 'needs_assessor' },
          escalateTo: 'visitation_team_lead',
          dueDay: '2026-12-01',
          atRiskAt: '2026-12-01T00:00:00+01:00',
          escalationAt: '2026-12-02T00:00:00+01:00',
          state: 'met',
          openedAt: '2026-11-30T05:25:06.118+01:00',
          closedAt: '2026-11-30T06:25:06.417+01:00',
        },
      ],
    },
  },
);

/** A "phone the provider" task as it is raised (open); the examples of one task and of the list. */
const openTaskExample = {
  id: '7d0f3a52-5a8e-4a43-9d3e-2b6f1c0e9a11',
  caseId: '0b6a4f0e-3c1d-4e8b-9a57-5f2d7c8e1b90',
  key: 'phone-provider:handover-plan',
  kind: 'phone_provider',
  recipientRole: 'needs_assessor',
  dueDay: '2026-11-30',
  message: 'Phone the provider: the decision was handed over after 14:30 for a start today',
  status: 'open',
  doneBy: null,
  doneAt: null,
  createdAt: '2026-11-30T15:41:07.512+01:00',
};

/** A task for a person, e.g. "phone the provider" (003: a decision handed over after 14:30 for a same-day start). */
export const DischargeTask = documented(
  z.object({
    id: Id,
    caseId: Id,
    key: z.string().describe('phone-provider:<handover key>'),
    kind: z.string().describe('phone_provider'),
    recipientRole: z.string(),
    dueDay: Day,
    message: z.string(),
    status: z.string().describe('open or done'),
    doneBy: z.string().nullable(),
    doneAt: Instant.nullable(),
    createdAt: Instant,
  }),
  {
    description: 'A task such as "phone the provider" (003: handed over after 14:30 for a same-day start)',
    example: { ...openTaskExample, status: 'done', doneBy: 'visitator-anna', doneAt: '2026-11-30T15:52:31.004+01:00' },
  },
);

/** The tasks, oldest first. */
export const DischargeTasks = documented(z.array(DischargeTask), {
  description: 'Tasks such as "phone the provider", oldest first',
  example: [openTaskExample],
});

/** A note of a decision (its free text), with who wrote it and when. */
const Note = z.object({
  kind: z.string().describe('reroute_reason, assessment_note, conference_note, holistic_assessment, help_description, follow_up_note, help_follow_up_note'),
  body: z.string().nullable().describe("The note's text"),
  userId: z.string(),
  role: z.string(),
  at: Instant,
});

/** A decision handed to the provider electronically (advis, 003). */
const HandoverRecord = z.object({
  id: Id,
  caseId: Id,
  key: z.string(),
  decision: z.string(),
  minutesPerWeek: z.number().int().nullable(),
  handedAt: Instant,
  startsOn: Day,
  phoneProvider: z.boolean(),
  createdAt: Instant,
});

/** `GET /cases/:id/hospital-discharge/care-plan`: the care plan (plejeforløbsplan), notes, provider handovers and tasks. */
export const CarePlanAnswer = documented(
  z.object({
    caseId: Id,
    ward: z.string(),
    admittedAt: Instant,
    expectedDischargeDate: Day.nullable(),
    functionalLevel: z.string(),
    freeText: z.string().nullable(),
    receivedAt: Instant,
    ageAtReceipt: z.number().int().optional().describe('Only for readers who see the CPR'),
    ageBandAtReceipt: z.string().optional().describe('For the others: the age band, e.g. 80-89'),
    routedAtIntake: z.string().describe('SUF or SOF, by age on the day of receipt (004)'),
    notes: z.array(Note),
    handovers: z.array(HandoverRecord),
    tasks: z.array(DischargeTask),
  }),
  {
    description: 'The care plan (plejeforløbsplan), notes, provider handovers and tasks of a case',
    example: {
      caseId: 'd5efc1d4-f4fd-4e39-bd2d-33a32ff12e24',
      ward: 'Bispebjerg Hospital, afsnit 42',
      admittedAt: '2026-11-25T06:25:06.118+01:00',
      expectedDischargeDate: '2026-12-01',
      functionalLevel: 'FSIII: personlig hygiejne 3',
      freeText: 'Hoftebrud',
      receivedAt: '2026-11-30T05:25:06.118+01:00',
      ageAtReceipt: 80,
      routedAtIntake: 'SUF',
      notes: [
        { kind: 'reroute_reason', body: 'Dominant social-pedagogical need', userId: 'visitator-anna', role: 'needs_assessor', at: '2026-11-30T06:25:06.392+01:00' },
        { kind: 'holistic_assessment', body: 'Needs more help in the mornings', userId: 'koordinator-bo', role: 'discharge_coordinator', at: '2026-11-30T06:25:06.693+01:00' },
        { kind: 'help_description', body: 'Morning care', userId: 'koordinator-bo', role: 'discharge_coordinator', at: '2026-11-30T06:25:06.697+01:00' },
      ],
      handovers: [
        {
          id: '9c7dee4e-5f80-4a36-b762-a27f968b3cf0',
          caseId: 'd5efc1d4-f4fd-4e39-bd2d-33a32ff12e24',
          key: 'handover-decision',
          decision: 'more_help_at_home',
          minutesPerWeek: 210,
          handedAt: '2026-11-30T06:25:06.619+01:00',
          startsOn: '2026-12-02',
          phoneProvider: false,
          createdAt: '2026-11-30T06:25:06.653+01:00',
        },
      ],
      tasks: [],
    },
  },
);

/**
 * The hospital-discharge case's facts in lists (`cases.details`, written by the workflow's
 * `detailsOf`): null where there is nothing yet; rows written by older versions may lack fields.
 */
export const HospitalDischargeDetails = z
  .object({
    administration: Administration,
    receivedDay: Day,
    expectedDischargeDay: Day.nullable(),
    assessmentDueDay: Day,
    vulnerable: z.boolean().nullable(),
    decision: z.enum(DECISION_KINDS).nullable(),
    temporaryStayCaseId: Id.nullable(),
    temporaryStayCaseNumber: z.string().nullable(),
    faerdigbehandletAt: Instant.nullable(),
    dischargedAt: Instant.nullable(),
    dischargedTo: z.enum(['home', 'temporary_stay']).nullable(),
    followUpVisitDueDay: Day.nullable(),
    helpFollowUpDueDay: Day.nullable(),
  })
  .partial();
