/**
 * Worker memory (`npm run bench:memory -- --n 20000`): opens N psychiatric cases through the API
 * on one worker with the default settings and production's heap flags from docker-compose.yml (or
 * `--cache <n>` for WORKER_MAX_CACHED_WORKFLOWS, `--worker-node-args "--max-old-space-size=256"` for
 * other flags, `--worker-node-args " "` for none) and
 * records the worker's RSS, main-thread heap and cached workflows as the cases open. Every case
 * stays open (its timers run for 12 weeks), so the worker must hold them all: the cache evicts,
 * the worker must never die.
 */
import { parseArgs } from 'node:util';
import { appEnv, benchDatabase, call, loadAverage, memOf, pool, productionHeapFlags, psychiatricIntake, quantile, startApi, startDevServer, startWorker, TOKENS } from './harness.js';
import { freePort } from '../../scripts/ports.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '16' }, cache: { type: 'string' }, 'worker-node-args': { type: 'string' } } });
const N = Number(values.n);
const C = Number(values.concurrency);

const MB = 1024 * 1024;
const server = await startDevServer();
const db = await benchDatabase('mem');
const env = appEnv(server.address, db.url, await freePort(), values.cache ? { WORKER_MAX_CACHED_WORKFLOWS: values.cache } : {});
const workerArgs = values['worker-node-args']?.split(' ').filter(Boolean);
const worker = await startWorker(env, workerArgs ?? productionHeapFlags('worker'));
const api = await startApi(env);
const baseline = memOf(worker.pid);
const t0 = performance.now();
console.log(`worker memory: ${N} psychiatric cases through POST /cases, ${C} at a time; load ${loadAverage()}`);
console.log(`worker limits ${JSON.stringify(worker.last?.limits)}; node flags ${(workerArgs ?? productionHeapFlags('worker')).join(' ') || '(none)'}; main heap limit ${Math.round(Number(worker.last?.heapLimit) / MB)} MiB`);
console.log(`  ${'cases'.padStart(6)} ${'s'.padStart(6)} ${'rss MiB'.padStart(8)} ${'peak'.padStart(6)} ${'heap'.padStart(6)} ${'cached'.padStart(7)} ${'srv MiB'.padStart(8)}`);
const line = (done: number) => {
  const m = memOf(worker.pid);
  const w = worker.last ?? {};
  console.log(
    `  ${String(done).padStart(6)} ${((performance.now() - t0) / 1000).toFixed(0).padStart(6)} ${m.rssMb.toFixed(0).padStart(8)} ${m.peakMb.toFixed(0).padStart(6)} ${(Number(w.heapUsed) / MB).toFixed(0).padStart(6)} ${String(w.cached).padStart(7)} ${memOf(server.pid).rssMb.toFixed(0).padStart(8)}`,
  );
};
line(0);
const step = Math.max(1, Math.round(N / 10));
let errors = 0;
const now = Date.now();
const lat = await pool(
  N,
  C,
  async (i) => {
    for (let attempt = 0; ; attempt++) {
      const r = await call(api.base, 'POST', '/cases', TOKENS.hospital, psychiatricIntake(now - 60_000), `mem-${i}`);
      if (r.status === 201 || r.status === 200) return;
      if (attempt >= 5) {
        errors++;
        console.error(`case ${i}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        return;
      }
      await new Promise((res) => setTimeout(res, 500));
    }
  },
  (done) => {
    if (done % step === 0) line(done);
    if (worker.child.exitCode !== null) throw new Error(`worker died: ${worker.output}`);
  },
);
const wall = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 5000));
line(N);
const end = memOf(worker.pid);
const alive = worker.child.exitCode === null && worker.last?.state === 'RUNNING';
console.log(`  opened ${N - errors}/${N} in ${wall.toFixed(0)} s (${(N / wall).toFixed(1)}/s), POST /cases p50 ${quantile(lat, 0.5).toFixed(0)} ms p99 ${quantile(lat, 0.99).toFixed(0)} ms, errors ${errors}`);
console.log(`  worker ${alive ? 'alive' : 'DEAD'}: RSS ${baseline.rssMb.toFixed(0)} → ${end.rssMb.toFixed(0)} MiB (peak ${end.peakMb.toFixed(0)}), cache ${worker.last?.cached} of ${(worker.last?.limits as { maxCachedWorkflows?: number })?.maxCachedWorkflows}; load ${loadAverage()}`);
if (worker.output.trim()) console.log(`  worker said: ${worker.output.trim().slice(-1500)}`);
await api.stop();
await worker.stop();
await server.stop();
await db.drop();
process.exit(alive && !errors ? 0 : 1);
