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
import { Ajv, type ValidateFunction } from 'ajv';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { Instant } from '../api/contract.js';
import { addDays, localDate } from '../domain/calendar.js';
import { as, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { cancellationOf, medcomScenario } from './medcom-support.js';

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
  /** A change whose request names itself (no Idempotency-Key header): what its key is. */
  'x-idempotency-key'?: string;
  deprecated?: boolean;
  parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema & { additionalProperties?: unknown }; example?: unknown }> }>;
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

// ---- success answers against the documented schema -------------------------------------------

const ajv = new Ajv({ strict: false, allErrors: true });
const validators = new Map<string, ValidateFunction | null>();
/** Operations (`METHOD /path/{id}`) whose 2xx answer was checked against its schema, and the failures. */
const validated = new Set<string>();
const schemaFailures: string[] = [];
let successAnswers = 0;

/** The documented operation a concrete request URL hits (`GET /cases/{id}`), if any. */
function operationOf(method: string, url: string): string | undefined {
  const path = url.split('?')[0]!;
  const hits = Object.keys(doc.paths).filter(
    (p) => doc.paths[p]![method.toLowerCase()] && new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  // a literal segment beats a parameter (e.g. /places/{id}/close vs a longer template)
  hits.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  return hits[0] ? `${method.toUpperCase()} ${hits[0]}` : undefined;
}

/** Epoch milliseconds of 1973-2286: a number this large in an answer is an instant in the wrong format. */
const EPOCH_MS = 1e11;
/** Answers that carried epoch milliseconds: `operation → status at JSON path: value`. */
const epochMillis = new Set<string>();

/** The JSON paths of the numbers ≥ 1e11 in a JSON value (`$.items[0].since`). */
function epochMillisIn(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return value >= EPOCH_MS ? [`${path}: ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => epochMillisIn(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => epochMillisIn(v, `${path}.${k}`));
  return [];
}

/** Checks a 2xx answer against the success schema documented for its operation, and that it carries no epoch milliseconds. */
function checkSuccess(method: string, url: string, res: { statusCode: number; body: string; headers?: Record<string, unknown> }): void {
  if (res.statusCode < 200 || res.statusCode >= 300) return;
  const op = operationOf(method, url);
  if (!op) return;
  if (String(res.headers?.['content-type'] ?? 'application/json').includes('json')) {
    for (const hit of epochMillisIn(JSON.parse(res.body))) epochMillis.add(`${op} → ${res.statusCode} at ${hit}`);
  }
  const [m, path] = op.split(' ') as [string, string];
  const schema = doc.paths[path]![m.toLowerCase()]!.responses[String(res.statusCode)]?.content?.['application/json']?.schema;
  const where = `${op} → ${res.statusCode}`;
  if (!schema) {
    schemaFailures.push(`${where}: no documented schema for this status`);
    return;
  }
  let validate = validators.get(`${op} ${res.statusCode}`);
  if (validate === undefined) {
    validate = ajv.compile({ ...schema, components: doc.components } as object);
    validators.set(`${op} ${res.statusCode}`, validate);
  }
  successAnswers++;
  validated.add(op);
  if (!validate!(JSON.parse(res.body))) {
    schemaFailures.push(`${where}: ${ajv.errorsText(validate!.errors, { separator: '; ' }).slice(0, 600)} — ${res.body.slice(0, 300)}`);
  }
}

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
        if (path.startsWith('/health')) continue; // public: no roles, no body
        for (const status of ['400', '401', '403', '503']) {
          expect(op.responses[status]?.content?.['application/json']?.schema, `${where} ${status}`).toBeDefined();
        }
        expect(op.responses['200'] ?? op.responses['201'], where).toBeDefined();
        // the success answer: a real schema (not "any object") and an example
        const success = (op.responses['200'] ?? op.responses['201'])!.content?.['application/json'];
        expect(success?.example, `${where} success example`).toBeDefined();
        expect(success?.schema.additionalProperties === true && !success.schema.properties, `${where} success schema is only "an object"`).toBe(false);
        expect(op.responses['400']?.content?.['application/json']?.example, `${where} 400 example`).toBeDefined();
        // an older decision URL is documented once, in its canonical operation: never an operation of its own
        expect(/^\/(hospital-discharge\/cases|temporary-stays\/\{id\}\/)/.test(path), `${where} is an older URL`).toBe(false);
        if (method !== 'get') {
          // a change asks for the header, or names the request's own key (a MedCom message: its MessageHeader id)
          expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') || typeof op['x-idempotency-key'] === 'string', where).toBe(true);
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
        if (path.startsWith('/health')) continue; // public: no roles, no body
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
            checkSuccess(method, url, res);
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

describe('success answers match the documented schemas', () => {
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  /** A decision URL: the canonical one, or its older (deprecated) alias; whichever the document has if only one. */
  let style: 'canonical' | 'alias' = 'canonical';
  const decisionUrl = (canonical: string) => {
    const template = canonical.replace(/\/cases\/[^/]+\//, '/cases/{id}/');
    if (doc.paths[template] && style === 'canonical') return canonical;
    return canonical
      .replace(/^\/cases\/([^/]+)\/hospital-discharge\//, '/hospital-discharge/cases/$1/')
      .replace(/^\/cases\/([^/]+)\/temporary-stay\//, '/temporary-stays/$1/');
  };
  async function call(method: 'GET' | 'POST', url: string, token: string, payload?: unknown, expected = method === 'GET' ? 200 : [200, 201]) {
    const res = await stack.app.inject({
      method,
      url,
      headers: as(token),
      ...(payload !== undefined ? { payload: payload as object } : method === 'POST' ? { payload: {} } : {}),
    });
    const ok = Array.isArray(expected) ? expected.includes(res.statusCode) : res.statusCode === expected;
    expect(ok, `${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`).toBe(true);
    checkSuccess(method, url, res);
    return res.json();
  }
  const get = (url: string, token: string) => call('GET', url, token);
  const post = (url: string, token: string, payload: unknown = {}) => call('POST', url, token, payload);

  it('a realistic path through every case type: every 2xx answer has its documented shape', { timeout: 180_000 }, async () => {
    const today = localDate(Date.now());
    const tag = randomUUID().slice(0, 8);

    // housing offers, rates, reads
    const offer = await post('/housing-offers', 'dev-psychiatry', { name: `Botilbud ${tag}`, targetGroup: 'Adults with severe mental illness', places: ['Room 1'] });
    await post(`/housing-offers/${offer.id}/places`, 'dev-chief', { labels: ['Room 2'] });
    await get('/housing-offers?vacant=true', 'dev-chief');
    const rates = await get('/payments/bed-day-rates', 'dev-supervisor');
    const first = rates.items[0] as { kind: 'somatic' | 'psychiatric'; validFrom: string } | undefined;
    if (first) {
      // the same tiers from a day years ahead: today's prices (and the seeded example rows other test
      // files sharing the database read) do not change
      const sameSet = rates.items.filter((r: { kind: string; validFrom: string }) => r.kind === first.kind && r.validFrom === first.validFrom);
      await post('/payments/bed-day-rates', 'dev-chief', {
        kind: first.kind,
        validFrom: `${new Date().getUTCFullYear() + 5}-01-01`,
        tiers: sameSet.map((r: { fromDay: number; toDay: number | null; dkkPerDay: number }) => ({ fromDay: r.fromDay, toDay: r.toDay, dkkPerDay: Number(r.dkkPerDay) })),
      });
    }

    // a psychiatric case from forvarsling to discharge to the offer
    const psy = await post('/cases', 'dev-hospital', { type: 'psychiatric_discharge', cpr: fakeCpr('1980-02-02'), notice: 'forvarsling', receivedAt: iso(Date.now() - HOUR), ward: 'Psykiatrisk Center Amager' });
    const p = `/cases/${psy.id}/psychiatric`;
    await post(`${p}/notices`, 'dev-hospital', { notice: 'faerdigmelding', receivedAt: iso(Date.now() - HOUR / 2), readyAt: iso(Date.now() - HOUR / 2) });
    await post(`${p}/long-course`, 'dev-psychiatry', { reason: 'No fitting offer yet' });
    await post(`${p}/status-meetings`, 'dev-chief', { heldOn: today, decision: 'Look in own offers first', participants: ['Carla', 'Dorte'] });
    await post(`${p}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Help with meals', wishesForFuture: 'Own flat', chosenOfferId: offer.id, regionTookPart: true });
    await post(`${p}/placement`, 'dev-psychiatry', { offerId: offer.id });
    await post(`${p}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'The ward finds the offer unsuitable' });
    await post(`${p}/chief-decision`, 'dev-chief', { decision: 'municipality_support_upheld', reasoning: 'The offer fits', regionRefusesDischarge: false });
    await get(`${p}/records`, 'dev-psychiatry');
    await get(`/cases/${psy.id}/bed-days`, 'dev-chief');
    const placed = await get(`/cases/${psy.id}?live=true`, 'dev-psychiatry');
    // the workflow's status carries `placement.decidedAtLocal` (workflows/psychiatric/state.ts); its contract does not, so it is not sent
    const workflowStatus = await stack.env.client.workflow.getHandle(psy.workflowId).query<{ placement?: Record<string, unknown> }>('status');
    expect(workflowStatus.placement).toHaveProperty('decidedAtLocal');
    expect(placed.live.placement).not.toHaveProperty('decidedAtLocal');
    expect(placed.live.placement.decidedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+0[12]:00$/);
    await get(`/cases/${psy.id}`, 'dev-chief');
    await post(`${p}/discharge`, 'dev-hospital', { dischargedAt: iso(Date.now() - 60_000), destination: 'offer' });
    // another: an external place, then withdrawn
    const psy2 = await post('/cases', 'dev-hospital', { type: 'psychiatric_discharge', cpr: fakeCpr('1981-03-03'), notice: 'faerdigmelding', receivedAt: iso(Date.now() - HOUR), readyAt: iso(Date.now() - HOUR), ward: 'Psykiatrisk Center Amager' });
    await post(`/cases/${psy2.id}/psychiatric/involvement`, 'dev-psychiatry', { wishesForSupport: 'Quiet place', wishesForFuture: 'Work' });
    await post(`/cases/${psy2.id}/psychiatric/external-placement`, 'dev-psychiatry', { provider: 'Privat Botilbud ApS', reasonCode: 'no_vacant_own_place_fits', reason: 'Needs a locked unit' });
    await post(`/cases/${psy2.id}/psychiatric/withdraw`, 'dev-hospital', { reason: 'Readmitted to treatment' });

    // the case-type paths twice: at the canonical decision URLs and at their deprecated aliases
    for (style of ['canonical', 'alias'] as const) {
      // a hospital-discharge case: vulnerable → conference → more help at home → discharged → follow-ups
      const carePlan = (birth: string) => ({
        type: 'hospital_discharge',
        cpr: fakeCpr(birth),
        receivedAt: iso(Date.now() - HOUR),
        ward: 'Bispebjerg Hospital, afsnit 42',
        admittedAt: iso(Date.now() - 5 * 24 * HOUR),
        expectedDischargeDate: addDays(today, 1),
        functionalLevel: 'FSIII: personlig hygiejne 3',
        freeText: 'Hoftebrud',
      });
      const hd = await post('/cases', 'dev-hospital', carePlan('1946-04-04'));
      const h = (action: string) => decisionUrl(`/cases/${hd.id}/hospital-discharge/${action}`);
      await post(h('reroute'), 'dev-assessor', { to: 'SOF', reason: 'Dominant social-pedagogical need' });
      await post(h('vulnerability-assessment'), 'dev-assessor', { vulnerable: true, note: 'Lives alone' });
      await post(h('conference'), 'dev-coordinator', { heldAt: iso(Date.now() - HOUR / 2), note: 'Daughter present' });
      await post(h('decision'), 'dev-coordinator', {
        holisticAssessment: 'Needs more help in the mornings',
        decision: { kind: 'more_help_at_home', help: 'Morning care', minutesPerWeek: 210, providerStartsOn: addDays(today, 2) },
      });
      await post(h('faerdigbehandlet'), 'dev-hospital', { readyAt: iso(Date.now() - HOUR / 4) });
      await get(h('care-plan'), 'dev-coordinator');
      await get(`/hospital-discharge/tasks?caseId=${hd.id}`, 'dev-supervisor');
      await post(h('discharged'), 'dev-hospital', { dischargedAt: iso(Date.now() - 60_000) });
      await post(h('help-follow-up'), 'dev-assessor', { followedUpAt: iso(Date.now()) });
      await post(h('follow-up-visit'), 'dev-assessor', { visitedAt: iso(Date.now()), note: 'Managing well' });
      await get(`/cases/${hd.id}`, 'dev-assessor');
      await get(`/cases/${hd.id}`, 'dev-supervisor');
      // readmitted / died; a same-day handover (a "phone the provider" task after 14:30)
      const hd2 = await post('/cases', 'dev-hospital', carePlan('1947-05-05'));
      await post(decisionUrl(`/cases/${hd2.id}/hospital-discharge/readmitted`), 'dev-hospital', { readmittedAt: iso(Date.now()) });
      const hd3 = await post('/cases', 'dev-hospital', carePlan('1948-06-06'));
      await post(decisionUrl(`/cases/${hd3.id}/hospital-discharge/vulnerability-assessment`), 'dev-assessor', { vulnerable: false, providerStartsOn: today });
      const tasks = await get(`/hospital-discharge/tasks?caseId=${hd3.id}&status=open`, 'dev-assessor');
      if (tasks[0]) await post(`/hospital-discharge/tasks/${tasks[0].id}/done`, 'dev-assessor');
      await post(decisionUrl(`/cases/${hd3.id}/hospital-discharge/died`), 'dev-hospital', { diedAt: iso(Date.now()) });

      // temporary stays: facility, places, two applications, an offer accepted, the stay ended
      const placeType = `conformance-${tag}-${style}`;
      // the housing team lead registers the place types first (a request naming an unregistered type is refused)
      await post('/place-types', 'dev-housing', { code: placeType, name: `Plads ${tag} ${style}` });
      await post('/place-types', 'dev-housing', { code: `${placeType}-spare`, name: `Reserveplads ${tag} ${style}` });
      await get('/place-types', 'dev-coordinator');
      const facility = await post('/facilities', 'dev-housing', { name: `Plejecenter ${tag} ${style}`, address: 'Nørrebrogade 1' });
      await get('/facilities', 'dev-assessor');
      const app = (cpr: string, priority: string) => ({ cpr, eligible: true, placeType, purpose: 'rehabilitation', priority, appliedAt: iso(Date.now() - 2 * 24 * HOUR) });
      const a = await post('/temporary-stays', 'dev-assessor', app(fakeCpr('1939-07-07'), 'hoej'));
      const b = await post('/temporary-stays', 'dev-assessor', app(fakeCpr('1938-08-08'), 'planlagt'));
      const c = await post('/temporary-stays', 'dev-assessor', app(fakeCpr('1937-09-09'), 'planlagt'));
      const t = (id: string, action: string) => decisionUrl(`/cases/${id}/temporary-stay/${action}`);
      await post(t(b.id, 'priority'), 'dev-assessor', { priority: 'middel', reason: 'danger_to_self' });
      await eventually(async () => (await get(`/waiting-list?placeType=${placeType}`, 'dev-housing')).entries.length === 3);
      const place = await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
      const offered = await eventually(async () => (await get(`/temporary-stays/${a.id}`, 'dev-assessor')).offer);
      await get(`/waiting-list?placeType=${placeType}`, 'dev-supervisor');
      await post(t(a.id, 'offer-reply'), 'dev-housing', { offerId: offered.offerId, accept: true, plannedEndDate: addDays(today, 21) });
      await get(`/places?placeType=${placeType}`, 'dev-assessor');
      await post(t(a.id, 'reassessment'), 'dev-assessor', { outcome: 'extension', newEndDate: addDays(today, 28) });
      await post(t(a.id, 'end-stay'), 'dev-housing', { reason: 'moved_out' });
      await get(`/temporary-stays/${a.id}`, 'dev-supervisor');
      await get(`/temporary-stays/${a.id}?live=true`, 'dev-supervisor');
      await post(t(b.id, 'withdraw'), 'dev-assessor', { reason: 'no_longer_needed' });
      await post(t(c.id, 'hospital-events'), 'dev-hospital', { event: 'readmitted' });
      // a place of a type nobody waits for: vacant → closed → reopened
      const spare = await post('/places', 'dev-housing', { facilityId: facility.id, placeType: `${placeType}-spare`, label: 'Stue 9' });
      await post(`/places/${spare.id}/close`, 'dev-housing');
      await post(`/places/${spare.id}/reopen`, 'dev-housing');
      expect(place.id).toBeTruthy();
    }

    // lists, totals, escalations
    await get('/work-queue?limit=5', 'dev-supervisor');
    await get('/work-queue', 'dev-assessor');
    await get('/escalations?limit=5', 'dev-supervisor');
    await get('/payments/bed-days', 'dev-chief');
    await get('/payments/bed-days?caseType=psychiatric_discharge&state=closed', 'dev-psychiatry');
    await get('/health', 'dev-supervisor');
    await get('/health/live', 'dev-supervisor');
    await get('/health/ready', 'dev-supervisor');
    // MedCom: the IG's STIN for a citizen with a case → its acknowledgement, its hospital episode, the advis inbox, a review
    const medcomCpr = fakeCpr('1947-09-25');
    await post('/cases', 'dev-hospital', {
      type: 'hospital_discharge',
      cpr: medcomCpr,
      receivedAt: iso(Date.now() - HOUR),
      ward: 'Herlev Hospital',
      admittedAt: iso(Date.now() - 2 * 24 * HOUR),
      expectedDischargeDate: addDays(today, 1),
      functionalLevel: 'FSIII',
      freeText: 'x',
    });
    const stin = medcomScenario({ cpr: medcomCpr });
    await post('/medcom/hospital-notifications', 'dev-hospital', stin.json('STIN'));
    const advis = await get('/medcom/hospital-notifications?reviewed=false&limit=500', 'dev-assessor');
    const notification = advis.items.find((i: { id: string }) => i.id === stin.messageId('STIN'));
    await get(`/hospital-episodes/${notification.episodeId}`, 'dev-assessor');
    await post(`/medcom/hospital-notifications/${notification.id}/review`, 'dev-assessor');
    // a leave (STOR) and its cancellation (AN_STOR) → a review case, read and reviewed
    await post('/medcom/hospital-notifications', 'dev-hospital', stin.json('STOR'));
    const anStor = cancellationOf(stin, 'STOR', 'cancel-start-leave-inpatient');
    await post('/medcom/hospital-notifications', 'dev-hospital', anStor.bundle);
    const cancelled = (await get('/medcom/hospital-notifications?reviewed=false&limit=500', 'dev-assessor')).items.find((i: { id: string }) => i.id === anStor.messageId);
    const reviewCaseId = cancelled.effects[0].reviewCaseId as string;
    await get(`/cases/${reviewCaseId}`, 'dev-assessor');
    await post(`/cases/${reviewCaseId}/notification-review/reviewed`, 'dev-assessor');

    // a grant: granted, delivered time (a significant deviation), reassessed, changed, expiry, change of provider, ended; a refusal
    await get('/providers', 'dev-assessor');
    await get('/grant-services', 'dev-provider');
    let monday = addDays(today, -21);
    while (new Date(`${monday}T12:00:00Z`).getUTCDay() !== 1) monday = addDays(monday, -1);
    const gr = await post('/grants', 'dev-assessor', { cpr: fakeCpr('1936-10-10'), decision: 'granted', serviceCode: 'praktisk-hjaelp', minutesPerDelivery: 5, deliveriesPerWeek: 5, startsOn: monday, providerCode: 'privat-a', reason: 'need_assessed' });
    const g = (action: string) => `/cases/${gr.id}/grant/${action}`;
    for (const week of [0, 7, 14]) await post(g('delivered-time'), 'dev-provider', { weekStart: addDays(monday, week), minutes: 50 });
    await post(g('reassessed'), 'dev-assessor');
    await post(g('change'), 'dev-assessor', { minutesPerDelivery: 10, deliveriesPerWeek: 5, fromDay: today, endsOn: addDays(today, 60), reason: 'delivered_time_deviates' });
    await post(g('expiry'), 'dev-assessor', { outcome: 'let_end' });
    await post(g('change-provider'), 'dev-assessor', { toProviderCode: 'privat-b' });
    await get(`/cases/${gr.id}/grant`, 'dev-provider');
    await get(`/cases/${gr.id}/grant`, 'dev-supervisor');
    await get('/provider/grants', 'dev-provider');
    await get(`/cases/${gr.id}?live=true`, 'dev-assessor');
    await post(g('end'), 'dev-assessor', { lastDay: addDays(today, 10), reason: 'citizen_request' });
    await post('/grants', 'dev-assessor', { cpr: fakeCpr('1935-11-11'), decision: 'refused', serviceCode: 'madservice', minutesPerDelivery: 10, deliveriesPerWeek: 7, startsOn: today, reason: 'no_need' });

    // a nursing-home follow-up: decided, and one closed; complaints against the ended review case and the grant
    const nh = await post('/nursing-home-follow-ups', 'dev-assessor', { cpr: fakeCpr('1934-12-12'), movedInOn: today });
    await get(`/cases/${nh.id}?live=true`, 'dev-assessor');
    await post(`/cases/${nh.id}/nursing-home-follow-up/decision`, 'dev-assessor', { decision: 'Personlig pleje morgen og aften.' });
    const nh2 = await post('/nursing-home-follow-ups', 'dev-assessor', { cpr: fakeCpr('1933-12-12'), movedInOn: today });
    await post(`/cases/${nh2.id}/nursing-home-follow-up/close`, 'dev-assessor', { reason: 'died' });
    const kla = await post('/complaints', 'dev-assessor', { concernsCaseId: gr.id, about: 'decision', receivedOn: today, receivedVia: 'citizen', complaint: 'For lidt hjælp.' });
    await get(`/cases/${kla.id}?live=true`, 'dev-assessor');
    await post(`/cases/${kla.id}/complaint/reconsidered`, 'dev-assessor', { outcome: 'upheld', statement: 'Fastholdt.' });
    const kla2 = await post('/complaints', 'dev-assessor', { concernsCaseId: reviewCaseId, about: 'decision', receivedOn: today, receivedVia: 'provider', providerCode: 'privat-a', providerReceivedOn: today, complaint: 'Klage.' });
    await post(`/cases/${kla2.id}/complaint/withdraw`, 'dev-assessor');

    // interval stays: an interval-capable type, the interval list, a booking cancelled, one arrived and ended, a calendar
    const ivType = `interval-${tag}`;
    await post('/place-types', 'dev-housing', { code: ivType, name: 'Aflastning (interval)' });
    await post('/interval-place-types', 'dev-housing', { placeType: ivType });
    const ivFacility = await post('/facilities', 'dev-housing', { name: `Plejecenter ${ivType}` });
    const ivPlace = await post('/places', 'dev-housing', { facilityId: ivFacility.id, placeType: ivType, label: 'Stue 1' });
    const ivEntry = await post('/interval-list', 'dev-assessor', { cpr: fakeCpr('1938-08-08'), placeType: ivType, everyWeeks: 6, stayDays: 7, suits: 'Stue 1' });
    await get(`/interval-list?placeType=${ivType}`, 'dev-housing');
    const ivLater = await post('/interval-bookings', 'dev-housing', { entryId: ivEntry.id, placeId: ivPlace.id, from: addDays(today, 30), to: addDays(today, 36) });
    await post(`/interval-bookings/${ivLater.bookingId}/cancel`, 'dev-housing');
    const ivNow = await post('/interval-bookings', 'dev-housing', { entryId: ivEntry.id, placeId: ivPlace.id, from: today, to: addDays(today, 6) });
    await get(`/places/${ivPlace.id}/calendar`, 'dev-housing');
    await post(`/interval-bookings/${ivNow.bookingId}/arrived`, 'dev-housing');
    await get(`/cases/${ivNow.caseId}?live=true`, 'dev-housing');
    await post(`/cases/${ivNow.caseId}/interval-stay/ended`, 'dev-housing');
    // each booked stay is a case: its decisions, and the booking routes as their aliases
    const ivNoShow = await post('/interval-bookings', 'dev-housing', { entryId: ivEntry.id, placeId: ivPlace.id, from: today, to: addDays(today, 1) });
    await post(`/cases/${ivNoShow.caseId}/interval-stay/no-show`, 'dev-housing');
    const ivCancel = await post('/interval-bookings', 'dev-housing', { entryId: ivEntry.id, placeId: ivPlace.id, from: addDays(today, 40), to: addDays(today, 46) });
    await post(`/cases/${ivCancel.caseId}/interval-stay/cancel`, 'dev-housing');
    const ivAgain = await post('/interval-bookings', 'dev-housing', { entryId: ivEntry.id, placeId: ivPlace.id, from: today, to: addDays(today, 1) });
    await post(`/cases/${ivAgain.caseId}/interval-stay/arrived`, 'dev-housing');
    await post(`/interval-bookings/${ivAgain.bookingId}/ended`, 'dev-housing');

    const open = await get('/escalations?status=open&limit=50', 'dev-chief');
    if (open.items[0]) await call('POST', `/escalations/${open.items[0].id}/acknowledge`, 'dev-chief', {}, [200, 409]);

    expect(schemaFailures).toEqual([]);
  });

  it('no answer carries epoch milliseconds (one time format at the edges)', () => {
    // every 2xx JSON answer above (the matrix and the path) was walked: a number ≥ 1e11 is an instant in epoch ms
    const offenders = [...epochMillis].sort();
    if (offenders.length) console.log(`[conformance] epoch milliseconds in answers:\n  ${offenders.join('\n  ')}`);
    expect(offenders).toEqual([]);
  });

  it('the success schemas were checked for most operations (the matrix and the path above)', () => {
    const all = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const missing = all.filter((op) => !validated.has(op));
    console.log(`[conformance] ${successAnswers} success answers validated against their schemas, ${validated.size} of ${all.length} operations; not reached: ${missing.join(', ')}`);
    expect(schemaFailures).toEqual([]);
    // not reached only when nothing is due: an open escalation to acknowledge, a "phone the provider" task (after 14:30)
    expect(missing.filter((op) => !/acknowledge|\/tasks\/\{taskId\}\/done|\/grant\/provider-phoned/.test(op))).toEqual([]);
  });
});

describe('a field outside a contract is not sent (need to know by construction)', () => {
  it("the project's serializer encodes an answer through its contract: an extra field is stripped, an instant gets the Copenhagen offset", async () => {
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const Answer = z.object({ id: z.string(), at: Instant, nested: z.object({ kept: z.boolean() }) });
    app.get('/answer', { schema: { response: { 200: Answer } } }, async () => {
      // what a handler might hand over: more than the contract says
      const data = { id: 'case-1', at: Date.UTC(2026, 10, 20, 9), cpr: '0101701234', nested: { kept: true, note: 'free text' } };
      return data;
    });
    const res = await app.inject({ method: 'GET', url: '/answer' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'case-1', at: '2026-11-20T10:00:00+01:00', nested: { kept: true } });
    expect(res.body).not.toContain('0101701234');
    expect(res.body).not.toContain('free text');
  });
});
