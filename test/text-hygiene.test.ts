/**
 * Text hygiene at the edge: every string field of every route (generated from the OpenAPI
 * document, so a new route or field is covered without editing this test) refuses NUL, a lone
 * surrogate and other control characters with 400 naming the field. No Temporal server is
 * needed: a refused request never reaches a workflow.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { textProblem } from '../api/schemas.js';
import { as, deadTemporalClient, testApp } from './api-helpers.js';
import { pgliteDatabase } from './helpers.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  maxLength?: number;
};

/** One way to reach a string field: the field's name in a 400 answer and how to build a body around a value. */
interface StringField {
  field: string;
  build: (bad: string) => unknown;
}

const isString = (s: JsonSchema) => s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));

/** Every string leaf of a body schema, with the discriminator values of the union branch it is in. */
function stringFields(schema: JsonSchema, path: string[], wrap: (v: unknown) => unknown, base: Record<string, unknown> = {}): StringField[] {
  const out: StringField[] = [];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    for (const b of branches) out.push(...stringFields(b, path, wrap, base));
    return out;
  }
  if (schema.allOf) {
    for (const b of schema.allOf) out.push(...stringFields(b, path, wrap, base));
    return out;
  }
  if (isString(schema)) {
    out.push({ field: ['body', ...path].join('.'), build: wrap });
    return out;
  }
  if (schema.type === 'array' && schema.items) {
    out.push(...stringFields(schema.items, [...path, '0'], (v) => wrap([v])));
    return out;
  }
  if (schema.properties) {
    // discriminators (a `const` property) stay set so the right union branch is checked
    const fixed: Record<string, unknown> = {};
    const constOf = (p: JsonSchema) => (p.const !== undefined ? p.const : p.enum?.length === 1 ? p.enum[0] : undefined);
    for (const [k, p] of Object.entries(schema.properties)) if (constOf(p) !== undefined) fixed[k] = constOf(p);
    for (const [k, p] of Object.entries(schema.properties)) {
      if (constOf(p) !== undefined) continue;
      out.push(...stringFields(p, [...path, k], (v) => wrap({ ...fixed, [k]: v })));
    }
  }
  return out;
}

const BAD_BODY_VALUES: Record<string, string> = {
  NUL: 'Psykiatrisk\u0000Center',
  'lone surrogate': 'Psykiatrisk \ud800 Center',
  'lone low surrogate': 'x\udc00',
  escape: 'x\u001b[31m',
  'C1 control': 'x\u0085y',
};
const BAD_URL_VALUES: Record<string, string> = { NUL: '%00', escape: '%1B', 'unit separator': 'a%1Fb' };

let database: Database;
let app: FastifyInstance;
let doc: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> }; parameters?: { in: string; name: string; schema: JsonSchema }[] }>> };
const tokenOf = new Map<string, string>();
const TOKENS = ['dev-supervisor', 'dev-hospital', 'dev-assessor', 'dev-coordinator', 'dev-psychiatry', 'dev-chief', 'dev-housing', 'dev-provider', 'dev-data-protection'];

/** A token allowed on the route (the 403 answer names the allowed roles). */
async function tokenFor(method: string, url: string): Promise<string> {
  const k = `${method} ${url}`;
  if (tokenOf.has(k)) return tokenOf.get(k)!;
  for (const t of TOKENS) {
    const res = await app.inject({ method: method as 'GET', url, headers: as(t), ...(method === 'GET' ? {} : { payload: {} }) });
    if (res.statusCode !== 403 && res.statusCode !== 401) {
      tokenOf.set(k, t);
      return t;
    }
  }
  throw new Error(`no dev token may call ${k}`);
}

const ID = '00000000-0000-4000-8000-000000000000';
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, ID);

beforeAll(async () => {
  database = await pgliteDatabase();
  app = await testApp({ database, temporal: deadTemporalClient(), taskQueue: 'no-such-queue' });
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('the shared text definition', () => {
  it('refuses NUL, lone surrogates and control characters; a long text keeps line breaks and tabs', () => {
    for (const v of Object.values(BAD_BODY_VALUES)) {
      expect(textProblem(v, false)).toBeDefined();
      expect(textProblem(v, true)).toBeDefined();
    }
    expect(textProblem('Line one\nline two\twith a tab\r\n', true)).toBeUndefined();
    expect(textProblem('Line one\nline two', false)).toBeDefined();
    expect(textProblem('Ærø 😀 Å', false)).toBeUndefined(); // a surrogate pair is fine
  });
});

describe('every string field of every route', () => {
  it('a body string with NUL, a lone surrogate or a control character → 400 naming the field', async () => {
    let checked = 0;
    const routes = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (!schema) continue;
        const fields = stringFields(schema, [], (v) => v);
        const url = concrete(path);
        const token = await tokenFor(method.toUpperCase(), url);
        for (const f of fields) {
          for (const [what, bad] of Object.entries(BAD_BODY_VALUES)) {
            const res = await app.inject({
              method: method.toUpperCase() as 'POST',
              url,
              headers: { ...as(token), 'content-type': 'application/json' },
              payload: JSON.stringify(f.build(bad)),
            });
            const named = (res.json().fields ?? []).map((x: { field: string }) => x.field);
            expect(res.statusCode, `${method} ${path} ${f.field} with ${what}: ${res.body}`).toBe(400);
            expect(named, `${method} ${path} ${f.field} with ${what}`).toContain(f.field);
            expect(res.body).not.toContain('\u0000');
            checked++;
            routes.add(`${method} ${path}`);
          }
        }
      }
    }
    // the document has string fields on many routes: a generator that found none would prove nothing
    expect(routes.size).toBeGreaterThanOrEqual(20);
    expect(checked).toBeGreaterThan(300);
  });

  it('a query string or path parameter with NUL or a control character → 400 naming it', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) {
          if (p.in !== 'query' && p.in !== 'path') continue;
          const token = await tokenFor(method.toUpperCase(), concrete(path));
          for (const [what, bad] of Object.entries(BAD_URL_VALUES)) {
            const url =
              p.in === 'path'
                ? concrete(path.replace(`{${p.name}}`, `x${bad}`))
                : `${concrete(path)}?${encodeURIComponent(p.name)}=x${bad}`;
            const res = await app.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: as(token),
              ...(method === 'get' ? {} : { payload: {} }),
            });
            expect(res.statusCode, `${method} ${url} (${what}): ${res.body}`).toBe(400);
            const where = p.in === 'path' ? 'params' : 'querystring';
            expect(res.json().fields.map((x: { field: string }) => x.field), `${method} ${url}`).toContain(`${where}.${p.name}`);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('a long text keeps its line breaks; a one-line text refuses them', async () => {
    // psychiatric long-course reason (long text) vs. a housing offer's name (one line)
    const lineRes = await app.inject({
      method: 'POST',
      url: '/housing-offers',
      headers: as('dev-psychiatry'),
      payload: { name: 'Bostedet\nNord', targetGroup: 'Adults', places: [] },
    });
    expect(lineRes.statusCode).toBe(400);
    expect(lineRes.json().fields.map((x: { field: string }) => x.field)).toEqual(['body.name']);
    const longRes = await app.inject({
      method: 'POST',
      url: `/cases/${ID}/psychiatric/long-course`,
      headers: as('dev-psychiatry'),
      payload: { reason: 'First line\nsecond line\twith a tab' },
    });
    expect(longRes.statusCode).not.toBe(400);
  });
});
