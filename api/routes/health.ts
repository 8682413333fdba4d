import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../context.js';
import { Healthy, Unavailable } from './health.contracts.js';

async function check(fn: () => Promise<unknown>, ms = 3000): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
    return null;
  } catch (err) {
    // which dependency failed and how, never a driver's or the ORM's text (it may quote a query)
    if (err instanceof Error && err.message.startsWith('no answer within')) return err.message;
    const code = (err as { code?: unknown } | null)?.code;
    return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `does not answer (${code})` : 'does not answer';
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: 200 only when Temporal and the database both answer. */
export const healthRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: Healthy, 503: Unavailable } } }, async (_req, reply) => {
    const [temporal, database] = await Promise.all([
      check(() => deps.temporal.workflowService.getSystemInfo({})),
      check(() => deps.database.ping()),
    ]);
    const engine = deps.database.engine;
    if (!temporal && !database) return reply.code(200).send({ status: 'ok', temporal: { ok: true }, database: { ok: true, engine } });
    return reply.code(503).send({
      status: 'unavailable',
      temporal: temporal ? { ok: false, error: temporal } : { ok: true },
      database: database ? { ok: false, engine, error: database } : { ok: true, engine },
    });
  });
};
