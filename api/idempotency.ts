/**
 * `Idempotency-Key`: a change repeated with the same key (by the same user) has no second
 * effect and gets the first response back. The key is bound to a hash of method, path and body
 * (another request with the same key → 422). The first request claims the key (`in_progress`);
 * concurrent repeats wait for its answer (up to `waitMs`, then 409 with Retry-After). A request
 * that did not take effect (400/401/403/422/5xx) releases the key. Keys expire after `ttlMs` for
 * another request only: the same request is still answered with its first answer. An intake's
 * binding lives on with its case (the hash kept with its case number: `intake` in decisions.ts).
 * Workflow updates also carry the key as their update id.
 */
import { idempotencyForm } from './decision-urls.js';
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, lt, ne, or, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { errorBody } from './errors.js';
import { within, writeAfterChange } from './faults.js';
import type { Later } from './later.js';
import { textProblem } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyReplay?: boolean;
    /** Answered by the idempotency layer itself (replay, 409 in progress, 422): nothing changed, no audit row. */
    idempotencyAnswered?: boolean;
    /** This request holds the key's claim (it runs; repeats wait for its answer). */
    idempotencyClaim?: { userId: string; key: string };
    /** The request hash the key is bound to (an intake keeps it with its case: `intake` in decisions.ts). */
    idempotencyHash?: string;
  }
}

export function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** The request carries an `Idempotency-Key` header with nothing (or only blanks) in it. */
function emptyIdempotencyKey(request: FastifyRequest): boolean {
  const raw = request.headers['idempotency-key'];
  return typeof raw === 'string' && raw.trim() === '';
}

/** A stable UUID derived from a user's idempotency key (e.g. the id of the case it opens). */
export function uuidFromKey(user: string, scope: string, key: string): string {
  const h = createHash('sha256').update(`${user}\u0000${scope}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id of what a creating request makes (a case, a facility, a place): derived from its
 * Idempotency-Key, scoped to the user and the route, so a repeat makes nothing new; fresh without one.
 */
export function newIdFor(request: FastifyRequest): string {
  const key = idempotencyKey(request);
  return key ? uuidFromKey(request.user!.user, `${request.method} ${request.routeOptions.url}`, key) : randomUUID();
}

/** The update id for a decision: the idempotency key when given (scoped to user and route). */
export function updateIdFor(request: FastifyRequest): string | undefined {
  const key = idempotencyKey(request);
  // the old and the new URL of one decision are one scope (api/decision-urls.ts)
  return key && request.user ? uuidFromKey(request.user.user, idempotencyForm(request.routeOptions.url ?? ''), key) : undefined;
}

/** Canonical JSON (keys sorted) so that the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? '';
}

/** What a key is bound to: method, path and (validated) body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(body)}`).digest('hex');
}

export interface IdempotencyOptions {
  /** How long a key is bound to its request (ms); afterwards the same key may name another request (the same one still replays). */
  ttlMs: number;
  /** How long a repeat waits for the first request still running before it gets 409 (ms). */
  waitMs: number;
  /** Bound on each database round trip of this layer (ms). */
  dbTimeoutMs: number;
  /** Where the release of a failed request's key waits for the database (never holding back its 503). */
  later: Later;
}

/** An `in_progress` claim older than this is abandoned (its API process died): a repeat takes it over. */
const ABANDONED_CLAIM_MS = 120_000;

export function registerIdempotency(app: FastifyInstance, db: Db, opts: IdempotencyOptions): void {
  const bounded = <T>(p: Promise<T>) => within(p, opts.dbTimeoutMs, 'database');
  const where = (userId: string, key: string) => and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));

  app.addHook('preHandler', async (request, reply) => {
    const key = idempotencyKey(request);
    // a read (the codec's decode and encode are POSTs that change nothing) needs no key
    if (request.method === 'GET' || request.method === 'HEAD' || !request.user || request.routeOptions.config?.lookup) return;
    // an empty (or blank) header is a client's mistake, not "no key": a retry would run twice
    if (emptyIdempotencyKey(request)) {
      request.idempotencyAnswered = true;
      const message = 'must not be empty: send 1-200 characters, or leave the header out';
      return reply.code(400).send(errorBody(400, `Idempotency-Key ${message}`, { fields: [{ field: 'headers.idempotency-key', message }] }));
    }
    if (!key && request.routeOptions.config?.selfKeyed) return; // the request names itself (e.g. a MedCom MessageHeader id)
    if (!key) {
      // every change carries a key: a retry without one (after a 503, a lost answer) could apply it twice
      request.idempotencyAnswered = true;
      const message = 'required on every change: send 1-200 characters naming this request, the same again when you retry it';
      return reply.code(400).send(errorBody(400, `Idempotency-Key header ${message}`, { fields: [{ field: 'headers.idempotency-key', message }] }));
    }
    if (key.length > 200 || textProblem(key, false)) {
      request.idempotencyAnswered = true;
      return reply.code(400).send(errorBody(400, 'Idempotency-Key must be 1-200 characters without control characters', { fields: [{ field: 'headers.idempotency-key', message: 'invalid' }] }));
    }
    const userId = request.user.user;
    // the old and the new URL of one decision are one request (api/decision-urls.ts)
    const path = idempotencyForm(request.url.split('?')[0]!);
    const hash = requestHash(request.method, path, request.body);
    request.idempotencyHash = hash;
    const deadline = Date.now() + opts.waitMs;
    for (;;) {
      // keys expire: a key older than the TTL is forgotten for another request (the same request
      // still gets its first answer: no second effect, no second audit row), an abandoned claim for
      // any. One statement claims a new key or takes over a forgotten one (one round trip).
      const claim = Promise.resolve(
        db
          .insert(idempotencyKeys)
          .values({ userId, key, method: request.method, path, requestHash: hash, state: 'in_progress', statusCode: 0, response: null })
          .onConflictDoUpdate({
            target: [idempotencyKeys.userId, idempotencyKeys.key],
            set: { method: request.method, path, requestHash: hash, state: 'in_progress', statusCode: 0, response: null, createdAt: sql`now()` },
            setWhere: or(
              and(
                lt(idempotencyKeys.createdAt, new Date(Date.now() - opts.ttlMs)),
                or(ne(idempotencyKeys.method, request.method), ne(idempotencyKeys.path, path), ne(idempotencyKeys.requestHash, hash), ne(idempotencyKeys.state, 'done')),
              ),
              and(eq(idempotencyKeys.state, 'in_progress'), lt(idempotencyKeys.createdAt, new Date(Date.now() - ABANDONED_CLAIM_MS))),
            ),
          })
          .returning({ key: idempotencyKeys.key }),
      );
      const claimed = await bounded(claim).catch((err: unknown) => {
        // answered 503, yet the claim may still land: the database driver keeps a statement queued
        // on a connection that hangs and sends it once the database answers again. A key it
        // claims then is released at once, or the repeat would wait on it as "in progress".
        claim.then(
          (rows) => rows.length > 0 && opts.later.add(`release late claim of ${request.method} ${request.routeOptions.url}`, () => bounded(db.delete(idempotencyKeys).where(and(where(userId, key), eq(idempotencyKeys.state, 'in_progress'))))),
          () => {},
        );
        throw err;
      });
      if (claimed.length > 0) {
        request.idempotencyClaim = { userId, key };
        return;
      }
      const [stored] = await bounded(db.select().from(idempotencyKeys).where(where(userId, key)));
      if (!stored) continue; // released by a failed first attempt: claim it now
      if (stored.method !== request.method || stored.path !== path || (stored.requestHash && stored.requestHash !== hash)) {
        request.idempotencyAnswered = true;
        return reply
          .code(422)
          .send(
            errorBody(
              422,
              stored.method !== request.method || stored.path !== path
                ? `Idempotency-Key already used for ${stored.method} ${stored.path}`
                : 'Idempotency-Key already used with a different request body; use a new key for a new request',
            ),
          );
      }
      if (stored.state === 'done') {
        request.idempotencyReplay = true;
        request.idempotencyAnswered = true;
        reply.header('idempotent-replay', 'true');
        // the first answer as it was sent (it went through its contract then): not encoded again,
        // so an answer stored by an earlier version replays as it was
        return reply.code(stored.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(stored.response));
      }
      if (Date.now() >= deadline) {
        request.idempotencyAnswered = true;
        return reply
          .code(409)
          .header('retry-after', '1')
          .send(errorBody(409, 'a request with this Idempotency-Key is still in progress; retry later for its answer'));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    const status = reply.statusCode;
    try {
      // a request that did not take effect (bad input, refused role, a dependency down) releases
      // its key, so a retry with the same key runs again
      if (status >= 500) {
        // a dependency failed: the answer goes now, the key is released as soon as the database answers
        opts.later.add(`release key of ${request.method} ${request.routeOptions.url}`, () => bounded(db.delete(idempotencyKeys).where(where(claim.userId, claim.key))));
        return payload;
      }
      // 202: accepted and pending (an intake still opening): the repeat runs again and learns the outcome
      if (status === 202 || status === 400 || status === 401 || status === 403 || status === 422) {
        const release = () => db.delete(idempotencyKeys).where(where(claim.userId, claim.key));
        await writeAfterChange(opts.later, `release key of ${request.method} ${request.routeOptions.url}`, release, () => bounded(release()));
        return payload;
      }
      let response: unknown = null;
      if (typeof payload === 'string') {
        try {
          response = JSON.parse(payload);
        } catch {
          response = payload;
        }
      }
      const done = () => db.update(idempotencyKeys).set({ state: 'done', statusCode: status, response }).where(where(claim.userId, claim.key));
      // the change took effect: its answer goes now; if the database stopped answering meanwhile,
      // the first answer is kept as soon as it answers again
      await writeAfterChange(opts.later, `keep the answer of ${request.method} ${request.routeOptions.url}`, done, () => bounded(done()));
    } catch (err) {
      // the answer stands; a repeat after ABANDONED_CLAIM_MS runs again (decisions are Updates with the key as id)
      request.log.warn({ err: (err as Error).name }, 'could not record the idempotent answer');
    }
    return payload;
  });
}
