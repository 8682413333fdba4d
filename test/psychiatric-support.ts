/** Shared helpers for the psychiatric time-skipping tests. */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../db/client.js';
import { escalations } from '../db/schema/index.js';
import { caseOpenedUpdate, psychiatricCaseWorkflow, type PsychiatricCaseInput } from '../workflows/psychiatric/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { newCitizen } from './fixtures.js';
import { eventually } from './helpers.js';

export function psychiatricTestKit(get: () => { env: TestWorkflowEnvironment; database: Database; taskQueue: string }) {
  async function openCase(receivedAt: number, extra: Partial<PsychiatricCaseInput> = {}) {
    const { env, database, taskQueue } = get();
    const caseId = randomUUID();
    const { citizenId } = await newCitizen(database.db);
    const workflowId = `case-${caseId}`;
    const started = await env.client.workflow.start(psychiatricCaseWorkflow, {
      workflowId,
      taskQueue,
      args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt, ward: 'test ward', rules: defaultRules, ...extra }],
    });
    await started.executeUpdate(caseOpenedUpdate);
    // a handle on the latest run (the case may continue-as-new)
    const handle: WorkflowHandle<typeof psychiatricCaseWorkflow> = env.client.workflow.getHandle(workflowId);
    return { caseId, handle, firstRunId: started.firstExecutionRunId };
  }

  const rowFor = async (caseId: string, key: string) =>
    (await get().database.db.select().from(escalations).where(and(eq(escalations.caseId, caseId), eq(escalations.key, key))))[0];
  const rowsFor = (caseId: string) => get().database.db.select().from(escalations).where(eq(escalations.caseId, caseId));

  async function sleepUntil(instant: number) {
    const env = get().env;
    const now = await env.currentTimeMs();
    if (instant > now) await env.sleep(instant - now);
  }

  async function expectFiresExactlyAt(caseId: string, key: string, at: number) {
    await sleepUntil(at - 60_000);
    expect(await rowFor(caseId, key)).toBeUndefined();
    await get().env.sleep(120_000);
    const row = await eventually(() => rowFor(caseId, key));
    expect(row.scheduledFor.getTime()).toBe(at);
    expect(row.firedAt.getTime()).toBeGreaterThanOrEqual(at);
    expect(row.firedAt.getTime()).toBeLessThan(at + 60_000);
    return row;
  }

  return { openCase, rowFor, rowsFor, sleepUntil, expectFiresExactlyAt };
}

/** Retries an update that met a run just continuing-as-new (never one the workflow refused). */
export async function retryingUpdate<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export const DAY = 86_400_000;

/** The reason an Update was refused (its validator's or handler's message). */
export async function refusalOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as Error | undefined)?.message ?? err.message;
    throw err;
  }
  throw new Error('the update was not refused');
}
