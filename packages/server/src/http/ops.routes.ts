import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Storage } from '../ports/index.ts';
import { sendError } from './error-presenter.ts';

/** Prometheus metrics for one server. */
export function createMetrics(): { registry: Registry; httpDuration: Histogram } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'natter_' });
  const httpDuration = new Histogram({
    name: 'natter_http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

/** Liveness, readiness and metrics. They sit outside /api so load balancers need no token. */
export function opsRoutes(
  app: FastifyInstance,
  deps: { storage: Storage; registry: Registry; httpDuration: Histogram; isShuttingDown: () => boolean },
): void {
  app.addHook('onResponse', (request, reply, done) => {
    const routeUrl = request.routeOptions.url ?? 'unmatched';
    deps.httpDuration.observe(
      { method: request.method, route: routeUrl, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  const hidden = { schema: { hide: true } };
  app.get('/healthz', hidden, () => ({ status: 'ok' }));

  app.get('/readyz', hidden, async (request, reply) => {
    if (deps.isShuttingDown()) return sendError(reply, request, 'service_unavailable', 'Shutting down.');
    try {
      await deps.storage.ping();
    } catch (error) {
      request.log.warn({ err: error }, 'storage is not reachable');
      return sendError(reply, request, 'service_unavailable', 'Storage is not reachable.');
    }
    return { status: 'ready', storage: deps.storage.engine };
  });

  app.get('/metrics', hidden, async (_request, reply) => {
    void reply.type(deps.registry.contentType);
    return deps.registry.metrics();
  });
}
