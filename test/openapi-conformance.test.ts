/**
 * The OpenAPI document tells the truth (issue 8, point 8) and the role matrix holds (point 7):
 * every operation is called with every dev token, a generated body and a bad one; every answer
 * must be a status the document lists for that operation, errors must have the documented
 * shape, no answer may be a 500, a role in `x-roles` is never refused with 403 and a role not in
 * it always is; a wrong method gets 405 with `Allow`. Our own checker rather than schemathesis:
 * it runs inside `npm test` on fastify.inject against the real stack, needs no Python, and is
 * bounded (about a thousand requests, seconds).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { as, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });

type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  minItems?: number;
  $ref?: string;
};
interface Operation {
  operationId?: string;
  tags?: string[];
  'x-roles'?: string[];
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const today = () => new Date().toISOString().slice(0, 10);

/** A plausible value for a schema (required fields only). */
function sample(s: Schema, name = ''): unknown {
  if (s.anyOf ?? s.oneOf) return sample((s.anyOf ?? s.oneOf)![0]!, name);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x) => sample(x, name)));
  if (s.enum) return s.enum[0];
  if (name === 'cpr') return fakeCpr('1970-05-05');
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = sample(s.properties?.[k] ?? {}, k);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}, name));
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date(Date.now() - 3_600_000).toISOString();
      if (s.format === 'date') return today();
      return `sample-${name || 'text'}`;
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return 'x';
  }
}

const TOKENS = [...tokens.entries()].map(([token, user]) => ({ token, role: user.role }));
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, () => randomUUID());

beforeAll(async () => {
  doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
});

describe('the OpenAPI document', () => {
  it('every operation has an operationId (unique), tags, x-roles, its statuses with schemas, and Idempotency-Key on changes', () => {
    const ids = new Set<string>();
    let ops = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        ops++;
        const where = `${method} ${path}`;
        expect(op.operationId, where).toBeTruthy();
        expect(ids.has(op.operationId!), `${where} operationId unique`).toBe(false);
        ids.add(op.operationId!);
        expect(op.tags?.length, where).toBeGreaterThan(0);
        expect(Array.isArray(op['x-roles']), where).toBe(true);
        if (path === '/health') continue;
        for (const status of ['400', '401', '403', '503']) {
          expect(op.responses[status]?.content?.['application/json']?.schema, `${where} ${status}`).toBeDefined();
        }
        expect(op.responses['200'] ?? op.responses['201'], where).toBeDefined();
        if (method !== 'get') {
          expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), where).toBe(true);
          expect(op.responses['422'], where).toBeDefined();
          expect(op.responses['409'], where).toBeDefined();
        }
      }
    }
    expect(ops).toBeGreaterThan(40);
  });
});

describe('conformance of real answers, and the role matrix', () => {
  it('every (role, operation) pair: a documented status, no 500, 403 exactly for the roles not in x-roles', { timeout: 180_000 }, async () => {
    const undocumented: string[] = [];
    const serverErrors: string[] = [];
    const matrix: string[] = [];
    let requests = 0;
    const statuses: Record<number, number> = {};
    const t0 = Date.now();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path === '/health') continue;
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        const query = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
        for (const { token, role } of TOKENS) {
          for (const variant of ['generated', 'bad'] as const) {
            const qs = query.map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema, p.name)))}`).join('&');
            const url = concrete(path) + (qs ? `?${qs}` : '');
            const payload =
              method === 'get'
                ? undefined
                : variant === 'bad'
                  ? '{"__proto__":{"x":1},"unexpected":["\\u0000"]}'
                  : JSON.stringify(bodySchema ? sample(bodySchema) : {});
            const res = await stack.app.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: { ...as(token), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
              ...(payload !== undefined ? { payload } : {}),
            });
            requests++;
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            const where = `${role} ${method.toUpperCase()} ${path} (${variant}) → ${res.statusCode}`;
            if (res.statusCode >= 500 && res.statusCode !== 503) serverErrors.push(`${where}: ${res.body.slice(0, 200)}`);
            if (!op.responses[String(res.statusCode)]) undocumented.push(`${where}: ${res.body.slice(0, 200)}`);
            if (res.statusCode >= 400) {
              const body = res.json();
              expect(body, where).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), message: expect.any(String) });
            }
            const allowed = op['x-roles']!.includes(role);
            if (allowed && res.statusCode === 403) matrix.push(`${where}: allowed by x-roles but refused`);
            if (!allowed && res.statusCode !== 403) matrix.push(`${where}: not in x-roles but not refused`);
          }
        }
      }
    }
    console.log(`[conformance] ${requests} requests in ${Date.now() - t0} ms: ${serverErrors.length} server errors, ${undocumented.length} undocumented statuses, ${matrix.length} role-matrix mismatches; statuses ${JSON.stringify(statuses)}`);
    expect(serverErrors).toEqual([]);
    expect(undocumented).toEqual([]);
    expect(matrix).toEqual([]);
    expect(requests).toBeGreaterThan(500);
  });

  it('a wrong method on a known path → 405 with Allow; an unknown path → 404', async () => {
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      const declared = Object.keys(methods).map((m) => m.toUpperCase());
      for (const wrong of ['PUT', 'DELETE', 'PATCH', 'POST', 'GET']) {
        if (declared.includes(wrong)) continue;
        const res = await stack.app.inject({ method: wrong as 'PUT', url: concrete(path), headers: as('dev-supervisor') });
        expect(res.statusCode, `${wrong} ${path}`).toBe(405);
        expect(res.headers.allow, `${wrong} ${path}`).toContain(declared[0]);
        expect(res.json()).toMatchObject({ statusCode: 405, error: 'Method Not Allowed' });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect((await stack.app.inject({ method: 'GET', url: '/no/such/route', headers: as('dev-supervisor') })).statusCode).toBe(404);
  });
});
