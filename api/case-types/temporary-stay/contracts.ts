/**
 * The temporary stay's contracts (midlertidigt døgnophold, source 003): what its routes accept
 * and answer — facilities and places, the waiting list (venteliste), the application and its
 * decisions — and what `GET /cases/:id` shows of it. One definition each, with one example.
 *
 * The allocator's views (a place type's allocator workflow, `workflows/temporary-stay/allocation.ts`)
 * carry epoch milliseconds; their contracts write every instant in the one format (`Instant`).
 */
import { GRANT_ORDER_FIELD, GrantOrderBody } from '../grant/order.js';
import { z } from 'zod';
import { PRIORITY_CHANGE_REASON_CODES, PRIORITY_CHANGE_REASONS, PRIORITY_ORDER, STAY_PURPOSE_CODES, STAY_PURPOSES, type Priority } from '../../../domain/rules.js';
import { normalisePlaceType, PLACE_TYPE_PATTERN } from '../../../workflows/temporary-stay/allocation-state.js';
import { temporaryStayCaseType } from '../../../workflows/temporary-stay/case-type.js';
import type * as wf from '../../../workflows/temporary-stay/messages.js';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';
import { cprSchema, instant, line, plannedDate, token } from '../../schemas.js';

// ---- codes --------------------------------------------------------------------------------------

/** Place type (pladstype): normalised (trimmed, lower case, spaces → -) and then checked. */
export const placeTypeSchema = token(200)
  .transform(normalisePlaceType)
  .pipe(z.string().regex(PLACE_TYPE_PATTERN, { message: 'must be a place type (pladstype): letters, digits, spaces, - or _, at most 60' }))
  .describe('Place type (pladstype), e.g. rehabilitering, aflastning')
  .meta({ 'x-audit': 'code' });
export const prioritySchema = z
  .enum(PRIORITY_ORDER as unknown as [Priority, ...Priority[]])
  .describe('akut > indlagt_faerdigbehandlet > hoej > middel > planlagt (003)');

/** "code (Danish name), …" for a schema's description. */
const listed = (list: Record<string, string>) =>
  Object.entries(list)
    .map(([code, da]) => `${code} (${da})`)
    .join(', ');
export const purposeSchema = z
  .enum(STAY_PURPOSE_CODES)
  .describe(`Purpose of the stay (formål) as a category: ${listed(STAY_PURPOSES)}. The purpose itself is written in the journal (003).`);
export const priorityReasonSchema = z.enum(PRIORITY_CHANGE_REASON_CODES).describe(`Why the priority changes (003): ${listed(PRIORITY_CHANGE_REASONS)}`);

const PLACE_STATUSES = ['vacant', 'offered', 'occupied', 'closed'] as const;
const STEPS = ['opening', 'waiting', 'offered', 'in_stay', 'closed'] as const;
const REASSESSMENT_OUTCOMES = ['home', 'home_with_help', 'nursing_home', 'extension'] as const;

// ---- requests -----------------------------------------------------------------------------------

/** `POST /temporary-stays`: the application (revisitation) of an eligible citizen puts them on the waiting list. */
export const OpenTemporaryStay = z.object({
  cpr: cprSchema,
  eligible: z.literal(true, {
    message: 'only an eligible citizen is put on the waiting list (a refusal, afslag, is not a waiting-list case)',
  }),
  placeType: placeTypeSchema,
  purpose: purposeSchema,
  priority: prioritySchema,
  appliedAt: instant.optional().describe('Waiting-list date (ventelistedato); default now'),
  originCaseId: z.uuid().optional().describe('The hospital-discharge case this application comes from'),
});

/** `POST /place-types`: the housing team lead registers a place type (pladstype) before its first place. */
export const PlaceTypeBody = z.object({
  code: placeTypeSchema,
  name: line(200).describe('The name, e.g. Midlertidig rehabiliteringsplads'),
  description: line(1000).optional().describe('Who the type is for'),
});
export const FacilityBody = z.object({ name: line(200), address: line(300).optional() });
export const PlaceBody = z.object({ facilityId: z.uuid(), placeType: placeTypeSchema, label: line(60).describe('Room or bed label') });
export const PlaceParams = z.object({ id: z.uuid({ message: 'must be a place id (UUID)' }) });
export const PlacesQuery = z.object({ placeType: placeTypeSchema.optional() });
export const WaitingListQuery = z.object({
  placeType: placeTypeSchema,
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('At most this many entries (a page of the list; without it: the whole list)'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Skip the first entries of the list (rank = offset + position)'),
});

export const PriorityBody = z.object({ priority: prioritySchema, reason: priorityReasonSchema });
export const OfferReplyBody = z
  .object({
    offerId: z.uuid(),
    accept: z.boolean(),
    plannedEndDate: plannedDate.optional().describe('Accept only: planned end date of the stay'),
  })
  .superRefine((v, ctx) => {
    if (v.accept && !v.plannedEndDate) ctx.addIssue({ code: 'custom', path: ['plannedEndDate'], message: 'required to accept' });
    if (!v.accept && v.plannedEndDate) ctx.addIssue({ code: 'custom', path: ['plannedEndDate'], message: 'only when accepting' });
  });
export const ReassessmentBody = z
  .object({
    outcome: z.enum(REASSESSMENT_OUTCOMES),
    newEndDate: plannedDate.optional().describe('Extension only: the new planned end date'),
    grant: GrantOrderBody.optional().describe('home_with_help only: opens a grant case (bevilling) from the day after the planned end — the hand-over to the provider'),
  })
  .superRefine((v, ctx) => {
    if (v.grant && v.outcome !== 'home_with_help') ctx.addIssue({ code: 'custom', path: [GRANT_ORDER_FIELD], message: 'only with outcome home_with_help' });
    if (v.outcome === 'extension' && !v.newEndDate) ctx.addIssue({ code: 'custom', path: ['newEndDate'], message: 'required for an extension' });
    if (v.outcome !== 'extension' && v.newEndDate) ctx.addIssue({ code: 'custom', path: ['newEndDate'], message: 'only for an extension' });
  });
export const EndStayBody = z.object({ reason: z.enum(['nursing_home_place_found', 'moved_out']) });
export const WithdrawBody = z.object({ reason: z.enum(['no_longer_needed', 'died', 'readmitted']) });
export const HospitalEventBody = z.object({ event: z.enum(['readmitted', 'died']) });

// ---- the allocator's views (one allocator per place type) ---------------------------------------

/** A place as its place type's allocator holds it. */
export const PlaceView = z.object({
  id: Id,
  facilityId: Id,
  label: z.string(),
  status: z.enum(PLACE_STATUSES),
  since: Instant.describe('Since when the place has had its current status'),
  passedOver: z.array(Id).describe('Cases that declined or let expire this place during its current vacancy (not offered it again)'),
});

/** A case on a place type's waiting list, in allocation order. */
export const WaitingListRow = z.object({
  rank: z.number().int(),
  caseId: Id,
  citizenId: Id,
  priority: prioritySchema,
  waitingSince: Instant.describe('Waiting-list date (ventelistedato)'),
  state: z.enum(['waiting', 'offered']),
  offerId: Id.optional(),
});

/** An offer of a place to a case, and the case's workflow id (absent in the `what` from before case numbers). */
const offerOfPlace = (what: string) =>
  z.object({ offerId: Id, placeId: Id, caseId: Id, workflowId: z.string().optional().describe(`The case's workflow id (absent in ${what} from before case numbers)`) });

/** An open offer of a place to a case. */
export const Offer = offerOfPlace('offers').extend({ offeredAt: Instant, replyBy: Instant });

/** A running stay in a place (the offer it was). */
export const Stay = offerOfPlace('stays').extend({ startedAt: Instant, plannedEndDate: Day });

/** A place type's allocation: places, waiting list, open offers and running stays. */
export const AllocationView = z.object({
  placeType: z.string(),
  places: z.array(PlaceView),
  waitingList: z.array(WaitingListRow),
  offers: z.array(Offer),
  stays: z.array(Stay),
});

// ---- answers: facilities, places, the waiting list ----------------------------------------------

export const Facility = documented(z.object({ id: Id, name: z.string(), address: z.string().nullable(), createdAt: Instant }), {
  description: 'A facility with temporary places',
  example: { id: 'ce080017-9b52-4e75-a1be-41626b531d07', name: 'Plejecenter Sundbyvester', address: 'Nørrebrogade 1', createdAt: '2026-11-30T06:25:08.850+01:00' },
});
export const Facilities = documented(z.array(Facility), {
  description: 'The facilities, by name',
  example: [{ id: 'ce080017-9b52-4e75-a1be-41626b531d07', name: 'Plejecenter Sundbyvester', address: 'Nørrebrogade 1', createdAt: '2026-11-30T06:25:08.850+01:00' }],
});

const placeTypeExample = {
  code: 'rehabilitering',
  name: 'Midlertidig rehabiliteringsplads',
  description: 'Genoptræning efter sygdom eller indlæggelse',
  example: false,
  createdAt: '2026-11-30T06:25:08.850+01:00',
};
export const PlaceType = documented(
  z.object({
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    example: z.boolean().describe('Seeded as an example by a migration (replace with the municipality’s own types)'),
    createdAt: Instant,
  }),
  { description: 'A registered place type (pladstype)', example: placeTypeExample },
);
export const PlaceTypes = documented(z.array(PlaceType), { description: 'The registered place types, by code', example: [placeTypeExample] });

export const PlaceAnswer = documented(PlaceView.extend({ placeType: z.string() }), {
  description: 'A place of a place type with its status (vacant, offered, occupied, closed)',
  example: {
    id: '2deeeb1b-d576-4d68-89fd-6030839c953e',
    facilityId: 'ce080017-9b52-4e75-a1be-41626b531d07',
    label: 'Stue 9',
    status: 'vacant',
    since: '2026-11-30T06:25:11.370+01:00',
    passedOver: [],
    placeType: 'rehabilitering',
  },
});

const PlaceRow = z.object({
  id: Id,
  placeType: z.string(),
  label: z.string(),
  status: z.string().describe(`The place's status: ${PLACE_STATUSES.join(', ')}`),
  facilityId: Id,
  facilityName: z.string(),
  offer: z.object({ offerId: Id, caseId: Id, offeredAt: Instant, replyBy: Instant }).nullable().describe('The open offer of the place'),
  stay: z
    .object({ caseId: Id, startedAt: Instant, plannedEndDate: Day, reassessment: z.string().nullable().describe('The reassessment recorded for the stay') })
    .nullable()
    .describe('The running stay in the place'),
});

export const Places = documented(
  z.object({
    placeType: z.string().nullable(),
    occupancy: z.object({
      total: z.number().int(),
      vacant: z.number().int(),
      offered: z.number().int(),
      occupied: z.number().int(),
      closed: z.number().int(),
    }),
    places: z.array(PlaceRow),
  }),
  {
    description: 'Places with their occupancy (vacant, offered, occupied, closed)',
    example: {
      placeType: 'rehabilitering',
      occupancy: { total: 1, vacant: 0, offered: 0, occupied: 1, closed: 0 },
      places: [
        {
          id: '9ad303e1-6878-4e46-b82c-cbdbb8021359',
          placeType: 'rehabilitering',
          label: 'Stue 1',
          status: 'occupied',
          facilityId: 'ce080017-9b52-4e75-a1be-41626b531d07',
          facilityName: 'Plejecenter Sundbyvester',
          offer: null,
          stay: { caseId: 'cfb7b08e-73cf-4802-b78e-aeb9034664d6', startedAt: '2026-11-30T06:25:10.157+01:00', plannedEndDate: '2026-12-21', reassessment: null },
        },
      ],
    },
  },
);

/** One row of the waiting list as the housing team lead sees it. */
export const WaitingListEntry = WaitingListRow.extend({
  daysWaited: z.number().int(),
  offerId: Id.nullable(),
  priorityToBeReviewed: z.boolean().describe("003: the citizen's situation changed (discharged home while waiting): the priority is to be reviewed"),
});

export const WaitingList = documented(z.object({ placeType: z.string(), asOf: Instant, entries: z.array(WaitingListEntry) }), {
  description: "A place type's waiting list in allocation order, with rank and days waited",
  example: {
    placeType: 'rehabilitering',
    asOf: '2026-11-30T06:25:10.128+01:00',
    entries: [
      {
        rank: 1,
        caseId: 'cfb7b08e-73cf-4802-b78e-aeb9034664d6',
        citizenId: '4c5aa012-7ad2-47ec-80b8-5967a0d98e08',
        priority: 'hoej',
        waitingSince: '2026-11-28T06:25:08.858+01:00',
        daysWaited: 2,
        state: 'offered',
        offerId: '9e480853-6917-40a0-ac31-c0516d2e6452',
        priorityToBeReviewed: false,
      },
    ],
  },
});

// ---- answers: the case --------------------------------------------------------------------------

/** The documented examples' accepted offer and its stay (the workflow's status and the page from the database show the same). */
const EXAMPLE_PAST_OFFERS = [{ offerId: '9e480853-6917-40a0-ac31-c0516d2e6452', placeId: '9ad303e1-6878-4e46-b82c-cbdbb8021359', status: 'accepted' }];
const EXAMPLE_STAY = {
  stayId: '9e480853-6917-40a0-ac31-c0516d2e6452',
  placeId: '9ad303e1-6878-4e46-b82c-cbdbb8021359',
  placeLabel: 'Stue 1',
  startedAt: '2026-11-30T06:25:10.157+01:00',
  plannedEndDate: '2026-12-21',
};

/** The temporary-stay case's live status (the workflow's `status` query; also the answer of its own decisions). */
export const TemporaryStayStatus = documented(
  z
    .object({
      caseId: Id,
      caseNumber: z.string(),
      step: z.enum(STEPS),
      placeType: z.string(),
      priority: prioritySchema,
      waitingSince: Instant,
      offer: z.object({ offerId: Id, placeId: Id, placeLabel: z.string(), offeredAt: Instant, replyBy: Instant }).optional(),
      pastOffers: z.array(z.object({ offerId: Id, placeId: Id, status: z.string() })),
      stay: z
        .object({
          stayId: Id,
          placeId: Id,
          placeLabel: z.string(),
          startedAt: Instant,
          plannedEndDate: Day,
          reassessmentDueDay: Day,
          reassessmentEscalationAt: Instant,
          reassessment: z.object({ outcome: z.enum(REASSESSMENT_OUTCOMES), at: Instant }).optional(),
          escalatedPeriods: z.array(z.number().int()).describe('Reassessment periods whose reassessment escalated (was missed)'),
        })
        .optional(),
      ended: z.boolean(),
      outcome: z.string().optional(),
      grantCase: z.object({ caseId: Id, caseNumber: z.string() }).optional().describe('The grant case (bevilling) the reassessment "home with help" opened'),
      priorityToBeReviewed: z.boolean().optional().describe("The priority is to be reviewed (the citizen's situation changed, 003)"),
    })
    .extend(CaseCoreAnswer.shape),
  {
    description: "A temporary-stay case's status (the workflow's answer): step, waiting-list entry, offer, stay, obligations and SLA",
    example: {
      caseId: 'cfb7b08e-73cf-4802-b78e-aeb9034664d6',
      caseNumber: 'MDO-2026-000009',
      step: 'in_stay',
      placeType: 'rehabilitering',
      priority: 'hoej',
      waitingSince: '2026-11-28T06:25:08.858+01:00',
      pastOffers: EXAMPLE_PAST_OFFERS,
      stay: {
        ...EXAMPLE_STAY,
        reassessmentDueDay: '2026-12-14',
        reassessmentEscalationAt: '2026-12-15T00:00:00+01:00',
        escalatedPeriods: [],
      },
      ended: false,
      slaState: 'on_track',
      nextDueAt: '2026-12-15T00:00:00+01:00',
      nextDueDay: '2026-12-14',
      escalated: false,
      obligations: [
        {
          key: 'reassessment-1',
          kind: 'stay_reassessment',
          action: { code: 'reassess_stay', en: 'Reassess the need before the temporary stay ends', da: 'Revurdér behovet inden det midlertidige ophold slutter' },
          actor: { role: 'needs_assessor' },
          escalateTo: 'visitation_team_lead',
          dueDay: '2026-12-14',
          atRiskAt: '2026-12-12T00:00:00+01:00',
          escalationAt: '2026-12-15T00:00:00+01:00',
          state: 'on_track',
          openedAt: '2026-11-30T06:25:10.229+01:00',
        },
      ],
    },
  },
);

/** The temporary-stay case's facts in lists (`cases.details`, written by the case workflow); null clears a fact. */
export const TemporaryStayDetails = z
  .object({
    placeType: z.string(),
    priority: prioritySchema,
    originCaseId: Id.describe('The hospital-discharge case the application came from'),
    offerId: Id.nullable(),
    replyBy: Instant.nullable(),
    stayId: Id,
    placeId: Id,
    plannedEndDate: Day,
    reassessment: z.string().nullable(),
    priorityToBeReviewed: z.boolean(),
  })
  .partial();

/** The application row (stay_applications). */
const Application = z.object({
  caseId: Id,
  citizenId: Id,
  placeType: z.string(),
  purpose: z.string(),
  priority: z.string(),
  waitingSince: Instant.describe('Waiting-list date (ventelistedato)'),
  status: z.string().describe('waiting, offered, in_stay or closed'),
  closedReason: z.string().nullable(),
  originCaseId: Id.nullable(),
});

/** A recorded priority change (003: with a reason, recorded and audited). */
const PriorityChange = z.object({
  id: z.number().int(),
  caseId: Id,
  fromPriority: z.string(),
  toPriority: z.string(),
  reason: z.string(),
  changedBy: z.string(),
  changedAt: Instant,
});

/** The open offer of a place (tilbud om plads), from the database (place_offers). */
const OpenOffer = z.object({
  offerId: Id.describe('The offer; the reply (`offer-reply`) names it'),
  placeId: Id,
  placeLabel: z.string().describe("The place's label (room or bed)"),
  offeredAt: Instant,
  replyBy: Instant.describe('Reply deadline (svarfrist): unanswered by then, the offer expires and the place is offered on'),
});

/** An offer no longer open, from the database (place_offers). */
const PastOffer = z.object({ offerId: Id, placeId: Id, status: z.string().describe('accepted, declined, expired or withdrawn') });

/** The running or last stay (ophold), from the database (stays). */
const StayRecord = z.object({
  stayId: Id.describe("The stay (the accepted offer's id)"),
  placeId: Id,
  placeLabel: z.string().describe("The place's label (room or bed)"),
  startedAt: Instant,
  plannedEndDate: Day.describe('Planned end date (planlagt slutdato); an extension moves it'),
  reassessment: z.string().nullable().describe('The latest reassessment (revurdering): home, home_with_help, nursing_home or extension; null before the first'),
  reassessedAt: Instant.nullable(),
  endedAt: Instant.nullable().describe('null while the stay runs'),
  endReason: z.string().nullable().describe('Why the stay ended (e.g. planned_end, moved_out, nursing_home_place_found, readmitted, died)'),
});

/** `GET /temporary-stays/:id?live=true`: also the case workflow's live status. */
export const TemporaryStayReadQuery = z.object({
  live: z.enum(['true', 'false']).optional().describe("true: also the case workflow's live status (`status`), asked under a short deadline; otherwise `status` is null"),
});

export const TemporaryStayRead = documented(
  z.object({
    caseNumber: z.string(),
    application: Application,
    offer: OpenOffer.nullable().describe('The open offer of a place (tilbud), null when none is open'),
    pastOffers: z.array(PastOffer).describe('The offers no longer open, in the order they were made'),
    stay: StayRecord.nullable().describe('The running stay (ophold) — or, when none runs, the last one; null before the first'),
    status: TemporaryStayStatus.nullable().describe(
      "The workflow's live status, only with `?live=true` (null without it, or when the workflow does not answer in time: see liveError)",
    ),
    liveError: z.string().optional().describe('Why the live status asked for could not be read now'),
    priorityChanges: z.array(PriorityChange),
  }),
  {
    description: 'An application from the database: waiting-list entry, the open offer and past offers, the stay, priority history; the live status with ?live=true',
    example: {
      caseNumber: 'MDO-2026-000009',
      application: {
        caseId: 'cfb7b08e-73cf-4802-b78e-aeb9034664d6',
        citizenId: '4c5aa012-7ad2-47ec-80b8-5967a0d98e08',
        placeType: 'rehabilitering',
        purpose: 'rehabilitation',
        priority: 'hoej',
        waitingSince: '2026-11-28T06:25:08.858+01:00',
        status: 'in_stay',
        closedReason: null,
        originCaseId: null,
      },
      offer: null,
      pastOffers: EXAMPLE_PAST_OFFERS,
      stay: {
        ...EXAMPLE_STAY,
        reassessment: null,
        reassessedAt: null,
        endedAt: null,
        endReason: null,
      },
      status: null,
      priorityChanges: [
        {
          id: 1,
          caseId: 'cfb7b08e-73cf-4802-b78e-aeb9034664d6',
          fromPriority: 'middel',
          toPriority: 'hoej',
          reason: 'no_help_at_home',
          changedBy: 'visitator-anna',
          changedAt: '2026-11-29T09:12:00+01:00',
        },
      ],
    },
  },
);

export const TemporaryStayOpened = documented(z.object({ id: Id, workflowId: z.string(), caseNumber: z.string(), type: z.literal(temporaryStayCaseType.name) }), {
  description: 'The case opened: its id, case number (= workflow id) and type',
  example: { id: '51287064-9a51-4621-82d9-7dda5c7ce25b', workflowId: 'MDO-2026-000027', caseNumber: 'MDO-2026-000027', type: temporaryStayCaseType.name },
});

// ---- answers: the decisions ---------------------------------------------------------------------

export const PriorityChanged = documented(z.object({ caseId: Id, from: prioritySchema, to: prioritySchema }), {
  description: "The case's priority on the waiting list changed",
  example: { caseId: 'd7f77c26-10f9-4555-9469-198794e9a06d', from: 'planlagt', to: 'middel' },
});
export const OfferReplied = documented(z.object({ offerId: Id, placeId: Id, status: z.enum(['accepted', 'declined']) }), {
  description: 'The reply is recorded: accepted starts the stay; declined passes the place on',
  example: { offerId: '7258fcb7-35e3-41c3-8e9f-416c189ae66f', placeId: 'b518ccbb-b56e-40f4-8825-2f72048042ab', status: 'accepted' },
});
export const HospitalEventRecorded = documented(
  z.object({ caseId: Id, caseNumber: z.string(), step: z.enum(STEPS), outcome: z.string().optional().describe('How the case ended') }),
  { description: "The hospital's report is recorded: the citizen left the list or the stay", example: { caseId: 'c8c463e2-1e9f-46d4-8870-052dba930858', caseNumber: 'MDO-2026-000040', step: 'closed', outcome: 'readmitted' } },
);

// ---- the workflow's types fit their contracts (checked by the compiler) -------------------------

type Fits<Contract extends z.ZodType, T extends z.output<Contract>> = T;
export type WorkflowShapesFit = [
  Fits<typeof TemporaryStayStatus, wf.TemporaryStayStatus>,
  Fits<typeof AllocationView, wf.AllocationView>,
  Fits<typeof PlaceView, wf.PlaceView>,
  Fits<typeof WaitingListRow, wf.WaitingListRow>,
  Fits<typeof Offer, wf.Offer>,
  Fits<typeof Stay, wf.Stay>,
];
