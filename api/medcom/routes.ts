/**
 * MedCom HospitalNotification (Advis om sygehusophold): the hospitals' messages in, the hospital
 * episodes (sygehusophold) they build, and the advis inbox (advis-indbakke). The message is read
 * and checked by `fhir.ts`, applied by `db/queries/medcom.ts` (exactly once by its MessageHeader
 * id) and its effects on the cases go through the one decision path (`effects.ts`).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { messageCode } from '../../domain/hospital-episodes.js';
import { formatLocal } from '../../domain/calendar.js';
import { birthDateFromCpr } from '../../domain/cpr.js';
import { applyNotification, episodeView, getEpisode, inbox, markReviewed, recordEffects, storedNotification, storeRejected, type StoredNotification } from '../../db/queries/medcom.js';
import type { ApiDeps } from '../context.js';
import { badRequest, errorBody, notFound } from '../errors.js';
import { routeOptionsFor } from '../route-options.js';
import { textProblem } from '../schemas.js';
import * as c from './contracts.js';
import { effectsOf } from './effects.js';
import { acknowledgement, messageHeaderOf, readNotification, type Notification, type Problem } from './fhir.js';
import { parseFhirXml, toFhirXml, XmlError } from './xml.js';

const route = routeOptionsFor('medcom');
const EPISODE_READERS = ['needs_assessor', 'discharge_coordinator', 'psychiatry_coordinator'] as const;
const INBOX_READERS = ['needs_assessor'] as const;
const RECEIVE_PATH = '/medcom/hospital-notifications';

declare module 'fastify' {
  interface FastifyRequest {
    /** A MedCom message's body as it came (kept when the message is rejected). */
    medcomRaw?: string;
  }
}

/** Replaces what the database cannot hold in text (NUL, lone surrogates) in a body kept for inspection. */
const inspectable = (raw: string) => raw.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const isXml = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').toLowerCase().includes('xml');

/** Sends the acknowledgement in the format the message came in, with the episode's Location. */
function answer(request: FastifyRequest, reply: FastifyReply, row: StoredNotification) {
  if (row.episodeId) reply.header('location', `/hospital-episodes/${row.episodeId}`);
  reply.code(row.httpStatus);
  if (isXml(request)) return reply.type(c.FHIR_XML).send(toFhirXml(row.ack));
  const type = String(request.headers['content-type'] ?? '').includes(c.FHIR_JSON) ? c.FHIR_JSON : 'application/json';
  return reply.type(`${type}; charset=utf-8`).send(row.ack);
}

/** Checks of the facts the database keeps (the IG allows more than a receiver can use). */
function keptFactProblems(n: Notification): Problem[] {
  const out: Problem[] = [];
  if (!birthDateFromCpr(n.cpr)) out.push({ expression: 'Patient.identifier.value', message: 'not a valid CPR number (no birth date)' });
  if (n.targetMessageId && !c.FhirId.safeParse(n.targetMessageId).success) out.push({ expression: 'Provenance.entity.what', message: 'must name a MessageHeader by its id' });
  for (const i of n.episodeIds) {
    const bad = textProblem(i.value, false) ?? textProblem(i.system, false) ?? (i.value.length > 200 || i.system.length > 200 ? 'too long (at most 200 characters)' : undefined);
    if (bad) out.push({ expression: 'Encounter.episodeOfCare.identifier', message: bad });
  }
  if (n.wardSor && !/^\d{1,20}$/.test(n.wardSor)) out.push({ expression: 'Organization.identifier', message: 'a SOR code is digits' });
  return out;
}

async function receive(deps: ApiDeps, request: FastifyRequest, reply: FastifyReply) {
  const db = deps.database.db;
  const bundle = request.body as Record<string, unknown>;
  const id = messageHeaderOf(bundle)?.id;
  if (!c.FhirId.safeParse(id).success) {
    throw badRequest('body: a message needs a MessageHeader with an id (the key of its acknowledgement)', 'body.entry');
  }
  const messageId = id as string;
  request.auditNote = { messageId };
  const contentType = isXml(request) ? c.FHIR_XML : c.FHIR_JSON;
  const stored = await storedNotification(db, messageId);
  // a repeat: the same answer, nothing applied twice (effects not yet recorded: they are run again, each once)
  if (stored && (stored.status === 'rejected' || stored.effects !== null)) {
    request.auditNote = { messageId, ...(stored.code ? { code: stored.code } : {}), acknowledgement: stored.status === 'rejected' ? 'fatal-error' : 'ok', repeat: true };
    return answer(request, reply, stored);
  }
  const read = readNotification(bundle);
  const problems = 'problems' in read ? read.problems : keptFactProblems(read.notification);
  const ack = (p: Problem[]) =>
    acknowledgement({
      received: bundle,
      receivedId: messageId,
      problems: p,
      at: formatLocal(Date.now()),
      ourEndpoint: `${request.protocol}://${request.host}${RECEIVE_PATH}`,
    });
  if (problems.length > 0 || !('notification' in read)) {
    const row = await storeRejected(db, { messageId, contentType, body: inspectable(request.medcomRaw ?? JSON.stringify(bundle)), problems, ack: ack(problems), httpStatus: 200 });
    request.auditNote = { messageId, acknowledgement: 'fatal-error' };
    return answer(request, reply, row);
  }
  const { cpr, episodeIds, sourceEndpoint: _s, encounterStatus: _e, activity: _a, ...message } = read.notification;
  const code = messageCode(message.event, message.kind);
  const applied = await applyNotification(db, { message, code, cpr, birthDate: birthDateFromCpr(cpr)!, episodeIds, contentType, ack: ack([]) });
  const row = applied.row;
  request.auditNote = { messageId, code, acknowledgement: 'ok' };
  if (row.status === 'applied' && row.effects === null) {
    const view = applied.view ?? (await episodeView(db, row.episodeId!));
    const effects = await effectsOf(deps, request, { message: { ...message, receivedAt: row.receivedAt.getTime() }, view, citizenId: row.citizenId! });
    await recordEffects(db, { messageId, code, effects, user: request.user!.user, role: request.user!.role, path: RECEIVE_PATH });
  }
  return answer(request, reply, row);
}

/** Reads a FHIR XML body; an unreadable one is kept for inspection (under the hash of its bytes) and refused with 400. */
async function readXml(deps: ApiDeps, request: FastifyRequest, body: string): Promise<unknown> {
  request.medcomRaw = body;
  try {
    return parseFhirXml(body);
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    const refusal = errorBody(400, `body: not a readable FHIR XML document — ${err.message}`, { fields: [{ field: 'body', message: err.message }] });
    const messageId = `unreadable-${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
    await storeRejected(deps.database.db, { messageId, contentType: c.FHIR_XML, body: inspectable(body), problems: [{ expression: 'Bundle', message: err.message }], ack: refusal, httpStatus: 400 });
    throw badRequest(refusal.message, 'body');
  }
}

const inboxItem = (r: StoredNotification) => ({
  id: r.messageId,
  code: r.code ?? '',
  citizenId: r.citizenId!,
  episodeId: r.episodeId!,
  occurredAt: r.occurredAt!,
  receivedAt: r.receivedAt,
  effects: (r.effects ?? []) as z.input<typeof c.Effect>[],
  reviewedAt: r.reviewedAt,
  reviewedBy: r.reviewedBy,
});

export const medcomRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const json = app.getDefaultJsonParser('remove', 'remove');
  app.addContentTypeParser(c.FHIR_JSON, { parseAs: 'string' }, (request, body, done) => {
    request.medcomRaw = String(body);
    json(request, String(body), done);
  });
  // FHIR XML, also under the plain XML media types a broker may use
  app.addContentTypeParser([c.FHIR_XML, 'application/xml', 'text/xml'], { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer) => readXml(deps, request, String(body)));

  app.post(
    RECEIVE_PATH,
    {
      bodyLimit: c.MEDCOM_BODY_LIMIT,
      ...route({
        access: ['hospital'],
        audit: 'medcom.hospital_notification.receive',
        // brokers send no Idempotency-Key: the message's MessageHeader id is its key (exactly once)
        selfKeyed: 'MessageHeader.id',
        summary: 'Receive a MedCom HospitalNotification message (Advis om sygehusophold, FHIR R4) and answer with a MedCom Acknowledgement',
        consumes: [c.FHIR_JSON, c.FHIR_XML, 'application/json', 'application/xml', 'text/xml'],
        produces: [c.FHIR_JSON, c.FHIR_XML, 'application/json'],
        body: c.HospitalNotificationBody,
        response: { 200: c.Acknowledgement },
      }),
    },
    (request, reply) => receive(deps, request, reply),
  );

  app.get(
    '/hospital-episodes/:id',
    route({ access: [...EPISODE_READERS], audit: 'medcom.hospital_episode.read', summary: 'A hospital episode (sygehusophold): state, class, start/end, leave periods, ward, the messages applied', params: c.EpisodeParams, response: { 200: c.HospitalEpisodeAnswer } }),
    async (request) => {
      const found = await getEpisode(deps.database.db, request.params.id);
      if (!found) throw notFound(`no hospital episode ${request.params.id}`);
      const { episode: e, identifiers, messages } = found;
      return {
        id: e.id,
        citizenId: e.citizenId,
        state: e.state as 'in_progress',
        encounterClass: e.encounterClass as 'IMP' | null,
        start: e.startedAt,
        end: e.endedAt,
        deceased: e.deceased,
        wardSor: e.wardSor,
        leaves: e.leaves,
        identifiers,
        messages: messages.map((m) => ({ messageId: m.messageId, code: m.code ?? '', occurredAt: m.occurredAt!, receivedAt: m.receivedAt })),
      };
    },
  );

  app.get(
    RECEIVE_PATH,
    route({ access: [...INBOX_READERS], audit: 'medcom.hospital_notification.list', summary: 'The advis inbox (advis-indbakke): hospital notifications for citizens known to the municipality, unreviewed first', querystring: c.InboxQuery, response: { 200: c.Inbox } }),
    async (request) => {
      const reviewed = request.query.reviewed === undefined ? undefined : request.query.reviewed === 'true';
      const rows = await inbox(deps.database.db, { ...(reviewed !== undefined ? { reviewed } : {}), limit: request.query.limit });
      return { items: rows.map(inboxItem) };
    },
  );

  app.post(
    `${RECEIVE_PATH}/:id/review`,
    route({ access: [...INBOX_READERS], audit: 'medcom.hospital_notification.review', summary: 'Mark a notification of the advis inbox reviewed', params: c.NotificationParams, response: { 200: c.Reviewed } }),
    async (request) => {
      const row = await storedNotification(deps.database.db, request.params.id);
      if (!row || !row.known || row.status !== 'applied') throw notFound(`no notification ${request.params.id} in the advis inbox`);
      return inboxItem((await markReviewed(deps.database.db, row.messageId, request.user!.user))!);
    },
  );
};
