/**
 * A route's Fastify options from one flat declaration. Every route says who may call it
 * (`access`, checked by `auth.ts`), the audit action it writes (`audit`, for changes and reads of
 * citizen data; `audit.ts`), a one-line summary and its contracts (params, querystring, body,
 * response), and sits under its group's OpenAPI tag. `routeOptionsFor(tag)` gives the function
 * that turns such a declaration into `{ config, schema }`, so a route file names its tag once.
 */
import type { FastifyContextConfig, FastifySchema } from 'fastify';
import type { Access } from './auth.js';

/** What a route declares: access, audit action, summary and its contracts. */
export type RouteDeclaration = FastifySchema & { access: Access; audit?: string; summary: string; selfKeyed?: string };

/** The options of the routes under one OpenAPI tag. */
export const routeOptionsFor =
  (tag: string) =>
  <D extends RouteDeclaration>({ access, audit, summary, selfKeyed, ...contracts }: D) => {
    const config: FastifyContextConfig = { access, ...(audit ? { audit } : {}), ...(selfKeyed ? { selfKeyed } : {}) };
    return { config, schema: { tags: [tag], summary, ...contracts } };
  };
