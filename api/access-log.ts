/**
 * The look-up log (logning af opslag): every read of a citizen's data writes one row per citizen
 * it showed — time, user, role, kind of use (the route), the citizen (pseudonymous id), the case
 * it was read for and a purpose — and a refused attempt writes one row too. A case page and a
 * list alike: the answer's `caseId` / `citizenId` fields (and the route's case id) name who was
 * shown, a case naming its citizen. The codec endpoint (`api/codec/routes.ts`) logs each decode
 * the same way. Rows are what the data-protection officer lists per citizen
 * (`GET /citizens/:citizenId/access-log`); the nightly retention schedule deletes old ones.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { isUuid } from '../domain/ids.js';
import type { accessLog } from '../db/schema/index.js';
import { citizensOfCases, insertLookups } from '../db/queries/access-log.js';
import { badRequest } from './errors.js';
import { RETRY_AFTER_SECONDS, unavailableBody, within } from './faults.js';

/** Why a citizen's data was read (formål): the purpose codes a caller may send in `X-Purpose`. */
export const PURPOSES = {
  case_handling: { en: 'Handling the case', da: 'Sagsbehandling' },
  work_planning: { en: 'Planning the work (work queue, tasks)', da: 'Planlægning af arbejdet (arbejdsliste, opgaver)' },
  escalation_follow_up: { en: 'Following up an escalation', da: 'Opfølgning på eskalering' },
  payment_settlement: { en: 'Settling bed-day payments', da: 'Afregning af sengedage (betalingsforpligtelse)' },
  placement_planning: { en: 'Planning places and offers', da: 'Planlægning af pladser og tilbud' },
  hospital_notification: { en: "Reading a hospital's notification", da: 'Læsning af advis om sygehusophold' },
  supervision: { en: 'Supervising the case flow (Temporal Web UI)', da: 'Tilsyn med sagsforløbet (Temporal Web UI)' },
  data_protection: { en: "Answering a citizen's right of access", da: 'Besvarelse af indsigtsanmodning' },
} as const;
export type Purpose = keyof typeof PURPOSES;
export const PURPOSE_CODES = Object.keys(PURPOSES) as Purpose[];

/** A list's purpose when the caller names none (per-case reads: `case_handling`). */
const LIST_PURPOSES: Record<string, Purpose> = {
  '/work-queue': 'work_planning',
  '/hospital-discharge/tasks': 'work_planning',
  '/escalations': 'escalation_follow_up',
  '/payments/bed-days': 'payment_settlement',
  '/waiting-list': 'placement_planning',
  '/places': 'placement_planning',
  '/housing-offers': 'placement_planning',
  '/hospital-episodes/:id': 'hospital_notification',
  '/citizens/:citizenId/access-log': 'data_protection',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route that is not a GET but shows citizen data (the codec's decode): logged as a look-up with this purpose. */
    lookup?: Purpose;
  }
  interface FastifyRequest {
    /**
     * Citizens and cases a handler showed, named by the handler: what the answer's body does not name
     * (the codec's decode), or a long list's, so the hook need not parse a large answer again.
     */
    lookedUp?: { citizenIds: string[]; caseIds: string[] };
  }
}

/** The `caseId` and `citizenId` values anywhere in an answer (a case's `citizen.id` included). */
export function idsShown(value: unknown, into = { caseIds: new Set<string>(), citizenIds: new Set<string>() }) {
  if (Array.isArray(value)) for (const v of value) idsShown(v, into);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && isUuid(v)) {
        if (k === 'caseId') into.caseIds.add(v);
        else if (k === 'citizenId') into.citizenIds.add(v);
      } else if (k === 'citizen' && v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' && isUuid((v as { id: string }).id)) {
        into.citizenIds.add((v as { id: string }).id);
      } else idsShown(v, into);
    }
  }
  return into;
}

/** Whether a route's requests are look-ups: every authenticated GET, and routes declaring `lookup`. */
function isLookup(request: FastifyRequest): boolean {
  const config = request.routeOptions.config;
  if (!config || config.access === 'public' || request.routeOptions.url === undefined || request.routeOptions.url.startsWith('/docs')) return false;
  return request.method === 'GET' || config.lookup !== undefined;
}

/** The purpose of a request: the caller's `X-Purpose` code, else the route's. */
function purposeOf(request: FastifyRequest): Purpose {
  const sent = request.headers['x-purpose'];
  if (typeof sent === 'string' && sent !== '') return sent as Purpose;
  return request.routeOptions.config?.lookup ?? LIST_PURPOSES[request.routeOptions.url ?? ''] ?? 'case_handling';
}

function routeCaseId(request: FastifyRequest): string | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const id = params.caseId ?? params.id;
  const url = request.routeOptions.url ?? '';
  return typeof id === 'string' && isUuid(id) && (url.startsWith('/cases/') || url.startsWith('/temporary-stays/')) ? id : undefined;
}

/** The rows of one look-up: one per citizen shown (with the case read for), or one naming nobody for a refusal. */
export async function lookupRows(
  db: Db,
  who: { userId: string; role: string },
  what: { use: string; purpose: string; statusCode: number; caseId?: string | undefined; citizenIds: Iterable<string>; caseIds: Iterable<string>; always?: boolean },
): Promise<(typeof accessLog.$inferInsert)[]> {
  const caseIds = new Set(what.caseIds);
  if (what.caseId) caseIds.add(what.caseId);
  const citizenCase = new Map<string, string | null>([...what.citizenIds].map((c) => [c, null]));
  if (caseIds.size) {
    const owners = await citizensOfCases(db, [...caseIds]);
    for (const o of owners) {
      const shownFor = what.caseId ?? o.id;
      if (!citizenCase.get(o.citizenId) || o.id === what.caseId) citizenCase.set(o.citizenId, shownFor);
    }
  }
  const base = { at: new Date(), userId: who.userId, role: who.role, use: what.use, purpose: what.purpose, statusCode: what.statusCode, requestId: randomUUID() };
  // a refusal, and a codec call (every decode is logged), names nobody in one row
  if (citizenCase.size === 0) return what.statusCode >= 400 || what.always ? [{ ...base, citizenId: null, caseId: what.caseId ?? null }] : [];
  return [...citizenCase].map(([citizenId, caseId]) => ({ ...base, citizenId, caseId: what.caseId ?? caseId }));
}

export function registerAccessLog(app: FastifyInstance, db: Db, opts: { dbTimeoutMs: number }): void {
  app.addHook('preHandler', async (request) => {
    const sent = request.headers['x-purpose'];
    if (isLookup(request) && sent !== undefined && !PURPOSE_CODES.includes(sent as Purpose)) {
      throw badRequest(`header X-Purpose: must be one of ${PURPOSE_CODES.join(', ')}`, 'headers.x-purpose');
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // 401: nobody to name; 5xx: nothing was shown and nothing refused (a dependency did not answer,
    // and the answer must not wait for a database that just failed it)
    if (!request.user || !isLookup(request) || reply.statusCode === 401 || reply.statusCode >= 500) return payload;
    const caseId = routeCaseId(request);
    const shown = { caseIds: new Set<string>(request.lookedUp?.caseIds), citizenIds: new Set<string>(request.lookedUp?.citizenIds) };
    if (reply.statusCode < 400 && typeof payload === 'string' && !request.lookedUp) {
      try {
        idsShown(JSON.parse(payload), shown);
      } catch {
        // not JSON: nothing named
      }
    }
    const citizenParam = (request.params as Record<string, unknown> | undefined)?.citizenId;
    if (typeof citizenParam === 'string' && isUuid(citizenParam)) shown.citizenIds.add(citizenParam);
    const sent = request.headers['x-purpose'];
    const purpose = reply.statusCode === 400 && sent !== undefined && !PURPOSE_CODES.includes(sent as Purpose) ? 'case_handling' : purposeOf(request);
    try {
      const rows = await within(
        lookupRows(db, { userId: request.user.user, role: request.user.role }, { use: `${request.method} ${request.routeOptions.url}`, purpose, statusCode: reply.statusCode, caseId, ...shown, always: request.routeOptions.config?.lookup !== undefined }),
        opts.dbTimeoutMs,
        'audit',
      );
      if (rows.length) await within(insertLookups(db, rows), opts.dbTimeoutMs, 'audit');
    } catch (err) {
      if (reply.statusCode >= 400) return payload; // a refusal stays a refusal
      // nothing shown without its look-up row
      request.log.error({ err: (err as Error).name }, 'look-up log write failed');
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(unavailableBody('audit'));
    }
    return payload;
  });
}
