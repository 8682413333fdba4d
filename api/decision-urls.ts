/**
 * One URL style for every decision: `POST /cases/:id/<case type>/<decision>` —
 * `/cases/:id/psychiatric/…`, `/cases/:id/hospital-discharge/…`, `/cases/:id/temporary-stay/…`
 * (and the case's own reads the same way, e.g. `GET /cases/:id/hospital-discharge/care-plan`).
 *
 * The URLs the hospital-discharge and temporary-stay decisions had before
 * (`/hospital-discharge/cases/:id/…`, `/temporary-stays/:id/…`) keep answering, as the same route
 * (same roles, audit name, idempotency), so clients already in use do not break: they are marked
 * `deprecated` in the OpenAPI document (with the URL to use instead) and answer with a
 * `Deprecation` header and a `Link: <…>; rel="successor-version"`.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/** canonical prefix → the prefix the same routes had before. */
const LEGACY_PREFIX: Record<string, string> = {
  '/cases/:id/hospital-discharge/': '/hospital-discharge/cases/:id/',
  '/cases/:id/temporary-stay/': '/temporary-stays/:id/',
};

/** The old URL of a canonical one, if it had one. */
export function legacyUrlOf(url: string): string | undefined {
  for (const [canonical, legacy] of Object.entries(LEGACY_PREFIX)) {
    if (url.startsWith(canonical)) return legacy + url.slice(canonical.length);
  }
  return undefined;
}

/**
 * Registers, for every route declared at a canonical URL that had an older one, the older URL as a
 * deprecated alias. Call before the route plugins (and before the OpenAPI collector reads aliases:
 * an alias carries `config.aliasOf` from the moment it is registered).
 */
export function registerDecisionAliases(app: FastifyInstance): void {
  app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    const config = (route.config ?? {}) as Record<string, unknown>;
    if (config.aliasOf) return;
    const legacy = legacyUrlOf(route.url);
    if (!legacy || route.method === 'HEAD' || (Array.isArray(route.method) && route.method.includes('HEAD'))) return;
    const canonical = route.url;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { url: _url, path: _path, prefix: _prefix, ...rest } = route as RouteOptions & { path?: string; prefix?: string };
    const handler = route.handler;
    this.route({
      ...rest,
      url: legacy,
      config: { ...config, aliasOf: canonical },
      schema: {
        ...(route.schema ?? {}),
        deprecated: true,
        description: `Deprecated: use \`${route.method} ${canonical.replace(/:([^/]+)/g, '{$1}')}\` (same request, same answer).`,
      },
      handler: function (request, reply) {
        const successor = request.url.split('?')[0]!.replace(/^\/(hospital-discharge\/cases|temporary-stays)\/([^/]+)\//, (_m, kind: string, id: string) =>
          kind === 'temporary-stays' ? `/cases/${id}/temporary-stay/` : `/cases/${id}/hospital-discharge/`,
        );
        reply.header('deprecation', 'true').header('link', `<${successor}>; rel="successor-version"`);
        return handler.call(this, request, reply);
      },
    } as RouteOptions);
  });
}
