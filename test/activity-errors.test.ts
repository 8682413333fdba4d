/**
 * Activities classify database errors (issue 8, points 2 and 3): a value the database can never
 * accept is a non-retryable ApplicationFailure; a database that does not answer stays retryable;
 * no failure and no log line carries the query's parameters.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { createCoreActivities } from '../activities/core.js';
import { classifyDatabaseError, withDatabaseErrors } from '../activities/errors.js';
import { openDatabase, type Database } from '../db/client.js';
import { upsertCitizen } from '../db/queries/cases.js';
import { fakeCpr } from './fixtures.js';
import { pgliteDatabase, testDatabase } from './helpers.js';

const MARKER = 'Skovbo-afsnit-0101501234';

async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('the activity did not fail');
}

function expectScrubbed(f: ApplicationFailure, activity: string): void {
  expect(f.message).toContain(activity);
  expect(f.message).toMatch(/reference [0-9a-f-]{36}/);
  expect(f.message).not.toContain('Skovbo');
  expect(f.message).not.toContain('0101501234');
  expect(f.message).not.toMatch(/params|insert|select|update/i);
  expect(f.cause).toBeUndefined();
  expect(f.details ?? []).toHaveLength(0);
}

describe.each([
  ['PostgreSQL', testDatabase],
  ['PGlite', pgliteDatabase],
] as const)('activity database errors on %s', (_engine, open) => {
  let database: Database;
  let citizenId: string;
  beforeAll(async () => {
    database = await open();
    citizenId = await upsertCitizen(database.db, fakeCpr(), '1970-01-01');
  });
  afterAll(async () => {
    await database?.close();
  });

  const opened = (over: Record<string, unknown> = {}) => ({
    caseId: randomUUID(),
    type: 'psychiatric_discharge',
    citizenId,
    workflowId: `case-${randomUUID()}`,
    step: 'open',
    details: {},
    openedAt: Date.now(),
    ...over,
  });

  it('a NUL in a jsonb detail → non-retryable data exception, no part of the value in the failure', async () => {
    const acts = createActivities(database.db);
    const f = await failureOf(() => acts.recordCaseOpened(opened({ details: { ward: `${MARKER}\u0000x` } })));
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('DatabaseDataException');
    expect(f.message).toMatch(/22P05|22021/);
    expectScrubbed(f, 'recordCaseOpened');
  });

  it('the mirror activity with a NUL in its detail → non-retryable', async () => {
    const acts = createActivities(database.db);
    const caseId = randomUUID();
    const f = await failureOf(() =>
      acts.mirrorCase({
        caseId,
        step: 'open',
        details: { ward: `${MARKER}\u0000` },
        sla: { slaState: null, nextDueAt: null, nextDueDay: null, actingRole: null, actingTeam: null, escalated: false },
        obligations: [],
        escalations: [],
        open: { type: 'psychiatric_discharge', citizenId, workflowId: `case-${caseId}`, openedAt: Date.now() },
      }),
    );
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('DatabaseDataException');
    expectScrubbed(f, 'mirrorCase');
  });

  it('a missing required value → non-retryable not-null violation', async () => {
    const acts = createActivities(database.db);
    const f = await failureOf(() => acts.recordCaseOpened(opened({ type: null, details: { note: MARKER } })));
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe('DatabaseNotNullViolation');
    expect(f.message).toContain('23502');
    expectScrubbed(f, 'recordCaseOpened');
  });

  it('a foreign key to a row that never appears: retryable on early attempts, final after them', async () => {
    const acts = createActivities(database.db);
    const input = opened({ citizenId: randomUUID(), details: { note: MARKER } });
    const early = await failureOf(() => new MockActivityEnvironment({ attempt: 1 }).run(acts.recordCaseOpened, input));
    expect(early.type).toBe('DatabaseForeignKeyViolation');
    expect(early.nonRetryable).toBe(false);
    expectScrubbed(early, 'recordCaseOpened');
    const late = await failureOf(() => new MockActivityEnvironment({ attempt: 5 }).run(acts.recordCaseOpened, input));
    expect(late.nonRetryable).toBe(true);
  });

  it('logs a reference with codes and names only, never the query, parameters or detail', async () => {
    const lines: Record<string, unknown>[] = [];
    const acts = withDatabaseErrors(createCoreActivities(database.db), { warn: (_m, attrs) => lines.push(attrs) });
    const f = await failureOf(() => acts.recordCaseOpened(opened({ type: null, details: { note: MARKER } })));
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(f.message).toContain(String(line.reference));
    expect(line).toMatchObject({ activity: 'recordCaseOpened', code: '23502', table: 'cases', nonRetryable: true });
    for (const k of ['query', 'params', 'parameters', 'detail', 'message']) expect(line).not.toHaveProperty(k);
    expect(JSON.stringify(line)).not.toContain('Skovbo');
  });

  it('errors that do not come from the database pass through unchanged', async () => {
    const boom = new Error('not a database error');
    const acts = withDatabaseErrors({ fails: async () => Promise.reject(boom) });
    await expect(acts.fails()).rejects.toBe(boom);
    expect(classifyDatabaseError(boom)).toBeUndefined();
  });
});

describe('a database that does not answer', () => {
  let database: Database;
  beforeAll(async () => {
    // Port 1: nothing listens there.
    database = await openDatabase({
      DATABASE_URL: 'postgres://overgang@127.0.0.1:1/overgang',
      PGLITE_DIR: '',
      migrate: false,
      maxConnections: 1,
      DEPENDENCY_TIMEOUT_MS: 1_000,
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('is a retryable failure without the parameters', async () => {
    const acts = createActivities(database.db);
    const f = await failureOf(() =>
      acts.recordCaseOpened({
        caseId: randomUUID(),
        type: 'psychiatric_discharge',
        citizenId: randomUUID(),
        workflowId: 'case-x',
        step: 'open',
        details: { ward: MARKER },
        openedAt: Date.now(),
      }),
    );
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('DatabaseUnavailable');
    expectScrubbed(f, 'recordCaseOpened');
  });
});
