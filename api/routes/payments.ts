/**
 * Bed-day payment (betalingsforpligtelse): per case and in total over open and closed cases of
 * every case type, priced with the dated rate table (which is maintained here too).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bedDayRateRows, replaceBedDayRates } from '../../db/queries/payments.js';
import { bedDayTotals, caseBedDays, parsePeriodCursor } from '../bed-days.js';
import type { Role } from '../auth.js';
import type { ApiDeps } from '../context.js';
import { CASE_TYPE_NAMES, readableCaseTypes } from '../case-types/index.js';
import { readableCase } from '../decisions.js';
import { routeOptionsFor } from '../route-options.js';
import { calendarDate, caseIdParams, token } from '../schemas.js';
import { badRequest } from '../errors.js';
import { BedDayRates, BedDayRatesSet, BedDayTotals, CaseBedDaysAnswer } from './payments.contracts.js';

const READERS: Role[] = ['area_chief', 'supervisor', 'psychiatry_coordinator', 'discharge_coordinator', 'needs_assessor'];
const route = routeOptionsFor('payments');

const tier = z
  .object({
    fromDay: z.number().int().min(1).max(36_500),
    toDay: z.number().int().min(1).max(36_500).nullable(),
    dkkPerDay: z.number().min(0).max(1_000_000),
  })
  .strict();

export const rateSetBody = z
  .object({
    kind: z.enum(['somatic', 'psychiatric']).default('somatic').describe('The kind of bed (the state sets somatic and psychiatric rates separately)'),
    validFrom: calendarDate,
    tiers: z.array(tier).min(1).max(20),
  })
  .strict()
  .superRefine((v, ctx) => {
    const tiers = [...v.tiers].sort((a, b) => a.fromDay - b.fromDay);
    let expected = 1;
    for (const t of tiers) {
      if (t.fromDay !== expected) {
        ctx.addIssue({ code: 'custom', path: ['tiers'], message: `tiers must cover day ${expected} next, without gaps or overlaps` });
        return;
      }
      if (t.toDay !== null && t.toDay < t.fromDay) {
        ctx.addIssue({ code: 'custom', path: ['tiers'], message: `a tier ending on day ${t.toDay} cannot start on day ${t.fromDay}` });
        return;
      }
      if (t.toDay === null) {
        if (t !== tiers[tiers.length - 1]) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'only the last tier may be open-ended' });
        return;
      }
      expected = t.toDay + 1;
    }
    ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'the last tier must be open-ended (toDay: null)' });
  });

export const paymentRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;

  app.get(
    '/payments/bed-days',
    route({
      access: READERS,
      summary: 'Bed-days and their price, in total over open and closed cases (every case type), per kind of bed, per month, and while the region refused discharge',
      querystring: z.object({
        caseType: z.enum(CASE_TYPE_NAMES).optional(),
        state: z.enum(['open', 'closed']).optional(),
        kind: z.enum(['somatic', 'psychiatric']).optional().describe('Only bed-days of this kind of bed'),
        cursor: token(40).optional().describe('nextCursor of the previous page (of the per-case lines)'),
        limit: z.coerce.number().int().min(1).max(2000).default(500).describe('Per-case lines per page'),
      }),
      response: { 200: BedDayTotals },
    }),
    async (request) => {
      // totals over every case; the per-case lines only of the case types the role reads (need to know)
      const { cursor, limit, ...filter } = request.query;
      const after = cursor ? parsePeriodCursor(cursor) : undefined;
      if (cursor && !after) throw badRequest('cursor: not a cursor from this report', 'querystring.cursor');
      const totals = await bedDayTotals(db, filter, new Date(), { limit, after, caseTypes: readableCaseTypes(request.user!.role) });
      // the look-up log's cases named here, not by parsing the answer again (api/access-log.ts)
      request.lookedUp = { caseIds: totals.cases.map((c) => c.caseId), citizenIds: [] };
      return totals;
    },
  );

  app.get(
    '/cases/:id/bed-days',
    route({ access: READERS, audit: 'bed_days.read', summary: "A case's bed-days and cost so far (priced day by day)", params: caseIdParams, response: { 200: CaseBedDaysAnswer } }),
    async (request) => {
      const { row } = await readableCase(db, request.user!.role, request.params.id);
      const priced = await caseBedDays(db, row.id);
      return priced ?? { caseId: row.id, open: false, days: 0, amountDkk: 0, lines: [], unpricedDays: 0, note: 'no færdigmelding yet: no bed-days' };
    },
  );

  app.get(
    '/payments/bed-day-rates',
    route({ access: READERS, summary: 'The dated bed-day rate table (tiers by day number)', response: { 200: BedDayRates } }),
    async () => ({ items: await bedDayRateRows(db) }),
  );

  app.post(
    '/payments/bed-day-rates',
    route({
      access: ['area_chief'],
      audit: 'bed_day_rates.set',
      summary: 'Set the tiers of a kind of bed valid from a date (replaces the set of that kind for that date)',
      body: rateSetBody,
      response: { 201: BedDayRatesSet },
    }),
    async (request, reply) => {
      await replaceBedDayRates(db, request.body.validFrom, request.body.tiers, request.body.kind);
      return reply.code(201).send({ items: await bedDayRateRows(db) });
    },
  );
};
