/** What every recording path gets: the API in process, a Temporal client and the database; and the helpers they share. */
import { randomInt } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client.js';
import { localDate } from '../../domain/calendar.js';

export const today = localDate(Date.now());

export function fakeCpr(birthDate: string): string {
  const [y, m, d] = birthDate.split('-');
  return `${d}${m}${y!.slice(2)}${randomInt(0, 4)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

export interface Ctx {
  app: FastifyInstance;
  client: Client;
  address: string;
  database: Database;
  taskQueue: string;
}

export async function call(ctx: Ctx, method: 'GET' | 'POST', url: string, token: string, payload?: unknown): Promise<any> {
  const res = await ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': `rec-${Date.now()}-${randomInt(1e9)}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

export const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A recording path: drives cases through the API and answers the workflow ids whose histories to write. */
export type RecordingPath = (ctx: Ctx) => Promise<string | string[]>;

/** The offer the allocator made to a temporary-stay case (it is made within moments of a vacant place). */
export async function offerOf(ctx: Ctx, stayCaseId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    const offerId = (await call(ctx, 'GET', `/temporary-stays/${stayCaseId}`, 'dev-assessor')).offer?.offerId as string | undefined;
    if (offerId) return offerId;
  }
  throw new Error(`no offer for the temporary stay ${stayCaseId}`);
}
