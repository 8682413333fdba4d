/**
 * The codec endpoint (codec server) the Temporal Web UI calls to show a case's history decoded:
 * `POST /codec/decode` and `POST /codec/encode`, with the payloads in Temporal's JSON form
 * (`{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`). Only roles that read cases
 * (others 403); every decode is written to the look-up log with the citizens its payloads name
 * (purpose `supervision`). CORS for the Web UI's origins (CODEC_CORS_ORIGINS).
 *
 * Who the browser is: the Web UI forwards its user's access token (`Authorization: Bearer …`)
 * when its own login is configured and TEMPORAL_CODEC_PASS_ACCESS_TOKEN is on. The development
 * server's UI has no login and sends none: with CODEC_DEVELOPMENT_TOKEN set (`npm start` sets it
 * to the dev supervisor), a request without the header acts as that token's user. docs/encryption.md.
 */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from '../../config/index.js';
import { ConfigError } from '../../config/index.js';
import { idsShown } from '../access-log.js';
import type { TokenTable, User } from '../auth.js';
import type { Role } from '../auth.js';
import { CASE_READER_ROLES } from '../case-types/index.js';

/**
 * Who may decode: the municipality's roles that read cases. A provider reads the grants handed to
 * it, not histories of every case (a payload names no case until decoded), so it is not one.
 */
const CODEC_ROLES: Role[] = CASE_READER_ROLES.filter((r) => r !== 'provider');
import { HttpError } from '../errors.js';
import { documented, ErrorAnswer } from '../contract.js';
import { routeOptionsFor } from '../route-options.js';

export interface CodecOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call the endpoint (the Web UI's). */
  corsOrigins: readonly string[];
  /** Development only: whom a request without Authorization acts as. */
  anonymousAs?: User;
}

/** The codec endpoint's options from configuration (the client's codec; the development user checked against the tokens). */
export function codecOptionsFromConfig(
  config: Pick<AppConfig, 'CODEC_CORS_ORIGINS' | 'CODEC_DEVELOPMENT_TOKEN'>,
  dataConverter: DataConverter,
  tokens: TokenTable,
): CodecOptions {
  const codec = dataConverter.payloadCodecs?.[0];
  if (!codec) throw new ConfigError('invalid configuration:\n  PAYLOAD_KEYS_FILE: no payload codec configured');
  let anonymousAs: User | undefined;
  if (config.CODEC_DEVELOPMENT_TOKEN) {
    anonymousAs = tokens.get(config.CODEC_DEVELOPMENT_TOKEN);
    if (!anonymousAs) throw new ConfigError('invalid configuration:\n  CODEC_DEVELOPMENT_TOKEN: names no token of AUTH_TOKENS_FILE');
    if (!CODEC_ROLES.includes(anonymousAs.role)) {
      throw new ConfigError(`invalid configuration:\n  CODEC_DEVELOPMENT_TOKEN: its role ${anonymousAs.role} reads no cases`);
    }
  }
  return { codec, corsOrigins: config.CODEC_CORS_ORIGINS.split(','), ...(anonymousAs ? { anonymousAs } : {}) };
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
const Payloads = documented(z.object({ payloads: z.array(JsonPayload).max(10_000) }), {
  description: "Payloads in Temporal's JSON form: metadata values and data base64",
  example: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJjYXNlSWQiOiI1NTIxOTlhYy03NTM3LTQzN2QtOTRhYi01YTY3ZmMxMjFhZDcifQ==' }] },
});
type JsonPayload = z.infer<typeof JsonPayload>;

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(data ?? '', 'base64')),
});
const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

/** The case and citizen ids the decoded JSON payloads name (what the decode showed). */
function namedIn(payloads: Payload[]): { caseIds: string[]; citizenIds: string[] } {
  const shown = { caseIds: new Set<string>(), citizenIds: new Set<string>() };
  for (const p of payloads) {
    if (Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString() !== 'json/plain' || !p.data) continue;
    try {
      idsShown(JSON.parse(Buffer.from(p.data).toString('utf8')), shown);
    } catch {
      // not JSON after all: names nobody
    }
  }
  return { caseIds: [...shown.caseIds], citizenIds: [...shown.citizenIds] };
}

/** The Web UI sends a history page's payloads at once: more than the API's default 1 MiB. */
const CODEC_BODY_LIMIT = 8 * 1024 * 1024;

const ALLOWED_HEADERS = 'authorization, content-type, x-namespace, x-purpose';

/** CORS for the Web UI's origins: the answer (an error too) and the preflight name the origin back. */
function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = request.headers.origin;
    if (origin && origins.includes(origin)) {
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    }
    return payload;
  });
  const preflight = { config: { access: 'public' as const }, schema: { hide: true, tags: ['codec'], summary: "CORS preflight of the Web UI's codec call", response: { 204: z.null().describe('Allowed: the origin, methods and headers in the Access-Control-* headers'), 403: ErrorAnswer } } };
  for (const url of ['/codec/decode', '/codec/encode']) app.options(url, preflight, async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !origins.includes(origin)) return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `origin ${origin ?? '(none)'} is not allowed (CODEC_CORS_ORIGINS)` });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  });
}

const route = routeOptionsFor('codec');

export const codecRoutes: FastifyPluginAsyncZod<CodecOptions> = async (app, opts) => {
  registerCors(app, opts.corsOrigins);
  const config = (lookup?: 'supervision') => ({ ...(opts.anonymousAs ? { anonymousAs: opts.anonymousAs } : {}), lookup: lookup ?? 'supervision' });
  const codecError = (err: unknown) => new HttpError(400, `body.payloads: ${(err as Error).message}`, { fields: [{ field: 'body.payloads', message: (err as Error).message }] });

  const decode = route({
    access: CODEC_ROLES,
    summary: 'Codec endpoint of the Temporal Web UI: decrypt payloads (logged in the look-up log, purpose supervision)',
    body: Payloads,
    response: { 200: Payloads },
  });
  app.post('/codec/decode', { ...decode, config: { ...decode.config, ...config() }, bodyLimit: CODEC_BODY_LIMIT }, async (request) => {
    let decoded: Payload[];
    try {
      decoded = await opts.codec.decode(request.body.payloads.map(fromJson));
    } catch (err) {
      throw codecError(err);
    }
    request.lookedUp = namedIn(decoded);
    return { payloads: decoded.map(toJson) };
  });

  const encode = route({
    access: CODEC_ROLES,
    summary: 'Codec endpoint of the Temporal Web UI: encrypt payloads with the current key',
    body: Payloads,
    response: { 200: Payloads },
  });
  app.post('/codec/encode', { ...encode, config: { ...encode.config, ...config() }, bodyLimit: CODEC_BODY_LIMIT }, async (request) => {
    try {
      return { payloads: (await opts.codec.encode(request.body.payloads.map(fromJson))).map(toJson) };
    } catch (err) {
      throw codecError(err);
    }
  });
};
