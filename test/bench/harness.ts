/**
 * Bench harness: a Temporal dev server, a fresh PostgreSQL database, and the worker and the API
 * as separate Node processes (their RSS measured from /proc), driven over real HTTP.
 */
import { newKeySetJson } from '../../codec/index.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { Connection } from '@temporalio/client';
import { projectRoot } from '../../config/index.js';
import { openDatabase } from '../../db/client.js';
import { freePort, waitForPort } from '../../scripts/ports.js';
import { searchAttributeArgs } from '../../api/search-attributes.js';
import { temporalCliPath } from '../../scripts/temporal-bin.js';
import { parse } from 'yaml';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

export interface Server {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/** A Temporal dev server (in memory) with the project's search attributes. */
export async function startDevServer(opts: { dbFile?: string } = {}): Promise<Server> {
  const port = await freePort();
  // in memory by default; a file (`dbFile`) for runs larger than the in-memory SQLite holds
  const db = opts.dbFile ? ['--db-filename', opts.dbFile] : [];
  const child = track(
    spawn(
      temporalCliPath(),
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(await freePort()), '--metrics-port', String(await freePort()), '--log-level', 'error', ...db, ...searchAttributeArgs()],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );
  await waitForPort(port, '127.0.0.1', 60_000);
  const address = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.close();
      break;
    } catch (err) {
      if (i > 100) throw err;
      await sleep(200);
    }
  }
  return { address, pid: child.pid!, stop: () => stopChild(child, 'SIGKILL') };
}

/** A fresh PostgreSQL database on 127.0.0.1:5432, migrated; dropped by `drop`. */
export async function benchDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `overgang_bench_${tag}_${process.pid}`;
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const database = await openDatabase({ DATABASE_URL: url, PGLITE_DIR: '' }); // migrates
  await database.close();
  return {
    url,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export interface NodeProc {
  pid: number;
  child: ChildProcess;
  /** The last JSON line the process printed (the bench worker prints its memory). */
  last: Record<string, unknown> | undefined;
  output: string;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry point in its own Node process (tsx loader), env on top of ours. */
export function spawnNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): NodeProc {
  // BENCH_CPU_PROF=<dir>: the worker and API processes write V8 CPU profiles there when they stop
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = track(
    spawn(process.execPath, [...profile, ...nodeArgs, '--import', 'tsx', path.join(projectRoot, script)], {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const proc: NodeProc = { pid: child.pid!, child, last: undefined, output: '', stop: () => stopChild(child) };
  const onData = (d: Buffer) => {
    const text = String(d);
    for (const line of text.split('\n')) {
      if (line.startsWith('{"bench"')) {
        try {
          proc.last = JSON.parse(line) as Record<string, unknown>;
        } catch {
          /* partial line */
        }
      } else if (line.trim()) proc.output = (proc.output + line + '\n').slice(-4000);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return proc;
}

/** Resident set size and its peak (MiB) of a process, from /proc. */
export function memOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: NaN, peakMb: NaN };
  }
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSecondsOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds of every PostgreSQL process on this machine (the server and its backends), those
 * that ended included: a backend's CPU passes to the server's children's time (cutime + cstime)
 * when it exits, so the sum never goes back.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
      // ended in between
    }
  }
  return total;
}

/** Environment for the worker and API processes of a bench. */
/** One payload key set for a benchmark run's processes. */
const BENCH_PAYLOAD_KEYS = newKeySetJson('bench');

export function appEnv(address: string, databaseUrl: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'overgang',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    // the benchmark's processes encrypt as production does (one key per benchmark run, shared by its processes)
    PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    ...extra,
  };
}

/**
 * The V8 heap flags production gives a service (its `command` in docker-compose.yml, e.g. the
 * worker's `--max-old-space-size=512`): the bench runs its processes with them, so the RSS it
 * reports is that of the configuration that is deployed, not of V8's default heap limit (derived
 * from the machine's memory, 4 GiB here, which lets the heap grow far longer between collections).
 */
export function productionHeapFlags(service: 'worker' | 'api'): string[] {
  // BENCH_HEAP_FLAGS=none: V8's defaults instead, to compare side by side
  if (process.env.BENCH_HEAP_FLAGS === 'none') return [];
  const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[] }> };
  return (compose.services[service]?.command ?? []).filter((a) => /^--max-(old|semi)-space-size=\d+$/.test(a));
}

/** The API (`api/main.ts`) in its own process, with production's heap flags; resolves when GET /health answers 200. */
export async function startApi(env: Record<string, string>): Promise<NodeProc & { base: string }> {
  const proc = spawnNode('api/main.ts', env, productionHeapFlags('api'));
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (proc.child.exitCode !== null) throw new Error(`api exited: ${proc.output}`);
    if (i > 600) throw new Error(`api did not answer: ${proc.output}`);
    await sleep(100);
  }
  return { ...proc, base };
}

/** The bench worker (`test/bench/worker-process.ts`: the real worker + a memory line every second), with production's heap flags unless others are given. */
export async function startWorker(env: Record<string, string>, nodeArgs: string[] = productionHeapFlags('worker')): Promise<NodeProc> {
  const proc = spawnNode('test/bench/worker-process.ts', env, nodeArgs);
  for (let i = 0; !proc.last; i++) {
    if (proc.child.exitCode !== null) throw new Error(`worker exited: ${proc.output}`);
    if (i > 1200) throw new Error(`worker did not start: ${proc.output}`);
    await sleep(100);
  }
  return proc;
}

export const TOKENS = { hospital: 'dev-hospital', psychiatry: 'dev-psychiatry', assessor: 'dev-assessor', supervisor: 'dev-supervisor', chief: 'dev-chief', coordinator: 'dev-coordinator', housing: 'dev-housing' };

export async function call(base: string, method: string, url: string, token: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // every change carries a key (the API refuses one without)
  const key = idempotencyKey ?? (method === 'GET' ? undefined : randomUUID());
  if (key) headers['idempotency-key'] = key;
  const r = await fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

/** A syntactically valid CPR for a made-up citizen (born 1950–1999). */
export function benchCpr(): string {
  const y = randomInt(50, 100);
  const m = randomInt(1, 13);
  const d = randomInt(1, 29);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d)}${p(m)}${p(y)}${randomInt(0, 4)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

/** POST /cases for a psychiatric færdigmelding received at `receivedAt` (ms). */
export function psychiatricIntake(receivedAt: number) {
  return {
    type: 'psychiatric_discharge',
    cpr: benchCpr(),
    notice: 'faerdigmelding',
    receivedAt: new Date(receivedAt).toISOString(),
    readyAt: new Date(receivedAt - 3_600_000).toISOString(),
    ward: 'Psykiatrisk Center Amager',
  };
}

/** POST /cases for a hospital care plan received at `receivedAt` (ms). */
export function hospitalIntake(receivedAt: number) {
  return {
    type: 'hospital_discharge',
    cpr: benchCpr(),
    receivedAt: new Date(receivedAt).toISOString(),
    ward: 'Bispebjerg Hospital, afsnit 42',
    admittedAt: new Date(receivedAt - 2 * 86_400_000).toISOString(),
    functionalLevel: 'FSIII: forflytning 3',
  };
}

/** Runs `n` tasks with at most `concurrency` at once; returns each task's latency (ms). */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>, onProgress?: (done: number) => void): Promise<number[]> {
  const lat: number[] = new Array(n);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t0 = performance.now();
        await task(i);
        lat[i] = performance.now() - t0;
        done++;
        onProgress?.(done);
      }
    }),
  );
  return lat;
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** The 12-week deadline escalations a storm wrote: rows, distinct (case, key), outbox rows, and each row's lag after `since` (ms). */
export async function stormRows(sqlClient: postgres.Sql, since: number): Promise<{ n: number; distinct_n: number; outbox: number; lags: number[] }> {
  const stats = (
    await sqlClient<{ n: number; distinct_n: number; outbox: number }[]>`
      select count(*)::int as n, count(distinct (case_id, key))::int as distinct_n,
        (select count(*)::int from notification_outbox o join escalations e2 on o.source_key = 'escalation:' || e2.id::text where e2.key = 'deadline-12w') as outbox
      from escalations where key = 'deadline-12w'`
  )[0]!;
  const lags = (await sqlClient<{ ms: number }[]>`select (extract(epoch from created_at) * 1000)::float8 as ms from escalations where key = 'deadline-12w'`).map((r) => r.ms - since);
  return { ...stats, lags };
}
