/**
 * An intake repeated with the same Idempotency-Key after its first attempt started the case's
 * workflow but never answered (the API went away, a timeout): the repeat gets that case (201),
 * not a 409 and not a second case. On the real dev server, worker and PostgreSQL.
 *
 * The "first attempt" starts the workflow on a task queue no worker polls yet, so its case row
 * cannot be written before the repeat arrives; the repeat must take the already-started path.
 */
import { psychiatricCaseType } from '../workflows/psychiatric/case-type.js';
import { temporaryStayCaseType } from '../workflows/temporary-stay/case-type.js';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { upsertCitizen } from '../db/queries/cases.js';
import { cases, stayApplications } from '../db/schema/index.js';
import { uuidFromKey } from '../api/idempotency.js';
import { birthDateFromCpr, normaliseCpr } from '../domain/cpr.js';
import { caseNumberFor } from '../api/case-numbers.js';
import { psychiatricCaseWorkflow } from '../workflows/psychiatric/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { temporaryStayCaseWorkflow } from '../workflows/temporary-stay/index.js';
import { as, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { startWorker, useTestStack, waitUntilIdle } from './helpers.js';
import { registerPlaceType } from './temporary-stay-support.js';

const stack = useTestStack({ temporal: 'dev' });

/** An API on a task queue of its own, with no worker yet. */
async function apiWithoutWorker(): Promise<{ app: FastifyInstance; taskQueue: string }> {
  const taskQueue = `tq-intake-${randomUUID()}`;
  return { app: await testApp({ database: stack.database, temporal: stack.env.client, taskQueue }), taskQueue };
}

async function citizen(cpr: string): Promise<string> {
  return upsertCitizen(stack.database.db, normaliseCpr(cpr), birthDateFromCpr(cpr)!);
}

describe('a repeated intake whose first attempt started the workflow', () => {
  it('psychiatric notice: the repeat gets the case the first attempt started', async () => {
    const { app, taskQueue } = await apiWithoutWorker();
    const key = `notice-${randomUUID()}`;
    const caseId = uuidFromKey('region-hovedstaden', 'POST /cases', key);
    const cpr = fakeCpr('1980-03-03');
    const receivedAt = new Date(Date.now() - 3_600_000).toISOString();
    // the first attempt reserved the case number (the workflow id) and started the workflow
    const caseNumber = await caseNumberFor(stack.database.db, caseId, psychiatricCaseType);
    expect(caseNumber).toMatch(/^PSY-\d{4}-\d{6}$/);
    await stack.env.client.workflow.start(psychiatricCaseWorkflow, {
      workflowId: caseNumber,
      taskQueue,
      args: [{ caseId, citizenId: await citizen(cpr), notice: 'forvarsling', receivedAt: Date.parse(receivedAt), ward: 'Psykiatrisk Center Nord', rules: defaultRules }],
    });
    const repeat = app.inject({
      method: 'POST',
      url: '/cases',
      headers: { ...as('dev-hospital'), 'idempotency-key': key },
      payload: { type: 'psychiatric_discharge', cpr, notice: 'forvarsling', receivedAt, ward: 'Psykiatrisk Center Nord' },
    });
    const worker = await startWorker(stack.env, stack.database, taskQueue);
    try {
      const res = await repeat;
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ id: caseId, caseNumber, workflowId: caseNumber, type: 'psychiatric_discharge' });
      expect(await stack.database.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1);
      await waitUntilIdle(stack.env.client.workflow.getHandle(caseNumber));
    } finally {
      await worker.stop();
      await app.close();
    }
  });

  it('temporary-stay application: the repeat gets the application the first attempt started', async () => {
    const { app, taskQueue } = await apiWithoutWorker();
    const key = `apply-${randomUUID()}`;
    const caseId = uuidFromKey('visitator-anna', 'POST /temporary-stays', key);
    const cpr = fakeCpr('1938-08-08');
    const placeType = await registerPlaceType(stack.database.db, `intake-${randomUUID().slice(0, 8)}`);
    const appliedAt = Date.now() - 60_000;
    // The first attempt reserved the case number (the workflow id) before starting the workflow.
    const caseNumber = await caseNumberFor(stack.database.db, caseId, temporaryStayCaseType);
    await stack.env.client.workflow.start(temporaryStayCaseWorkflow, {
      workflowId: caseNumber,
      taskQueue,
      args: [{ caseId, citizenId: await citizen(cpr), placeType, purpose: 'respite', priority: 'middel', appliedAt, rules: defaultRules }],
    });
    const repeat = app.inject({
      method: 'POST',
      url: '/temporary-stays',
      headers: { ...as('dev-assessor'), 'idempotency-key': key },
      payload: { cpr, eligible: true, placeType, purpose: 'respite', priority: 'middel', appliedAt: new Date(appliedAt).toISOString() },
    });
    const worker = await startWorker(stack.env, stack.database, taskQueue);
    try {
      const res = await repeat;
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ id: caseId, caseNumber, workflowId: caseNumber, type: 'temporary_stay' });
      expect(caseNumber).toMatch(/^MDO-\d{4}-\d{6}$/);
      expect(await stack.database.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1);
      const applications = await stack.database.db.select().from(stayApplications).where(eq(stayApplications.caseId, caseId));
      expect(applications.map((a) => a.status)).toEqual(['waiting']);
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});
