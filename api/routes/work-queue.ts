/**
 * Work queues (arbejdsliste): what a role (and team) must do, most urgent first.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeCursor, workQueue } from '../../db/queries/work-queue.js';
import { kindsHeldWith, OBLIGATION_KINDS, type ObligationKind } from '../../domain/rules.js';
import { NOT_HOSPITAL } from '../need-to-know.js';
import type { ApiDeps } from '../context.js';
import { badRequest, HttpError } from '../errors.js';
import { routeOptionsFor } from '../route-options.js';
import { anyInstant, calendarDate, line, token } from '../schemas.js';
import { CASE_TYPE_NAMES, readableCaseTypes } from '../case-types/index.js';
import { WorkQueuePage } from './work-queue.contracts.js';

const QUEUE_ROLES = NOT_HOSPITAL;
const route = routeOptionsFor('work queue');

/** A Copenhagen date (due day before it) or an instant (escalation before it). */
export const dueBefore = z
  .union([calendarDate, anyInstant])
  .optional()
  .describe('A date YYYY-MM-DD (due day before it) or an instant with offset (escalation before it)');

export function splitDueBefore(v: string | undefined): { dueBeforeDay?: string; dueBeforeInstant?: Date } {
  if (!v) return {};
  return v.length === 10 ? { dueBeforeDay: v } : { dueBeforeInstant: new Date(v) };
}

const queueQuery = z
  .object({
    role: z.enum(QUEUE_ROLES).optional().describe('Supervisors only: whose queue (default: every role)'),
    team: line(200).optional().describe('Supervisors only: a team'),
    caseType: z.enum(CASE_TYPE_NAMES).optional(),
    state: z.enum(['on_track', 'at_risk', 'breached', 'paused']).optional(),
    dueBefore,
    cursor: token(500).optional().describe('nextCursor of the previous page'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();


export const workQueueRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/work-queue',
    route({
      access: QUEUE_ROLES,
      summary: 'Work queue (arbejdsliste): open obligations of your role (and team), most urgent first',
      description:
        'Breached first, then at risk, then by escalation instant, paused last. A caseworker sees their own role, items of their team and items with no team, ' +
        'and the obligations their role holds together with another (the psychiatric status meeting: psychiatry coordinator and area chief); ' +
        'a supervisor may pass role, team, caseType, state and dueBefore. Cursor pagination: pass `nextCursor` as `cursor`.',
      querystring: queueQuery,
      response: { 200: WorkQueuePage },
    }),
    async (request) => {
      const q = request.query;
      const user = request.user!;
      const supervisor = user.role === 'supervisor';
      if (!supervisor && q.role && q.role !== user.role) {
        throw new HttpError(403, `role ${user.role} may read its own work queue only (role=${q.role} is for supervisors)`);
      }
      if (!supervisor && q.team && q.team !== user.team) {
        throw new HttpError(403, `role ${user.role} may read its own team's work queue only (team is for supervisors)`);
      }
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !after) throw badRequest('cursor: not a cursor from this list', 'querystring.cursor');
      const page = await workQueue(deps.database.db, {
        role: supervisor ? q.role : user.role,
        ...(supervisor ? (q.role ? { heldWithKinds: kindsHeldWith(q.role) } : {}) : { heldWithKinds: kindsHeldWith(user.role) }),
        team: supervisor ? q.team : user.team,
        caseType: q.caseType,
        // need to know: only obligations on case types the role reads
        caseTypes: readableCaseTypes(user.role),
        state: q.state,
        ...splitDueBefore(q.dueBefore),
        after,
        limit: q.limit,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((r) => {
          const rule = OBLIGATION_KINDS[r.kind as ObligationKind];
          return {
            caseId: r.caseId,
            caseNumber: r.caseNumber,
            caseType: r.caseType,
            step: r.step,
            obligation: r.key,
            kind: r.kind,
            action: rule ? rule.action : { code: r.actionCode, en: r.actionCode, da: r.actionCode },
            actor: { role: r.actorRole, team: r.actorTeam },
            escalateTo: r.escalateTo,
            dueDay: r.dueDay,
            atRiskAt: r.atRiskAt,
            escalationAt: r.escalateAt,
            slaState: r.state as 'on_track' | 'at_risk' | 'breached' | 'paused',
            citizenOnLeaveSince: r.onLeaveSince,
          };
        }),
      };
    },
  );
};
