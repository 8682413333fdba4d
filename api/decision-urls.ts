/**
 * One URL style for every decision: `POST /cases/:id/<case type>/<decision>` —
 * `/cases/:id/psychiatric/…`, `/cases/:id/hospital-discharge/…`, `/cases/:id/temporary-stay/…`
 * (and the case's own reads the same way, e.g. `GET /cases/:id/hospital-discharge/care-plan`).
 *
 * The URLs the hospital-discharge and temporary-stay decisions had before
 * (`/hospital-discharge/cases/:id/…`, `/temporary-stays/:id/…`) keep answering, as the same route
 * (same roles, audit name, idempotency), so clients already in use do not break, until
 * `LEGACY_URLS_REMOVED_ON`. They are documented once — in each canonical operation's description
 * and in docs/api.md — not as operations of their own, and every answer they give carries
 * `Deprecation: true`, `Sunset: <the removal day>` and `Link: <…>; rel="successor-version"`.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

/** The day the older decision URLs stop answering (announced in every answer's `Sunset` header). */
export const LEGACY_URLS_REMOVED_ON = '2027-06-30';
const SUNSET = new Date(`${LEGACY_URLS_REMOVED_ON}T00:00:00Z`).toUTCString();

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
 * The one form of a decision's URL pattern or concrete path for idempotency (Update ids, key
 * binding): the older form where a decision had one, so that the old and the new URL of one
 * decision are one request, and keys and Update ids issued before the new URLs stay valid.
 */
export function idempotencyForm(urlOrPath: string): string {
  if (urlOrPath.includes('/:')) return legacyUrlOf(urlOrPath) ?? urlOrPath;
  const m = /^\/cases\/([^/]+)\/(hospital-discharge|temporary-stay)\/(.+)$/.exec(urlOrPath);
  if (!m) return urlOrPath;
  return m[2] === 'hospital-discharge' ? `/hospital-discharge/cases/${m[1]}/${m[3]}` : `/temporary-stays/${m[1]}/${m[3]}`;
}

/**
 * Registers, for every route declared at a canonical URL that had an older one, the older URL as a
 * deprecated alias. Call before the route plugins (and before the OpenAPI collector reads aliases:
 * an alias carries `config.aliasOf` from the moment it is registered).
 */
export function registerDecisionAliases(app: FastifyInstance): void {
  // every answer of an old URL says so, also those given before its handler (400, 401/403, replays)
  app.addHook('onSend', async (request, reply, payload) => {
    const canonical = (request.routeOptions.config as { aliasOf?: string } | undefined)?.aliasOf;
    if (canonical) {
      const id = (request.params as { id?: string } | undefined)?.id ?? ':id';
      reply
        .header('deprecation', 'true')
        .header('sunset', SUNSET)
        .header('link', `<${canonical.replace(':id', encodeURIComponent(id))}>; rel="successor-version"`);
    }
    return payload;
  });
  app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    const config = (route.config ?? {}) as Record<string, unknown>;
    if (config.aliasOf) return;
    const legacy = legacyUrlOf(route.url);
    if (!legacy || route.method === 'HEAD' || (Array.isArray(route.method) && route.method.includes('HEAD'))) return;
    const canonical = route.url;
    const schema = (route.schema ?? {}) as Record<string, unknown>;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { url: _url, path: _path, prefix: _prefix, ...rest } = route as RouteOptions & { path?: string; prefix?: string };
    this.route({
      ...rest,
      url: legacy,
      config: { ...config, aliasOf: canonical },
      // documented once, on the canonical operation (below), not as an operation of its own
      schema: { ...schema, hide: true },
      handler: route.handler,
    } as RouteOptions);
    const note = `Also answers at the deprecated URL \`${legacy.replace(/:([^/]+)/g, '{$1}')}\` until ${LEGACY_URLS_REMOVED_ON} (same request, same answer; \`Deprecation\` and \`Sunset\` headers).`;
    route.schema = { ...schema, description: schema.description ? `${schema.description}\n\n${note}` : note };
  });
}
