/**
 * Escalation storm on a real Temporal server (`npm run bench:storm -- --n 2000`): N psychiatric
 * cases opened through the API whose 12-week deadline escalates at the same instant, in real
 * time — the time-skipping server cannot carry a storm of thousands (its own cost grows faster
 * than the number of workflows). The instant is the first whole hour (Copenhagen) far enough
 * ahead for the intakes to finish: the worker and API run with `ESCALATION_LOCAL_HOUR` set to
 * that hour and the cases are received 12 weeks and a day before it. Measures: rows written (none
 * twice, one outbox row each), lag of the first, p50, p99 and last row after the instant, the
 * worker's CPU and RSS. Waits up to an hour for the instant.
 *
 * Beside it, in the same run on the same server, a bare storm of the same size before and after
 * (bare-workflow.ts: N timers to one instant, each then writing one row, on a worker of its own in
 * this process): the storm's last row ÷ the bare storms' last rows is the ratio the table prints.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { addDays, localDate, localInstant, overnightAfter } from '../../domain/calendar.js';
import { appEnv, benchDatabase, call, cpuSecondsOf, loadAverage, memOf, pool, productionHeapFlags, psychiatricIntake, quantile, sleep, startApi, startDevServer, startWorker, stormRows, TOKENS } from './harness.js';
import { freePort } from '../../scripts/ports.js';
import { lagLine, startBare } from './bare.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, rate: { type: 'string', default: '8' } } });
const N = Number(values.n);
const C = Number(values.concurrency);
/** Expected intakes per second, to choose an instant after the last intake. */
const RATE = Number(values.rate);

const HOUR = 3_600_000;
const log = (s: string) => console.log(`[storm ${new Date().toISOString().slice(11, 19)}] ${s}`);

// the instant: the first whole Copenhagen hour at least (N / RATE + 3 min) ahead
/** How long a bare storm of N takes here at most: starting the timers (lead), then their rows. */
const BARE_LEAD = (N / 30) * 1000 + 15_000;
const bareBudget = 2 * BARE_LEAD + 60_000;
const earliest = Date.now() + (N / RATE) * 1000 + 180_000;
let instant = Math.ceil(earliest / HOUR) * HOUR;
// a whole UTC hour is a whole Copenhagen hour (offsets +1/+2); find its local hour and day
const localDay = localDate(instant);
let hour = -1;
for (let h = 0; h < 24; h++) if (localInstant(localDay, h) === instant) hour = h;
if (hour < 0) throw new Error('could not place the instant on a whole local hour');
const dueDay = addDays(localDay, -1);
if (overnightAfter(dueDay, hour) !== instant) throw new Error('the overnight rule does not give the chosen instant');
const receivedAt = localInstant(addDays(dueDay, -84), 9);
instant = overnightAfter(dueDay, hour);

const server = await startDevServer();
const db = await benchDatabase('stormreal');
const env = appEnv(server.address, db.url, await freePort(), { ESCALATION_LOCAL_HOUR: String(hour) });
const worker = await startWorker(env);
const api = await startApi(env);
const sqlClient = postgres(db.url, { max: 2, onnotice: () => {} });
const bare = await startBare(server.address, db.url);
const bareRuns: { when: string; last: number; line: string; serverCpu: number; benchCpu: number }[] = [];
const bareStorm = async (when: string) => {
  const srv0 = cpuSecondsOf(server.pid);
  const me0 = process.cpuUsage();
  const r = await bare.storm(N, C, BARE_LEAD);
  const me = process.cpuUsage(me0);
  const run = { when, last: quantile(r.lags, 1), line: lagLine(r.lags), serverCpu: cpuSecondsOf(server.pid) - srv0, benchCpu: (me.user + me.system) / 1e6 };
  bareRuns.push(run);
  log(`bare storm ${when}: ${r.rows}/${N} rows (timers started in ${r.startS.toFixed(0)} s); lag ${run.line}; server CPU ${run.serverCpu.toFixed(0)} s, bare worker (this process) CPU ${run.benchCpu.toFixed(0)} s`);
};
const count = async () => Number((await sqlClient`select count(*)::int as n from escalations where key = 'deadline-12w'`)[0]!.n);
try {
  log(`${N} cases, escalation instant ${new Date(instant).toISOString()} (local hour ${hour}, due day ${dueDay}); worker flags ${productionHeapFlags('worker').join(' ') || '(none)'}; load ${loadAverage()}`);
  const t0 = Date.now();
  let errors = 0;
  await pool(N, C, async (i) => {
    for (let attempt = 0; ; attempt++) {
      const r = await call(api.base, 'POST', '/cases', TOKENS.hospital, psychiatricIntake(receivedAt), `storm-real-${i}`);
      if (r.status === 201 || r.status === 200) return;
      if (attempt >= 5) {
        errors++;
        return;
      }
      await sleep(500);
    }
  });
  log(`opened ${N - errors}/${N} in ${((Date.now() - t0) / 1000).toFixed(0)} s (${errors} failed)`);
  if (Date.now() >= instant) throw new Error('the intakes ran past the instant: run with a lower --rate');
  // an intake whose answers were all lost may still have opened its case: count what is open
  errors = N - Number((await sqlClient`select count(*)::int as n from cases`)[0]!.n);
  const before = await count();
  log(`deadline escalations before the instant: ${before} (should be 0); waiting ${((instant - Date.now()) / 1000).toFixed(0)} s`);
  // the bare storm before: as close to the instant as it fits
  if (instant - Date.now() > bareBudget) {
    await sleep(Math.max(0, instant - Date.now() - bareBudget));
    await bareStorm('before');
  } else log('no time for the bare storm before the instant');
  await sleep(Math.max(0, instant - Date.now() - 5_000));
  const cpu0 = cpuSecondsOf(worker.pid);
  const srvCpu0 = cpuSecondsOf(server.pid);
  let peak = 0;
  let done = 0;
  const deadline = instant + 15 * 60_000;
  while (Date.now() < deadline) {
    done = await count();
    peak = Math.max(peak, memOf(worker.pid).rssMb);
    if (done >= N - errors) break;
    await sleep(200);
  }
  const { lags, ...stats } = await stormRows(sqlClient, instant);
  const workerCpu = cpuSecondsOf(worker.pid) - cpu0;
  const serverCpu = cpuSecondsOf(server.pid) - srvCpu0;
  await bareStorm('after');
  const last = quantile(lags, 1);
  const bareLast = bareRuns.map((b) => b.last);
  const ratio = bareLast.map((b) => last / b);
  console.log(`\nP2 on a real dev server — ${new Date().toISOString()}, load ${loadAverage()}; ${N} due at one instant`);
  console.log(
    `P2   escalation storm, ${N} cases: ${stats.n}/${N - errors} rows (${stats.distinct_n} distinct, ${stats.n - stats.distinct_n} twice; outbox ${stats.outbox}); ` +
      `lag after the instant ${lagLine(lags)}; worker CPU ${workerCpu.toFixed(0)} s (${((workerCpu * 1000) / N).toFixed(1)} ms each), RSS peak ${peak.toFixed(0)} MiB; server CPU ${serverCpu.toFixed(0)} s (${((serverCpu * 1000) / N).toFixed(1)} ms each)`,
  );
  for (const b of bareRuns) {
    console.log(`P2   bare storm ${b.when}, ${N} timers + one row each: lag ${b.line}; server CPU ${b.serverCpu.toFixed(0)} s (${((b.serverCpu * 1000) / N).toFixed(1)} ms each), bare worker CPU ${b.benchCpu.toFixed(0)} s (${((b.benchCpu * 1000) / N).toFixed(1)} ms each)`);
  }
  console.log(`P2   last row ÷ bare storm's last row: ${ratio.map((r, i) => `${r.toFixed(2)} (${bareRuns[i]!.when})`).join(', ')}  [≤ 1.5 at 10,000, none twice, worker RSS ≤ 400 MB]`);
} finally {
  await bare.stop();
  await sqlClient.end();
  await api.stop();
  await worker.stop();
  await server.stop();
  await db.drop();
}
