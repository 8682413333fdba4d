/**
 * The REST API. No business logic here: routes validate, authorise, then signal/update/query
 * a case's workflow or read the database. One encapsulated plugin per route group.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { logOptions } from '../config/logging.js';
import { registerAudit } from './audit.js';
import { registerRequestMetrics, type ApiMetrics } from './metrics.js';
import { registerAuth, type TokenTable } from './auth.js';
import type { ApiDeps } from './context.js';
import { frameworkErrorAnswer, MAX_PARAM_LENGTH, registerErrorHandler } from './errors.js';
import { registerBodyDepthLimit } from './body-depth.js';
import { registerOpenApiTruth } from './openapi.js';
import { registerDecisionAliases } from './decision-urls.js';
import { setMaxBedDayPeriodDays, setPlausibleFutureDays, setPlausiblePastDays } from './schemas.js';
import { Admission, DEFAULT_ADMISSION, type AdmissionOptions } from './admission.js';
import { databaseUnavailable, DEFAULT_FAULT_OPTIONS, DependencyUnavailable, registerDeadlines, type FaultOptions } from './faults.js';
import { laterWrites } from './later.js';
import { refusingLateDecisions } from './late-decisions.js';
import { registerIdempotency } from './idempotency.js';
import { CASE_TYPES } from './case-types/index.js';
import { caseRoutes } from './routes/cases.js';
import { escalationRoutes } from './routes/escalations.js';
import { healthRoutes } from './routes/health.js';
import { housingOfferRoutes } from './routes/housing-offers.js';
import { paymentRoutes } from './routes/payments.js';
import { workQueueRoutes } from './routes/work-queue.js';
import { intervalStayRoutes } from './routes/interval-stays.js';
import { medcomRoutes } from './medcom/routes.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { pageRoutes, type PageOptions } from './pages/index.js';
import { registerAccessLog } from './access-log.js';
import { accessLogRoutes } from './routes/access-log.js';
import { codecRoutes, type CodecOptions } from './codec/routes.js';

export interface BuildAppOptions extends Omit<ApiDeps, 'later' | 'admission'> {
  /** Decisions waiting for Temporal at once and how long the next may queue (default 32, 2 s). */
  admission?: Partial<AdmissionOptions>;
  tokens: TokenTable;
  logLevel?: string;
  /** Deadlines for the database, Temporal and a worker (default 5 s each). */
  faults?: Partial<FaultOptions>;
  /** How far back an event's instant may lie (days, default 730). */
  plausiblePastDays?: number;
  /** How far ahead a planned day may lie (days, default 365). */
  plausibleFutureDays?: number;
  /** The longest bed-day period a færdigmelding may open (days, default 365). */
  maxBedDayPeriodDays?: number;
  /** How long an Idempotency-Key is remembered (hours, default 24). */
  idempotencyTtlHours?: number;
  /**
   * Decisions carry the instant after which they must not take effect (default on: a 503 means
   * not applied, `late-decisions.ts`). Off only against the time-skipping test server, whose clock
   * runs ahead of the wall clock.
   */
  refuseLateDecisions?: boolean;
  /** Request metrics (api/metrics.ts): every answer counted by method, route and status. */
  metrics?: ApiMetrics;
  /** The pages (`/ui`): the Temporal Web UI's address and namespace their case page links to. */
  pages?: Omit<PageOptions, 'tokens'>;
  /** The codec endpoint for the Temporal Web UI (`/codec/decode`, `/codec/encode`); absent: none. */
  codec?: CodecOptions;
  /** How long look-ups are kept (days, default 184): shown with a citizen's look-up log. */
  accessLogRetentionDays?: number;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino JSON as every process logs (config/logging.ts): route patterns, never URLs, bodies or headers
    logger: logOptions('api', opts.logLevel ?? 'info'),
    logController: new LogController({ disableRequestLogging: opts.logLevel === 'silent' }),
    // a body with `__proto__` / `constructor.prototype` keys: the keys are dropped, and the
    // strict body schemas then name what is left (never "Body is not valid JSON")
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    // a path segment longer than any id (a UUID, a case number) → 414 naming the path (never echoing it)
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const { statusCode, body } = frameworkErrorAnswer(err);
      void reply.code(statusCode).send(body);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // the API reads JSON (and the types a route adds, e.g. FHIR XML): a plain-text body is 415, not a string its contract refuses
  app.removeContentTypeParser('text/plain');
  const faults: FaultOptions = { ...DEFAULT_FAULT_OPTIONS, ...opts.faults };
  const waitMs = Math.max(faults.dependencyTimeoutMs, faults.workerTimeoutMs);
  const temporal = opts.refuseLateDecisions === false ? opts.temporal : refusingLateDecisions(opts.temporal, waitMs);
  if (opts.metrics) registerRequestMetrics(app, opts.metrics);
  registerErrorHandler(app, temporal);
  registerBodyDepthLimit(app);
  setPlausiblePastDays(opts.plausiblePastDays ?? 730);
  setPlausibleFutureDays(opts.plausibleFutureDays ?? 365);
  setMaxBedDayPeriodDays(opts.maxBedDayPeriodDays ?? 365);
  registerDeadlines(app, temporal, faults, () => opts.database.ping());

  // before the OpenAPI collector: an old decision URL is registered with `config.aliasOf` set
  registerDecisionAliases(app);
  const openApi = registerOpenApiTruth(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'overgang API',
        description: 'Care-transition cases (udskrivning, midlertidigt døgnophold, færdigmelding) as durable workflows.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: openApi.transform,
    transformObject: openApi.transformObject,
  });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), access: 'public' };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  // follow-up writes of failed requests (their audit rows, their keys' release): never holding back a 503
  const later = laterWrites({
    retryMs: 1_000,
    max: 10_000,
    retryable: (err) => err instanceof DependencyUnavailable || databaseUnavailable(err),
    warn: (msg, what) => app.log.warn({ what }, msg),
  });
  app.addHook('onClose', () => later.flush(faults.dependencyTimeoutMs));

  registerAuth(app, opts.tokens);
  // audit's onSend runs first: an audit row that cannot be written turns the answer into a 503,
  // which the idempotency layer then does not keep (the retry runs again)
  registerAudit(app, opts.database.db, { dbTimeoutMs: faults.dependencyTimeoutMs, later });
  registerAccessLog(app, opts.database.db, { dbTimeoutMs: faults.dependencyTimeoutMs });
  registerIdempotency(app, opts.database.db, {
    ttlMs: (opts.idempotencyTtlHours ?? 24) * 3_600_000,
    waitMs: waitMs + 2_000,
    dbTimeoutMs: faults.dependencyTimeoutMs,
    later,
  });

  const deps: ApiDeps = {
    database: opts.database,
    temporal,
    taskQueue: opts.taskQueue,
    rules: opts.rules,
    later,
    admission: new Admission({ ...DEFAULT_ADMISSION, ...opts.admission }),
  };
  await app.register(healthRoutes, deps);
  await app.register(caseRoutes, deps);
  await app.register(escalationRoutes, deps);
  await app.register(housingOfferRoutes, deps);
  await app.register(paymentRoutes, deps);
  await app.register(workQueueRoutes, deps);
  await app.register(intervalStayRoutes, deps);
  await app.register(medcomRoutes, deps);
  await app.register(accessLogRoutes, { ...deps, retentionDays: opts.accessLogRetentionDays ?? 184 });
  if (opts.codec) await app.register(codecRoutes, opts.codec);
  // each case type's own routes (decisions and reads), from the one list
  for (const caseType of CASE_TYPES) await app.register(caseType.routes, deps);
  await app.register(dashboardRoutes, deps);
  // the pages for people (sign-in, work queue, case, dashboard): shells and assets, public; data through the routes above
  await app.register(pageRoutes, { namespace: opts.temporal.options.namespace, ...opts.pages, tokens: opts.tokens });
  return app;
}
