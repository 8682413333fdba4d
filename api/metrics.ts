/**
 * The API's Prometheus metrics, served on HOST:API_METRICS_PORT (`GET /metrics`, a port of its
 * own so that the public API port does not expose them): every answered request by method, route
 * pattern and status, with its duration; and Node's process metrics (heap, event-loop lag, CPU).
 * Labels carry route patterns (`/cases/:id`), never ids. docs/operations.md ("Monitoring").
 */
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'overgang_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    requests: new Counter({ name: 'overgang_api_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames, registers: [registry] }),
    duration: new Histogram({
      name: 'overgang_api_request_duration_seconds',
      help: 'Time from request to answer, by method, route pattern and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** Counts every answer (call before the routes are registered, so that it sees all of them). */
export function registerRequestMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? '(no route)', status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });
}

/** Serves `GET /metrics` (Prometheus text format) on host:port; resolves once listening. */
export async function serveMetrics(metrics: ApiMetrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
