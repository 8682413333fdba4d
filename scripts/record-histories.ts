/**
 * `npm run record-histories`: records one history per case-type path from the real Temporal dev
 * server into test/histories/, for the replay test (test/replay.test.ts).
 *
 * Starts its own dev server (a free port, in memory), a throw-away PGlite database, the worker and
 * the API (in process), drives each case type through the API as caseworkers would, and writes
 * every run's history (a continued-as-new case: each run) as JSON. Files already there are kept
 * (they are what running cases look like); new ones get today's date in their name, and a
 * version suffix when that name is taken. Made-up
 * citizens only: the CPRs are generated and never reach Temporal anyway.
 *
 *   npm run record-histories              # all paths
 *   npm run record-histories -- psychiatric hospital
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { buildApp } from '../api/app.js';
import { loadTokens } from '../api/auth.js';
import { projectRoot } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { createOvergangWorker } from '../worker/worker.js';
import { localDate } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { freePort, waitForPort } from './ports.js';
import { sleep, type Ctx, type RecordingPath } from './histories/context.js';
import { hospitalDischargePaths } from './histories/hospital-discharge.js';
import { psychiatricPaths } from './histories/psychiatric.js';
import { nursingHomeFollowUpPaths } from './histories/nursing-home-follow-up.js';
import { nursingHomeFollowUpCaseType } from '../workflows/nursing-home-follow-up/case-type.js';
import { complaintPaths } from './histories/complaint.js';
import { intervalStayPaths } from './histories/interval-stays.js';
import { intervalStayCasePaths } from './histories/interval-stay.js';
import { intervalStayCaseType } from '../workflows/interval-stay/case-type.js';
import { complaintCaseType } from '../workflows/complaint/case-type.js';
import { grantPaths } from './histories/grant.js';
import { retentionPaths } from './histories/retention.js';
import { searchAttributeArgs } from '../api/search-attributes.js';
import { temporalCliPath } from './temporal-bin.js';

const outDir = path.join(projectRoot, 'test', 'histories');
const today = localDate(Date.now());

const paths: Record<string, RecordingPath> = { ...psychiatricPaths, ...hospitalDischargePaths, ...nursingHomeFollowUpPaths, ...complaintPaths, ...intervalStayPaths, ...intervalStayCasePaths, ...grantPaths, ...retentionPaths };
/** The history file's name of a case of a case type with its own recording path (by its case-number prefix). */
const LABELS: Record<string, string> = { [`${nursingHomeFollowUpCaseType.prefix}-`]: 'nursing-home-follow-up', [`${complaintCaseType.prefix}-`]: complaintCaseType.name, [`${intervalStayCaseType.prefix}-`]: 'interval-stay' };

async function writeHistories(ctx: Ctx, name: string, workflowId: string): Promise<string[]> {
  const written: string[] = [];
  const runs: { runId: string; type: string; start: number }[] = [];
  for await (const w of ctx.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    runs.push({ runId: w.runId, type: w.type, start: w.startTime.getTime() });
  }
  runs.sort((a, b) => a.start - b.start);
  for (const [i, run] of runs.entries()) {
    // the CLI writes the history in the JSON form every Temporal tool reads
    const json = execFileSync(temporalCliPath(), ['workflow', 'show', '--address', ctx.address, '--workflow-id', workflowId, '--run-id', run.runId, '--output', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    }).toString('utf8');
    // never overwrite a recorded history: it is what a running case looks like
    let file = `${name}-${today}${runs.length > 1 ? `-run${i + 1}` : ''}.json`;
    for (let n = 2; existsSync(path.join(outDir, file)); n++) file = `${name}-${today}-v${n}${runs.length > 1 ? `-run${i + 1}` : ''}.json`;
    writeFileSync(
      path.join(outDir, file),
      JSON.stringify({ workflowId, workflowType: run.type, recordedOn: today, history: JSON.parse(json) }, null, 1) + '\n',
    );
    written.push(file);
  }
  return written;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(paths);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = await freePort();
  const server = spawn(
    temporalCliPath(),
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(await freePort()), '--metrics-port', String(await freePort()), '--log-level', 'error', ...searchAttributeArgs()],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitForPort(port);
    const address = `127.0.0.1:${port}`;
    const database = await openDatabase({ PGLITE_DIR: mkdtempSync(path.join(os.tmpdir(), 'overgang-record-')) });
    const taskQueue = 'record-histories';
    const worker = await createOvergangWorker({ connection: await NativeConnection.connect({ address }), namespace: 'default', taskQueue, db: database.db });
    const running = worker.run();
    const client = new Client({ connection: await Connection.connect({ address }) });
    const app = await buildApp({ database, temporal: client, taskQueue, rules: defaultRules, tokens: loadTokens(path.join(projectRoot, 'config', 'dev-tokens.json')), logLevel: 'silent' });
    await app.ready();
    const ctx: Ctx = { app, client, address, database, taskQueue };
    mkdirSync(outDir, { recursive: true });
    for (const name of wanted) {
      const run = paths[name];
      if (!run) throw new Error(`no path ${name}; paths: ${Object.keys(paths).join(', ')}`);
      const ids = [await run(ctx)].flat();
      await sleep(1000);
      for (const [i, id] of ids.entries()) {
        const own = Object.entries(LABELS).find(([prefix]) => id.startsWith(prefix))?.[1];
        const label = own ?? (id.startsWith('allocator-') ? 'allocator' : id.startsWith('MDO-') ? 'temporary-stay' : id.startsWith('ADV-') ? 'notification-review' : id.startsWith('BEV-') ? name : id.startsWith('UDS-') ? (name === 'hospital' ? `hospital-discharge-${i + 1}` : `hospital-discharge-${name}`) : name);
        const files = await writeHistories(ctx, label, id);
        console.log(`${name}: ${id} → ${files.join(', ')}`);
      }
    }
    await app.close();
    worker.shutdown();
    await running;
    await database.close();
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
