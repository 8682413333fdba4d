/**
 * Audit trail: every request to a route with `config.audit` (every change, and every read of
 * a citizen's data) writes one row: who, role, what, when, which case, outcome.
 * Personal identifiers (CPR) and free text (which may hold health details) are never copied
 * into it: the detail keeps codes, ids, dates, numbers and booleans, and names the text fields
 * that were sent (their content lives in the case's own tables, behind their own roles).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema/index.js';
import { RETRY_AFTER_SECONDS, unavailableBody, within } from './faults.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Case the request concerned, when not in the `:id` parameter (e.g. a newly opened case). */
    auditCaseId?: string;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A value safe to keep in the audit: a code (`home_with_help`), an id, a date or an instant. */
const CODE_LIKE = /^(?:[a-zæøå0-9_-]{1,40}|[0-9a-f-]{36}|\d{4}-\d{2}-\d{2}(?:T[0-9:.+\-Z]+)?)$/;
export const WITHHELD = '(text withheld)';

export function withoutIdentifiers(value: unknown): unknown {
  if (typeof value === 'string') return CODE_LIKE.test(value) ? value : WITHHELD;
  if (Array.isArray(value)) return value.map(withoutIdentifiers);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/cpr/i.test(k)) continue;
      out[k] = withoutIdentifiers(v);
    }
    return out;
  }
  return value;
}

function caseIdOf(request: FastifyRequest): string | null {
  if (request.auditCaseId) return request.auditCaseId;
  const params = request.params as Record<string, unknown> | undefined;
  const id = params?.caseId ?? params?.id;
  return typeof id === 'string' && UUID.test(id) && request.routeOptions.url?.includes('/cases/') ? id : null;
}

export function registerAudit(app: FastifyInstance, db: Db, opts: { dbTimeoutMs: number }): void {
  // every change is audited: a route that changes something and names no action gets its method and URL
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'GET' || m === 'HEAD') || route.url.startsWith('/docs')) return;
    const config = (route.config ?? {}) as { audit?: string; access?: unknown };
    if (config.access === 'public' || config.audit) return;
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
      detail = withoutIdentifiers(request.body) as Record<string, unknown>;
    }
    try {
      await within(
        db.insert(auditLog).values({
          userId: request.user.user,
          role: request.user.role,
          action,
          caseId: caseIdOf(request),
          method: request.method,
          path: request.url.split('?')[0]!,
          statusCode: reply.statusCode,
          detail,
        }),
        opts.dbTimeoutMs,
        'audit',
      );
    } catch (err) {
      // no audit row, no answer as if done: the request fails (the client retries with its key)
      request.log.error({ err: (err as Error).name, code: (err as { cause?: { code?: string } }).cause?.code, action }, 'audit write failed');
      if (reply.statusCode === 503) return payload; // already failing for the dependency that took the audit down with it
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify(unavailableBody('audit'));
    }
    return payload;
  });
}
