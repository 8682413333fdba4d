/**
 * The codec endpoint (api/codec/routes.ts): the Temporal Web UI's `POST /codec/decode` and
 * `/codec/encode`. Decodes for a role that reads cases (the supervisor), refuses the hospital and
 * the data-protection officer (403) and a request without a token (401, unless the development
 * user is configured); CORS for the Web UI's origin only; every decode is a look-up-log row per
 * citizen its payloads name (purpose `supervision`), a refusal one row.
 */
import { and, eq, gt } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { codecOptionsFromConfig } from '../api/codec/routes.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { accessLog, auditLog } from '../db/schema/index.js';
import { as, testApp, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';
import { testCodec, testDataConverter } from './test-keys.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const UI = 'http://localhost:8233';

const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** A case's workflow input as the Web UI finds it in the history: encrypted, in Temporal's JSON form. */
async function encryptedInputOf(caseId: string, citizenId: string) {
  const plain = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify({ caseId, citizenId })) };
  return (await testCodec().encode([plain])).map(toJson);
}

async function openCase() {
  const ready = new Date(Date.now() - 3_600_000).toISOString();
  const res = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'psychiatric_discharge', cpr: fakeCpr('1950-01-02'), notice: 'faerdigmelding', receivedAt: ready, readyAt: ready, ward: 'Psykiatrisk Center Amager' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const read = (await stack.app.inject({ method: 'GET', url: `/cases/${res.json().id}`, headers: as('dev-supervisor') })).json();
  return { id: res.json().id as string, citizenId: read.citizen.id as string };
}

const lastId = async () => (await stack.database.db.select({ id: accessLog.id }).from(accessLog).orderBy(accessLog.id)).at(-1)?.id ?? 0;
const rowsAfter = (id: number) => stack.database.db.select().from(accessLog).where(and(gt(accessLog.id, id), eq(accessLog.use, 'POST /codec/decode')));

describe('POST /codec/decode', () => {
  it('decodes for the supervisor and logs the look-up of the citizen the payloads name', async () => {
    const c = await openCase();
    const payloads = await encryptedInputOf(c.id, c.citizenId);
    const from = await lastId();
    const res = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: { ...as('dev-supervisor'), 'x-namespace': 'default', origin: UI }, payload: { payloads } });
    expect(res.statusCode, res.body).toBe(200);
    const [decoded] = res.json().payloads as { metadata: Record<string, string>; data: string }[];
    expect(Buffer.from(decoded!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(decoded!.data, 'base64').toString())).toEqual({ caseId: c.id, citizenId: c.citizenId });
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    const rows = await rowsAfter(from);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: 'supervisor-frida', role: 'supervisor', citizenId: c.citizenId, caseId: c.id, purpose: 'supervision', statusCode: 200 });
    // no audit row (a decode changes nothing: it went without an Idempotency-Key, too)
    expect(await stack.database.db.select().from(auditLog).where(eq(auditLog.path, '/codec/decode'))).toEqual([]);
  });

  it('passes a plain payload (a history from before encryption) through', async () => {
    const plain = toJson({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"PSY-2026-000001"') });
    const from = await lastId();
    const res = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: as('dev-supervisor'), payload: { payloads: [plain] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().payloads).toEqual([plain]);
    // every decode is logged, also one that names nobody (a row without a citizen)
    expect(await rowsAfter(from)).toEqual([expect.objectContaining({ userId: 'supervisor-frida', citizenId: null, statusCode: 200, purpose: 'supervision' })]);
  });

  it('refuses the hospital, the data-protection officer and a provider (403, a refused look-up row), and a request without a token (401)', async () => {
    const c = await openCase();
    const payloads = await encryptedInputOf(c.id, c.citizenId);
    for (const [token, role] of [['dev-hospital', 'hospital'], ['dev-data-protection', 'dpo'], ['dev-provider', 'provider']] as const) {
      const from = await lastId();
      const res = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: { ...as(token), origin: UI }, payload: { payloads } });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.body).not.toContain(c.id);
      // the browser may read the refusal (CORS on the error too)
      expect(res.headers['access-control-allow-origin']).toBe(UI);
      expect(await rowsAfter(from)).toEqual([expect.objectContaining({ role, statusCode: 403, citizenId: null })]);
    }
    const anonymous = await stack.app.inject({ method: 'POST', url: '/codec/decode', payload: { payloads } });
    expect(anonymous.statusCode).toBe(401);
    const bad = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: as('dev-supervisor'), payload: { payloads: [{ metadata: { encoding: 'not base64!' } }] } });
    expect(bad.statusCode).toBe(400);
    const garbled = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: as('dev-supervisor'), payload: { payloads: [{ ...payloads[0], data: Buffer.from('short').toString('base64') }] } });
    expect(garbled.statusCode, garbled.body).toBe(400);
  });

  it('CORS: the preflight of the Web UI origin is allowed (Authorization, X-Namespace), another origin is not', async () => {
    const ok = await stack.app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': UI, 'access-control-allow-credentials': 'true' });
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/authorization.*content-type.*x-namespace/);
    const other = await stack.app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const post = await stack.app.inject({ method: 'POST', url: '/codec/decode', headers: { ...as('dev-supervisor'), origin: 'http://evil.example' }, payload: { payloads: [] } });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('encode: the current key, for the same roles', async () => {
    const plain = toJson({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{"a":1}') });
    const res = await stack.app.inject({ method: 'POST', url: '/codec/encode', headers: as('dev-supervisor'), payload: { payloads: [plain] } });
    expect(res.statusCode, res.body).toBe(200);
    const [enc] = res.json().payloads as { metadata: Record<string, string> }[];
    expect(Buffer.from(enc!.metadata['encryption-key-id']!, 'base64').toString()).toBe('test-run');
    expect((await stack.app.inject({ method: 'POST', url: '/codec/encode', headers: as('dev-hospital'), payload: { payloads: [plain] } })).statusCode).toBe(403);
  });
});

describe('the development user (CODEC_DEVELOPMENT_TOKEN)', () => {
  it('a request without a token acts as the configured user; a wrong token is still refused', async () => {
    const dev = await testApp({ database: stack.database, temporal: stack.env.client, taskQueue: stack.worker.taskQueue, codec: { anonymousAs: tokens.get('dev-supervisor')! } });
    try {
      const c = await openCase();
      const from = await lastId();
      const res = await dev.inject({ method: 'POST', url: '/codec/decode', headers: { origin: UI, 'x-namespace': 'default' }, payload: { payloads: await encryptedInputOf(c.id, c.citizenId) } });
      expect(res.statusCode, res.body).toBe(200);
      expect(await rowsAfter(from)).toEqual([expect.objectContaining({ userId: 'supervisor-frida', citizenId: c.citizenId })]);
      expect((await dev.inject({ method: 'POST', url: '/codec/decode', headers: { authorization: 'Bearer nonsense-token' }, payload: { payloads: [] } })).statusCode).toBe(401);
      // only the codec: every other route still wants a token
      expect((await dev.inject({ method: 'GET', url: `/cases/${c.id}` })).statusCode).toBe(401);
    } finally {
      await dev.close();
    }
  });

  it('is validated at start: a token of the file, of a role that reads cases', () => {
    const base = { CODEC_CORS_ORIGINS: UI };
    expect(() => codecOptionsFromConfig({ ...base, CODEC_DEVELOPMENT_TOKEN: 'no-such-token' }, testDataConverter(), tokens)).toThrow(/names no token/);
    expect(() => codecOptionsFromConfig({ ...base, CODEC_DEVELOPMENT_TOKEN: 'dev-hospital' }, testDataConverter(), tokens)).toThrow(ConfigError);
    expect(codecOptionsFromConfig({ ...base, CODEC_DEVELOPMENT_TOKEN: 'dev-supervisor' }, testDataConverter(), tokens).anonymousAs?.role).toBe('supervisor');
    // never in production: a decode without a token would act as that user
    const production = { NODE_ENV: 'production', AUTH_TOKENS_FILE: '/run/secrets/tokens', DATABASE_URL: 'postgres://x@db/overgang' };
    expect(() => loadConfig({ ...production, CODEC_DEVELOPMENT_TOKEN: 'dev-supervisor' })).toThrow(/CODEC_DEVELOPMENT_TOKEN: development only/);
    expect(loadConfig(production).CODEC_DEVELOPMENT_TOKEN).toBeUndefined();
  });

  it('keeps look-ups at least six months (184 days: July–December)', () => {
    expect(loadConfig({}).ACCESS_LOG_RETENTION_DAYS).toBe(184);
    expect(() => loadConfig({ ACCESS_LOG_RETENTION_DAYS: '183' })).toThrow(/ACCESS_LOG_RETENTION_DAYS: must be at least 184/);
  });
});
