/**
 * Escalations and warnings raised by case timers: list with filters, acknowledge.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { escalations } from '../../db/schema/index.js';
import { caseIdsFor, listEscalations } from '../../db/queries/work-queue.js';
import { roles } from '../auth.js';
import { NOT_HOSPITAL } from '../need-to-know.js';
import type { ApiDeps } from '../context.js';
import { conflict, HttpError, notFound } from '../errors.js';
import { routeOptionsFor } from '../route-options.js';
import { token } from '../schemas.js';
import { readableCaseTypes } from '../case-types/index.js';
import { dueBefore, splitDueBefore } from './work-queue.js';
import { EscalationAcknowledged, EscalationList } from './escalations.contracts.js';

const route = routeOptionsFor('escalations');

const listQuery = z
  .object({
    status: z.enum(['open', 'acknowledged']).optional(),
    kind: token(100).optional().describe('e.g. psychiatric_deadline_passed'),
    severity: z.enum(['warning', 'escalation']).optional(),
    recipientRole: z.enum(roles).optional().describe('The role the escalation went to'),
    case: token(100).optional().describe('A case id (UUID) or case number (e.g. PSY-2026-000042)'),
    caseId: z.uuid({ message: 'must be a case id (UUID)' }).optional().describe('Deprecated: use `case`'),
    dueBefore,
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const escalationRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/escalations',
    route({
      access: NOT_HOSPITAL,
      summary: 'Escalations and warnings, newest first (by the instant they were due to fire)',
      description: 'Filters combine (AND): status, kind, severity, recipientRole, case (id or case number), dueBefore (a date: due day before it; an instant: scheduled before it).',
      querystring: listQuery,
      response: { 200: EscalationList },
    }),
    async (request) => {
      const q = request.query;
      let caseIds: string[] | undefined;
      if (q.case) caseIds = await caseIdsFor(db, q.case);
      if (q.caseId) caseIds = caseIds ? caseIds.filter((id) => id === q.caseId) : [q.caseId];
      const items = await listEscalations(db, {
        status: q.status,
        kind: q.kind,
        severity: q.severity,
        recipientRole: q.recipientRole,
        caseIds,
        // need to know: only escalations on case types the role reads
        caseTypes: readableCaseTypes(request.user!.role),
        ...splitDueBefore(q.dueBefore),
        limit: q.limit,
      });
      return { items };
    },
  );

  app.post(
    '/escalations/:id/acknowledge',
    route({
      access: ['area_chief', 'needs_assessor', 'discharge_coordinator', 'psychiatry_coordinator', 'housing_team_lead', 'visitation_team_lead'],
      audit: 'escalation.acknowledge',
      summary: 'Acknowledge an escalation (its recipient role, or an area chief)',
      params: z.object({ id: z.uuid({ message: 'must be an escalation id (UUID)' }) }),
      response: { 200: EscalationAcknowledged },
    }),
    async (request) => {
      const [row] = await db.select().from(escalations).where(eq(escalations.id, request.params.id));
      if (!row) throw notFound(`no escalation ${request.params.id}`);
      request.auditCaseId = row.caseId;
      const user = request.user!;
      if (user.role !== 'area_chief' && user.role !== row.recipientRole) {
        throw new HttpError(403, `this escalation is for ${row.recipientRole}; role ${user.role} may not acknowledge it`);
      }
      if (row.status === 'acknowledged') throw conflict(`already acknowledged by ${row.acknowledgedBy}`);
      const [updated] = await db
        .update(escalations)
        .set({ status: 'acknowledged', acknowledgedBy: user.user, acknowledgedAt: new Date() })
        .where(and(eq(escalations.id, row.id), eq(escalations.status, 'open')))
        .returning();
      if (!updated) throw conflict('already acknowledged');
      return updated;
    },
  );
};
