/**
 * Test helpers: connect to the run's servers and database (see global-setup.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { registerSearchAttributes } from '../api/search-attributes.js';
import { createOvergangWorker } from '../worker/worker.js';
import { testDataConverter } from './test-keys.js';
import { testApp } from './api-helpers.js';
import { localDate, localInstant } from '../domain/calendar.js';

let runtimeInstalled = false;
/** Keeps worker logs quiet in tests (warnings and errors only). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
}

export { testDataConverter } from './test-keys.js';

/** A test environment on a running Temporal server, its client encrypting (testDataConverter). */
export async function existingServerEnv(address: string): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  // a server just started listens before its frontend answers ("Frontend is not healthy yet"): wait for it
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await TestWorkflowEnvironment.createFromExistingServer({ address, client: { dataConverter: testDataConverter() } });
    } catch (err) {
      if (Date.now() > deadline || !/unavailable|not healthy/i.test(String((err as Error).message))) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The run's PostgreSQL database (fresh per run, migrated). */
export async function testDatabase(): Promise<Database> {
  return openDatabase({ DATABASE_URL: inject('databaseUrl'), PGLITE_DIR: '', maxConnections: 5 });
}

/** A fresh embedded PGlite database in a temporary folder, migrated. */
export async function pgliteDatabase(): Promise<Database> {
  return openDatabase({ PGLITE_DIR: mkdtempSync(path.join(os.tmpdir(), 'overgang-pglite-')) });
}

/**
 * A time-skipping test server of this test file's own, with the project's search attributes.
 * Time skipping is global to a server: a file of its own keeps other files' clocks and
 * abandoned workflows out of its way. Call `teardown()` in `afterAll`.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('timeSkippingServerPath') } },
    client: { dataConverter: testDataConverter() },
  });
  await registerSearchAttributes(env.connection);
  return env;
}

/** The run's Temporal dev server (real server, real time, search attributes registered). */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return existingServerEnv(inject('devServerAddress'));
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Starts the project's worker (real activities, real database) on a fresh task queue. */
export async function startWorker(env: TestWorkflowEnvironment, database: Database, taskQueue = `tq-${randomUUID()}`, dataConverter = testDataConverter()): Promise<RunningWorker> {
  const worker = await createOvergangWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: database.db,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    options: { shutdownGraceTime: '1 second', dataConverter },
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** Polls (in real time) until `fn` returns a truthy value (generous: a loaded CI machine is slow to start a workflow). */
/**
 * The instant `agoMs` before `now`, but no earlier than today's local midnight (Europe/Copenhagen):
 * a "received an hour ago" that stays on today's date whatever the hour the suite runs (shortly
 * after midnight an hour ago is yesterday, which moves every next-working-day deadline to today).
 */
export function earlierToday(agoMs: number, now = Date.now()): number {
  return Math.max(now - agoMs, localInstant(localDate(now)));
}

export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Until the workflow waits on timers only (no activity or workflow task in flight), seen twice
 * in a row 200 ms apart. A test stopping a worker waits for this first: a task handed to a
 * stopping worker is retried only after its timeout, and the time-skipping server does not skip
 * time while an activity waits for a worker.
 */
export async function waitUntilIdle(handle: WorkflowHandle): Promise<void> {
  const idle = async () => {
    const { raw } = await handle.describe();
    return (raw.pendingActivities ?? []).length === 0 && !raw.pendingWorkflowTask;
  };
  await eventually(async () => (await idle()) && (await new Promise((r) => setTimeout(r, 200)), await idle()));
}

/**
 * A workflow's result, waited for without unlocking time skipping. The time-skipping client's
 * own `result()` unlocks it while it waits, and the server then jumps to the next timer of any
 * workflow on it — in a file that has left cases open, even their run timeouts years ahead.
 * Only for a workflow that ends without a timer having to fire first.
 */
export async function resultOf<T extends Workflow>(env: TestWorkflowEnvironment, handle: WorkflowHandle<T>): Promise<WorkflowResultType<T>> {
  const plain = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter: testDataConverter() });
  return plain.workflow.getHandle<T>(handle.workflowId).result();
}

/** What a test file runs against: a Temporal server, the run's database, a worker, and the API. */
export interface TestStack {
  env: TestWorkflowEnvironment;
  database: Database;
  /** Replace it to restart the worker mid-case (the old one is stopped by the test). */
  worker: RunningWorker;
  /** Only with `app: true`: the API on this stack (fastify.inject). */
  app: FastifyInstance;
}

/**
 * Starts, before the file's tests, a Temporal server (this file's own time-skipping server, or
 * the run's dev server), a worker with the real activities on a fresh task queue, and optionally
 * the API; stops them all after.
 */
export function useTestStack(o: { temporal: 'time-skipping' | 'dev'; app?: boolean }): TestStack {
  const stack = {} as Partial<TestStack>;
  beforeAll(async () => {
    stack.env = o.temporal === 'dev' ? await devServerEnv() : await timeSkippingEnv();
    stack.database = await testDatabase();
    stack.worker = await startWorker(stack.env, stack.database);
    if (o.app) stack.app = await testApp({ database: stack.database, temporal: stack.env.client, taskQueue: stack.worker.taskQueue, refuseLateDecisions: o.temporal !== 'time-skipping' });
  });
  afterAll(async () => {
    await stack.app?.close();
    await stack.worker?.stop();
    await stack.database?.close();
    await stack.env?.teardown();
  });
  return stack as TestStack;
}
