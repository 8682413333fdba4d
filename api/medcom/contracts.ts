/**
 * The MedCom routes' contracts: the HospitalNotification message in (a FHIR message Bundle, read
 * loosely here — the IG's rules are checked by `fhir.ts` and answered with a negative
 * acknowledgement, not a 400), the Acknowledgement out, the hospital episode and the advis inbox.
 */
import { z } from 'zod';
import { documented, Id, Instant, nullable } from '../contract.js';
import { token } from '../schemas.js';

/** The largest message accepted (bytes, JSON or XML): a HospitalNotification is a few kilobytes. */
export const MEDCOM_BODY_LIMIT = 256 * 1024;
/** The content types a message may come in (application/json is read as FHIR JSON). */
export const FHIR_JSON = 'application/fhir+json';
export const FHIR_XML = 'application/fhir+xml';

/** A FHIR id (MessageHeader.id): 1-64 of A-Z a-z 0-9 - . */
export const FhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id (1-64 letters, digits, - or .)');

/** The message as it comes: a FHIR message Bundle (its entries are checked against the IG's rules by the handler). */
export const HospitalNotificationBody = z
  .looseObject({
    resourceType: token(40).describe('Bundle'),
    entry: z.array(z.looseObject({})).max(100).optional().describe('MessageHeader, Patient, Encounter, Organization(s), Provenance(s)'),
  })
  .describe('A MedCom HospitalNotification message Bundle (FHIR R4), as application/fhir+json or application/fhir+xml');

const Resource = z.looseObject({ resourceType: z.string(), id: z.string() });

const AckShape = z.looseObject({
  resourceType: z.literal('Bundle'),
  id: z.string(),
  type: z.literal('message'),
  timestamp: z.string(),
  entry: z.array(z.object({ fullUrl: z.string(), resource: Resource })),
});

const ackExample: z.input<typeof AckShape> = {
  resourceType: 'Bundle',
  id: '5f3c7c2e-7a57-4c1e-9a55-0c1e4f1d2a10',
  type: 'message',
  timestamp: '2026-11-20T10:00:01+01:00',
  entry: [
    {
      fullUrl: 'urn:uuid:8c1b2f0e-2d0c-4f7a-9a7b-1f2e3d4c5b6a',
      resource: {
        resourceType: 'MessageHeader',
        id: '8c1b2f0e-2d0c-4f7a-9a7b-1f2e3d4c5b6a',
        eventCoding: { system: 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes', code: 'acknowledgement-message' },
        destination: [{ endpoint: 'https://sor2.sum.dsdn.dk/#id=265161000016000' }],
        source: { endpoint: 'https://overgang.example.dk/medcom' },
        response: { identifier: 'b9b4818e-02de-4cc4-b418-d20cbc7b5404', code: 'ok' },
      },
    },
  ],
};

/** The MedCom Acknowledgement message (kvittering). */
export const Acknowledgement = documented(AckShape, {
    description:
      'The MedCom Acknowledgement message Bundle, in the format the message came in (application/fhir+json or application/fhir+xml): MessageHeader.response.identifier = the received MessageHeader id; code `ok`, or `fatal-error` with an OperationOutcome naming each rule broken (a negative acknowledgement is also HTTP 200). `Location` names the hospital episode the message was applied to.',
    example: ackExample,
});

export const EpisodeParams = z.object({ id: z.uuid({ message: 'must be a hospital episode id (UUID)' }) });
export const NotificationParams = z.object({ id: FhirId.describe('The MessageHeader id') });

const Leave = z.object({ start: Instant, end: Instant.optional() });

/** `GET /hospital-episodes/:id`: a hospital episode (sygehusophold). */
export const HospitalEpisodeAnswer = documented(
  z.object({
    id: Id,
    citizenId: Id,
    state: z.enum(['in_progress', 'on_leave', 'finished', 'cancelled']),
    encounterClass: nullable(z.enum(['IMP', 'EMER'])).describe('IMP admitted (indlagt), EMER acute ambulant (akut ambulant)'),
    start: nullable(Instant),
    end: nullable(Instant),
    deceased: z.boolean(),
    wardSor: nullable(z.string()).describe("The ward's SOR code (serviceProvider)"),
    leaves: z.array(Leave).describe('Leave periods (orlov)'),
    identifiers: z.array(z.object({ system: z.string(), value: z.string() })).describe('Episode-of-care identifiers (local, LPR3)'),
    messages: z.array(z.object({ messageId: z.string(), code: z.string(), occurredAt: Instant, receivedAt: Instant })).describe('The messages applied, in event order'),
  }),
  {
    description: 'A hospital episode (sygehusophold) built from MedCom HospitalNotification messages',
    example: {
      id: '2c7b1f8e-6a0d-4a51-9d2b-7e4f0c3a1b22',
      citizenId: '9a1e5c3d-2b4f-4e6a-8c7d-1f0e2d3c4b5a',
      state: 'on_leave',
      encounterClass: 'IMP',
      start: '2026-11-17T12:00:00+01:00',
      end: null,
      deceased: false,
      wardSor: '265161000016000',
      leaves: [{ start: '2026-11-19T14:00:10+01:00' }],
      identifiers: [{ system: 'https://sor2.sum.dsdn.dk/#id=265161000016000', value: 'bd481c38-a921-11ed-afa1-0242ac120002' }],
      messages: [
        { messageId: 'b9b4818e-02de-4cc4-b418-d20cbc7b5404', code: 'STIN', occurredAt: '2026-11-17T12:00:02+01:00', receivedAt: '2026-11-17T12:00:03+01:00' },
        { messageId: 'e563a2b2-bf92-4b13-bbd2-0a021a95bded', code: 'STOR', occurredAt: '2026-11-19T14:00:12+01:00', receivedAt: '2026-11-19T14:00:13+01:00' },
      ],
    },
  },
);

export const Effect = z.object({
  caseId: Id,
  caseNumber: z.string(),
  event: z.string().describe('admitted | discharged | died | leave_started | leave_ended | cancelled'),
  outcome: z.enum(['applied', 'refused', 'review']).describe('applied: the case took it; refused: the case refused it (reason); review: someone must look at it'),
  reason: z.string().optional(),
  reviewCaseId: Id.optional().describe('A cancellation: the review case whose obligation (the needs assessor, due the next working day) covers it'),
});

/** One notification in the advis inbox. */
export const InboxItem = z.object({
  id: z.string().describe('The MessageHeader id'),
  code: z.string().describe('STIN, STAA, STOR, SLOR, SLHJ, MORS, RE_xxx, AN_xxx'),
  citizenId: Id,
  episodeId: Id,
  occurredAt: Instant,
  receivedAt: Instant,
  effects: z.array(Effect),
  reviewedAt: nullable(Instant),
  reviewedBy: nullable(z.string()),
});

const inboxExample: z.input<typeof InboxItem> = {
  id: 'b9b4818e-02de-4cc4-b418-d20cbc7b5404',
  code: 'STIN',
  citizenId: '9a1e5c3d-2b4f-4e6a-8c7d-1f0e2d3c4b5a',
  episodeId: '2c7b1f8e-6a0d-4a51-9d2b-7e4f0c3a1b22',
  occurredAt: '2026-11-17T12:00:02+01:00',
  receivedAt: '2026-11-17T12:00:03+01:00',
  effects: [{ caseId: '03576525-1382-4ed7-a358-b5c0b6d04aa2', caseNumber: 'MDO-2026-000012', event: 'admitted', outcome: 'applied' }],
  reviewedAt: null,
  reviewedBy: null,
};

export const InboxQuery = z.object({
  reviewed: z.enum(['true', 'false']).optional().describe('Only reviewed (true) or unreviewed (false) notifications'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /medcom/hospital-notifications`: the advis inbox (advis-indbakke). */
export const Inbox = documented(z.object({ items: z.array(InboxItem) }), {
  description: 'Hospital notifications for citizens known to the municipality, unreviewed first, newest first, each with its effect on the cases',
  example: { items: [inboxExample] },
});

/** `POST /medcom/hospital-notifications/:id/review`. */
export const Reviewed = documented(InboxItem, { description: 'The notification, marked reviewed (the first reviewer stands)', example: { ...inboxExample, reviewedAt: '2026-11-17T13:10:00+01:00', reviewedBy: 'visitator-1' } });
