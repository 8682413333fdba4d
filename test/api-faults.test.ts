/**
 * Faults get 503 fast, idempotency bound to the request, plausible input (issue 8, points 2, 4,
 * 5, 6). The shared PostgreSQL is never stopped: a "database down" is a client pointed at a
 * port where nothing listens, or at a socket that accepts and never answers.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client.js';
import { auditLog, cases, idempotencyKeys } from '../db/schema/index.js';
import { uuidFromKey } from '../api/idempotency.js';
import { as, deadTemporalClient, sendingKeys, testApp, tokens } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, pgliteDatabase, startWorker, useTestStack } from './helpers.js';
import { buildApp } from '../api/app.js';
import { defaultRules } from '../domain/rules.js';
import type { Client } from '@temporalio/client';

const stack = useTestStack({ temporal: 'dev', app: true });

const openBody = (over: Record<string, unknown> = {}) => ({
  type: 'psychiatric_discharge',
  cpr: fakeCpr('1980-02-02'),
  notice: 'faerdigmelding',
  receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
  readyAt: new Date(Date.now() - 7_200_000).toISOString(),
  ward: 'Psykiatrisk Center Amager',
  ...over,
});

async function appWith(o: { database: Database; temporal: Client; taskQueue?: string; timeoutMs?: number }): Promise<FastifyInstance> {
  const app = await buildApp({
    database: o.database,
    temporal: o.temporal,
    taskQueue: o.taskQueue ?? 'no-such-queue',
    rules: defaultRules,
    tokens,
    logLevel: 'silent',
    faults: { dependencyTimeoutMs: o.timeoutMs ?? 1_000, workerTimeoutMs: o.timeoutMs ?? 1_000 },
  });
  await app.ready();
  return sendingKeys(app);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

/** A TCP server that accepts connections and never says a word (a hung database). */
let silent: net.Server;
const sockets: net.Socket[] = [];
beforeAll(async () => {
  silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

async function openCase(app: FastifyInstance, key = randomUUID()): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: openBody() });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

describe('a database that does not answer → 503 naming it, fast', () => {
  for (const [what, url] of [
    ['nothing listens on the port', 'postgres://overgang@127.0.0.1:1/overgang'],
    ['the server accepts and never answers', () => `postgres://overgang@127.0.0.1:${(silent.address() as net.AddressInfo).port}/overgang`],
  ] as const) {
    it(`${what}: a read and a decision get 503 within the configured time`, async () => {
      const database = await openDatabase({
        DATABASE_URL: typeof url === 'string' ? url : url(),
        PGLITE_DIR: '',
        migrate: false,
        DEPENDENCY_TIMEOUT_MS: 1_000,
      });
      const app = await appWith({ database, temporal: stack.env.client, timeoutMs: 1_000 });
      try {
        const id = randomUUID();
        const read = await timed(() => app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-psychiatry') }));
        const decision = await timed(() =>
          app.inject({
            method: 'POST',
            url: `/cases/${id}/psychiatric/long-course`,
            headers: { ...as('dev-psychiatry'), 'idempotency-key': randomUUID() },
            payload: { reason: 'no offer yet' },
          }),
        );
        const list = await timed(() => app.inject({ method: 'GET', url: '/work-queue', headers: as('dev-assessor') }));
        for (const r of [read, decision, list]) {
          expect(r.value.statusCode, r.value.body).toBe(503);
          expect(r.value.headers['retry-after']).toBeDefined();
          expect(r.value.json()).toMatchObject({ statusCode: 503, dependency: 'database' });
          expect(r.ms).toBeLessThan(4_000);
        }
      } finally {
        await app.close();
        await database.close().catch(() => {});
      }
    });
  }
});

describe('Temporal or a worker that does not answer', () => {
  it('Temporal down: a decision gets 503 naming temporal, with one audit row; the case read still answers from the database', async () => {
    const id = await openCase(stack.app);
    const app = await appWith({ database: stack.database, temporal: deadTemporalClient(), timeoutMs: 1_000 });
    try {
      const key = randomUUID();
      const t0 = Date.now();
      const res = await timed(() =>
        app.inject({
          method: 'POST',
          url: `/cases/${id}/psychiatric/long-course`,
          headers: { ...as('dev-psychiatry'), 'idempotency-key': key },
          payload: { reason: 'no offer yet' },
        }),
      );
      expect(res.value.statusCode, res.value.body).toBe(503);
      expect(res.value.json().dependency).toBe('temporal');
      expect(res.value.headers['retry-after']).toBeDefined();
      expect(res.ms).toBeLessThan(5_000);
      // the 503's audit row does not hold the answer back: it follows, with the request's time
      const rows = await eventually(async () => {
        const found = await stack.database.db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.caseId, id), eq(auditLog.action, 'psychiatric.long_course.flag')));
        return found.length ? found : false;
      });
      expect(rows.map((r) => r.statusCode)).toEqual([503]);
      expect(rows[0]!.at.getTime()).toBeLessThanOrEqual(t0 + 50);
      const read = await app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-psychiatry') });
      expect(read.statusCode).toBe(200);
      expect(read.json().live).toBeNull();
      // the key was released: the retry on a working API completes the decision
      const retry = await stack.app.inject({
        method: 'POST',
        url: `/cases/${id}/psychiatric/long-course`,
        headers: { ...as('dev-psychiatry'), 'idempotency-key': key },
        payload: { reason: 'no offer yet' },
      });
      expect(retry.statusCode, retry.body).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('no worker polls the task queue: an intake is accepted as opening (202), a decision gets 503 naming the worker, in time; the repeat with the same key completes each', async () => {
    const taskQueue = `tq-nobody-${randomUUID()}`;
    const app = await appWith({ database: stack.database, temporal: stack.env.client, taskQueue, timeoutMs: 1_500 });
    const key = randomUUID();
    const body = openBody();
    try {
      const first = await timed(() => app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body }));
      // Temporal took the start: the case is opening, not refused
      expect(first.value.statusCode, first.value.body).toBe(202);
      expect(first.value.json()).toMatchObject({ pending: true, waitingFor: 'worker', type: 'psychiatric_discharge' });
      expect(first.value.headers.location).toBe(`/cases/${first.value.json().id}`);
      expect(first.value.headers['retry-after']).toBeDefined();
      expect(first.ms).toBeLessThan(6_000);
      const worker = await startWorker(stack.env, stack.database, taskQueue);
      try {
        // the repeat answers 202 until the case can take decisions, then 201 — a client repeats like this
        let retry = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
        for (let i = 0; i < 30 && retry.statusCode === 202; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          retry = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
        }
        expect(retry.statusCode, retry.body).toBe(201);
        const read = await app.inject({ method: 'GET', url: `/cases/${retry.json().id}`, headers: as('dev-psychiatry') });
        expect(read.statusCode).toBe(200);
        expect(read.json().caseNumber).toBe(retry.json().caseNumber);
        const audit = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, retry.json().id), eq(auditLog.action, 'case.open')));
        // one row per request, the pending ones too
        expect(audit.map((a) => a.statusCode).filter((c) => c !== 202)).toEqual([201]);
        expect(audit.filter((a) => a.statusCode === 202).length).toBeGreaterThanOrEqual(1);

        // a decision while no worker runs: 503 naming the worker; the retry with the same key completes it
        await worker.stop();
        const caseId = retry.json().id;
        const decisionKey = randomUUID();
        const decide = () =>
          app.inject({
            method: 'POST',
            url: `/cases/${caseId}/psychiatric/long-course`,
            headers: { ...as('dev-psychiatry'), 'idempotency-key': decisionKey },
            payload: { reason: 'no offer yet' },
          });
        const refused = await timed(decide);
        // 503 worker — or 202 `deciding` when the server had handed a task to the stopping worker's
        // last poll after the decision was sent (that task may carry it until it times out)
        if (refused.value.statusCode === 202) expect(refused.value.json().state, refused.value.body).toBe('deciding');
        else {
          expect(refused.value.statusCode, refused.value.body).toBe(503);
          expect(refused.value.json().dependency).toBe('worker');
        }
        expect(refused.ms).toBeLessThan(6_000);
        const again = await startWorker(stack.env, stack.database, taskQueue);
        try {
          // the workflow task first waits out the stopped worker's sticky queue: retry like a client would
          let done = await decide();
          for (let i = 0; i < 20 && (done.statusCode === 503 || done.statusCode === 202); i++) {
            await new Promise((r) => setTimeout(r, 1_000));
            done = await decide();
          }
          expect(done.statusCode, done.body).toBe(200);
          const flagged = await decide();
          expect(flagged.headers['idempotent-replay']).toBe('true');
        } finally {
          await again.stop();
        }
      } finally {
        if (worker.worker.getState() === 'RUNNING') await worker.stop();
      }
    } finally {
      await app.close();
    }
  });
});

describe('an audit row that cannot be written fails the request', () => {
  it('no worker: a hospital discharge intake is opening (202); the case opens once a worker runs, with its care plan, and the repeat answers 201', async () => {
    const taskQueue = `tq-nobody-${randomUUID()}`;
    const app = await appWith({ database: stack.database, temporal: stack.env.client, taskQueue, timeoutMs: 1_500 });
    const key = randomUUID();
    const body = {
      type: 'hospital_discharge',
      cpr: fakeCpr('1941-04-05'),
      receivedAt: new Date(Date.now() - 3_600_000).toISOString(),
      admittedAt: new Date(Date.now() - 7_200_000).toISOString(),
      ward: 'Afsnit 12',
      functionalLevel: 'FSIII 3',
    };
    try {
      const first = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
      expect(first.statusCode, first.body).toBe(202);
      expect(first.json().waitingFor).toBe('worker');
      const worker = await startWorker(stack.env, stack.database, taskQueue);
      try {
        // the started workflow opens the case as soon as a worker runs: the retry comes after that
        const caseId = uuidFromKey(tokens.get('dev-hospital')!.user, 'POST /cases', key);
        for (let i = 0; i < 100 && !(await stack.database.db.select().from(cases).where(eq(cases.id, caseId))).length; i++) {
          await new Promise((r) => setTimeout(r, 200));
        }
        let retry = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
        for (let i = 0; i < 20 && retry.statusCode === 503; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          retry = await app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body });
        }
        expect(retry.statusCode, retry.body).toBe(201);
        const plan = await app.inject({ method: 'GET', url: `/cases/${retry.json().id}/hospital-discharge/care-plan`, headers: as('dev-coordinator') });
        expect(plan.statusCode, plan.body).toBe(200);
        expect(plan.json()).toMatchObject({ ward: 'Afsnit 12', functionalLevel: 'FSIII 3' });
      } finally {
        await worker.stop();
      }
    } finally {
      await app.close();
    }
  });

  it('503 naming the audit; nothing is answered as done', async () => {
    const database = await pgliteDatabase();
    const app = await appWith({ database, temporal: deadTemporalClient() });
    try {
      await database.db.execute(sql`alter table audit_log rename to audit_log_gone`);
      const res = await app.inject({
        method: 'POST',
        url: '/housing-offers',
        headers: { ...as('dev-psychiatry'), 'idempotency-key': 'offer-1' },
        payload: { name: 'Bostedet Syd', targetGroup: 'Adults', places: ['Room 1'] },
      });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().dependency).toBe('audit');
      expect(res.headers['retry-after']).toBeDefined();
      // the key is not kept with a success: the retry runs again
      expect(await database.db.select().from(idempotencyKeys)).toEqual([]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('Idempotency-Key bound to the request', () => {
  let database: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await pgliteDatabase();
    app = await testApp({ database, temporal: deadTemporalClient(), taskQueue: 'none' });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });
  const post = (key: string, name: string) =>
    app.inject({
      method: 'POST',
      url: '/housing-offers',
      headers: { ...as('dev-psychiatry'), 'idempotency-key': key },
      payload: { name, targetGroup: 'Adults', places: ['Room 1'] },
    });

  it('same key + same body → the first answer; same key + another body → 422; after the TTL the key is new', async () => {
    const first = await post('k-1', 'Bostedet Øst');
    expect(first.statusCode).toBe(201);
    const again = await post('k-1', 'Bostedet Øst');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await post('k-1', 'Bostedet Vest');
    expect(other.statusCode).toBe(422);
    expect(other.json().message).toMatch(/different request body/);
    // keys expire (IDEMPOTENCY_KEY_TTL_HOURS, default 24)
    await database.db.update(idempotencyKeys).set({ createdAt: new Date(Date.now() - 25 * 3_600_000) }).where(eq(idempotencyKeys.key, 'k-1'));
    const later = await post('k-1', 'Bostedet Vest');
    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replay']).toBeUndefined();
  });

  it('five concurrent copies of one request: one execution, the same answer for all, one audit row', async () => {
    const count = async () => (await database.db.select().from(auditLog).where(eq(auditLog.path, '/housing-offers'))).length;
    const before = await count();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('k-5', 'Bostedet Midt')));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });
});

describe('ten concurrent copies of an intake', () => {
  it('one case, one audit row, the same answer for all', async () => {
    const key = randomUUID();
    const body = openBody();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => stack.app.inject({ method: 'POST', url: '/cases', headers: { ...as('dev-hospital'), 'idempotency-key': key }, payload: body })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    const ids = new Set(answers.map((a) => a.json().id));
    expect(ids.size).toBe(1);
    const rows = await stack.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, [...ids][0]!), eq(auditLog.action, 'case.open')));
    expect(rows).toHaveLength(1);
  });
});

describe('plausibility', () => {
  it('a færdigmelding of 1901 → 400', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: openBody({ receivedAt: '1901-03-01T10:00:00+01:00', readyAt: '1901-03-01T09:00:00+01:00' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.receivedAt', 'body.readyAt']));
  });

  it('a CPR whose birth date lies in the future → 400', async () => {
    // 7th digit 5 and year 50: born 2050
    const res = await stack.app.inject({ method: 'POST', url: '/cases', headers: as('dev-hospital'), payload: openBody({ cpr: '0101505123' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().fields[0]).toMatchObject({ field: 'body.cpr', message: expect.stringMatching(/future/) });
  });

  it('a notice received before the citizen was born → 400 naming the field', async () => {
    const birth = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const before = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const res = await stack.app.inject({
      method: 'POST',
      url: '/cases',
      headers: as('dev-hospital'),
      payload: openBody({ cpr: fakeCpr(birth), receivedAt: before, readyAt: before }),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().fields.map((f: { field: string }) => f.field)).toEqual(['body.receivedAt', 'body.readyAt']);
  });
});
