/**
 * Escalations and warnings raised by case timers: list with filters, acknowledge.
 */
import { and, eq, lte, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { escalations } from '../../db/schema/index.js';
import { ALL_ROLES } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { conflict, HttpError, notFound } from '../errors.js';
import { instant } from '../schemas.js';

const listQuery = z.object({
  status: z.enum(['open', 'acknowledged']).optional(),
  kind: z.string().min(1).max(100).optional(),
  severity: z.enum(['warning', 'escalation']).optional(),
  caseId: z.uuid({ message: 'must be a case id (UUID)' }).optional(),
  dueBefore: instant.optional().describe('Only escalations scheduled before this instant'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const escalationRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  app.get(
    '/escalations',
    {
      config: { access: ALL_ROLES.filter((r) => r !== 'hospital') },
      schema: { tags: ['escalations'], summary: 'Escalations and warnings, newest first', querystring: listQuery },
    },
    async (request) => {
      const q = request.query;
      const where: SQL[] = [];
      if (q.status) where.push(eq(escalations.status, q.status));
      if (q.kind) where.push(eq(escalations.kind, q.kind));
      if (q.severity) where.push(eq(escalations.severity, q.severity));
      if (q.caseId) where.push(eq(escalations.caseId, q.caseId));
      if (q.dueBefore) where.push(lte(escalations.scheduledFor, new Date(q.dueBefore)));
      const rows = await db
        .select()
        .from(escalations)
        .where(where.length ? and(...where) : undefined)
        .orderBy(escalations.scheduledFor)
        .limit(q.limit);
      return { items: rows };
    },
  );

  app.post(
    '/escalations/:id/acknowledge',
    {
      config: {
        access: ['area_chief', 'needs_assessor', 'discharge_coordinator', 'psychiatry_coordinator', 'housing_team_lead'],
        audit: 'escalation.acknowledge',
      },
      schema: {
        tags: ['escalations'],
        summary: 'Acknowledge an escalation (its recipient role, or an area chief)',
        params: z.object({ id: z.uuid({ message: 'must be an escalation id (UUID)' }) }),
      },
    },
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
