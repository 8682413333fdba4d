/**
 * `npm run bench` — one command, one run, a table of ratios each against its physical limit on
 * the same server (2-core machines are shared: absolute figures move, ratios much less):
 *
 *  P1 cases opened through the API per second, each case type ÷ a bare Temporal start + one
 *     no-op activity (a tiny workflow bundled on its own, its own worker), same concurrency;
 *     interleaved, three repetitions; with each intake's history events and workflow tasks;
 *  P2 escalation storm on the time-skipping server: N psychiatric cases (default 1,000,
 *     `--storm 10000`) whose 12-week escalation falls on the same instant; wall time until every
 *     escalation row is written from the start of the skip, none twice, p99 lag. The storm from
 *     the due instant in real time, beside a bare storm of the same size, is `npm run bench:storm`;
 *  P3 N open cases held (default 5,000, `--open 100000`): worker and server RSS; then the hard
 *     cases filled (`--periods 20000` bed-day periods, `--waiting 1000`, `--escalations 10000`,
 *     their sizes printed): GET /payments/bed-days over every period and GET /health p99 alone
 *     and during it; GET /work-queue, /escalations, /waiting-list, /cases/:id p99 ÷ GET /health
 *     p99, each at 20 req/s open loop (interleaved), with the EXPLAIN plans of the list queries;
 *  P4 decisions (POST …/psychiatric/long-course, one per case) open loop at 20/50/100/200 req/s
 *     offered: offered and achieved rate, share of 503s, p50/p99, beside a bare Update at the same
 *     offered rate (interleaved).
 *  and the allocation bench (`npm run bench:allocation`) stays on its own.
 *
 * Targets are printed next to the figures, never asserted.
 * Options: --full (storm 10000, open 100000), --storm N, --open N, --p1 N (opens per sample),
 * --concurrency N, --seconds N (per latency sample), --reps N, --periods N, --waiting N,
 * --escalations N, --skip P2,P4 …
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { projectRoot } from '../../config/index.js';
import * as schema from '../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import { listEscalations, workQueue } from '../../db/queries/work-queue.js';
import { registerSearchAttributes } from '../../api/search-attributes.js';
import { readableCaseTypes } from '../../api/case-types/index.js';
import { freePort } from '../../scripts/ports.js';
import { temporalTestServerPath } from '../../scripts/temporal-bin.js';
import { addDays, localDate, localInstant, overnightAfter } from '../../domain/calendar.js';
import { BARE_QUEUE } from './bare.js';
import { fillHardCases } from './hard-cases.js';
import { httpOp, openLoop, openLoopLine, type OpenLoopResult } from './open-loop.js';
import {
  appEnv,
  benchCpr,
  benchDatabase,
  call,
  cpuSecondsOf,
  hospitalIntake,
  loadAverage,
  memOf,
  pool,
  postgresCpuSeconds,
  productionHeapFlags,
  psychiatricIntake,
  quantile,
  sleep,
  startApi,
  startDevServer,
  startWorker,
  stormRows,
  TOKENS,
} from './harness.js';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    storm: { type: 'string' },
    open: { type: 'string' },
    n: { type: 'string' },
    p1: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '5' },
    skip: { type: 'string', default: '' },
    'server-db': { type: 'string' },
    periods: { type: 'string', default: '20000' },
    waiting: { type: 'string', default: '1000' },
    escalations: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '3' },
  },
});
const STORM = Number(values.storm ?? values.n ?? (values.full ? 10_000 : 1_000));
const OPEN = Number(values.open ?? (values.full ? 100_000 : 5_000));
const P1_N = Number(values.p1);
const C = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const SKIP = new Set(values.skip.split(',').filter(Boolean));
// The dev server keeps its SQLite in memory; it failed ("out of memory (7)", then 22 GiB RSS) near
// 75,000 open cases here, so P3 at more than 50,000 keeps it in a file — on /dev/shm (tmpfs) where
// there is one: on disk it opens 21 cases/s instead of 36 (`--server-db <file|memory>` to choose).
const SERVER_DB =
  values['server-db'] ?? (OPEN > 50_000 ? path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), `overgang-bench-temporal-${process.pid}.db`) : 'memory');
const REPS = Number(values.reps);
const PERIODS = Number(values.periods);
const WAITING = Number(values.waiting);
const ESCALATIONS = Number(values.escalations);
// 200/s is beyond what either the decisions or the bare Update carry here: their capacities are what they achieve there
const RATES = [20, 50, 100, 200];
const MB = 1024 * 1024;

Runtime.install({ logger: new DefaultLogger('ERROR') });

type Row = { id: string; what: string; ratio?: number[]; figure: string; target: string };
const rows: Row[] = [];
/** A row of the table; also logged at once, so a run that dies later keeps what it measured. */
const addNote = (n: string) => {
  notes.push(n);
  log(`note: ${n}`);
};
const addRow = (r: Row) => {
  rows.push(r);
  log(`${r.id} ${r.what}: ${r.ratio ? `ratio ${r.ratio.map((x) => x.toFixed(2)).join(' / ')}; ` : ''}${r.figure}`);
};
const notes: string[] = [];
const startedLoad = loadAverage();
const t00 = performance.now();
const log = (s: string) => console.error(`[bench ${((performance.now() - t00) / 1000).toFixed(0)}s] ${s}`);

const med = (xs: number[]) => quantile(xs, 0.5);
const mmm = (xs: number[], digits = 2) => `${Math.min(...xs).toFixed(digits)} / ${med(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

/** A workflow's history events and workflow tasks once its intake has finished (no activity pending, the history still for a second). */
async function historyCounts(client: Client, workflowId: string): Promise<{ events: number; tasks: number }> {
  const handle = client.workflow.getHandle(workflowId);
  const WORKFLOW_TASK_COMPLETED = 7; // temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
  let last = -1;
  for (let i = 0; i < 30; i++) {
    const d = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    if ((d.raw.pendingActivities ?? []).length === 0 && events.length === last) {
      return { events: events.length, tasks: events.filter((e) => Number(e.eventType) === WORKFLOW_TASK_COMPLETED).length };
    }
    last = events.length;
    await sleep(1000);
  }
  throw new Error(`${workflowId}: the intake did not finish within 30 s`);
}

// ---------------------------------------------------------------------------------------------
type CpuSnapshot = { worker: number; server: number; api: number; postgres: number; bench: NodeJS.CpuUsage };
const cpuZero = () => ({ 'Temporal server': 0, worker: 0, API: 0, PostgreSQL: 0, 'bench client': 0 });
/** CPU seconds each process spent between two snapshots. */
function cpuDelta(from: CpuSnapshot, to: CpuSnapshot): ReturnType<typeof cpuZero> {
  return { 'Temporal server': to.server - from.server, worker: to.worker - from.worker, API: to.api - from.api, PostgreSQL: to.postgres - from.postgres, 'bench client': (to.bench.user - from.bench.user + to.bench.system - from.bench.system) / 1e6 };
}
/** CPU per unit of work (ms) for each process, and how many cores were busy. */
function cpuLine(cpu: ReturnType<typeof cpuZero>, n: number, secs: number, unit: string): string {
  const per = Object.entries(cpu).map(([k, v]) => `${k} ${((v * 1000) / Math.max(1, n)).toFixed(1)}`);
  const all = Object.values(cpu).reduce((a, b) => a + b, 0);
  return `CPU per ${unit} (ms) — ${per.join(', ')}; in all ${((all * 1000) / Math.max(1, n)).toFixed(1)}; ${(all / Math.max(0.001, secs)).toFixed(2)} of ${os.cpus().length} cores busy`;
}

// P1, P3, P4 on one dev server, one worker process (default settings), one API process.

async function devServerPhases(): Promise<void> {
  const server = await startDevServer(SERVER_DB === 'memory' ? {} : { dbFile: SERVER_DB });
  const db = await benchDatabase('main');
  const env = appEnv(server.address, db.url, await freePort());
  const worker = await startWorker(env);
  const api = await startApi(env);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });

  // the bare limit: a tiny workflow of its own, bundled on its own, its own worker (this process)
  const bareBundle = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot, 'test', 'bench', 'bare-workflow.ts'),
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } } }),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const bareWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: BARE_QUEUE,
    workflowBundle: bareBundle,
    activities: { noop: async () => {}, row: async () => {} },
    shutdownGraceTime: '1 second',
  });
  const bareRunning = bareWorker.run();

  /** CPU seconds of each process of the run, to say per opened case or decision where the time goes. */
  const cpuSnapshot = () => ({ worker: cpuSecondsOf(worker.pid), server: cpuSecondsOf(server.pid), api: cpuSecondsOf(api.pid), postgres: postgresCpuSeconds(), bench: process.cpuUsage() });
  const cpuProfile = (from: ReturnType<typeof cpuSnapshot>, n: number, secs: number, unit: string) => cpuLine(cpuDelta(from, cpuSnapshot()), n, secs, unit);

  const opened: { id: string; caseNumber: string }[] = [];
  const openCase = async (kind: 'psychiatric' | 'hospital' | 'temporary_stay', i: number) => {
    const now = Date.now() - 60_000;
    for (let attempt = 0; ; attempt++) {
      const r =
        kind === 'temporary_stay'
          ? await call(api.base, 'POST', '/temporary-stays', TOKENS.assessor, { cpr: benchCpr(), eligible: true, placeType: 'rehabilitering', purpose: 'rehabilitation', priority: 'middel' }, `p1-${randomUUID()}`)
          : await call(api.base, 'POST', '/cases', TOKENS.hospital, kind === 'psychiatric' ? psychiatricIntake(now) : hospitalIntake(now), `${kind}-${i}-${randomUUID()}`);
      if (r.status === 201 || r.status === 200) {
        if (kind === 'psychiatric') opened.push({ id: r.body.id, caseNumber: r.body.caseNumber });
        return r.body as { id: string; caseNumber: string };
      }
      if (attempt >= 5) throw new Error(`POST ${kind}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      await sleep(300);
    }
  };

  // warm-up: bundle loaded, connections, the allocator of the place type
  await pool(20, 4, (i) => openCase('psychiatric', -1 - i).then(() => {}));
  await pool(5, 4, (i) => openCase('hospital', -1 - i).then(() => {}));
  await pool(5, 4, (i) => openCase('temporary_stay', -1 - i).then(() => {}));
  await pool(20, 4, () => client.workflow.execute('bareWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-${randomUUID()}` }));

  // ---- P1
  if (!SKIP.has('P1')) {
    const kinds = ['psychiatric', 'hospital', 'temporary_stay'] as const;
    const rate: Record<string, number[]> = { bare: [], psychiatric: [], hospital: [], temporary_stay: [] };
    const ratio: Record<string, number[]> = { psychiatric: [], hospital: [], temporary_stay: [] };
    const p99: Record<string, number[]> = { bare: [], psychiatric: [], hospital: [], temporary_stay: [] };
    for (let rep = 0; rep < REPS; rep++) {
      const measure = async (name: string, op: (i: number) => Promise<unknown>) => {
        const t0 = performance.now();
        const lat = await pool(P1_N, C, async (i) => void (await op(i)));
        const r = P1_N / ((performance.now() - t0) / 1000);
        rate[name]!.push(r);
        p99[name]!.push(quantile(lat, 0.99));
        return r;
      };
      // interleaved: bare, a case type, bare, the next …; each case type against the mean of the bare runs around it
      let barePrev = await measure('bare', () => client.workflow.execute('bareWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-${randomUUID()}` }));
      for (const k of kinds) {
        const r = await measure(k, (i) => openCase(k, rep * 100_000 + i));
        const bareNext = await measure('bare', () => client.workflow.execute('bareWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-${randomUUID()}` }));
        ratio[k]!.push(r / ((barePrev + bareNext) / 2));
        barePrev = bareNext;
      }
      log(`P1 repetition ${rep + 1}: bare ${rate.bare!.at(-1)!.toFixed(1)}/s, psychiatric ${rate.psychiatric!.at(-1)!.toFixed(1)}/s, hospital ${rate.hospital!.at(-1)!.toFixed(1)}/s, temporary stay ${rate.temporary_stay!.at(-1)!.toFixed(1)}/s`);
    }
    // history of one intake of each type, once the intake has finished
    const bareId = `bare-${randomUUID()}`;
    await client.workflow.execute('bareWorkflow', { taskQueue: 'bench-bare', workflowId: bareId });
    const hist: Record<string, { events: number; tasks: number }> = { bare: await historyCounts(client, bareId) };
    for (const k of kinds) hist[k] = await historyCounts(client, (await openCase(k, 999_999)).caseNumber);
    addRow({ id: 'P1', what: `bare start + no-op activity (${C} at once)`, figure: `${mmm(rate.bare!, 1)} /s, p99 ${med(p99.bare!).toFixed(0)} ms; history ${hist.bare!.events} events, ${hist.bare!.tasks} workflow tasks`, target: 'the limit' });
    for (const k of kinds) {
      addRow({
        id: 'P1',
        what: `open ${k.replace('_', ' ')} via API ÷ bare`,
        ratio: ratio[k],
        figure: `${mmm(rate[k]!, 1)} /s, p99 ${med(p99[k]!).toFixed(0)} ms; intake ${hist[k]!.events} events, ${hist[k]!.tasks} workflow tasks`,
        target: '≥ 0.8',
      });
    }
  }

  // ---- P3: N open cases held
  let caseIds: string[] = [];
  if (!SKIP.has('P3') || !SKIP.has('P4')) {
    const already = opened.length;
    const toOpen = Math.max(0, OPEN - already);
    const t0 = performance.now();
    const cpu0 = cpuSnapshot();
    let lastLog = performance.now();
    await pool(toOpen, C, async (i) => void (await openCase('psychiatric', 1_000_000 + i)), (done) => {
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`P3 opened ${done}/${toOpen}: worker RSS ${memOf(worker.pid).rssMb.toFixed(0)} MiB, cached ${worker.last?.cached}, server RSS ${memOf(server.pid).rssMb.toFixed(0)} MiB`);
      }
    });
    const secs = (performance.now() - t0) / 1000;
    addNote(`P3 opening: ${cpuProfile(cpu0, toOpen, secs, 'case')}`);
    await sleep(5000);
    const wm = memOf(worker.pid);
    const sm = memOf(server.pid);
    const apiM = memOf(api.pid);
    caseIds = opened.map((o) => o.id);
    addRow({
      id: 'P3',
      what: `${OPEN} open psychiatric cases held (+ P1's)`,
      figure: `opened ${toOpen} in ${secs.toFixed(0)} s (${(toOpen / secs).toFixed(1)}/s); worker RSS ${wm.rssMb.toFixed(0)} MiB (peak ${wm.peakMb.toFixed(0)}), cache ${worker.last?.cached}/${(worker.last?.limits as { maxCachedWorkflows: number }).maxCachedWorkflows}; server RSS ${sm.rssMb.toFixed(0)} MiB (peak ${sm.peakMb.toFixed(0)}); API RSS ${apiM.rssMb.toFixed(0)} MiB`,
      target: 'worker RSS ≤ 400 MB at 100,000',
    });
  }

  if (!SKIP.has('P3')) await readPhase(api.base, db.url, caseIds);
  if (!SKIP.has('P4')) {
    // CPU counted over the decision samples only, and over the bare samples only (interleaved)
    const spent = { decision: { cpu: cpuZero(), secs: 0, n: 0 }, bare: { cpu: cpuZero(), secs: 0, n: 0 } };
    const measured = async (kind: 'decision' | 'bare', sample: () => Promise<OpenLoopResult>) => {
      const from = cpuSnapshot();
      const t0 = performance.now();
      const r = await sample();
      const to = cpuSnapshot();
      const s = spent[kind];
      for (const k of Object.keys(s.cpu) as (keyof typeof s.cpu)[]) s.cpu[k] += cpuDelta(from, to)[k];
      s.secs += (performance.now() - t0) / 1000;
      s.n += r.ok;
      return r;
    };
    await decisionPhase(api.base, client, caseIds, measured);
    addNote(`P4: ${cpuLine(spent.decision.cpu, spent.decision.n, spent.decision.secs, 'decision answered (decision samples only)')}`);
    addNote(`P4: ${cpuLine(spent.bare.cpu, spent.bare.n, spent.bare.secs, 'bare Update (bare samples only; its worker and client are the bench client)')}`);
  }

  addRow({ id: 'mem', what: 'worker after P1–P4', figure: `RSS ${memOf(worker.pid).rssMb.toFixed(0)} MiB (peak ${memOf(worker.pid).peakMb.toFixed(0)}), ${worker.child.exitCode === null ? 'alive' : 'DEAD'}; CPU ${cpuSecondsOf(worker.pid).toFixed(0)} s; server CPU ${cpuSecondsOf(server.pid).toFixed(0)} s`, target: 'never dies' });

  bareWorker.shutdown();
  await bareRunning;
  await nativeConnection.close();
  await connection.close();
  await api.stop();
  await worker.stop();
  await server.stop();
  if (SERVER_DB !== 'memory' && !values['server-db']) for (const f of [SERVER_DB, `${SERVER_DB}-wal`, `${SERVER_DB}-shm`]) rmSync(f, { force: true });
  await db.drop();
}

const READ_RATE = 20;
const health = (base: string) => httpOp(base, () => ({ method: 'GET', path: '/health' }));
const ratioTo = (xs: OpenLoopResult[], base: OpenLoopResult[]) => xs.map((x, i) => x.p99 / Math.max(1, base[i]!.p99));
const p99s = (xs: OpenLoopResult[]) => mmm(xs.map((x) => x.p99), 0);
const okOf = (xs: OpenLoopResult[]) => `${xs.reduce((a, x) => a + x.ok, 0)}/${xs.reduce((a, x) => a + x.sent, 0)} ok`;

/**
 * P3 reads over the hard cases: the bed-day report over every period (its own time, and GET /health
 * alone and while reports run back to back), then each list and the case page at 20 req/s open
 * loop beside GET /health at the same rate, interleaved.
 */
async function readPhase(base: string, dbUrl: string, caseIds: string[]): Promise<void> {
  const hard = await fillHardCases(dbUrl, { periods: PERIODS, waiting: WAITING, escalations: ESCALATIONS, placeType: 'rehabilitering' });
  addRow({
    id: 'P3',
    what: 'hard cases filled',
    figure: `${hard.periods} bed-day periods (${hard.openPeriods} open, ≈${hard.pricedDays} paid days), ${hard.waiting} waiting for ${hard.placeType}, ${hard.escalations} escalations`,
    target: '20,000 periods, 1,000 waiting, 10,000 escalations',
  });
  const report = async () => {
    const t = performance.now();
    const r = await fetch(`${base}/payments/bed-days`, { headers: { authorization: `Bearer ${TOKENS.chief}` } });
    const body = await r.arrayBuffer();
    return { ms: performance.now() - t, status: r.status, bytes: body.byteLength };
  };
  const reportMs: number[] = [];
  const statuses = new Set<number>();
  let bytes = 0;
  const alone: OpenLoopResult[] = [];
  const during: OpenLoopResult[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    alone.push(await openLoop(READ_RATE, SECONDS, health(base)));
    let stop = false;
    const reports = (async () => {
      while (!stop) {
        const r = await report();
        reportMs.push(r.ms);
        statuses.add(r.status);
        bytes = r.bytes;
      }
    })();
    during.push(await openLoop(READ_RATE, SECONDS, health(base)));
    stop = true;
    await reports;
  }
  addRow({
    id: 'P3',
    what: `GET /payments/bed-days over ${hard.periods} periods`,
    figure: `${reportMs.length} reports back to back: p50 ${med(reportMs).toFixed(0)} ms, max ${Math.max(...reportMs).toFixed(0)} ms; status ${[...statuses].join(',')}, ${(bytes / 1024).toFixed(0)} KiB (a page of 500 per-case lines)`,
    target: '≤ 1 s',
  });
  addRow({
    id: 'P3',
    what: `GET /health p99 during the report ÷ alone (${READ_RATE}/s)`,
    ratio: during.map((d, i) => d.p99 / Math.max(1, alone[i]!.p99)),
    figure: `alone p99 ${p99s(alone)} ms; during p99 ${p99s(during)} ms, ${okOf(during)}`,
    target: '≤ 2',
  });
  const sample = [...caseIds.slice(0, 500), ...hard.sampleCaseIds];
  const reads: { name: string; token: string; path: () => string; target: string }[] = [
    { name: 'GET /work-queue', token: TOKENS.psychiatry, path: () => '/work-queue?limit=50', target: '' },
    { name: 'GET /escalations', token: TOKENS.supervisor, path: () => '/escalations?limit=50', target: '' },
    { name: `GET /waiting-list (${hard.waiting} waiting, whole)`, token: TOKENS.housing, path: () => `/waiting-list?placeType=${hard.placeType}`, target: '≤ 2' },
    { name: `GET /waiting-list (first 50 of ${hard.waiting})`, token: TOKENS.housing, path: () => `/waiting-list?placeType=${hard.placeType}&limit=50`, target: '≤ 2' },
    { name: 'GET /cases/:id', token: TOKENS.psychiatry, path: () => `/cases/${sample[Math.floor(Math.random() * sample.length)]}`, target: '≤ 2' },
  ];
  const res: Record<string, { read: OpenLoopResult[]; health: OpenLoopResult[] }> = {};
  for (let rep = 0; rep < REPS; rep++) {
    for (const r of reads) {
      const x = (res[r.name] ??= { read: [], health: [] });
      x.health.push(await openLoop(READ_RATE, SECONDS, health(base)));
      x.read.push(await openLoop(READ_RATE, SECONDS, httpOp(base, () => ({ method: 'GET', path: r.path(), token: r.token }))));
    }
  }
  for (const r of reads) {
    const x = res[r.name]!;
    addRow({
      id: 'P3',
      what: `${r.name} p99 ÷ GET /health p99 at ${READ_RATE}/s`,
      ratio: ratioTo(x.read, x.health),
      figure: `p50 ${mmm(x.read.map((y) => y.p50), 0)} ms, p99 ${p99s(x.read)} ms, ${okOf(x.read)}; health p99 ${p99s(x.health)} ms`,
      target: r.target,
    });
  }
  await explainListQueries(dbUrl);
}

/**
 * P4: decisions (POST …/psychiatric/long-course, one per case) open loop at each offered rate,
 * beside a bare Update (an Update on a running bare workflow that answers at once, sent by the
 * bench's Temporal client) at the same offered rate, interleaved. Returns the decisions sent.
 */
async function decisionPhase(
  base: string,
  client: Client,
  caseIds: string[],
  measured: (kind: 'decision' | 'bare', sample: () => Promise<OpenLoopResult>) => Promise<OpenLoopResult>,
): Promise<number> {
  const ENTITIES = 200;
  const run = randomUUID().slice(0, 8);
  const entity = (i: number) => `bare-entity-${run}-${i % ENTITIES}`;
  await pool(ENTITIES, 8, async (i) => void (await client.workflow.start('bareEntityWorkflow', { taskQueue: BARE_QUEUE, workflowId: entity(i) })));
  const bareOp = async (i: number) => {
    await client.workflow.getHandle(entity(i)).executeUpdate('bare', { args: ['x'] });
    return 200;
  };
  let next = 0;
  const decisionOp = httpOp(base, () => ({
    method: 'POST',
    path: `/cases/${caseIds[next++ % caseIds.length]}/psychiatric/long-course`,
    token: TOKENS.psychiatry,
    body: { reason: 'Forventet langt forløb (bench)' },
    headers: { 'idempotency-key': randomUUID() },
  }));
  const needed = REPS * RATES.reduce((a, b) => a + b, 0) * SECONDS;
  if (caseIds.length < needed) addNote(`P4: ${caseIds.length} open cases for ${needed} decisions: some cases get a second flag (409, counted as errors)`);
  const res: Record<number, { bare: OpenLoopResult[]; decision: OpenLoopResult[] }> = {};
  for (let rep = 0; rep < REPS; rep++) {
    for (const rate of RATES) {
      const x = (res[rate] ??= { bare: [], decision: [] });
      x.bare.push(await measured('bare', () => openLoop(rate, SECONDS, bareOp)));
      x.decision.push(await measured('decision', () => openLoop(rate, SECONDS, decisionOp)));
      log(`P4 ${rate}/s: decision ${openLoopLine(x.decision.at(-1)!)}; bare Update ${openLoopLine(x.bare.at(-1)!)}`);
    }
  }
  for (const rate of RATES) {
    const x = res[rate]!;
    const line = (xs: OpenLoopResult[]) =>
      `achieved ${mmm(xs.map((y) => y.achievedRate), 1)}/s, 503 ${((100 * xs.reduce((a, y) => a + y.unavailable, 0)) / xs.reduce((a, y) => a + y.sent, 0)).toFixed(0)} %, errors ${xs.reduce((a, y) => a + y.errors, 0)}, p50 ${med(xs.map((y) => y.p50)).toFixed(0)} ms, p99 ${p99s(xs)} ms`;
    addRow({
      id: 'P4',
      what: `decision p99 ÷ bare Update p99, ${rate}/s offered (open loop)`,
      ratio: ratioTo(x.decision, x.bare),
      figure: `decision ${line(x.decision)}; bare Update ${line(x.bare)}`,
      target: rate === 20 ? '≤ 2' : '',
    });
    addRow({
      id: 'P4',
      what: `decision achieved ÷ bare Update achieved, ${rate}/s offered`,
      ratio: x.decision.map((d, i) => d.achievedRate / Math.max(0.1, x.bare[i]!.achievedRate)),
      figure: '',
      target: rate === RATES.at(-1) ? 'capacity ≥ 0.7' : '',
    });
  }
  return RATES.reduce((a, rate) => a + res[rate]!.decision.reduce((b, d) => b + d.sent, 0), 0);
}

/** EXPLAIN ANALYZE of the list queries as the API runs them (SQL captured from drizzle). */
async function explainListQueries(url: string): Promise<void> {
  const sqlClient = postgres(url, { max: 1, onnotice: () => {} });
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(sqlClient, { schema, logger: { logQuery: (q, p) => void captured.push({ sql: q, params: p }) } }) as unknown as Db;
  const queries: [string, () => Promise<unknown>][] = [
    // as GET /work-queue builds it for the psychiatry coordinator: own role and team, only the case types it reads
    ['work queue (psychiatry_coordinator, as the API asks)', () => workQueue(db, { role: 'psychiatry_coordinator', team: 'DSI Voksen', caseTypes: readableCaseTypes('psychiatry_coordinator'), limit: 50 })],
    ['work queue (psychiatry_coordinator, role only)', () => workQueue(db, { role: 'psychiatry_coordinator', limit: 50 })],
    ['work queue (breached, all roles)', () => workQueue(db, { state: 'breached', limit: 50 })],
    ['escalations (newest first)', () => listEscalations(db, { limit: 50 })],
    ['escalations (open, area_chief)', () => listEscalations(db, { status: 'open', recipientRole: 'area_chief', limit: 50 })],
  ];
  const counts = await sqlClient<{ relname: string; n: string }[]>`select relname, n_live_tup::text as n from pg_stat_user_tables where relname in ('cases', 'obligations', 'escalations')`;
  // what the planner knows: rows as of the last ANALYZE (the API's statistics keeper, or autovacuum)
  const known = await sqlClient<{ relname: string; n: string }[]>`select relname, reltuples::bigint::text as n from pg_class where relname in ('cases', 'obligations', 'escalations') and relnamespace = 'public'::regnamespace`;
  console.log(`\nEXPLAIN ANALYZE of the list queries (${counts.map((c) => `${c.relname} ${c.n} rows`).join(', ')}; planner statistics: ${known.map((c) => `${c.relname} ${Number(c.n) < 0 ? 'never analyzed' : `${c.n} rows`}`).join(', ')}):`);
  for (const [name, run] of queries) {
    captured.length = 0;
    await run();
    const q = captured[0]!;
    const plan = await sqlClient.unsafe(`explain (analyze, costs off, timing on) ${q.sql}`, q.params as never[]);
    console.log(`  ${name}:`);
    for (const line of plan) {
      const text = String((line as Record<string, unknown>)['QUERY PLAN']);
      if (/Scan|Sort|Limit|Join|Loop|Execution Time/.test(text)) console.log(`    ${text}`);
    }
  }
  await sqlClient.end();
}

// ---------------------------------------------------------------------------------------------
// P2 on the time-skipping server.

async function stormPhase(): Promise<void> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  await registerSearchAttributes(env.connection);
  const db = await benchDatabase('storm');
  const appE = appEnv(env.address, db.url, await freePort());
  const worker = await startWorker(appE);
  const api = await startApi(appE);
  const sqlClient = postgres(db.url, { max: 2, onnotice: () => {} });
  try {
    // received 84 days before today (09:00): the 12-week deadline is today, its escalation is the
    // coming night at 00:00 — the same instant for every case.
    const today = localDate(Date.now());
    const receivedAt = localInstant(addDays(today, -84), 9);
    const instant = overnightAfter(today, 0);
    const t0 = performance.now();
    await pool(STORM, C, async (i) => {
      for (let attempt = 0; ; attempt++) {
        const r = await call(api.base, 'POST', '/cases', TOKENS.hospital, psychiatricIntake(receivedAt), `storm-${i}`);
        if (r.status === 201 || r.status === 200) return;
        if (attempt >= 5) throw new Error(`storm open: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        await sleep(300);
      }
    });
    log(`P2 opened ${STORM} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    // let the opening's catch-up (past warnings and meetings) settle
    for (let i = 0; (worker.last?.inFlight as number) > 0 && i < 600; i++) await sleep(100);
    const before = Number((await sqlClient`select count(*)::int as n from escalations where key = 'deadline-12w'`)[0]!.n);
    if (before) addNote(`P2: ${before} deadline escalations before the instant (should be 0)`);
    const cpu0 = cpuSecondsOf(worker.pid);
    const skipStart = Date.now();
    await env.sleep(instant - (await env.currentTimeMs()) + 60_000);
    const skipped = Date.now();
    let done = 0;
    const deadline = Date.now() + 30 * 60_000;
    let peak = 0;
    while (Date.now() < deadline) {
      done = Number((await sqlClient`select count(*)::int as n from escalations where key = 'deadline-12w'`)[0]!.n);
      peak = Math.max(peak, memOf(worker.pid).rssMb);
      if (done >= STORM) break;
      await sleep(200);
    }
    const wall = (Date.now() - skipStart) / 1000;
    const { lags, ...stats } = await stormRows(sqlClient, skipStart);
    addRow({
      id: 'P2',
      what: `escalation storm, ${STORM} cases, same instant (time-skipping, from the skip)`,
      figure: `${stats.n}/${STORM} rows in ${wall.toFixed(1)} s (${stats.distinct_n} distinct, ${stats.n - stats.distinct_n} twice; outbox ${stats.outbox}); lag first ${(quantile(lags, 0) / 1000).toFixed(1)} s, p50 ${(quantile(lags, 0.5) / 1000).toFixed(1)} s, p99 ${(quantile(lags, 0.99) / 1000).toFixed(1)} s; skip took ${((skipped - skipStart) / 1000).toFixed(1)} s; worker CPU ${(cpuSecondsOf(worker.pid) - cpu0).toFixed(0)} s, RSS peak ${peak.toFixed(0)} MiB`,
      target: '10,000 within 120 s, none twice',
    });
    if (done < STORM) addNote(`P2: only ${done} of ${STORM} escalations after 30 minutes`);
  } finally {
    await sqlClient.end();
    await api.stop();
    await worker.stop();
    await env.teardown();
    await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------

function printTable(): void {
  const w = [4, 52, 20];
  console.log(`\novergang bench — ${new Date().toISOString()}, ${os.cpus().length} cores, load at start ${startedLoad}, at end ${loadAverage()}; ${((performance.now() - t00) / 60_000).toFixed(1)} min`);
  console.log(`options: storm ${STORM}, open ${OPEN} (Temporal dev server's SQLite: ${SERVER_DB === 'memory' ? 'in memory' : SERVER_DB}), P1 ${P1_N} per sample × ${REPS}, concurrency ${C}, latency samples ${SECONDS} s × ${REPS}; node flags worker ${productionHeapFlags('worker').join(' ') || '(none)'}, API ${productionHeapFlags('api').join(' ') || '(none)'} (docker-compose.yml)`);
  console.log(`${'id'.padEnd(w[0]!)} ${'measure'.padEnd(w[1]!)} ${'ratio min/med/max'.padEnd(w[2]!)} figures  [target]`);
  for (const r of rows) {
    console.log(`${r.id.padEnd(w[0]!)} ${r.what.padEnd(w[1]!)} ${(r.ratio ? mmm(r.ratio) : '').padEnd(w[2]!)} ${r.figure}${r.target ? `  [${r.target}]` : ''}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
}

try {
  if (!SKIP.has('P2')) {
    log(`P2: escalation storm of ${STORM} cases on the time-skipping server`);
    await stormPhase();
  }
  if (!(SKIP.has('P1') && SKIP.has('P3') && SKIP.has('P4'))) {
    log(`P1, P3 (${OPEN} open cases), P4 on a dev server`);
    await devServerPhases();
  }
} catch (err) {
  console.error(err);
  addNote(`aborted: ${(err as Error).message}`);
  process.exitCode = 1;
}
printTable();
process.exit();
