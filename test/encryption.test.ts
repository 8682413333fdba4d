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
