/**
 * Heap per cached workflow (`npx tsx test/bench/heap-per-workflow.ts [--n 400]`): runs the
 * worker in debug mode (workflows in the main thread, so one heap snapshot holds them), opens
 * 20 psychiatric cases through the API (warm-up), snapshots the heap, opens N more, snapshots
 * again and prints the difference per cached workflow by object kind.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/client.js';
import { createApiFromConfig } from '../../api/server.js';
import { createOvergangWorker, workerLimits } from '../../worker/worker.js';
import { freePort } from '../../scripts/ports.js';
import { appEnv, benchDatabase, pool, psychiatricIntake, startDevServer } from './harness.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '400' } } });
const N = Number(values.n);
Runtime.install({ logger: new DefaultLogger('WARN') });
const server = await startDevServer();
const dbx = await benchDatabase('heap');
const config = loadConfig(appEnv(server.address, dbx.url, await freePort(), { LOG_LEVEL: 'silent' }));
const database = await openDatabase(config);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createOvergangWorker({ connection, namespace: 'default', taskQueue: 'overgang', db: database.db, options: { ...workerLimits(config), maxCachedWorkflows: N + 100, debugMode: true } });
const running = worker.run();
const { app } = await createApiFromConfig(config, database);
const open = (n: number, off: number) =>
  pool(n, 8, async (i) => {
    const r = await app.inject({ method: 'POST', url: '/cases', headers: { authorization: 'Bearer dev-hospital', 'idempotency-key': `h-${off + i}` }, payload: psychiatricIntake(Date.now() - 60_000) });
    if (r.statusCode !== 201) console.log(r.statusCode, r.body);
  });

type Agg = Map<string, [number, number]>;
function snapshot(): Agg {
  (globalThis as { gc?: () => void }).gc?.();
  const file = v8.writeHeapSnapshot(path.join(os.tmpdir(), `overgang-heap-${process.pid}-${Date.now()}.heapsnapshot`));
  const d = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  rmSync(file);
  const nf = d.snapshot.meta.node_fields;
  const types = d.snapshot.meta.node_types[0];
  const [it, iname, isz, L] = [nf.indexOf('type'), nf.indexOf('name'), nf.indexOf('self_size'), nf.length];
  const agg: Agg = new Map();
  for (let i = 0; i < d.nodes.length; i += L) {
    const t = types[d.nodes[i + it]!]!;
    const name = d.strings[d.nodes[i + iname]!]!;
    const key = t.includes('string') ? '(string)' : t === 'code' ? '(code)' : `${t}: ${name.slice(0, 40)}`;
    const [c, s] = agg.get(key) ?? [0, 0];
    agg.set(key, [c + 1, s + d.nodes[i + isz]!]);
  }
  return agg;
}

await open(20, 0);
await new Promise((r) => setTimeout(r, 2000));
const before = snapshot();
await open(N, 1000);
await new Promise((r) => setTimeout(r, 3000));
const cached = worker.getStatus().numCachedWorkflows;
const after = snapshot();
const rows = [...after].map(([k, [c, s]]) => [k, (c - (before.get(k)?.[0] ?? 0)) / N, (s - (before.get(k)?.[1] ?? 0)) / N] as const).sort((a, b) => b[2] - a[2]);
const total = rows.reduce((t, r) => t + r[2], 0);
console.log(`heap per cached psychiatric case: ${(total / 1024).toFixed(0)} KiB (${N} cases opened, ${cached} cached)`);
for (const [k, c, s] of rows.slice(0, 15)) console.log(`  ${(s / 1024).toFixed(1).padStart(7)} KiB ${c.toFixed(1).padStart(7)} objects  ${k}`);
worker.shutdown();
await running;
await app.close();
await database.close();
await connection.close();
await server.stop();
await dbx.drop();
process.exit(0);
