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
import { readableCaseTypes } from '../case-types/index.js';
import { routeOptionsFor } from '../route-options.js';
import { DashboardAnswer, MeAnswer } from './dashboard.contracts.js';

/** Who reads the dashboard: those who lead, watch or answer for deadlines across a team. */
export const DASHBOARD_READERS: Role[] = ['supervisor', 'area_chief', 'housing_team_lead', 'visitation_team_lead'];
/** How many nights the escalation chart goes back. */
export const ESCALATION_NIGHTS = 30;

const route = routeOptionsFor('dashboard');

export const dashboardRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;

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
        `(Copenhagen dates); escalations per Copenhagen date over the last ${ESCALATION_NIGHTS} days, including days with none.`,
      response: { 200: DashboardAnswer },
    }),
    async (request) => {
      const now = new Date();
      const today = localDate(now.getTime());
      const first = addDays(today, -(ESCALATION_NIGHTS - 1));
      const caseTypes = readableCaseTypes(request.user!.role);
      const [sla, overdue, nights, waiting] = await Promise.all([
        slaCounts(db, caseTypes),
        overdueAgeing(db, caseTypes, today),
        escalationsPerNight(db, caseTypes, new Date(localInstant(first))),
        waitingByPriority(db, caseTypes, now),
      ]);
      const byNight = new Map(nights.map((n) => [n.night, n.count]));
      const escalationsPerNightAll = Array.from({ length: ESCALATION_NIGHTS }, (_, i) => addDays(first, i)).map((night) => ({ night, count: byNight.get(night) ?? 0 }));
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
        escalationsPerNight: escalationsPerNightAll,
        waitingList: [...waiting].sort((a, b) => rank(a.priority) - rank(b.priority)),
      };
    },
  );
};
