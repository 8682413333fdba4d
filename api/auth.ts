/**
 * Bearer-token authentication and per-route role checks.
 * Tokens map to a user with one role and a team; they are read from AUTH_TOKENS_FILE.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody } from './errors.js';

export const roles = [
  'hospital',
  'needs_assessor',
  'discharge_coordinator',
  'psychiatry_coordinator',
  'area_chief',
  'housing_team_lead',
  'visitation_team_lead',
  'supervisor',
  /** A provider of help at home (leverandør): its tokens' `team` is its provider code; it reads only the grants handed to it. */
  'provider',
] as const;
/**
 * The data-protection officer (databeskyttelsesrådgiver): reads the look-up log of one citizen
 * (`GET /citizens/:citizenId/access-log`) and nothing else — no case, list or queue. Kept out
 * of `roles` (the roles that work with cases), so no route open to "every role" lets it in.
 */
export const DPO_ROLE = 'dpo' as const;
export type Role = (typeof roles)[number] | typeof DPO_ROLE;

export interface User {
  user: string;
  role: Role;
  team: string;
}

const tokenFileSchema = z.record(
  z.string().min(8, 'tokens must be at least 8 characters'),
  z.object({ user: z.string().min(1), role: z.enum([...roles, DPO_ROLE]), team: z.string().min(1) }),
);

export type TokenTable = Map<string, User>;

export function loadTokens(file: string): TokenTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`AUTH_TOKENS_FILE ${file}: ${(err as Error).message}`);
  }
  const parsed = tokenFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`AUTH_TOKENS_FILE ${file} is invalid:\n${lines.join('\n')}`);
  }
  return new Map(Object.entries(parsed.data));
}

/** Who may call a route: a list of roles, or 'public' for health and docs. */
export type Access = readonly Role[] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Name written to the audit log for this route (changes and reads of citizen data). */
    audit?: string;
    /**
     * A change whose request names itself (e.g. a MedCom message's MessageHeader id): no
     * Idempotency-Key is asked for, the route keeps its own exactly-once record.
     */
    selfKeyed?: string;
    /** Development only: the user a request without an Authorization header acts as (CODEC_DEVELOPMENT_TOKEN). */
    anonymousAs?: User;
  }
  interface FastifyRequest {
    user?: User;
  }
}

/** Every role that works with cases (the data-protection officer is not one of them). */
export const ALL_ROLES: readonly Role[] = roles;

export function registerAuth(app: FastifyInstance, tokens: TokenTable): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config?.access;
    if (access === 'public' || request.routeOptions.url === undefined) return;
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    const anonymousAs = request.routeOptions.config?.anonymousAs;
    if (!header && anonymousAs) {
      request.user = anonymousAs; // development only: the codec endpoint behind the dev server's Web UI (api/codec/routes.ts)
    } else if (!match) {
      return reply.code(401).send(errorBody(401, 'missing bearer token (Authorization: Bearer <token>)'));
    }
    if (!request.user) {
      const user = tokens.get(match![1]!);
      if (!user) return reply.code(401).send(errorBody(401, 'unknown token'));
      request.user = user;
    }
    const user = request.user;
    if (!access) {
      return reply.code(403).send(errorBody(403, 'this route declares no roles'));
    }
    if (!access.includes(user.role)) {
      return reply
        .code(403)
        .send(errorBody(403, `role ${user.role} may not do this; allowed: ${access.join(', ')}`, { allowedRoles: access }));
    }
  });
}
