/**
 * Issue 17 point 7: a mirror that failed for good (a non-retryable failure of the mirror
 * activity, e.g. a value the database can never accept) no longer blocks the mirrors after it
 * (patch `mirror-failure-does-not-block`): the decision stands, the case runs on, and the next
 * change writes the current state — including what the failed mirror carried (here an
 * obligation and a detail). On the time-skipping server, with a worker whose mirror activity
 * fails once, for good, for one chosen case.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import type { Database } from '../db/client.js';
import type { CaseMirror } from '../db/queries/case-mirror.js';
import { cases, obligations } from '../db/schema/index.js';
import { defaultRules } from '../domain/rules.js';
import {
  caseOpenedUpdate,
  flagLongCourseUpdate,
  psychiatricCaseWorkflow,
  psychiatricStatusQuery,
  recordInvolvementUpdate,
} from '../workflows/psychiatric/workflow.js';
import { createOvergangWorker } from '../worker/worker.js';
import { newCitizen } from './fixtures.js';
import { eventually, testDataConverter, testDatabase, timeSkippingEnv } from './helpers.js';
import { inject } from 'vitest';

let env: TestWorkflowEnvironment;
let database: Database;
let stop: () => Promise<void>;
const taskQueue = `tq-${randomUUID()}`;
/** Cases whose next mirror fails for good (once). */
const failNext = new Set<string>();
const failed: CaseMirror[] = [];

beforeAll(async () => {
  env = await timeSkippingEnv();
  database = await testDatabase();
  const real = createActivities(database.db);
  const worker = await createOvergangWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: database.db,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    options: {
      shutdownGraceTime: '1 second',
      dataConverter: testDataConverter(),
      activities: {
        ...real,
        async mirrorCase(m: CaseMirror) {
          if (failNext.delete(m.caseId)) {
            failed.push(m);
            // what activities/errors.ts makes of a value the database can never accept
            throw ApplicationFailure.create({
              message: `mirrorCase: database error 22P05 (DatabaseDataException), reference ${randomUUID()}`,
              type: 'DatabaseDataException',
              nonRetryable: true,
            });
          }
          return real.mirrorCase(m);
        },
      },
    },
  });
  const running = worker.run();
  stop = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
});

afterAll(async () => {
  await stop?.();
  await database?.close();
  await env?.teardown();
});

describe('a mirror that failed for good (time-skipping server)', () => {
  it('does not block the later mirrors: the next change writes the current state, with what the failed one carried', async () => {
    const caseId = randomUUID();
    const { citizenId } = await newCitizen(database.db);
    const handle = await env.client.workflow.start(psychiatricCaseWorkflow, {
      workflowId: `case-${caseId}`,
      taskQueue,
      args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt: await env.currentTimeMs(), ward: 'test ward', rules: defaultRules }],
    });
    await handle.executeUpdate(caseOpenedUpdate);
    const row = async () => (await database.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;
    expect((await row()).step).toBe('open');

    // the long-course flag's mirror (its meeting obligation, the flag in the details) fails for good
    failNext.add(caseId);
    const flagged = await handle.executeUpdate(flagLongCourseUpdate, { args: [{}] });
    expect(flagged.key).toBe('long-course');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.obligations.map((o) => o.key)).toContain('meeting-1');
    expect((await row()).details).not.toHaveProperty('longCourse.flaggedDay');
    const meeting = () => database.db.select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, 'meeting-1')));
    expect(await meeting()).toHaveLength(0);

    // the case runs on; the next change is mirrored, and carries what the failed mirror had
    await handle.executeUpdate(recordInvolvementUpdate, { args: [{}] });
    const after = await eventually(async () => {
      const r = await row();
      return r.step === 'citizen_involved' ? r : undefined;
    });
    expect(after.details).toMatchObject({ longCourse: { flaggedDay: flagged.flaggedDay, by: 'psychiatry_coordinator' } });
    const [ob] = await meeting();
    expect(ob).toMatchObject({ kind: 'psychiatric_status_meeting', state: 'on_track', dueDay: flagged.firstMeetingDueDay });
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.step).toBe('citizen_involved');
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
