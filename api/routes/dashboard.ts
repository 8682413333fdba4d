/**
 * The deadline dashboard's data (fristoverblik) and `GET /me` (who the token names, for the
 * pages' sign-in). The dashboard reads the database mirror only (SQL aggregates,
 * `db/queries/dashboard.ts`), counted over the case types the role reads (need to know).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { escalationsPerNight, overdueAgeing, slaCounts, waitingByPriority } from '../../db/queries/dashboard.js';
import { addDays, localDate, localInstant } from '../../domain/calendar.js';
import { PRIORITY_ORDER, type Priority } from '../../domain/rules.js';
import { ALL_ROLES, type Role } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { readableCaseTypes, type CaseTypeName } from '../case-types/index.js';
import { routeOptionsFor } from '../route-options.js';
import { DashboardAnswer, MeAnswer } from './dashboard.contracts.js';

/** Who reads the dashboard: those who lead, watch or answer for deadlines across a team. */
export const DASHBOARD_READERS: Role[] = ['supervisor', 'area_chief', 'housing_team_lead', 'visitation_team_lead'];
/** How many nights the escalation chart goes back. */
export const ESCALATION_NIGHTS = 30;
/** Figures younger than this are served as they are (their `asOf` says when they were read). */
export const DASHBOARD_FRESH_MS = 15_000;
/** Older than fresh but younger than this: served at once while newer ones are read (one read at a time). */
export const DASHBOARD_STALE_MS = 120_000;

const route = routeOptionsFor('dashboard');

/** The dashboard's figures for a set of case types, read from the mirror now. */
async function readFigures(db: ApiDeps['database']['db'], caseTypes: CaseTypeName[]) {
  const now = new Date();
  const today = localDate(now.getTime());
  const first = addDays(today, -(ESCALATION_NIGHTS - 1));
  const [sla, overdue, nights, waiting] = await Promise.all([
    slaCounts(db, caseTypes),
    overdueAgeing(db, caseTypes, today),
    escalationsPerNight(db, caseTypes, new Date(localInstant(first))),
    waitingByPriority(db, caseTypes, now),
  ]);
  const byNight = new Map(nights.map((n) => [n.night, n.count]));
  const rank = (p: string) => {
    const i = PRIORITY_ORDER.indexOf(p as Priority);
    return i < 0 ? PRIORITY_ORDER.length : i;
  };
  return {
    asOf: now,
    today,
    caseTypes,
    sla,
    overdue,
    escalationsPerNight: Array.from({ length: ESCALATION_NIGHTS }, (_, i) => addDays(first, i)).map((night) => ({ night, count: byNight.get(night) ?? 0 })),
    waitingList: [...waiting].sort((a, b) => rank(a.priority) - rank(b.priority)),
  };
}

type Figures = Awaited<ReturnType<typeof readFigures>>;

/**
 * The figures per set of case types (one per role's reading), kept for `DASHBOARD_FRESH_MS`: many
 * readers at once cost one read of the mirror, not one each. Older figures (up to
 * `DASHBOARD_STALE_MS`) are answered at once while one newer read runs; older still, or none:
 * the request waits for the read.
 */
function figureCache(db: ApiDeps['database']['db']) {
  const kept = new Map<string, { at: number; value: Figures }>();
  const reading = new Map<string, Promise<Figures>>();
  const read = (key: string, caseTypes: CaseTypeName[]) => {
    let p = reading.get(key);
    if (!p) {
      p = readFigures(db, caseTypes)
        .then((value) => {
          kept.set(key, { at: Date.now(), value });
          return value;
        })
        .finally(() => reading.delete(key));
      reading.set(key, p);
    }
    return p;
  };
  return async (caseTypes: CaseTypeName[]): Promise<Figures> => {
    const key = caseTypes.join(',');
    const hit = kept.get(key);
    const age = hit ? Date.now() - hit.at : Infinity;
    if (hit && age < DASHBOARD_FRESH_MS) return hit.value;
    if (hit && age < DASHBOARD_STALE_MS) {
      read(key, caseTypes).catch(() => undefined); // the next reader gets it; a failed read leaves the kept figures
      return hit.value;
    }
    return read(key, caseTypes);
  };
}

export const dashboardRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  const figures = figureCache(db);

  app.get('/me', route({ access: ALL_ROLES, summary: 'Who the bearer token names: user, role and team', response: { 200: MeAnswer } }), async (request) => {
    const { user, role, team } = request.user!;
    return { user, role, team };
  });

  app.get(
    '/dashboard',
    route({
      access: DASHBOARD_READERS,
      summary: 'Deadline dashboard (fristoverblik): open obligations by SLA state, overdue ageing, escalations per night, waiting list by priority',
      description:
        'Counts from the database mirror (never Temporal), over the case types the role reads. Ageing in whole days after the due day ' +
        `(Copenhagen dates); escalations per Copenhagen date over the last ${ESCALATION_NIGHTS} days, including days with none. ` +
        `The figures are read at most every ${DASHBOARD_FRESH_MS / 1000} s (\`asOf\` says when; a reader may get figures up to ${DASHBOARD_STALE_MS / 1000} s old while newer ones are read).`,
      response: { 200: DashboardAnswer },
    }),
    async (request) => figures(readableCaseTypes(request.user!.role)),
  );
};
