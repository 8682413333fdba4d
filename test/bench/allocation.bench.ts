/**
 * Allocation benchmark (`npm run bench`): a real Temporal dev server, a real worker and
 * PostgreSQL (or PGlite when no PostgreSQL answers). Measured in one run and printed as ratios:
 *
 *   A. 10 vacancies of one place type, one after the other (each waits for its offer);
 *   B. 10 vacancies of one place type at once (one allocator serialises them, batching writes);
 *   C. 10 vacancies of 10 place types at once (10 allocators in parallel).
 *
 * "Time to allocate" = from the first place added to the last offer row in the database.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { and, eq, inArray } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../db/client.js';
import { placeOffers } from '../../db/schema/index.js';
import { freePort } from '../../scripts/ports.js';
import { searchAttributeArgs } from '../../api/search-attributes.js';
import { temporalCliPath } from '../../scripts/temporal-bin.js';
import { bundleWorkflows } from '../../worker/bundle.js';
import { createOvergangWorker } from '../../worker/worker.js';
import { PRIORITY_ORDER } from '../../domain/rules.js';
import { allocator, newFacility, openStay } from '../temporary-stay-support.js';

const VACANCIES = 10;

async function connectWithRetry(address: string): Promise<Connection> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await Connection.connect({ address, connectTimeout: 1000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function openBenchDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 2 });
  try {
    const name = `overgang_bench_${process.pid}`;
    await admin.unsafe(`create database ${name}`);
    const database = await openDatabase({ DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${name}`), PGLITE_DIR: '' });
    return {
      database,
      drop: async () => {
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  } catch {
    await admin.end().catch(() => {});
    const database = await openDatabase({ PGLITE_DIR: mkdtempSync(path.join(os.tmpdir(), 'overgang-bench-')) });
    return { database, drop: () => database.close() };
  }
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const port = await freePort();
  const server = spawn(
    temporalCliPath(),
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(await freePort()), '--metrics-port', String(await freePort()), '--log-level', 'error', ...searchAttributeArgs()],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let serverErr = '';
  server.stderr?.on('data', (d) => (serverErr = (serverErr + String(d)).slice(-2000)));
  server.once('exit', (code) => {
    if (code) console.error(`temporal dev server exited ${code}: ${serverErr}`);
  });
  const { database, drop } = await openBenchDatabase();
  const address = `127.0.0.1:${port}`;
  const connection = await connectWithRetry(address);
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createOvergangWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    db: database.db,
    workflowBundle: await bundleWorkflows(),
    options: { shutdownGraceTime: '1 second' },
  });
  const running = worker.run();
  const db = database.db;
  const facility = await newFacility(db);

  const fill = async (placeType: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await openStay(client, db, taskQueue, { placeType, priority: PRIORITY_ORDER[i % 5]!, appliedAt: Date.now() - i * 3_600_000 });
    }
    const a = allocator(client, taskQueue, placeType);
    for (;;) {
      if ((await a.view()).waitingList.length === n) return a;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const offersOn = async (placeIds: string[]) =>
    (await db.select({ id: placeOffers.id }).from(placeOffers).where(and(inArray(placeOffers.placeId, placeIds), eq(placeOffers.status, 'offered')))).length;
  const untilOffers = async (placeIds: string[]) => {
    while ((await offersOn(placeIds)) < placeIds.length) await new Promise((r) => setTimeout(r, 5));
  };

  // Warm-up (bundle, caches, connections).
  const warm = await fill(`bench-warm-${randomUUID().slice(0, 6)}`, 2);
  await untilOffers([await warm.addPlace(facility)]);

  // A: one after the other.
  const a = await fill(`bench-seq-${randomUUID().slice(0, 6)}`, VACANCIES + 5);
  let t0 = performance.now();
  for (let i = 0; i < VACANCIES; i++) await untilOffers([await a.addPlace(facility)]);
  const tSeq = performance.now() - t0;

  // B: all at once, one place type.
  const b = await fill(`bench-one-${randomUUID().slice(0, 6)}`, VACANCIES + 5);
  t0 = performance.now();
  const bIds = await Promise.all(Array.from({ length: VACANCIES }, () => b.addPlace(facility)));
  await untilOffers(bIds);
  const tOne = performance.now() - t0;

  // C: all at once, one vacancy in each of 10 place types.
  const cs = [];
  for (let i = 0; i < VACANCIES; i++) cs.push(await fill(`bench-par${i}-${randomUUID().slice(0, 6)}`, 2));
  t0 = performance.now();
  const cIds = await Promise.all(cs.map((x) => x.addPlace(facility)));
  await untilOffers(cIds);
  const tPar = performance.now() - t0;

  const per = (ms: number) => (ms / VACANCIES).toFixed(1);
  const tput = (ms: number) => ((VACANCIES * 1000) / ms).toFixed(1);
  console.log(`allocation benchmark (${database.engine}, ${VACANCIES} vacancies, one run)`);
  console.log(`  A  one after the other, 1 place type : ${tSeq.toFixed(0)} ms  (${per(tSeq)} ms/vacancy, ${tput(tSeq)} offers/s)`);
  console.log(`  B  at once, 1 place type             : ${tOne.toFixed(0)} ms  (${per(tOne)} ms/vacancy, ${tput(tOne)} offers/s)`);
  console.log(`  C  at once, ${VACANCIES} place types           : ${tPar.toFixed(0)} ms  (${per(tPar)} ms/vacancy, ${tput(tPar)} offers/s)`);
  console.log(`  ratio throughput B/A (N concurrent vs 1 at a time, same allocator): ${(tSeq / tOne).toFixed(2)}x`);
  console.log(`  ratio throughput C/A (N allocators in parallel vs 1 at a time)    : ${(tSeq / tPar).toFixed(2)}x`);
  console.log(`  ratio throughput C/B (N allocators vs 1 allocator, N at once)      : ${(tOne / tPar).toFixed(2)}x`);

  worker.shutdown();
  await running;
  await nativeConnection.close();
  await connection.close();
  await drop();
  server.kill('SIGKILL');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
