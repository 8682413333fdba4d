/** HTTP errors as JSON: 400 names each bad field, 404/409 say why, never a 500 for caller mistakes. */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  databaseUnavailable,
  DependencyUnavailable,
  RETRY_AFTER_SECONDS,
  CAPACITY_RETRY_AFTER_SECONDS,
  temporalUnavailable,
  unavailableBody,
  whoDidNotAnswer,
  type Dependency,
} from './faults.js';
import { arrivedTooLate, DecisionPending } from './late-decisions.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Seconds for `Retry-After` (a refusal that passes by itself, e.g. a case still being opened). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) =>
  new HttpError(400, message, field ? { fields: [{ field, message }] } : {});
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
/** 409 for a state that passes by itself: retry after a moment (`Retry-After`). */
export const conflictForNow = (message: string) => new HttpError(409, message, {}, 1);

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  503: 'Service Unavailable',
};

export function errorBody(statusCode: number, message: string, extra: Record<string, unknown> = {}) {
  return { statusCode, error: titles[statusCode] ?? 'Error', message, ...extra };
}

/** The refusal reason of an Update whose validator (or handler) rejected it. */
export function updateRefusal(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { message?: string } | undefined;
    return cause?.message ?? err.message;
  }
  return undefined;
}

/** The part of a request Fastify's own client errors are about (anything else: the body). */
const FASTIFY_ERROR_FIELDS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'headers.content-type',
  FST_ERR_CTP_INVALID_TYPE: 'headers.content-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'headers.content-length',
};

/** The longest path segment the router takes (Fastify's default): ids are far shorter. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Fastify's errors before a route is found (`frameworkErrors`): a path segment longer than the
 * router takes (414) or a URL that is not valid percent-encoding (400). The answer names the path,
 * never repeats it (whatever a caller put there stays out of answers and logs).
 */
export function frameworkErrorAnswer(err: Pick<FastifyError, 'code'>) {
  const statusCode = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message = statusCode === 414 ? `path: a path segment is longer than ${MAX_PARAM_LENGTH} characters` : 'path: not a valid URL (bad percent-encoding)';
  return { statusCode, body: errorBody(statusCode, message, { fields: [{ field: 'path', message }] }) };
}

export function registerErrorHandler(app: FastifyInstance, temporal: Client): void {
  const unavailable = (reply: import('fastify').FastifyReply, dependency: Dependency) =>
    reply
      .code(503)
      .header('retry-after', String(dependency === 'capacity' ? CAPACITY_RETRY_AFTER_SECONDS : RETRY_AFTER_SECONDS))
      .send(unavailableBody(dependency));
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const fields = err.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return { field: path ? `${where}.${path}` : where, message: v.message ?? 'invalid' };
      });
      const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      return reply.code(400).send(errorBody(400, `invalid request — ${summary}`, { fields }));
    }
    if (err instanceof HttpError) {
      if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, err.extra));
    }
    if (err instanceof DecisionPending) {
      request.auditNote = { pending: true, state: err.state };
      const message =
        err.state === 'accepted'
          ? 'the case accepted the decision; its answer is not known yet: repeat with the same Idempotency-Key'
          : 'a worker is deciding it right now; repeat with the same Idempotency-Key for its outcome';
      return reply.code(202).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ pending: true, state: err.state, message });
    }
    // a copy of this decision held by Temporal reached the case after its instant: not applied
    if (arrivedTooLate(err)) return unavailable(reply, 'worker');
    const refusal = updateRefusal(err);
    if (refusal !== undefined) return reply.code(409).send(errorBody(409, refusal));
    if (err instanceof WorkflowNotFoundError) return reply.code(404).send(errorBody(404, 'case not found'));
    if (err instanceof DependencyUnavailable) {
      request.log.warn({ dependency: err.dependency }, err.dependency === 'capacity' ? 'decision not admitted: as many as the workers take are waiting' : 'a dependency did not answer');
      return unavailable(reply, err.dependency);
    }
    if (temporalUnavailable(err)) {
      const dependency = await whoDidNotAnswer(temporal, err);
      request.log.warn({ dependency, err: { name: err.name, code: (err.cause as { code?: number } | undefined)?.code } }, 'Temporal did not answer');
      return unavailable(reply, dependency);
    }
    if (databaseUnavailable(err)) {
      request.log.warn({ dependency: 'database', err: { name: err.name } }, 'the database did not answer');
      return unavailable(reply, 'database');
    }
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return reply.code(409).send(errorBody(409, 'a case with that id is already open'));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors (bad JSON, wrong content type, body too large, …): the part they name
      const field = FASTIFY_ERROR_FIELDS[err.code] ?? 'body';
      return reply.code(err.statusCode).send(errorBody(err.statusCode, `${field}: ${err.message}`, { fields: [{ field, message: err.message }] }));
    }
    // A database error's message carries the query's parameters (a CPR, a care plan's text):
    // log what operations need to find it, never the message.
    const cause = (err as { cause?: { code?: string; constraint_name?: string } }).cause;
    const frames = err.stack?.split('\n').filter((l) => l.trimStart().startsWith('at ')).join('\n');
    request.log.error({ err: { name: err.name, code: cause?.code, constraint: cause?.constraint_name, stack: frames } }, 'request failed');
    return reply.code(500).send(errorBody(500, 'internal error; the request was logged'));
  });
}
