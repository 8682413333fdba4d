/**
 * The payload keys: AES-256 keys by id, and which one encrypts new payloads. Every other key
 * in the set still decrypts what it once encrypted, so a rotation adds a key, makes it current,
 * and keeps the old ones for as long as a history they wrote may be read.
 *
 * Read from PAYLOAD_KEYS_FILE (a JSON file) or PAYLOAD_KEYS (the same JSON inline, e.g. from a
 * secret store), validated at start: a bad key set stops the process with a message naming it.
 *
 *   { "current": "2026-12", "keys": { "2026-12": "<base64 of 32 random bytes>", "2026-06": "…" } }
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/index.js';

export interface PayloadKeys {
  /** The id of the key that encrypts new payloads. */
  current: string;
  /** Every key by id (the current one included). */
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

const keyFileSchema = z
  .object({
    current: z.string().regex(KEY_ID, 'must be a key id (letters, digits, . _ -; at most 64)'),
    keys: z.record(
      z.string().regex(KEY_ID, 'key ids are letters, digits, . _ - (at most 64)'),
      z
        .string()
        .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64')
        .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes (AES-256), base64-encoded'),
    ),
  })
  .strict()
  .refine((v) => v.current in v.keys, { message: 'names no key of `keys`', path: ['current'] });

/** Parses and validates a key set; `source` names it in the error. */
export function parsePayloadKeys(json: string, source: string): PayloadKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${source}: not JSON (${(err as Error).message})`);
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${source}: ${['', ...i.path].join('.').slice(1) || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const keys = new Map(Object.entries(parsed.data.keys).map(([id, k]) => [id, Buffer.from(k, 'base64')] as const));
  return { current: parsed.data.current, keys };
}

/** The key set a process is configured with: PAYLOAD_KEYS_FILE or PAYLOAD_KEYS, exactly one. */
export function payloadKeysFromConfig(config: { PAYLOAD_KEYS_FILE?: string | undefined; PAYLOAD_KEYS?: string | undefined }): PayloadKeys {
  if (config.PAYLOAD_KEYS_FILE && config.PAYLOAD_KEYS) {
    throw new ConfigError('invalid configuration:\n  PAYLOAD_KEYS: set either PAYLOAD_KEYS_FILE or PAYLOAD_KEYS, not both');
  }
  if (config.PAYLOAD_KEYS) return parsePayloadKeys(config.PAYLOAD_KEYS, 'PAYLOAD_KEYS');
  if (config.PAYLOAD_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(config.PAYLOAD_KEYS_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(`invalid configuration:\n  PAYLOAD_KEYS_FILE: ${(err as Error).message}`);
    }
    return parsePayloadKeys(text, `PAYLOAD_KEYS_FILE ${config.PAYLOAD_KEYS_FILE}`);
  }
  throw new ConfigError(
    'invalid configuration:\n  PAYLOAD_KEYS_FILE: required (or PAYLOAD_KEYS): the payload encryption keys — see docs/encryption.md (`npm start` makes a development key by itself)',
  );
}

/** A new key set of one random key (id: the day it was made), as JSON. */
export function newKeySetJson(id = `dev-${new Date().toISOString().slice(0, 10)}`): string {
  return `${JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2)}\n`;
}

/** `npm start`: the development key set under .data/, made on first run (readable by its owner only). */
export function ensureDevKeyFile(file: string): { file: string; created: boolean } {
  if (existsSync(file)) return { file, created: false };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, newKeySetJson(), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { file, created: true };
}
