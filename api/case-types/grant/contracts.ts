/** The grant case's contracts (bevilling): the grant, its decisions, the provider's report and reads. */
import { z } from 'zod';
import { GRANT_REASON_CODES } from '../../../domain/grants.js';
import { grantCaseType } from '../../../workflows/grant/case-type.js';
import { CaseCoreAnswer, Day, documented, Id, Instant, nullable } from '../../contract.js';
import { calendarDate, cprSchema, token } from '../../schemas.js';

const code = token(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a code: lower-case letters, digits and hyphens');
export const ServiceCode = code.describe('A service of the catalogue (GET /grant-services), e.g. personlig-pleje');
export const ProviderCode = code.describe('An approved provider (GET /providers), e.g. kommune-hjemmepleje');
export const Reason = z.enum(GRANT_REASON_CODES).describe('Why (begrundelse): the letter states its text');
const Minutes = z.number().int().min(1).max(600).describe('Minutes per delivery');
const PerWeek = z.number().int().min(1).max(70).describe('Deliveries per week');

export const OpenGrant = z
  .object({
    cpr: cprSchema,
    decision: z.enum(['granted', 'refused']).describe('granted: handed to the provider; refused (afslag): a letter, and the case closes'),
    serviceCode: ServiceCode,
    minutesPerDelivery: Minutes,
    deliveriesPerWeek: PerWeek,
    startsOn: calendarDate.describe('The first day of delivery'),
    endsOn: calendarDate.optional().describe('The last day of a temporary grant (midlertidig indsats); absent: permanent'),
    providerCode: ProviderCode.optional().describe("The citizen's choice among the approved providers (required for a grant)"),
    reason: Reason,
  })
  .strict();

export const GrantOpened = documented(z.object({ id: Id, workflowId: z.string(), caseNumber: z.string(), type: z.literal(grantCaseType.name) }), {
  description: 'The grant case opened: its id, case number (= workflow id) and type',
  example: { id: '0b7f3f0e-8f49-4d8a-9a7e-3c1f3f8a2b11', workflowId: 'BEV-2026-000012', caseNumber: 'BEV-2026-000012', type: grantCaseType.name },
});

export const ChangeBody = z
  .object({
    minutesPerDelivery: Minutes,
    deliveriesPerWeek: PerWeek,
    fromDay: calendarDate.describe('The first day of the changed grant (today or later)'),
    endsOn: calendarDate.nullable().optional().describe('A new last day (temporary); null: permanent from now; absent: as before'),
    reason: Reason,
  })
  .strict();
export const EndBody = z.object({ lastDay: calendarDate.describe('The last day of delivery'), reason: Reason }).strict();
export const ChangeProviderBody = z.object({ toProviderCode: ProviderCode }).strict();
export const ExpiryBody = z.object({ outcome: z.enum(['let_end', 'new_grant']).describe('let_end: the grant ends at its last day; new_grant: a new grant case was opened (POST /grants)') }).strict();
export const ReassessedBody = z.object({}).strict();
export const PhonedBody = z.object({ key: token(80).describe('The phone task (obligation key phone-<n>-<provider>)') }).strict();
export const DeliveredBody = z
  .object({ weekStart: calendarDate.describe('The Monday of the week'), minutes: z.number().int().min(0).max(10_080).describe('Minutes delivered that week in all') })
  .strict();

export const Decided = documented(z.object({ key: z.string(), decision: z.number().int() }), {
  description: 'The decision is recorded: the letter to the citizen and the message to the provider are in the outbox',
  example: { key: 'decision-2', decision: 2 },
});
export const Ended = documented(z.object({ key: z.string(), decision: z.number().int(), lastDay: Day }), {
  description: 'The end is decided: the grant ends after its last day',
  example: { key: 'decision-3', decision: 3, lastDay: '2026-12-31' },
});
export const ProviderChangeDecided = documented(z.object({ key: z.string(), decision: z.number().int(), lastDayOfOld: Day, firstDayOfNew: Day }), {
  description: 'The current provider is given notice; the grant passes to the new one on its first day',
  example: { key: 'decision-2', decision: 2, lastDayOfOld: '2026-02-28', firstDayOfNew: '2026-03-01' },
});
export const Met = documented(z.object({ key: z.string(), late: z.boolean() }), {
  description: 'The obligation is met',
  example: { key: 'expiry-2026-11-01', late: false },
});
export const DeliveredRecorded = documented(
  z.object({
    key: z.string(),
    significant: z.boolean().describe('A significant change (003): the assessor must reassess the grant'),
    reason: z.string().optional(),
    changePerDelivery: z.number().optional(),
    changePerWeek: z.number().optional(),
    deviationPercent: z.number().optional(),
    reassessment: z.string().optional().describe('The reassessment obligation opened'),
  }),
  { description: 'The week is recorded', example: { key: 'delivered-2026-03-16-privat-a', significant: true, reason: 'per_week', changePerDelivery: 5, changePerWeek: 25, deviationPercent: 100, reassessment: 'reassess-1' } },
);

const Terms = z.object({ serviceCode: z.string(), minutesPerDelivery: z.number().int(), deliveriesPerWeek: z.number().int(), startsOn: Day, endsOn: Day.optional() });

export const GrantStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    step: z.enum(['granted', 'refused', 'ended']),
    terms: Terms,
    providerCode: z.string(),
    providerChange: z.object({ toProviderCode: z.string(), noticeOn: Day, lastDayOfOld: Day, firstDayOfNew: Day }).optional(),
    previousProvider: z.object({ providerCode: z.string(), until: Day }).optional(),
    endDay: Day.optional(),
    expiryDecided: z.enum(['let_end', 'new_grant']).optional(),
    outcome: z.enum(['refused', 'ended', 'expired']).optional(),
    decisions: z.number().int(),
    runs: z.number().int(),
  })
  .extend(CaseCoreAnswer.shape);

export const GrantDetails = z.object({
  serviceCode: z.string().optional(),
  providerCode: z.string().optional(),
  minutesPerDelivery: z.number().int().optional(),
  deliveriesPerWeek: z.number().int().optional(),
  startsOn: Day.optional(),
  endDay: Day.optional(),
  nextProviderCode: z.string().optional(),
  nextProviderFrom: Day.optional(),
  /** The role that decided the grant (the discharge coordinator's "more help at home", the needs assessor's grant). */
  openedBy: z.string().optional(),
  /** The case whose decision opened it (a hospital discharge, a temporary stay's reassessment). */
  originCaseId: Id.optional(),
});

const GrantRowAnswer = z.object({
  caseId: Id,
  caseNumber: z.string(),
  serviceCode: z.string(),
  minutesPerDelivery: z.number().int(),
  deliveriesPerWeek: z.number().int(),
  startsOn: Day,
  endsOn: nullable(Day),
  temporary: z.boolean(),
  providerCode: z.string(),
  previousProviderCode: nullable(z.string()),
  previousProviderUntil: nullable(Day),
  nextProviderCode: nullable(z.string()),
  nextProviderFrom: nullable(Day),
  state: z.string(),
});

const grantExample = {
  caseId: '0b7f3f0e-8f49-4d8a-9a7e-3c1f3f8a2b11',
  caseNumber: 'BEV-2026-000012',
  serviceCode: 'personlig-pleje',
  minutesPerDelivery: 15,
  deliveriesPerWeek: 7,
  startsOn: '2026-11-20',
  endsOn: '2027-01-31',
  temporary: true,
  providerCode: 'privat-a',
  previousProviderCode: null,
  previousProviderUntil: null,
  nextProviderCode: null,
  nextProviderFrom: null,
  state: 'granted',
};

const Message = z.object({
  key: z.string(),
  addresseeKind: z.string(),
  addresseeId: nullable(z.string()),
  templateCode: z.string(),
  subject: z.string(),
  body: z.string(),
  complaintBy: nullable(Day),
  createdAt: Instant,
  sentAt: nullable(Instant),
});

export const GrantRead = documented(
  z.object({
    grant: GrantRowAnswer,
    deliveredTime: z.array(z.object({ providerCode: z.string(), weekStart: Day, minutes: z.number().int(), reportedAt: Instant })),
    messages: z.array(Message).describe("The outbox's letters and messages of the grant (a provider sees those addressed to it)"),
  }),
  {
    description: 'A grant as it stands, its delivered time and its messages',
    example: {
      grant: grantExample,
      deliveredTime: [{ providerCode: 'privat-a', weekStart: '2026-11-23', minutes: 105, reportedAt: '2026-11-30T09:00:00+01:00' }],
      messages: [
        {
          key: 'provider:1:privat-a',
          addresseeKind: 'provider',
          addresseeId: 'privat-a',
          templateCode: 'provider_grant_started',
          subject: 'Ny bevilling: Personlig pleje (BEV-2026-000012)',
          body: 'Bevilling BEV-2026-000012 overdraget til Privat leverandør A …',
          complaintBy: null,
          createdAt: '2026-11-19T10:00:00+01:00',
          sentAt: null,
        },
      ],
    },
  },
);

export const ProviderGrants = documented(z.object({ items: z.array(GrantRowAnswer) }), {
  description: "The grants handed to the caller's provider (now, under notice, or before a change)",
  example: { items: [grantExample] },
});

export const Providers = documented(z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), municipal: z.boolean(), approved: z.boolean(), isExample: z.boolean() })) }), {
  description: 'The approved providers (free choice of provider)',
  example: { items: [{ code: 'kommune-hjemmepleje', name: 'Kommunens hjemmepleje (eksempel)', municipal: true, approved: true, isExample: true }] },
});
export const Services = documented(z.object({ items: z.array(z.object({ code: z.string(), nameDa: z.string(), nameEn: z.string(), legalBasis: z.string(), isExample: z.boolean() })) }), {
  description: 'The service catalogue (indsatskatalog)',
  example: { items: [{ code: 'personlig-pleje', nameDa: 'Personlig pleje', nameEn: 'Personal care', legalBasis: 'serviceloven § 83, stk. 1, nr. 1 (eksempel)', isExample: true }] },
});
