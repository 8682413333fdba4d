/**
 * Audit trail: every request to a route with `config.audit` (every change, and every read of
 * a citizen's data) writes one row: who, role, what, when, which case, outcome.
 * Personal identifiers (CPR) and free text (which may hold health details) are never copied
 * into it: the detail keeps codes, ids, dates, numbers and booleans, and names the text fields
 * that were sent (their content lives in the case's own tables, behind their own roles).
 */
import { randomUUID } from 'node:crypto';
import { isUuid } from '../domain/ids.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import { AFTER_CHANGE_MS, databaseUnavailable, DependencyUnavailable, RETRY_AFTER_SECONDS, unavailableBody, within } from './faults.js';
import type { Later } from './later.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Case the request concerned, when not in the `:id` parameter (e.g. a newly opened case). */
    auditCaseId?: string;
    /** When the request arrived (the audit row's time, also when it is written later). */
    arrivedAt?: Date;
    /** Codes the handler adds to the row's detail (e.g. `repeatedNotice`: an intake re-pointed to the open case). */
    auditNote?: Record<string, string | number | boolean>;
  }
}


export const WITHHELD = '(text withheld)';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  'x-audit'?: string;
};

const CODE_FORMATS = new Set(['uuid', 'date', 'date-time']);

/** Whether a schema declares a code: an enum or constant, an id, a date, an instant, a number, a boolean, or `x-audit: code`. */
function isCode(s: JsonSchema): boolean {
  if (s['x-audit'] === 'code' || s.enum || s.const !== undefined) return true;
  if (s.format && CODE_FORMATS.has(s.format)) return true;
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return types.length > 0 && types.every((t) => t === 'boolean' || t === 'integer' || t === 'number' || t === 'null');
}

/**
 * What the audit keeps of a body: only the fields the route's schema declares as codes; every
 * other string (a name, a note, a reason — whatever it looks like, a bare CPR or a one-word
 * diagnosis included) is withheld, and any field named like a CPR is dropped.
 */
export function auditDetail(value: unknown, schema: JsonSchema | undefined): unknown {
  if (value === null || value === undefined) return value;
  if (!schema) return typeof value === 'object' ? WITHHELD : typeof value === 'string' ? WITHHELD : value;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // the branch whose constants (discriminators) match the value, else the first that is a code
    const fit =
      branches.find((b) => b.properties && value && typeof value === 'object' && Object.entries(b.properties).every(([k, p]) => p.const === undefined || (value as Record<string, unknown>)[k] === p.const)) ??
      branches.find((b) => isCode(b) && typeof value !== 'object');
    return auditDetail(value, fit);
  }
  if (isCode(schema)) return value;
  if (Array.isArray(value)) return value.map((v) => auditDetail(v, schema.items));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/cpr/i.test(k)) continue;
      out[k] = auditDetail(v, schema.properties?.[k]);
    }
    return out;
  }
  return typeof value === 'string' ? WITHHELD : value;
}

function caseIdOf(request: FastifyRequest): string | null {
  if (request.auditCaseId) return request.auditCaseId;
  const params = request.params as Record<string, unknown> | undefined;
  const id = params?.caseId ?? params?.id;
  return typeof id === 'string' && isUuid(id) && request.routeOptions.url?.includes('/cases/') ? id : null;
}

export function registerAudit(app: FastifyInstance, db: Db, opts: { dbTimeoutMs: number; later: Later }): void {
  /** A row, once per request id: a write the driver still sends after its timeout and its retry leave one row. */
  const insertOnce = (row: typeof auditLog.$inferInsert) => db.insert(auditLog).values(row).onConflictDoNothing({ target: auditLog.requestId });
  app.addHook('onRequest', async (request) => {
    request.arrivedAt = new Date();
  });
  // every change is audited: a route that changes something and names no action gets its method and URL
  const bodySchemas = new Map<string, JsonSchema | undefined>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const body = (route.schema as { body?: unknown } | undefined)?.body;
    if (body instanceof z.ZodType) {
      let json: JsonSchema | undefined;
      try {
        json = z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
      } catch {
        json = undefined; // nothing is a code: every string is withheld
      }
      for (const m of methods) bodySchemas.set(`${m} ${route.url}`, json);
    }
    if (methods.every((m) => m === 'GET' || m === 'HEAD') || route.url.startsWith('/docs')) return;
    const config = (route.config ?? {}) as { audit?: string; access?: unknown; lookup?: unknown };
    // a look-up that is a POST (the codec) changes nothing: it goes to the look-up log instead
    if (config.access === 'public' || config.audit || config.lookup) return;
    route.config = { ...config, audit: `${methods.join(',')} ${route.url}` } as typeof route.config;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config?.audit;
    // A repeat answered from the idempotency store changed nothing: the first request's row stands.
    if (!action || !request.user || request.idempotencyReplay || request.idempotencyAnswered) return payload;
    let detail: Record<string, unknown> | null = null;
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      try {
        detail = { refused: (JSON.parse(payload) as { message?: string }).message };
      } catch {
        detail = null;
      }
    } else if (request.body && typeof request.body === 'object') {
      detail = auditDetail(request.body, bodySchemas.get(`${request.method} ${request.routeOptions.url}`)) as Record<string, unknown>;
    }
    if (request.auditNote) detail = { ...detail, ...request.auditNote };
    const row = {
      requestId: randomUUID(),
      at: request.arrivedAt ?? new Date(),
      userId: request.user.user,
      role: request.user.role,
      action,
      caseId: caseIdOf(request),
      method: request.method,
      path: request.url.split('?')[0]!,
      statusCode: reply.statusCode,
      detail,
    };
    if (reply.statusCode >= 500) {
      // the answer already says a dependency failed: it goes now, its row is written as soon as
      // the database answers (with the request's time), never holding the 503 back
      opts.later.add(`audit ${action} ${reply.statusCode}`, () => within(insertOnce(row), opts.dbTimeoutMs, 'audit'));
      return payload;
    }
    try {
      await within(insertOnce(row), reply.statusCode < 400 ? AFTER_CHANGE_MS : opts.dbTimeoutMs, 'audit');
    } catch (err) {
      if (reply.statusCode < 400 && (err instanceof DependencyUnavailable || databaseUnavailable(err))) {
        // the change took effect: the answer says so; its row is written as soon as the database
        // answers again (with the request's time, once: `request_id`)
        opts.later.add(`audit ${action} ${reply.statusCode}`, () => within(insertOnce(row), opts.dbTimeoutMs, 'audit'));
        return payload;
      }
      // no audit row, no answer as if done: the request fails (the client retries with its key);
      // the refusal's own row follows when the database answers
      request.log.error({ err: (err as Error).name, code: (err as { cause?: { code?: string } }).cause?.code, action }, 'audit write failed');
      const refused = { ...row, statusCode: 503, detail: { refused: unavailableBody('audit').message } };
      opts.later.add(`audit ${action} 503`, () => within(insertOnce(refused), opts.dbTimeoutMs, 'audit'));
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(unavailableBody('audit'));
    }
    return payload;
  });
}
