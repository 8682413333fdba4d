/**
 * Payload encryption (docs/encryption.md): with encryption on — as every test stack runs — the
 * raw history of a case of each type, read by a client without the codec, holds no readable
 * payload: workflow input and result, signal and update arguments, update results, activity
 * inputs and results, memo are `binary/encrypted` with their key id. What stays readable by
 * design — search attributes, patch markers, summaries — names no case, citizen or text. The
 * encrypted histories replay through the codec. Key rotation: a case opened under the old key
 * goes on under the new one; its old payloads still decode, its new ones carry the new key.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { encryptingDataConverter, EncryptionCodec, ENCRYPTED_ENCODING, isEncrypted, keyIdOf, newKeySetJson, parsePayloadKeys, payloadKeysFromConfig } from '../codec/index.js';
import { ConfigError } from '../config/index.js';
import { as, testApp } from './api-helpers.js';
import { openEveryCaseType } from './every-case-type.js';
import { fakeCpr } from './fixtures.js';
import { eventually, startWorker, useTestStack, waitUntilIdle } from './helpers.js';
import { testCodec, testDataConverter } from './test-keys.js';
import { allocatorWorkflowId } from '../workflows/temporary-stay/allocation-state.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const PLACE_TYPE = `enc-${Math.random().toString(36).slice(2, 8)}`;

interface Found {
  path: string;
  event: string;
  payload: Payload;
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/** Every payload in a raw history (an object with `metadata` of bytes), with where it sits. */
function payloadsIn(history: { events?: unknown[] | null }): Found[] {
  const out: Found[] = [];
  const walk = (v: unknown, path: string, event: string) => {
    if (!v || typeof v !== 'object' || isBytes(v)) return;
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`, event));
    const o = v as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && Object.values(o.metadata as object).every(isBytes) && (o.data === undefined || o.data === null || isBytes(o.data))) {
      out.push({ path, event, payload: o as Payload });
      return;
    }
    for (const [k, x] of Object.entries(o)) walk(x, path ? `${path}.${k}` : k, event);
  };
  for (const e of history.events ?? []) {
    const ev = e as Record<string, unknown>;
    const attrs = Object.keys(ev).find((k) => k.endsWith('EventAttributes') && ev[k]);
    walk(ev, '', attrs ?? 'event');
  }
  return out;
}

/**
 * Readable by design: search attributes, the SDK's patch markers, summaries (user metadata), and
 * headers (the SDK passes them by the codec; overgang's one header is a decision's not-after instant).
 */
const byDesign = (f: Found) => /searchAttributes|\.indexedFields|userMetadata|markerRecordedEventAttributes\.details|\.header\.fields\./.test(f.path);

describe('raw histories hold no readable payload', () => {
  it('a case of each type: input, result, signal and update arguments are encrypted; what stays readable names nobody', async () => {
    const cases = await openEveryCaseType(stack, PLACE_TYPE);
    // a decision on each of two types (an Update each; the psychiatric one ends the case: a result)
    const hd = await stack.app.inject({ method: 'POST', url: `/cases/${cases.hospital_discharge.id}/hospital-discharge/faerdigbehandlet`, headers: as('dev-hospital'), payload: { readyAt: new Date(Date.now() - 1_800_000).toISOString() } });
    expect(hd.statusCode, hd.body).toBe(200);
    const psy = await stack.app.inject({ method: 'POST', url: `/cases/${cases.psychiatric_discharge.id}/psychiatric/withdraw`, headers: as('dev-hospital'), payload: {} });
    expect(psy.statusCode, psy.body).toBe(200);

    const raw = new Client({ connection: stack.env.connection }); // no codec: what the Temporal server holds
    const seenKinds = new Set<string>();
    for (const [type, c] of Object.entries(cases)) {
      const row = (await stack.app.inject({ method: 'GET', url: `/cases/${c.id}`, headers: as('dev-supervisor') })).json();
      const handle = raw.workflow.getHandle(row.workflowId);
      await waitUntilIdle(handle);
      const history = await handle.fetchHistory();
      const found = payloadsIn(history);
      const plain = found.filter((f) => !isEncrypted(f.payload));
      const wrongly = plain.filter((f) => !byDesign(f));
      expect(wrongly.map((f) => `${f.event} ${f.path} ${text(f.payload.metadata?.[METADATA_ENCODING_KEY])}`), type).toEqual([]);
      for (const f of found.filter((x) => isEncrypted(x.payload))) {
        seenKinds.add(f.event);
        expect(keyIdOf(f.payload)).toBe('test-run');
        // nothing of the case in clear: its id, its citizen, its CPR
        const bytes = Buffer.from(f.payload.data!).toString('latin1');
        expect(bytes).not.toContain(c.id);
        expect(bytes).not.toContain(row.citizen.id);
      }
      // readable by design, and naming nobody: no case or citizen id, no CPR, no text
      for (const f of plain) {
        const shown = text(f.payload.data);
        expect(shown, `${type} ${f.path}`).not.toContain(c.id);
        expect(shown, `${type} ${f.path}`).not.toContain(row.citizen.id);
        expect(shown, `${type} ${f.path}`).not.toContain(c.cpr.slice(0, 6));
      }
      expect(found.some((f) => f.event === 'workflowExecutionStartedEventAttributes' && isEncrypted(f.payload)), `${type}: its input`).toBe(true);
      // the same history replays through the codec (the worker's converter) against today's code
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter() }, history, row.workflowId);
    }
    // the place type's allocator: the waiting list joins are signals (signal-with-start from an activity's client)
    const allocator = raw.workflow.getHandle(allocatorWorkflowId(PLACE_TYPE));
    const signalled = payloadsIn(await allocator.fetchHistory());
    const signals = signalled.filter((f) => f.event === 'workflowExecutionSignaledEventAttributes');
    expect(signals.length).toBeGreaterThan(0);
    expect(signalled.filter((f) => !isEncrypted(f.payload) && !byDesign(f)).map((f) => `${f.event} ${f.path}`)).toEqual([]);
    for (const f of signals) seenKinds.add(f.event);
    // each kind of payload met at least once across the four cases
    expect([...seenKinds]).toEqual(
      expect.arrayContaining([
        'workflowExecutionStartedEventAttributes',
        'activityTaskScheduledEventAttributes',
        'activityTaskCompletedEventAttributes',
        'workflowExecutionUpdateAcceptedEventAttributes',
        'workflowExecutionUpdateCompletedEventAttributes',
        'workflowExecutionCompletedEventAttributes',
        'workflowExecutionSignaledEventAttributes',
      ]),
    );
    console.log(`[encryption] encrypted payload kinds: ${[...seenKinds].sort().join(', ')}`);
  }, 180_000);
});

const jsonPayload = (value: unknown): Payload => ({ metadata: { [METADATA_ENCODING_KEY]: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(value)) });
/** Keys by id, made once each: a key set is the current id and some of them. */
const keyBytes = new Map<string, string>();
const keyOf = (id: string) => {
  if (!keyBytes.has(id)) keyBytes.set(id, (JSON.parse(newKeySetJson(id)) as { keys: Record<string, string> }).keys[id]!);
  return keyBytes.get(id)!;
};
const keysJson = (current: string, ...ids: string[]) => JSON.stringify({ current, keys: Object.fromEntries(ids.map((id) => [id, keyOf(id)])) });
const keySet = (current: string, ...ids: string[]) => parsePayloadKeys(keysJson(current, ...ids), 'test');

describe('the payload codec', () => {
  it('encrypts with the current key (its id in the metadata), decrypts, and passes plain payloads through', async () => {
    const codec = new EncryptionCodec(keySet('k1', 'k1'));
    const plain = jsonPayload({ caseId: randomUUID() });
    const [enc] = await codec.encode([plain]);
    expect(text(enc!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(keyIdOf(enc!)).toBe('k1');
    expect(Buffer.from(enc!.data!).toString('latin1')).not.toContain('caseId');
    const [dec] = await codec.decode([enc!]);
    expect(text(dec!.data)).toBe(text(plain.data));
    expect(text(dec!.metadata![METADATA_ENCODING_KEY])).toBe('json/plain');
    // a payload this codec did not encrypt (a recorded plain history) is passed through as it is
    const [through] = await codec.decode([plain]);
    expect(through).toBe(plain);
  });

  it('refuses a tampered payload, a swapped key id and an unknown key', async () => {
    const codec = new EncryptionCodec(keySet('k1', 'k1', 'k2'));
    const [enc] = await codec.encode([jsonPayload({ a: 1 })]);
    const tampered = { ...enc!, data: Uint8Array.from(enc!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    const swapped = { ...enc!, metadata: { ...enc!.metadata, 'encryption-key-id': new TextEncoder().encode('k2') } };
    await expect(codec.decode([swapped])).rejects.toThrow();
    const other = new EncryptionCodec(keySet('k3', 'k3'));
    await expect(other.decode([enc!])).rejects.toThrow(/key k1, which is not configured/);
  });

  it('key rotation: the new current key encrypts, the old one still decrypts', async () => {
    const [old] = await new EncryptionCodec(keySet('2026-06', '2026-06')).encode([jsonPayload({ n: 1 })]);
    const rotated = new EncryptionCodec(keySet('2026-12', '2026-12', '2026-06'));
    const [fresh] = await rotated.encode([jsonPayload({ n: 2 })]);
    expect([keyIdOf(old!), keyIdOf(fresh!)]).toEqual(['2026-06', '2026-12']);
    expect((await rotated.decode([old!, fresh!])).map((p) => text(p.data))).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('the key set is validated at start, naming what is wrong', () => {
    const bad = (json: string) => () => parsePayloadKeys(json, 'PAYLOAD_KEYS');
    expect(bad('not json')).toThrow(/PAYLOAD_KEYS: not JSON/);
    expect(bad(JSON.stringify({ current: 'a', keys: { a: Buffer.alloc(16).toString('base64') } }))).toThrow(/keys\.a: must be 32 bytes/);
    expect(bad(JSON.stringify({ current: 'b', keys: { a: keyOf('a') } }))).toThrow(/current: names no key/);
    expect(bad(JSON.stringify({ current: 'a b', keys: { 'a b': keyOf('a') } }))).toThrow(/key id/);
    expect(bad(JSON.stringify({ current: 'a', keys: { a: keyOf('a') }, extra: 1 }))).toThrow(ConfigError);
    expect(() => payloadKeysFromConfig({})).toThrow(/PAYLOAD_KEYS_FILE: required/);
    expect(() => payloadKeysFromConfig({ PAYLOAD_KEYS: keysJson('a', 'a'), PAYLOAD_KEYS_FILE: '/x' })).toThrow(/not both/);
    expect(() => payloadKeysFromConfig({ PAYLOAD_KEYS_FILE: '/nonexistent/keys.json' })).toThrow(/PAYLOAD_KEYS_FILE: ENOENT/);
    expect(payloadKeysFromConfig({ PAYLOAD_KEYS: keysJson('a', 'a') }).current).toBe('a');
  });
});

const openPsychiatric = async (app: typeof stack.app) => {
  const ready = new Date(Date.now() - 3_600_000).toISOString();
  const res = await app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: { type: 'psychiatric_discharge', cpr: fakeCpr('1958-05-06'), notice: 'faerdigmelding', receivedAt: ready, readyAt: ready, ward: 'Psykiatrisk Center Amager' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; workflowId: string };
};

describe('key rotation on a running case', () => {
  it('a case opened under the old key goes on under the new one: old payloads still decode, new ones carry the new key', async () => {
    const taskQueue = `tq-rotation-${randomUUID()}`;
    const before = encryptingDataConverter(keySet('2026-06', '2026-06'));
    const after = encryptingDataConverter(keySet('2026-12', '2026-12', '2026-06'));
    const oldWorker = await startWorker(stack.env, stack.database, taskQueue, before);
    const oldApp = await testApp({ database: stack.database, temporal: new Client({ connection: stack.env.connection, dataConverter: before }), taskQueue });
    const opened = await openPsychiatric(oldApp);
    const raw = new Client({ connection: stack.env.connection }).workflow.getHandle(opened.workflowId);
    await waitUntilIdle(raw);
    await oldApp.close();
    await oldWorker.stop();

    // rotated: a new current key, the old one kept
    const newWorker = await startWorker(stack.env, stack.database, taskQueue, after);
    const newApp = await testApp({ database: stack.database, temporal: new Client({ connection: stack.env.connection, dataConverter: after }), taskQueue, codec: { codec: after.payloadCodecs![0]! } });
    try {
      const decided = await newApp.inject({ method: 'POST', url: `/cases/${opened.id}/psychiatric/withdraw`, headers: as('dev-hospital'), payload: {} });
      expect(decided.statusCode, decided.body).toBe(200);
      await eventually(async () => (await raw.describe()).status.name === 'COMPLETED');
      const found = payloadsIn(await raw.fetchHistory()).filter((f) => isEncrypted(f.payload));
      const keyOfEvent = (event: string) => [...new Set(found.filter((f) => f.event === event).map((f) => keyIdOf(f.payload)))];
      expect(keyOfEvent('workflowExecutionStartedEventAttributes')).toEqual(['2026-06']);
      expect(keyOfEvent('workflowExecutionUpdateAcceptedEventAttributes')).toEqual(['2026-12']);
      expect(keyOfEvent('workflowExecutionCompletedEventAttributes')).toEqual(['2026-12']);
      // the codec endpoint (rotated keys) decodes the whole history, old key and new
      const payloads = found.map((f) => ({ metadata: Object.fromEntries(Object.entries(f.payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(f.payload.data!).toString('base64') }));
      const decoded = await newApp.inject({ method: 'POST', url: '/codec/decode', headers: as('dev-supervisor'), payload: { payloads } });
      expect(decoded.statusCode, decoded.body).toBe(200);
      const texts = (decoded.json().payloads as { data: string }[]).map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
      expect(texts).toContain(opened.id);
      // the old codec alone cannot read what the new key wrote
      const newOnly = found.filter((f) => keyIdOf(f.payload) === '2026-12').map((f) => f.payload);
      await expect(before.payloadCodecs![0]!.decode(newOnly)).rejects.toThrow(/2026-12, which is not configured/);
    } finally {
      await newApp.close();
      await newWorker.stop();
    }
  }, 120_000);
});
