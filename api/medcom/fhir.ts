/**
 * Reading a MedCom HospitalNotification message Bundle (FHIR R4, JSON form — XML is read into it
 * by `xml.ts`) and writing the MedCom Acknowledgement. The receiver's rules of the IG are checked
 * here; what breaks them is listed as problems, each naming the element (FHIRPath-like), and the
 * message is answered with a negative acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import { ACTIVITY_CODES, type EncounterClass, type EpisodeMessage, type HospitalEvent, type MessageKind } from '../../domain/hospital-episodes.js';

export const CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2';
export const SOR_SYSTEM = 'urn:oid:1.2.208.176.1.1';
export const EVENT_CODE = 'hospital-notification-message';
export const ACK_EVENT_CODE = 'acknowledgement-message';
const EVENT_CODES = 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes';
const ACTIVITY_SYSTEM = 'http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes';
const LEAVE_URL = /leave-period-extension$/;
const USE_URL = /destinationUseExtension$/;

type Json = Record<string, unknown>;

/** A list from a FHIR element that may repeat (the XML reader makes a single value of one occurrence). */
export const many = (v: unknown): Json[] =>
  (Array.isArray(v) ? v : [v]).filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x));
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const instant = (v: unknown): number | undefined => {
  const s = str(v);
  if (!s || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
};
const isTrue = (v: unknown) => v === true || v === 'true';
/** The id a reference names (`Type/id`, a full URL ending in it, or `urn:uuid:id`). */
const refId = (ref: unknown): string | undefined => str((ref as Json | undefined)?.reference)?.split(/[/:]/).pop();

export interface Notification extends Omit<EpisodeMessage, 'receivedAt'> {
  cpr: string;
  /** Episode-of-care identifiers (local and/or LPR3): the keys of the hospital episode. */
  episodeIds: { system: string; value: string }[];
  encounterStatus: string;
  /** The sender's endpoint (MessageHeader.source.endpoint), where the acknowledgement goes. */
  sourceEndpoint?: string;
  /** The activity code of the message's own Provenance. */
  activity: string;
}

export interface Problem {
  expression: string;
  message: string;
}

/** The MessageHeader id of a message, if it has one (the key of exactly-once). */
export function messageHeaderOf(bundle: Json): Json | undefined {
  return many(bundle.entry)
    .map((e) => e.resource as Json | undefined)
    .find((r) => r?.resourceType === 'MessageHeader');
}

/** Reads and checks a message. Either the notification or the problems (never both). */
export function readNotification(bundle: Json): { notification: Notification } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const fail = (expression: string, message: string) => problems.push({ expression, message });
  const resources = many(bundle.entry).map((e) => (e.resource ?? {}) as Json);
  const of = (type: string) => resources.filter((r) => r.resourceType === type);
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'message') fail('Bundle.type', 'must be a message Bundle (type = message)');
  const header = messageHeaderOf(bundle) ?? {};
  if (resources[0]?.resourceType !== 'MessageHeader') fail('Bundle.entry[0]', 'the MessageHeader must be the first entry of a message');
  const headerId = str(header.id) ?? '';
  if (str((header.eventCoding as Json | undefined)?.code) !== EVENT_CODE) fail('MessageHeader.eventCoding', `must be ${EVENT_CODE}`);
  const primary = many(header.destination).some((d) => many(d.extension).some((x) => USE_URL.test(String(x.url)) && (x.valueCoding as Json | undefined)?.code === 'primary'));
  if (!primary) fail('MessageHeader.destination', 'the receiver must be a primary destination (destinationUse = primary)');

  const patients = of('Patient');
  if (patients.length !== 1) fail('Bundle.entry', `must hold exactly one Patient (found ${patients.length})`);
  const cprs = many(patients[0]?.identifier).filter((i) => i.system === CPR_SYSTEM);
  const cpr = str(cprs[0]?.value);
  if (!cpr) fail('Patient.identifier', `must carry a CPR number (system ${CPR_SYSTEM})`);
  else if (!/^\d{10}$/.test(cpr)) fail('Patient.identifier.value', 'a CPR number is 10 digits');

  // MessageHeader.focus repeats (FHIR R4): the first names the Encounter
  const focusId = refId(many(header.focus)[0]);
  const encounter = focusId ? of('Encounter').find((e) => e.id === focusId) : of('Encounter')[0];
  if (focusId && !encounter) fail('MessageHeader.focus', `names ${focusId}, which is no Encounter of the message`);
  const e = readEncounter(encounter, fail);

  // the message's own Provenance: the one whose target is this MessageHeader
  const own = of('Provenance').find((p) => many(p.target).some((t) => refId(t) === headerId));
  const activity = str(many((own?.activity as Json | undefined)?.coding).find((c) => !c.system || c.system === ACTIVITY_SYSTEM)?.code);
  const known = activity ? ACTIVITY_CODES[activity] : undefined;
  if (!own) fail('Provenance', "must hold the message's own Provenance (target = the MessageHeader)");
  else if (!known) fail('Provenance.activity', `${activity ?? 'no code'} is not one of the HospitalNotification activity codes`);
  // every Provenance of the message (its own and those of the messages before it) has an activity from the value set
  for (const p of of('Provenance')) {
    const code = str(many((p.activity as Json | undefined)?.coding).find((c) => !c.system || c.system === ACTIVITY_SYSTEM)?.code);
    if (p !== own && (!code || !ACTIVITY_CODES[code])) fail('Provenance.activity', `${code ?? 'no code'} (a Provenance of the message) is not one of the HospitalNotification activity codes`);
  }
  const occurredAt = instant(own?.occurredDateTime) ?? instant(own?.recorded);
  if (own && occurredAt === undefined) fail('Provenance.occurredDateTime', 'must be an instant with an offset');
  const entity = many(own?.entity).find((x) => x.role === (known?.kind === 'cancellation' ? 'removal' : 'revision'));
  const targetMessageId = refId(entity?.what);
  if (known && known.kind !== 'event' && !targetMessageId) {
    fail('Provenance.entity', `a ${known.kind} must name the message it ${known.kind === 'correction' ? 'revises (role revision)' : 'removes (role removal)'}`);
  }
  // the core patient profile allows either form of a death
  const deceased = isTrue(patients[0]?.deceasedBoolean) || str(patients[0]?.deceasedDateTime) !== undefined;
  if (problems.length || !e || !known || !cpr || occurredAt === undefined) return { problems };
  const event: HospitalEvent = deceased && known.kind === 'event' ? 'MORS' : known.event;
  const kind: MessageKind = known.kind;
  return {
    notification: {
      messageId: headerId,
      cpr,
      event,
      kind,
      ...(targetMessageId && kind !== 'event' ? { targetMessageId } : {}),
      occurredAt,
      deceased,
      activity: activity!,
      ...e,
      ...(str((header.source as Json | undefined)?.endpoint) ? { sourceEndpoint: str((header.source as Json).endpoint)! } : {}),
      ...wardOf(resources, refId(encounter?.serviceProvider)),
    },
  };
}

type EncounterFacts = Pick<Notification, 'encounterClass' | 'encounterStatus' | 'periodStart' | 'periodEnd' | 'leaveStart' | 'leaveEnd' | 'episodeIds'>;

function readEncounter(encounter: Json | undefined, fail: (expression: string, message: string) => void): EncounterFacts | undefined {
  if (!encounter) {
    fail('Encounter', 'the message must hold the Encounter (MessageHeader.focus)');
    return undefined;
  }
  const status = str(encounter.status);
  if (!status || !['in-progress', 'onleave', 'finished', 'entered-in-error'].includes(status)) fail('Encounter.status', 'must be in-progress, onleave, finished or entered-in-error');
  const cls = str((encounter.class as Json | undefined)?.code);
  if (cls !== 'IMP' && cls !== 'EMER') fail('Encounter.class', 'must be IMP (inpatient) or EMER (acute ambulant)');
  const period = (encounter.period ?? {}) as Json;
  const periodStart = instant(period.start);
  if (periodStart === undefined) fail('Encounter.period.start', 'must be an instant with an offset');
  const periodEnd = instant(period.end);
  const episodeIds = many(encounter.episodeOfCare)
    .flatMap((x) => many(x.identifier))
    .filter((i) => str(i.value))
    // one stay is named with and without `urn:uuid:` in the IG's own examples: one key
    .map((i) => ({ system: str(i.system) ?? '', value: String(i.value).replace(/^urn:uuid:/i, '') }));
  if (episodeIds.length === 0) fail('Encounter.episodeOfCare.identifier', 'must carry at least one episode-of-care identifier');
  const leave = many(encounter.extension).find((x) => LEAVE_URL.test(String(x.url)))?.valuePeriod as Json | undefined;
  const leaveStart = instant(leave?.start);
  const leaveEnd = instant(leave?.end);
  if (status === 'onleave' && leaveStart === undefined) fail('Encounter.extension(leavePeriod).valuePeriod.start', 'must be present when the status is onleave');
  if (!status || (cls !== 'IMP' && cls !== 'EMER') || periodStart === undefined || episodeIds.length === 0) return undefined;
  return {
    encounterClass: cls as EncounterClass,
    encounterStatus: status,
    periodStart,
    ...(periodEnd !== undefined ? { periodEnd } : {}),
    ...(leaveStart !== undefined ? { leaveStart } : {}),
    ...(leaveEnd !== undefined ? { leaveEnd } : {}),
    episodeIds,
  };
}

/** The ward (Encounter.serviceProvider) as its SOR code. */
function wardOf(resources: Json[], orgId: string | undefined): { wardSor?: string } {
  const org = resources.find((r) => r.resourceType === 'Organization' && r.id === orgId);
  const sor = str(many(org?.identifier).find((i) => i.system === SOR_SYSTEM)?.value);
  return sor ? { wardSor: sor } : {};
}

/** An XHTML narrative (MedCom messaging: MessageHeader and Provenance carry one). */
const narrative = (text: string): Json => ({
  status: 'generated',
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</div>`,
});

/** The entry of a received message that a reference names, with its fullUrl (copied into the answer as it came). */
function entryOf(received: Json | undefined, ref: unknown): { fullUrl: string; resource: Json } | undefined {
  const id = refId(ref);
  const e = many(received?.entry).find((x) => (x.resource as Json | undefined)?.id === id);
  if (!e || !id) return undefined;
  return { fullUrl: str(e.fullUrl) ?? `urn:uuid:${id}`, resource: e.resource as Json };
}

/**
 * The MedCom Acknowledgement message answering `received` (positive: `ok`; negative:
 * `fatal-error` with an OperationOutcome): the received message's receiver is its sender and its
 * sender its (primary) destination — both Organizations copied in —, its source endpoint is the
 * endpoint the hospital addressed, and it carries its own Provenance and the received message's.
 */
export function acknowledgement(o: { received?: Json; receivedId: string; problems: Problem[]; at: string; ourEndpoint: string }): Json {
  const theirs = o.received ? (messageHeaderOf(o.received) ?? {}) : {};
  const primary =
    many(theirs.destination).find((d) => many(d.extension).some((x) => USE_URL.test(String(x.url)) && (x.valueCoding as Json | undefined)?.code === 'primary')) ??
    many(theirs.destination)[0];
  const us = entryOf(o.received, primary?.receiver);
  const them = entryOf(o.received, theirs.sender);
  const theirProvenance = many(o.received?.entry).find((e) => {
    const r = e.resource as Json | undefined;
    return r?.resourceType === 'Provenance' && many(r.target).some((t) => refId(t) === o.receivedId);
  });
  const [headerId, outcomeId, provenanceId] = [randomUUID(), randomUUID(), randomUUID()];
  const negative = o.problems.length > 0;
  const useExtension = many(primary?.extension).filter((x) => USE_URL.test(String(x.url)));
  const header: Json = {
    resourceType: 'MessageHeader',
    id: headerId,
    text: narrative(`Acknowledgement (${negative ? 'fatal-error' : 'ok'}) of message ${o.receivedId}`),
    eventCoding: { system: EVENT_CODES, code: ACK_EVENT_CODE },
    destination: [
      {
        ...(useExtension.length ? { extension: useExtension } : {}),
        endpoint: str((theirs.source as Json | undefined)?.endpoint) ?? 'unknown',
        ...(them ? { receiver: { reference: them.fullUrl } } : {}),
      },
    ],
    ...(us ? { sender: { reference: us.fullUrl } } : {}),
    source: { endpoint: str(primary?.endpoint) ?? o.ourEndpoint },
    response: {
      identifier: o.receivedId,
      code: negative ? 'fatal-error' : 'ok',
      ...(negative ? { details: { reference: `urn:uuid:${outcomeId}` } } : {}),
    },
  };
  const provenance: Json = {
    resourceType: 'Provenance',
    id: provenanceId,
    text: narrative(`Acknowledgement of message ${o.receivedId} sent ${o.at}`),
    target: [{ reference: `urn:uuid:${headerId}` }],
    occurredDateTime: o.at,
    recorded: o.at,
    activity: { coding: [{ system: ACTIVITY_SYSTEM, code: 'acknowledgement' }] },
    agent: [{ who: us ? { reference: us.fullUrl } : { identifier: { value: o.ourEndpoint } } }],
    entity: [{ role: 'revision', what: { reference: `MessageHeader/${o.receivedId}` } }],
  };
  const outcome: Json = {
    resourceType: 'OperationOutcome',
    id: outcomeId,
    issue: o.problems.map((p) => ({ severity: 'error', code: 'invalid', details: { text: p.message }, diagnostics: p.message, expression: [p.expression] })),
  };
  const entry = (r: Json) => ({ fullUrl: `urn:uuid:${String(r.id)}`, resource: r });
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'message',
    timestamp: o.at,
    entry: [
      entry(header),
      ...(us ? [us] : []),
      ...(them && them.fullUrl !== us?.fullUrl ? [them] : []),
      entry(provenance),
      ...(theirProvenance ? [{ fullUrl: str(theirProvenance.fullUrl) ?? `urn:uuid:${String((theirProvenance.resource as Json).id)}`, resource: theirProvenance.resource }] : []),
      ...(negative ? [entry(outcome)] : []),
    ],
  };
}
