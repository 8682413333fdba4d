import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../context.js';

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
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: 200 only when Temporal and the database both answer. */
export const healthRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get('/health', { config: { access: 'public' }, schema: { tags: ['health'] } }, async (_req, reply) => {
    const [temporal, database] = await Promise.all([
      check(() => deps.temporal.workflowService.getSystemInfo({})),
      check(() => deps.database.ping()),
    ]);
    const body = {
      status: temporal || database ? 'unavailable' : 'ok',
      temporal: temporal ? { ok: false, error: temporal } : { ok: true },
      database: database ? { ok: false, engine: deps.database.engine, error: database } : { ok: true, engine: deps.database.engine },
    };
    return reply.code(temporal || database ? 503 : 200).send(body);
  });
};
