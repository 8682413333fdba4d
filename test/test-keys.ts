/** The tests' payload encryption: the run's key set (made by global-setup.ts), one data converter. */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { inject } from 'vitest';
import { encryptingDataConverter, parsePayloadKeys } from '../codec/index.js';

let dataConverter: DataConverter | undefined;
/** The data converter of every client and worker in the tests: payloads encrypted with the run's key (codec/). */
export function testDataConverter(): DataConverter {
  dataConverter ??= encryptingDataConverter(parsePayloadKeys(inject('payloadKeys'), "the test run's payload keys"));
  return dataConverter;
}

/** The run's payload codec (what the API's codec endpoint decodes with). */
export const testCodec = (): PayloadCodec => testDataConverter().payloadCodecs![0]!;

type RawPayload = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };

/** Every payload object in a raw history or description (metadata of bytes). */
export function payloadsOf(value: unknown, out: RawPayload[] = []): RawPayload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  if (Array.isArray(value)) {
    for (const v of value) payloadsOf(v, out);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (o.metadata && typeof o.metadata === 'object' && Object.values(o.metadata).every((b) => b instanceof Uint8Array)) out.push(o as RawPayload);
  else for (const v of Object.values(o)) payloadsOf(v, out);
  return out;
}

/** One payload's value, decrypted by the run's codec (JSON). */
export async function decodedValue(payload: RawPayload | null | undefined): Promise<unknown> {
  if (!payload) return undefined;
  const [plain] = await testCodec().decode([payload as Parameters<PayloadCodec['decode']>[0][number]]);
  return JSON.parse(Buffer.from(plain!.data ?? new Uint8Array()).toString('utf8'));
}

/** The text of every payload in a raw history (or description), decrypted by the run's codec. */
export async function decodedText(value: unknown): Promise<string> {
  const plain = await testCodec().decode(payloadsOf(value) as Parameters<PayloadCodec['decode']>[0]);
  return plain.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}
