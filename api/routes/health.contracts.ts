/** The health check's contracts: both dependencies answer (200), or one does not (503). */
import { z } from 'zod';
import { documented } from '../contract.js';

const engine = z.enum(['postgres', 'pglite']);

/** `GET /health` → 200. */
export const Healthy = documented(
  z.object({ status: z.literal('ok'), temporal: z.object({ ok: z.literal(true) }), database: z.object({ ok: z.literal(true), engine }) }),
  { description: 'Temporal and the database both answer', example: { status: 'ok', temporal: { ok: true }, database: { ok: true, engine: 'postgres' } } },
);

/** `GET /health` → 503: the one that fails has `ok: false` and its `error`. */
export const Unavailable = documented(
  z.object({
    status: z.literal('unavailable'),
    temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
    database: z.object({ ok: z.boolean(), engine, error: z.string().optional() }),
  }),
  {
    description: 'Temporal or the database does not answer (`status: unavailable`, the failing one with `ok: false` and its `error`)',
    example: { status: 'unavailable', temporal: { ok: false, error: 'no answer within 3000 ms' }, database: { ok: true, engine: 'postgres' } },
  },
);

/** `GET /health/live` → 200: the process runs and answers (no dependency asked). */
export const Live = documented(z.object({ status: z.literal('ok') }), { description: 'The API process answers', example: { status: 'ok' } });

const check = z.object({ ok: z.boolean(), error: z.string().optional() });

/** `GET /health/ready` → 200 / 503: the database, Temporal and a worker polling the task queue. */
export const Readiness = documented(
  z.object({
    status: z.enum(['ok', 'unavailable']),
    temporal: check,
    database: check.extend({ engine }),
    worker: check.extend({ taskQueue: z.string() }),
  }),
  {
    description: 'Ready to take decisions: the database and Temporal answer and a worker has polled the task queue within the last 75 s (a worker long-polls: each poll lasts up to a minute)',
    example: { status: 'ok', temporal: { ok: true }, database: { ok: true, engine: 'postgres' }, worker: { ok: true, taskQueue: 'overgang' } },
  },
);
