/**
 * `Idempotency-Key`: a change repeated with the same key (by the same user) has no second
 * effect and gets the first response back. Workflow updates also carry the key as their
 * update id, so even two concurrent repeats reach the workflow once.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema/index.js';
import { errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyReplay?: boolean;
  }
}

export function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** A stable UUID derived from a user's idempotency key (e.g. the id of the case it opens). */
export function uuidFromKey(user: string, scope: string, key: string): string {
  const h = createHash('sha256').update(`${user}\u0000${scope}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The update id for a decision: the idempotency key when given (scoped to user and route). */
export function updateIdFor(request: FastifyRequest): string | undefined {
  const key = idempotencyKey(request);
  return key && request.user ? uuidFromKey(request.user.user, request.routeOptions.url ?? '', key) : undefined;
}

/**
 * Starts a case's workflow. A repeated intake (same Idempotency-Key, so the same case id and
 * workflow id) whose first attempt started the workflow but did not answer gets that workflow.
 */
export async function startOrResume<T extends Workflow>(
  client: Client,
  workflow: T,
  options: WorkflowStartOptions<T>,
): Promise<WorkflowHandle<T>> {
  try {
    return await client.workflow.start(workflow, options);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle<T>(options.workflowId);
  }
}

export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (request, reply) => {
    const key = idempotencyKey(request);
    if (!key || request.method === 'GET' || !request.user) return;
    if (key.length > 200) return reply.code(400).send(errorBody(400, 'Idempotency-Key must be at most 200 characters'));
    const [stored] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, request.user.user), eq(idempotencyKeys.key, key)));
    if (!stored) return;
    const path = request.url.split('?')[0]!;
    if (stored.method !== request.method || stored.path !== path) {
      return reply
        .code(422)
        .send(errorBody(422, `Idempotency-Key already used for ${stored.method} ${stored.path}`));
    }
    request.idempotencyReplay = true;
    reply.header('idempotent-replay', 'true');
    return reply.code(stored.statusCode).send(stored.response);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = idempotencyKey(request);
    if (!key || request.method === 'GET' || !request.user || request.idempotencyReplay) return payload;
    if (reply.statusCode >= 500 || reply.statusCode === 401 || reply.statusCode === 403) return payload;
    if (reply.statusCode === 400 || reply.statusCode === 422) return payload;
    let response: unknown = null;
    if (typeof payload === 'string') {
      try {
        response = JSON.parse(payload);
      } catch {
        response = payload;
      }
    }
    await db
      .insert(idempotencyKeys)
      .values({
        userId: request.user.user,
        key,
        method: request.method,
        path: request.url.split('?')[0]!,
        statusCode: reply.statusCode,
        response,
      })
      .onConflictDoNothing();
    return payload;
  });
}
