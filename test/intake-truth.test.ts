/**
 * What an intake's answer means (issue 17, points 2-4), on the real dev server, worker and
 * PostgreSQL:
 *
 * - one open case of a type per citizen where the sources say one: a repeated færdigmelding
 *   under a new key is re-pointed to the open psychiatric case (200, its id, `repeatedNotice`,
 *   audited there, one bed-day period); the other notice kind and a second care plan are refused
 *   with 409 naming the open case; two at once open one case;
 * - a key means one request for as long as its case exists: after the key's TTL the same key
 *   with another citizen is 422, the same request is replayed (no second audit row);
 * - 201 means usable: a temporary-stay intake whose case row exists but whose application row
 *   does not yet is not answered 201, and a decision meanwhile gets 503 with Retry-After, never a
 *   final 404.
 */
import { registerPlaceType } from './temporary-stay-support.js';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { uuidFromKey } from '../api/idempotency.js';
import { upsertCitizen } from '../db/queries/cases.js';
import { auditLog, bedDayPeriods, cases, citizens, idempotencyKeys, stayApplications } from '../db/schema/index.js';
import { birthDateFromCpr, normaliseCpr } from '../domain/cpr.js';
import { buildApp } from '../api/app.js';
import { defaultRules } from '../domain/rules.js';
import { temporaryStayCaseType } from '../workflows/temporary-stay/case-type.js';
import { temporaryStayCaseWorkflow } from '../workflows/temporary-stay/index.js';
import { as, sendingKeys, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, startWorker, useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const notice = (cpr: string, over: Record<string, unknown> = {}) => ({
  type: 'psychiatric_discharge',
  cpr,
  notice: 'faerdigmelding',
  receivedAt: iso(Date.now() - HOUR),
  readyAt: iso(Date.now() - 2 * HOUR),
  ward: 'Psykiatrisk Center Amager',
  ...over,
});

const carePlan = (cpr: string, over: Record<string, unknown> = {}) => ({
  type: 'hospital_discharge',
  cpr,
  receivedAt: iso(Date.now() - HOUR),
  ward: 'Bispebjerg Hospital, afsnit 42',
  admittedAt: iso(Date.now() - 5 * 24 * HOUR),
  functionalLevel: 'FSIII 3',
  ...over,
});

const openCase = (payload: Record<string, unknown>, key: string, app: FastifyInstance = stack.app) =>
  app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload });

async function casesOf(cpr: string, type: string) {
  const [citizen] = await stack.database.db.select().from(citizens).where(eq(citizens.cpr, normaliseCpr(cpr)));
  if (!citizen) return [];
  return stack.database.db.select().from(cases).where(and(eq(cases.citizenId, citizen.id), eq(cases.type, type)));
}

describe('one open case of a type per citizen', () => {
  it('psychiatric: the same færdigmelding under a new key is re-pointed to the open case (200, its id, audited there, one bed-day period)', async () => {
    const cpr = fakeCpr('1975-04-04');
    const first = await openCase(notice(cpr), `notice-${randomUUID()}`);
    expect(first.statusCode, first.body).toBe(201);
    const open = first.json();
    await eventually(async () => (await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, open.id))).length === 1);

    const again = await openCase(notice(cpr), `notice-${randomUUID()}`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ id: open.id, caseNumber: open.caseNumber, workflowId: open.workflowId, type: 'psychiatric_discharge', repeatedNotice: true });

    const rows = await casesOf(cpr, 'psychiatric_discharge');
    expect(rows.map((r) => r.id)).toEqual([open.id]);
    const periods = await stack.database.db.select().from(bedDayPeriods).where(inArray(bedDayPeriods.caseId, rows.map((r) => r.id)));
    expect(periods).toHaveLength(1);
    // recorded on the open case: its audit holds the repeated notice (200, flagged)
    const audit = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, open.id), eq(auditLog.action, 'case.open')));
    expect(audit.map((a) => a.statusCode).sort()).toEqual([200, 201]);
    expect(audit.find((a) => a.statusCode === 200)!.detail).toMatchObject({ notice: 'faerdigmelding', repeatedNotice: true });
  });

  it('psychiatric: the other notice kind through POST /cases is refused with 409 naming the open case (its number, never the CPR)', async () => {
    const cpr = fakeCpr('1976-05-05');
    const first = await openCase(notice(cpr, { notice: 'forvarsling', readyAt: undefined }), `notice-${randomUUID()}`);
    expect(first.statusCode, first.body).toBe(201);
    const open = first.json();
    await eventually(async () => (await casesOf(cpr, 'psychiatric_discharge')).length === 1);
    const other = await openCase(notice(cpr), `notice-${randomUUID()}`);
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().message).toContain(open.caseNumber);
    expect(other.json().message).toContain(`/cases/${open.id}/psychiatric/notices`);
    expect(other.json().message).not.toContain(cpr);
    expect((await casesOf(cpr, 'psychiatric_discharge')).map((r) => r.id)).toEqual([open.id]);
  });

  it('psychiatric: two færdigmeldinger at once under two keys open one case', async () => {
    const cpr = fakeCpr('1977-06-06');
    const answers = await Promise.all([openCase(notice(cpr), `a-${randomUUID()}`), openCase(notice(cpr), `b-${randomUUID()}`)]);
    const statuses = answers.map((a) => a.statusCode);
    // one opens it; the other is re-pointed to it, or (while it is still opening) told to retry
    expect(statuses.filter((s) => s === 201), answers.map((a) => a.body).join('\n')).toHaveLength(1);
    expect([200, 409]).toContain(statuses.find((s) => s !== 201));
    expect(await casesOf(cpr, 'psychiatric_discharge')).toHaveLength(1);
    const opened = answers.find((a) => a.statusCode === 201)!.json();
    const later = await openCase(notice(cpr), `c-${randomUUID()}`);
    expect(later.statusCode).toBe(200);
    expect(later.json().id).toBe(opened.id);
  });

  it('hospital discharge: a second care plan for a citizen with an open case → 409 naming it; nothing written', async () => {
    const cpr = fakeCpr('1940-07-07');
    const first = await openCase(carePlan(cpr), `plan-${randomUUID()}`);
    expect(first.statusCode, first.body).toBe(201);
    const open = first.json();
    const second = await openCase(carePlan(cpr), `plan-${randomUUID()}`);
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json().message).toContain(open.caseNumber);
    expect(second.json().message).not.toContain(cpr);
    expect((await casesOf(cpr, 'hospital_discharge')).map((r) => r.id)).toEqual([open.id]);
  });
});

describe('a key means one request for as long as its case exists', () => {
  const expire = (key: string) =>
    stack.database.db.update(idempotencyKeys).set({ createdAt: new Date(Date.now() - 25 * HOUR) }).where(eq(idempotencyKeys.key, key));

  it('an intake key reused after its TTL for another citizen → 422; the same request → the first answer, no second audit row', async () => {
    const key = `notice-${randomUUID()}`;
    const body = notice(fakeCpr('1981-08-08'));
    const first = await openCase(body, key);
    expect(first.statusCode, first.body).toBe(201);
    await expire(key);
    const same = await openCase(body, key);
    expect(same.statusCode).toBe(201);
    expect(same.headers['idempotent-replay']).toBe('true');
    expect(same.json()).toEqual(first.json());
    await expire(key);
    const other = await openCase(notice(fakeCpr('1982-09-09')), key);
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json().message).toMatch(/different request body/);
    // also with the key's row gone altogether: the binding lives with the case
    await stack.database.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect((await openCase(notice(fakeCpr('1982-09-09')), key)).statusCode).toBe(422);
    const audit = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, first.json().id), eq(auditLog.action, 'case.open')));
    expect(audit).toHaveLength(1);
  });

  it('a decision replayed after its TTL writes no second audit row', async () => {
    const opened = await openCase(notice(fakeCpr('1983-10-10')), `notice-${randomUUID()}`);
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id;
    const key = `flag-${randomUUID()}`;
    const flag = () =>
      stack.app.inject({ method: 'POST', url: `/cases/${id}/psychiatric/long-course`, headers: { ...as('dev-psychiatry'), 'idempotency-key': key }, payload: { reason: 'no place in sight' } });
    const first = await flag();
    expect(first.statusCode, first.body).toBe(200);
    await expire(key);
    const again = await flag();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const audit = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, id), eq(auditLog.action, 'psychiatric.long_course.flag')));
    expect(audit).toHaveLength(1);
  });
});

describe('201 means usable', () => {
  it('temporary stay: case row written, application row not yet → the keyed repeat is 202 (opening), not 201, and a decision gets 503, not 404; once the worker runs, both go through', async () => {
    // the state after a worker restart: the workflow runs on a queue no worker polls, its case row is written, its application is not
    const taskQueue = `tq-usable-${randomUUID()}`;
    const app = await buildApp({
      database: stack.database,
      temporal: stack.env.client,
      taskQueue,
      rules: defaultRules,
      tokens,
      logLevel: 'silent',
      faults: { dependencyTimeoutMs: 1_000, workerTimeoutMs: 1_000 },
    });
    await app.ready();
    sendingKeys(app);
    const key = `apply-${randomUUID()}`;
    const caseId = uuidFromKey('visitator-anna', 'POST /temporary-stays', key);
    const cpr = fakeCpr('1936-11-11');
    const citizenId = await upsertCitizen(stack.database.db, normaliseCpr(cpr), birthDateFromCpr(cpr)!);
    const placeType = await registerPlaceType(stack.database.db, `usable-${randomUUID().slice(0, 8)}`);
    const appliedAt = Date.now() - 60_000;
    const caseNumber = await caseNumberFor(stack.database.db, caseId, temporaryStayCaseType);
    await stack.env.client.workflow.start(temporaryStayCaseWorkflow, {
      workflowId: caseNumber,
      taskQueue,
      args: [{ caseId, citizenId, placeType, purpose: 'respite', priority: 'middel', appliedAt, rules: defaultRules }],
    });
    await stack.database.db
      .insert(cases)
      .values({ id: caseId, type: 'temporary_stay', citizenId, workflowId: caseNumber, step: 'opening', details: {}, openedAt: new Date(appliedAt) });
    const apply = () =>
      app.inject({
        method: 'POST',
        url: '/temporary-stays',
        headers: { ...as('dev-assessor'), 'idempotency-key': key },
        payload: { cpr, eligible: true, placeType, purpose: 'respite', priority: 'middel', appliedAt: iso(appliedAt) },
      });
    const priority = () =>
      app.inject({
        method: 'POST',
        url: `/cases/${caseId}/temporary-stay/priority`,
        headers: { ...as('dev-assessor'), 'idempotency-key': `prio-${key}` },
        payload: { priority: 'hoej', reason: 'no_help_at_home' },
      });
    try {
      const repeat = await apply();
      expect(repeat.statusCode, repeat.body).toBe(202); // opening: not refused, not usable yet
      expect(repeat.json()).toMatchObject({ id: caseId, pending: true });
      expect(repeat.headers['retry-after']).toBeDefined();
      const decision = await priority();
      expect(decision.statusCode, decision.body).toBe(503);
      expect(decision.headers['retry-after']).toBeDefined();

      const worker = await startWorker(stack.env, stack.database, taskQueue);
      try {
        const later = await apply();
        expect(later.statusCode, later.body).toBe(201);
        expect(later.json()).toMatchObject({ id: caseId, caseNumber });
        // answered only once the application row exists
        expect(await stack.database.db.select().from(stayApplications).where(eq(stayApplications.caseId, caseId))).toHaveLength(1);
        const next = await priority();
        expect(next.statusCode, next.body).toBe(200);
      } finally {
        await worker.stop();
      }
    } finally {
      await app.close();
    }
  });
});
