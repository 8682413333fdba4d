/**
 * A truthful OpenAPI document, made in one place from what the routes declare: every
 * operation gets an operationId, tags, its roles (in the description and as `x-roles`), the
 * Idempotency-Key header on changes, and a response for every status it can answer (the
 * success status, 400, 401, 403, 404, 405 is app-wide, 409, 413, 414, 415, 422, 503) with its schema. The
 * success schema is the route's own answer contract (`schema.response`, zod: the schema its
 * answers are encoded with); a route without one does not start. A wrong method on a known path
 * answers 405 with `Allow`. `test/openapi-conformance.test.ts` checks real answers against the
 * document.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Access } from './auth.js';
import { answerJsonSchema, ErrorAnswer } from './contract.js';
import { errorBody, frameworkErrorAnswer, MAX_PARAM_LENGTH } from './errors.js';

export interface RouteInfo {
  method: string;
  /** Fastify form, e.g. /cases/:id */
  url: string;
  access: Access | undefined;
  /** The request names itself (e.g. a MedCom MessageHeader id): no Idempotency-Key header. */
  selfKeyed?: string;
  hasBody: boolean;
  hasQuery: boolean;
  hasParams: boolean;
  /** A deprecated alias: the canonical URL it answers for (`config.aliasOf`). */
  aliasOf?: string;
  /** The route's success contracts (`schema.response`: status → zod schema). */
  response?: Record<string, z.ZodType>;
  /** Content types the success answer comes in besides JSON (`schema.produces`, e.g. FHIR JSON and XML). */
  produces?: string[];
  /** The route's own body limit (bytes): a larger body → 413. */
  bodyLimit?: number;
}

/** Reads that can answer 409 (a case of another type asked for through a type's route). */
const READS_WITH_CONFLICT = /^GET \/(hospital-discharge\/cases|cases\/:id\/hospital-discharge|cases\/:id\/psychiatric|cases\/:id\/bed-days)/;

const errorSchema = answerJsonSchema(ErrorAnswer);

const errorResponse = (description: string, example: Record<string, unknown>, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example } },
});

/** One example per error status (the bodies `errorBody` makes). */
const ERROR_EXAMPLES: Record<string, Record<string, unknown>> = {
  '400': errorBody(400, 'invalid request — body.receivedAt: must be an instant with an offset', {
    fields: [{ field: 'body.receivedAt', message: 'must be an instant with an offset' }],
  }),
  '401': errorBody(401, 'missing bearer token (Authorization: Bearer <token>)'),
  '403': errorBody(403, 'role hospital may not call this route; allowed: needs_assessor', { allowedRoles: ['needs_assessor'] }),
  '404': errorBody(404, 'no case 3f1c9a4e-8b2d-4c7a-9e15-6d0b2a7f4c31'),
  '409': errorBody(409, 'the case has ended (discharged_home)'),
  '422': errorBody(422, 'Idempotency-Key already used with a different request body; use a new key for a new request'),
  '503': errorBody(503, 'Temporal did not answer in time; retry with the same Idempotency-Key', { dependency: 'temporal' }),
};

const retryAfter = { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } } };

export const operationId = (method: string, url: string) =>
  method.toLowerCase() +
  url
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? `By${seg.slice(1, 2).toUpperCase()}${seg.slice(2)}` : seg))
    .map((seg) => seg.replace(/[-_]+(.)/g, (_, c: string) => c.toUpperCase()))
    .map((seg) => seg.slice(0, 1).toUpperCase() + seg.slice(1))
    .join('');

/** The statuses an operation can answer, with their responses. */
/** A response of the document from an answer's contract (its description and example from the contract's meta). */
function responseFromContract(schema: z.ZodType, fallbackDescription: string, produces: string[] = []) {
  const { description, example, ...rest } = answerJsonSchema(schema);
  const json = { schema: rest, ...(example !== undefined ? { example } : {}) };
  // another JSON type (application/fhir+json) has the same schema; an XML type is the same resource in FHIR XML
  const more = produces
    .filter((t) => t !== 'application/json')
    .map((t) => [t, t.includes('json') ? json : { schema: { type: 'string', description: 'The same resource in FHIR XML (http://hl7.org/fhir)' } }]);
  return {
    description: typeof description === 'string' ? description : fallbackDescription,
    content: { 'application/json': json, ...Object.fromEntries(more) },
  };
}

/** The statuses an operation can answer, with their responses: its success from its contract, its errors. */
function responsesFor(r: RouteInfo, defaultBodyLimit: number): Record<string, unknown> {
  const key = `${r.method} ${r.url}`;
  const out: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(r.response ?? {}).filter(([status]) => status.startsWith('2'))) {
    out[status] = responseFromContract(schema, status === '201' ? 'Created' : 'OK', r.produces);
  }
  if (r.access === 'public') {
    // a public route documents its own 503 (the health check: which dependency does not answer)
    const unavailable = r.response?.['503'];
    if (unavailable) out['503'] = responseFromContract(unavailable, 'Service Unavailable');
    return out;
  }
  out['400'] = errorResponse('Bad request: the fields named in `fields` (body, query, path, headers)', ERROR_EXAMPLES['400']!);
  out['401'] = errorResponse('No or unknown bearer token', ERROR_EXAMPLES['401']!);
  out['403'] = errorResponse('The role may not call this route (`allowedRoles`)', ERROR_EXAMPLES['403']!);
  if (r.hasParams || r.method !== 'GET') out['404'] = errorResponse('Unknown case or object', ERROR_EXAMPLES['404']!);
  if (r.method !== 'GET' || READS_WITH_CONFLICT.test(key)) out['409'] = errorResponse('Refused: does not fit the current state (the reason), or the same Idempotency-Key is still in progress (with Retry-After)', ERROR_EXAMPLES['409']!, retryAfter);
  if (r.hasParams) {
    out['414'] = errorResponse(`A path segment is longer than ${MAX_PARAM_LENGTH} characters (ids are far shorter)`, frameworkErrorAnswer({ code: 'FST_ERR_MAX_PARAM_LENGTH' }).body);
  }
  if (r.method !== 'GET') {
    const limit = r.bodyLimit ?? defaultBodyLimit;
    out['413'] = errorResponse(`The body is larger than ${limit} bytes (nothing read, nothing kept)`, errorBody(413, 'body: Request body is too large', { fields: [{ field: 'body', message: 'Request body is too large' }] }));
    out['415'] = errorResponse('The body is not in a content type the route reads (`Content-Type`: application/json unless the route says otherwise)', errorBody(415, 'headers.content-type: Unsupported Media Type: text/plain', { fields: [{ field: 'headers.content-type', message: 'Unsupported Media Type: text/plain' }] }));
  }
  if (r.method !== 'GET') out['422'] = errorResponse('The Idempotency-Key was used for another request', ERROR_EXAMPLES['422']!);
  out['503'] = errorResponse('A dependency (`dependency`: database, temporal, worker, audit) did not answer, or (`capacity`) as many decisions as the workers take were waiting and this one was not sent; retry with the same Idempotency-Key after `Retry-After`', ERROR_EXAMPLES['503']!, retryAfter);
  return out;
}

/** Collects the routes as they are declared and answers 405 for a wrong method on a known path. */
export function registerOpenApiTruth(app: FastifyInstance): {
  routes: RouteInfo[];
  transform: typeof jsonSchemaTransform;
  transformObject: (doc: object) => never;
} {
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    const response = schema.response as Record<string, unknown> | undefined;
    if (!route.url.startsWith('/docs') && !Object.keys(response ?? {}).some((status) => status.startsWith('2'))) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no answer contract (schema.response)`);
    }
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        access: (route.config as { access?: Access } | undefined)?.access,
        // a look-up sent as a POST (the codec endpoint) changes nothing: no key asked for
        selfKeyed: (route.config as { selfKeyed?: string } | undefined)?.selfKeyed ?? ((route.config as { lookup?: string } | undefined)?.lookup ? 'none: a read that changes nothing (logged as a look-up)' : undefined),
        hasBody: schema.body !== undefined,
        hasQuery: schema.querystring !== undefined,
        hasParams: route.url.includes(':'),
        aliasOf: (route.config as { aliasOf?: string } | undefined)?.aliasOf,
        response: schema.response as Record<string, z.ZodType> | undefined,
        ...(Array.isArray(schema.produces) ? { produces: schema.produces as string[] } : {}),
        ...(typeof route.bodyLimit === 'number' ? { bodyLimit: route.bodyLimit } : {}),
      });
    }
  });

  const patterns = () => routes.map((r) => ({ r, re: new RegExp(`^${r.url.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`) }));
  let compiled: ReturnType<typeof patterns> | undefined;
  app.setNotFoundHandler((request, reply) => {
    compiled ??= patterns();
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(compiled.filter((p) => p.re.test(path)).map((p) => p.r.method))];
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody(405, `method ${request.method} not allowed on ${path}; allowed: ${allowed.join(', ')}`));
    }
    return reply.code(404).send(errorBody(404, `no route ${request.method} ${path}`));
  });

  const transformObject = (input: object): never => {
    const openapiObject = (input as { openapiObject: Record<string, unknown> }).openapiObject;
    const doc = openapiObject as {
      paths?: Record<string, Record<string, Record<string, unknown>>>;
      components?: Record<string, Record<string, unknown>>;
    };
    doc.components = { ...doc.components, schemas: { ...(doc.components?.schemas ?? {}), Error: errorSchema } };
    for (const r of routes) {
      const path = r.url.replace(/:([^/]+)/g, '{$1}');
      const op = doc.paths?.[path]?.[r.method.toLowerCase()];
      if (!op) continue;
      op.operationId = operationId(r.method, r.url);
      if (r.aliasOf) op.deprecated = true;
      if (!op.tags) op.tags = [r.url.split('/')[1] ?? 'api'];
      if (r.access === 'public') {
        op.security = [];
        op['x-roles'] = [];
      } else {
        const rolesList = [...(r.access ?? [])];
        op['x-roles'] = rolesList;
        const line = `Roles: ${rolesList.join(', ')}.`;
        op.description = op.description ? `${op.description}\n\n${line}` : line;
      }
      if (r.selfKeyed) op['x-idempotency-key'] = r.selfKeyed; // the request's own key, instead of the header
      if (r.method !== 'GET' && r.access !== 'public' && !r.selfKeyed) {
        const params = (op.parameters as Record<string, unknown>[] | undefined) ?? [];
        if (!params.some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key')) {
          params.push({
            in: 'header',
            name: 'Idempotency-Key',
            required: true,
            description: 'Required on every change (missing or empty → 400). Makes the change safe to repeat: same key + same request → the first answer; same key + another request → 422 (1-200 characters)',
            schema: { type: 'string', minLength: 1, maxLength: 200 },
            example: 'notice-4711',
          });
        }
        op.parameters = params;
      }
      op.responses = responsesFor(r, app.initialConfig.bodyLimit ?? 1_048_576);
    }
    return openapiObject as never;
  };
  /** Requests as the zod type provider documents them; answers are documented from their contracts in `transformObject`. */
  const transform: typeof jsonSchemaTransform = (input) => {
    const schema = input.schema as Record<string, unknown> | undefined;
    if (!schema?.response) return jsonSchemaTransform(input);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { response: _response, ...rest } = schema;
    return jsonSchemaTransform({ ...input, schema: rest } as typeof input);
  };
  return { routes, transform, transformObject };
}
