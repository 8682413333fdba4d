/**
 * Issue 17 point 7: a decision's free text is dated by the instant the workflow accepted the
 * decision (the `at` of the Update's result), not by the database's clock when the API got to
 * write it — so a text written on a retry after a 503 carries the decision's instant. On the
 * time-skipping server, whose clock runs days ahead of the wall clock (and the database's).
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { caseNumberFor } from '../api/case-numbers.js';
import { decisionTexts } from '../db/schema/index.js';
import { defaultRules } from '../domain/rules.js';
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { hospitalDischargeCaseWorkflow } from '../workflows/hospital-discharge/workflow.js';
import { psychiatricCaseWorkflow } from '../workflows/psychiatric/workflow.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';
import { as } from './api-helpers.js';
import { newCitizen } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const DAY = 86_400_000;

const textRow = async (caseId: string, kind: string) =>
  (await stack.database.db.select().from(decisionTexts).where(and(eq(decisionTexts.caseId, caseId), eq(decisionTexts.kind, kind))))[0];

/** Posts a decision and answers the workflow clock's instants before and after it. */
async function decideAt(url: string, token: string, payload: object): Promise<{ before: number; after: number }> {
  const before = await stack.env.currentTimeMs();
  const res = await stack.app.inject({ method: 'POST', url, headers: { ...as(token), 'idempotency-key': randomUUID() }, payload });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).not.toHaveProperty('at'); // the instant dates the text; the answer's contract is unchanged
  return { before, after: await stack.env.currentTimeMs() };
}

/** The text is dated within the workflow's handling of the decision, days away from the wall clock. */
function expectWorkflowInstant(at: Date, { before, after }: { before: number; after: number }): void {
  expect(at.getTime()).toBeGreaterThanOrEqual(before);
  expect(at.getTime()).toBeLessThanOrEqual(after);
  expect(at.getTime() - Date.now()).toBeGreaterThan(2 * DAY);
}

describe('decision texts dated by the workflow (time-skipping server)', () => {
  it('psychiatric: the involvement record carries the instant the workflow accepted it', async () => {
    const caseId = randomUUID();
    const { citizenId } = await newCitizen(stack.database.db, '1984-04-04');
    const handle = await stack.env.client.workflow.start(psychiatricCaseWorkflow, {
      workflowId: `case-${caseId}`,
      taskQueue: stack.worker.taskQueue,
      args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt: await stack.env.currentTimeMs(), ward: 'test ward', rules: defaultRules }],
    });
    await handle.executeUpdate(caseOpenedUpdate);
    await stack.env.sleep(3 * DAY);

    const when = await decideAt(`/cases/${caseId}/psychiatric/involvement`, 'dev-psychiatry', { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat' });
    const row = await textRow(caseId, 'involvement');
    expect(row).toMatchObject({ key: 'involvement-1', body: { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat' } });
    expectWorkflowInstant(row!.at, when);
  });

  it('hospital discharge: the assessment note carries the instant the workflow accepted the assessment', async () => {
    const caseId = randomUUID();
    const { citizenId } = await newCitizen(stack.database.db, '1949-09-09');
    const handle = await stack.env.client.workflow.start(hospitalDischargeCaseWorkflow, {
      workflowId: await caseNumberFor(stack.database.db, caseId, hospitalDischargeCaseType),
      taskQueue: stack.worker.taskQueue,
      args: [{ caseId, citizenId, receivedAt: await stack.env.currentTimeMs(), administration: 'SUF', rules: defaultRules }],
      typedSearchAttributes: [{ key: CaseTypeKey, value: 'hospital_discharge' }],
    });
    await handle.executeUpdate(caseOpenedUpdate);
    await stack.env.sleep(3 * DAY);

    const when = await decideAt(`/cases/${caseId}/hospital-discharge/vulnerability-assessment`, 'dev-assessor', { vulnerable: true, note: 'Lives alone; stairs' });
    const row = await textRow(caseId, 'assessment_note');
    expect(row).toMatchObject({ body: { text: 'Lives alone; stairs' } });
    expectWorkflowInstant(row!.at, when);
  });
});
