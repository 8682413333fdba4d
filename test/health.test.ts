/**
 * Liveness and readiness for the municipality's operations (a load balancer, an orchestrator):
 * `/health/live` answers whenever the process does; `/health/ready` only when the database and
 * Temporal answer and a worker polls the API's task queue — each named when it fails.
 */
import { describe, expect, it } from 'vitest';
import { deadTemporalClient, testApp } from './api-helpers.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });

describe('health: live and ready', () => {
  it('live: 200 without asking any dependency; ready: 200 with a worker polling the task queue', async () => {
    const live = await stack.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await stack.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', temporal: { ok: true }, database: { ok: true }, worker: { ok: true, taskQueue: stack.worker.taskQueue } });
  });

  it('ready: 503 naming the worker when no worker polls the task queue; naming Temporal when it does not answer', async () => {
    const idle = await testApp({ database: stack.database, temporal: stack.env.client, taskQueue: 'tq-nobody-polls' });
    const dead = await testApp({ database: stack.database, temporal: deadTemporalClient(), taskQueue: 'tq-nobody-polls' });
    try {
      const noWorker = await idle.inject({ method: 'GET', url: '/health/ready' });
      expect(noWorker.statusCode).toBe(503);
      expect(noWorker.json()).toMatchObject({ status: 'unavailable', temporal: { ok: true }, database: { ok: true }, worker: { ok: false, error: 'does not answer (NO_WORKER_POLLING)' } });
      expect((await idle.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const noTemporal = await dead.inject({ method: 'GET', url: '/health/ready' });
      expect(noTemporal.statusCode).toBe(503);
      expect(noTemporal.json()).toMatchObject({ temporal: { ok: false }, database: { ok: true }, worker: { ok: false } });
      expect(noTemporal.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|grpc/i);
    } finally {
      await idle.close();
      await dead.close();
    }
  });
});
