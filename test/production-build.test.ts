/**
 * The production build: `npm run build`, then the worker and the API started as `node dist/…`
 * from a folder that holds only dist/, package.json and the production dependencies (the
 * lockfile's non-dev packages; `tsx`, `typescript`, `@temporalio/testing` and every other dev
 * dependency are absent), with NODE_ENV=production, against the run's Temporal dev server and
 * PostgreSQL. Checked: /health/ready (database, Temporal, a worker polling), a case opened over
 * HTTP, every log line pino JSON with no CPR and no free text, the SDK's and the API's metrics,
 * nothing on stderr (no deprecation warnings), and the production refusals (bundling at start,
 * the development tokens).
 *
 * The production dependencies are linked from the project's node_modules: what the compiled code
 * imports must be among them (a dev dependency would not resolve); what those packages need in
 * turn is npm's lockfile's business (the Docker image installs them with `npm ci --omit=dev`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newKeySetJson } from '../codec/keys.js';
import { projectRoot } from '../config/index.js';
import { freePort } from '../scripts/ports.js';
import { fakeCpr } from './fixtures.js';
import { eventually } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'overgang-dist-'));
const WARD = 'Psykiatrisk Center Amager, afsnit 7';

interface Proc {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<number | null>;
}

function run(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist', script)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: root, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = { child, out: [], err: [], exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  let rest = '';
  child.stdout!.on('data', (d) => {
    const lines = (rest + String(d)).split('\n');
    rest = lines.pop()!;
    p.out.push(...lines.filter((l) => l !== ''));
  });
  child.stderr!.on('data', (d) => p.err.push(String(d)));
  return p;
}

/** The lockfile's production packages, linked into root/node_modules (nested ones come with their parent). */
function linkProductionDependencies(): string[] {
  const lock = JSON.parse(readFileSync(path.join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
  const linked: string[] = [];
  for (const [p, meta] of Object.entries(lock.packages)) {
    if (!p.startsWith('node_modules/') || p.slice('node_modules/'.length).includes('node_modules/') || meta.dev) continue;
    const from = path.join(projectRoot, p);
    if (!existsSync(from)) continue; // an optional package for another platform
    const to = path.join(root, p);
    mkdirSync(path.dirname(to), { recursive: true });
    symlinkSync(from, to, 'dir');
    linked.push(p.slice('node_modules/'.length));
  }
  return linked;
}

let env: Record<string, string>;
let worker: Proc;
let api: Proc;
let base: string;
const buildTimes: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'ignore', timeout: 240_000 });
  buildTimes.buildMs = Date.now() - t;
  cpSync(path.join(projectRoot, 'dist'), path.join(root, 'dist'), { recursive: true });
  cpSync(path.join(projectRoot, 'package.json'), path.join(root, 'package.json'));
  cpSync(path.join(projectRoot, 'config', 'dev-tokens.json'), path.join(root, 'tokens.json'));
  const linked = linkProductionDependencies();
  expect(linked).toContain('@temporalio/worker');
  expect(linked).not.toContain('tsx');
  expect(linked).not.toContain('typescript');
  const [port, workerMetrics, apiMetrics] = [await freePort(), await freePort(), await freePort()];
  // the payload keys as production keeps them: a secret file (docs/encryption.md)
  writeFileSync(path.join(root, 'payload-keys.json'), newKeySetJson('prod-test'), { mode: 0o600 });
  env = {
    NODE_ENV: 'production',
    PAYLOAD_KEYS_FILE: path.join(root, 'payload-keys.json'),
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('devServerAddress'),
    TEMPORAL_TASK_QUEUE: `dist-${randomUUID()}`,
    AUTH_TOKENS_FILE: path.join(root, 'tokens.json'),
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_METRICS_PORT: String(workerMetrics),
    API_METRICS_PORT: String(apiMetrics),
    LOG_LEVEL: 'debug',
  };
  base = `http://127.0.0.1:${port}`;
  t = Date.now();
  worker = run('worker/main.js', env);
  api = run('api/main.js', env);
  await eventually(async () => ((await fetch(`${base}/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
  buildTimes.readyMs = Date.now() - t;
}, 300_000);

afterAll(async () => {
  for (const p of [worker, api]) if (p && p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all([worker?.exited, api?.exited]);
});

describe('node dist/… with production dependencies only', () => {
  it('is ready: the database, Temporal and the worker polling the task queue', async () => {
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    console.info(`production build: npm run build ${buildTimes.buildMs} ms; worker and API ready ${buildTimes.readyMs} ms after start`);
  });

  it('opens a case, the worker runs it, and the logs are JSON lines without the CPR or free text', async () => {
    const cpr = fakeCpr('1979-03-02');
    const res = await fetch(`${base}/cases`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-hospital', 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ type: 'psychiatric_discharge', cpr, notice: 'forvarsling', receivedAt: new Date().toISOString(), ward: WARD }),
    });
    expect(res.status).toBe(201);
    const { workflowId } = (await res.json()) as { workflowId: string };
    // the SDK's workflow and activity logs (debug) reach the worker's pino logger
    const lines = await eventually(async () => {
      const parsed = worker.out.map((l) => JSON.parse(l) as Record<string, unknown>);
      const wf = parsed.some((l) => l.workflowId === workflowId && l.workflowType === 'psychiatricCaseWorkflow' && !l.activityType);
      const act = parsed.some((l) => l.workflowId === workflowId && typeof l.activityType === 'string');
      return wf && act ? parsed : undefined;
    }, 30_000);
    expect(lines.length).toBeGreaterThan(2);
    const apiLines = api.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(apiLines.some((l) => (l.req as { route?: string } | undefined)?.route === '/cases')).toBe(true);
    for (const line of [...lines, ...apiLines]) {
      expect(line).toMatchObject({ level: expect.any(String), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), msg: expect.any(String) });
      expect(['worker', 'api']).toContain(line.service);
    }
    const all = [...worker.out, ...api.out].join('\n');
    expect(all).not.toContain(cpr);
    expect(all).not.toContain(cpr.replace('-', ''));
    expect(all).not.toContain(WARD);
    expect(all).not.toContain('Bearer');
  });

  it('serves the pages and their assets from dist/ (the chart library from a production dependency)', async () => {
    for (const url of ['/ui/sign-in', '/ui/assets/app.js', '/ui/assets/app.css', '/ui/assets/chart.umd.min.js']) {
      const res = await fetch(`${base}${url}`);
      expect(res.status, url).toBe(200);
      expect((await res.text()).length, url).toBeGreaterThan(100);
    }
  });

  it('serves the SDK worker metrics and the API request metrics for Prometheus', async () => {
    const sdk = await (await fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`)).text();
    expect(sdk).toMatch(/^temporal_worker_task_slots_available\{.*task_queue="dist-/m);
    expect(sdk).toMatch(/^temporal_workflow_task_execution_latency/m);
    const own = await (await fetch(`http://127.0.0.1:${env.API_METRICS_PORT}/metrics`)).text();
    expect(own).toMatch(/^overgang_api_requests_total\{method="POST",route="\/cases",status="201"\} 1$/m);
    expect(own).toMatch(/^overgang_api_request_duration_seconds_bucket\{.*route="\/health\/ready",status="200"/m);
    expect(own).toMatch(/^overgang_api_nodejs_heap_size_used_bytes/m);
  });

  it('writes nothing to stderr: no deprecation warnings, no text logs', () => {
    expect(worker.err.join('')).toBe('');
    expect(api.err.join('')).toBe('');
  });

  it('stops on SIGTERM', async () => {
    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(await worker.exited).toBe(0);
    expect(worker.out.map((l) => JSON.parse(l).msg)).toContain('worker stopped');
  }, 30_000);

  it('in production the worker refuses to bundle at start, and the API refuses the development tokens', async () => {
    renameSync(path.join(root, 'dist', 'workflow-bundle.js'), path.join(root, 'dist', 'workflow-bundle.js.moved'));
    const w = run('worker/main.js', { ...env, WORKER_METRICS_PORT: '0' });
    expect(await w.exited).toBe(1);
    const wLine = JSON.parse(w.out.at(-1)!) as { level: string; msg: string };
    expect(wLine.level).toBe('fatal');
    expect(wLine.msg).toMatch(/WORKER_WORKFLOW_BUNDLE: production runs a prebuilt workflow bundle/);
    const { AUTH_TOKENS_FILE: _, ...withoutTokens } = env;
    const a = run('api/main.js', { ...withoutTokens, API_METRICS_PORT: '0' });
    expect(await a.exited).toBe(1);
    expect(JSON.parse(a.out.at(-1)!).msg).toMatch(/AUTH_TOKENS_FILE: required in production/);
  }, 30_000);
});
