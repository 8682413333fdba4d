/**
 * `GET /citizens/:citizenId/access-log`: the look-ups on one citizen (logning af opslag), for
 * the data-protection officer answering the citizen's right of access. The only route of the
 * `dpo` role, and a route of no other role.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { citizenAccessLog } from '../../db/queries/access-log.js';
import { PURPOSES, type Purpose } from '../access-log.js';
import { DPO_ROLE } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { routeOptionsFor } from '../route-options.js';
import { AccessLogAnswer } from './access-log.contracts.js';

const route = routeOptionsFor('access-log');

const params = z.object({ citizenId: z.uuid({ message: 'must be a citizen id (UUID)' }) }).strict();
const query = z
  .object({
    from: z.iso.date({ message: 'must be a day YYYY-MM-DD' }).optional().describe('Only look-ups from this day (UTC midnight)'),
    employees: z.enum(['true', 'false']).optional().describe('true: also who looked (userId) — only where the request requires it'),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();

export const accessLogRoutes: FastifyPluginAsyncZod<ApiDeps & { retentionDays: number }> = async (app, deps) => {
  app.get(
    '/citizens/:citizenId/access-log',
    route({
      access: [DPO_ROLE],
      summary: "The look-ups on one citizen (logning af opslag): dates and purposes, for the citizen's right of access",
      params,
      querystring: query,
      response: { 200: AccessLogAnswer },
    }),
    async (request) => {
      const rows = await citizenAccessLog(deps.database.db, request.params.citizenId, {
        ...(request.query.from ? { from: new Date(`${request.query.from}T00:00:00Z`) } : {}),
        limit: request.query.limit,
      });
      const withUsers = request.query.employees === 'true';
      return {
        citizenId: request.params.citizenId,
        retentionDays: deps.retentionDays,
        entries: rows.map((r) => ({
          at: r.at,
          purpose: { code: r.purpose, ...(PURPOSES[r.purpose as Purpose] ?? { en: r.purpose, da: r.purpose }) },
          use: r.use,
          role: r.role,
          caseId: r.caseId,
          caseNumber: r.caseNumber,
          refused: r.statusCode >= 400,
          ...(withUsers ? { userId: r.userId } : {}),
        })),
      };
    },
  );
};
