import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../context.js';
import { Healthy, Live, Readiness, Unavailable } from './health.contracts.js';

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

/** `temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW`: the pollers of workflow tasks. */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** A worker has polled the task queue for workflow tasks within this time (a long poll lasts up to a minute). */
const POLLED_WITHIN_MS = 75_000;

/** Resolves when a worker has polled the API's task queue recently; rejects (code NO_WORKER_POLLING) otherwise. */
async function workerPolls(deps: ApiDeps): Promise<void> {
  const { pollers } = await deps.temporal.workflowService.describeTaskQueue({
    namespace: deps.temporal.options.namespace,
    taskQueue: { name: deps.taskQueue },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  const since = Date.now() - POLLED_WITHIN_MS;
  const recent = (pollers ?? []).some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= since);
  if (!recent) throw Object.assign(new Error('no worker'), { code: 'NO_WORKER_POLLING' });
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

  app.get('/health/live', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Liveness: the API process answers', response: { 200: Live } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Readiness: database, Temporal and a worker polling the task queue', response: { 200: Readiness, 503: Readiness } } },
    async (_req, reply) => {
      const [temporal, database, worker] = await Promise.all([
        check(() => deps.temporal.workflowService.getSystemInfo({})),
        check(() => deps.database.ping()),
        check(() => workerPolls(deps)),
      ]);
      const ok = !temporal && !database && !worker;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unavailable',
        temporal: temporal ? { ok: false, error: temporal } : { ok: true },
        database: { ok: !database, engine: deps.database.engine, ...(database ? { error: database } : {}) },
        worker: { ok: !worker, taskQueue: deps.taskQueue, ...(worker ? { error: worker } : {}) },
      });
    },
  );
};
