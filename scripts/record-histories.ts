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
import { psychiatricCaseType } from '../workflows/psychiatric/case-type.js';
import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { loadTokens } from '../api/auth.js';
import { caseNumberFor } from '../api/case-numbers.js';
import { projectRoot } from '../config/index.js';
import { openDatabase, type Database } from '../db/client.js';
import { upsertCitizen } from '../db/queries/cases.js';
import { createOvergangWorker } from '../worker/worker.js';
import { localDate } from '../domain/calendar.js';
import { birthDateFromCpr } from '../domain/cpr.js';
import { psychiatricCaseWorkflow } from '../workflows/psychiatric/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { caseOpenedUpdate } from '../workflows/shared/messages.js';
import { CaseTypeKey } from '../workflows/shared/search-attributes.js';
import { freePort, waitForPort } from './ports.js';
import { searchAttributeArgs } from '../api/search-attributes.js';
import { temporalCliPath } from './temporal-bin.js';

const outDir = path.join(projectRoot, 'test', 'histories');
const today = localDate(Date.now());

function fakeCpr(birthDate: string): string {
  const [y, m, d] = birthDate.split('-');
  return `${d}${m}${y!.slice(2)}${randomInt(0, 4)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

interface Ctx {
  app: FastifyInstance;
  client: Client;
  address: string;
  database: Database;
  taskQueue: string;
}

async function call(ctx: Ctx, method: 'GET' | 'POST', url: string, token: string, payload?: unknown): Promise<any> {
  const res = await ctx.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': `rec-${Date.now()}-${randomInt(1e9)}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
  return res.json();
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Psychiatric: forvarsling → færdigmelding → long course, meeting, involvements, disagreement, chief decision, placement; continued-as-new on the way. */
async function psychiatric(ctx: Ctx): Promise<string> {
  const cpr = fakeCpr('1985-05-05');
  const citizenId = await upsertCitizen(ctx.database.db, cpr, birthDateFromCpr(cpr)!);
  const caseId = crypto.randomUUID();
  const workflowId = await caseNumberFor(ctx.database.db, caseId, psychiatricCaseType);
  const handle = await ctx.client.workflow.start(psychiatricCaseWorkflow, {
    workflowId,
    taskQueue: ctx.taskQueue,
    args: [{ caseId, citizenId, notice: 'forvarsling', receivedAt: Date.now() - 3_600_000, ward: 'Psykiatrisk Center', rules: defaultRules, maxHistoryEvents: 80 }],
    typedSearchAttributes: [{ key: CaseTypeKey, value: 'psychiatric_discharge' }],
  });
  await handle.executeUpdate(caseOpenedUpdate);
  const base = `/cases/${caseId}/psychiatric`;
  const offer = await call(ctx, 'POST', '/housing-offers', 'dev-psychiatry', { name: `Botilbud ${Date.now()}`, targetGroup: 'Adults', places: ['Room 1'] });
  await call(ctx, 'POST', `${base}/notices`, 'dev-hospital', { notice: 'faerdigmelding', receivedAt: hoursAgo(0.5), readyAt: hoursAgo(0.6) });
  await call(ctx, 'POST', `${base}/long-course`, 'dev-psychiatry', { reason: 'No fitting offer yet' });
  await call(ctx, 'POST', `${base}/status-meetings`, 'dev-chief', { heldOn: today, decision: 'Look in own offers first' });
  for (let i = 0; i < 4; i++) {
    await call(ctx, 'POST', `${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat', chosenOfferId: offer.id });
    await call(ctx, 'POST', `${base}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'The ward disagrees' });
    await call(ctx, 'POST', `${base}/chief-decision`, 'dev-chief', { decision: 'municipality_support_upheld', reasoning: 'Night staff', regionRefusesDischarge: false });
  }
  await sleep(1500);
  await call(ctx, 'POST', `${base}/placement`, 'dev-psychiatry', { offerId: offer.id });
  return workflowId;
}

/** Psychiatric, external purchase: færdigmelding → involvement → an external place bought (provider by registry id) → discharged there. */
async function psychiatricExternal(ctx: Ctx): Promise<string> {
  const opened = await call(ctx, 'POST', '/cases', 'dev-hospital', {
    type: 'psychiatric_discharge',
    cpr: fakeCpr('1979-07-07'),
    notice: 'faerdigmelding',
    receivedAt: hoursAgo(1),
    readyAt: hoursAgo(1.1),
    ward: 'Psykiatrisk Center',
  });
  const base = `/cases/${opened.id}/psychiatric`;
  await call(ctx, 'POST', `${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'Staff at night', wishesForFuture: 'Own flat' });
  await call(ctx, 'POST', `${base}/external-placement`, 'dev-psychiatry', { provider: 'Privat Bosted ApS', reasonCode: 'no_vacant_own_place_fits' });
  await call(ctx, 'POST', `${base}/discharge`, 'dev-hospital', { dischargedAt: hoursAgo(0), destination: 'external' });
  return opened.caseNumber as string;
}

const isoAgo = hoursAgo;
const inDays = (n: number) => localDate(Date.now() + n * 86_400_000);

/**
 * Hospital discharge, two paths: (1) vulnerable → conference → more help at home → discharged
 * home → follow-up visit and help follow-up → closed; (2) vulnerable → conference → temporary
 * stay (a child case) → the child gets a place and starts the stay (temporary-stay path, with its
 * place type's allocator).
 */
async function hospital(ctx: Ctx): Promise<string[]> {
  const carePlan = () => ({
    type: 'hospital_discharge',
    cpr: fakeCpr('1948-03-15'),
    receivedAt: isoAgo(1),
    ward: 'Afsnit 42',
    admittedAt: isoAgo(120),
    expectedDischargeDate: inDays(1),
    functionalLevel: 'FSIII',
  });
  const a = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan());
  const hd = (id: string, action: string, token: string, body: unknown) => call(ctx, 'POST', `/cases/${id}/hospital-discharge/${action}`, token, body);
  await hd(a.id, 'faerdigbehandlet', 'dev-hospital', { readyAt: isoAgo(2) });
  await hd(a.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(a.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  await hd(a.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'can manage at home with more help',
    decision: { kind: 'more_help_at_home', help: 'personlig pleje', minutesPerWeek: 210, providerStartsOn: inDays(0) },
  });
  const tasks = await call(ctx, 'GET', `/hospital-discharge/tasks?caseId=${a.id}&status=open`, 'dev-coordinator');
  for (const t of tasks as { id: string }[]) await call(ctx, 'POST', `/hospital-discharge/tasks/${t.id}/done`, 'dev-coordinator');
  await hd(a.id, 'discharged', 'dev-hospital', { dischargedAt: new Date(Date.now() - 60_000).toISOString() });
  await hd(a.id, 'follow-up-visit', 'dev-assessor', { visitedAt: new Date().toISOString() });
  await hd(a.id, 'help-follow-up', 'dev-assessor', { followedUpAt: new Date().toISOString() });

  const placeType = `rehab-${Date.now()}`;
  const b = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan());
  await hd(b.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(b.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const decided = await hd(b.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' },
  });
  const stay = decided.temporaryStay as { caseId: string; workflowId: string };
  const facility = await call(ctx, 'POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
  await call(ctx, 'POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' });
  let offerId: string | undefined;
  for (let i = 0; i < 100 && !offerId; i++) {
    await sleep(200);
    offerId = (await call(ctx, 'GET', `/temporary-stays/${stay.caseId}`, 'dev-assessor')).status?.offer?.offerId;
  }
  if (!offerId) throw new Error('no offer for the temporary stay');
  await call(ctx, 'POST', `/cases/${stay.caseId}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate: inDays(30) });
  // the stay's start is the discharge to it: the hospital case closes by itself
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    if ((await call(ctx, 'GET', `/cases/${b.id}`, 'dev-supervisor')).step === 'closed') break;
  }
  await call(ctx, 'POST', `/cases/${stay.caseId}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'extension', newEndDate: inDays(40) });

  // discharged before a place exists: home while waiting, the stay case reviews the priority
  const c = await call(ctx, 'POST', '/cases', 'dev-hospital', carePlan());
  await hd(c.id, 'faerdigbehandlet', 'dev-hospital', { readyAt: isoAgo(2) });
  await hd(c.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(c.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const waitingType = `rehab-wait-${Date.now()}`;
  const decidedC = await hd(c.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType: waitingType, purpose: 'rehabilitation' },
  });
  const stayC = decidedC.temporaryStay as { caseId: string; workflowId: string };
  await sleep(1000);
  await hd(c.id, 'discharged', 'dev-hospital', { dischargedAt: new Date(Date.now() - 30_000).toISOString() });
  await sleep(1000);
  await call(ctx, 'POST', `/cases/${stayC.caseId}/temporary-stay/priority`, 'dev-assessor', { priority: 'hoej', reason: 'no_help_at_home' });
  await hd(c.id, 'follow-up-visit', 'dev-assessor', { visitedAt: new Date().toISOString() });

  // the citizen already has an open application: the decision re-points to it; a readmission takes it off the list
  const cpr = fakeCpr('1946-06-06');
  const openApp = await call(ctx, 'POST', '/temporary-stays', 'dev-assessor', { cpr, eligible: true, placeType: waitingType, purpose: 'respite', priority: 'middel' });
  await sleep(1000);
  const d = await call(ctx, 'POST', '/cases', 'dev-hospital', { ...carePlan(), cpr });
  await hd(d.id, 'vulnerability-assessment', 'dev-assessor', { vulnerable: true });
  await hd(d.id, 'conference', 'dev-coordinator', { heldAt: isoAgo(0.5) });
  const decidedD = await hd(d.id, 'decision', 'dev-coordinator', {
    holisticAssessment: 'needs a temporary stay',
    decision: { kind: 'temporary_stay', placeType: waitingType, purpose: 'rehabilitation' },
  });
  await sleep(1500);
  await hd(d.id, 'readmitted', 'dev-hospital', { readmittedAt: new Date(Date.now() - 10_000).toISOString() });
  return [
    a.workflowId,
    b.workflowId,
    stay.workflowId,
    `allocator-${placeType}`,
    c.workflowId,
    stayC.workflowId,
    d.workflowId,
    (decidedD.temporaryStay as { workflowId: string }).workflowId,
    openApp.workflowId as string,
  ];
}

const paths: Record<string, (ctx: Ctx) => Promise<string | string[]>> = { psychiatric, hospital, 'psychiatric-external': psychiatricExternal };

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
        const label = id.startsWith('allocator-') ? 'allocator' : id.startsWith('MDO-') ? 'temporary-stay' : id.startsWith('UDS-') ? `hospital-discharge-${i + 1}` : name;
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
