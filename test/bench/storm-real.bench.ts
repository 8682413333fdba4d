/**
 * Escalation storm on a real Temporal server (`npm run bench:storm -- --n 2000`): N psychiatric
 * cases opened through the API whose 12-week deadline escalates at the same instant, in real
 * time — the time-skipping server cannot carry a storm of thousands (its own cost grows faster
 * than the number of workflows). The instant is the first whole hour (Copenhagen) far enough
 * ahead for the intakes to finish: the worker and API run with `ESCALATION_LOCAL_HOUR` set to
 * that hour and the cases are received 12 weeks and a day before it. Measures: rows written (none
 * twice, one outbox row each), lag of the first, p50, p99 and last row after the instant, the
 * worker's CPU and RSS. Waits up to an hour for the instant.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { addDays, localDate, localInstant, overnightAfter } from '../../domain/calendar.js';
import { appEnv, benchDatabase, call, cpuSecondsOf, loadAverage, memOf, pool, psychiatricIntake, quantile, sleep, startApi, startDevServer, startWorker, stormRows, TOKENS } from './harness.js';
import { freePort } from '../../scripts/ports.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, rate: { type: 'string', default: '8' } } });
const N = Number(values.n);
const C = Number(values.concurrency);
/** Expected intakes per second, to choose an instant after the last intake. */
const RATE = Number(values.rate);

const HOUR = 3_600_000;
const log = (s: string) => console.log(`[storm ${new Date().toISOString().slice(11, 19)}] ${s}`);

// the instant: the first whole Copenhagen hour at least (N / RATE + 3 min) ahead
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
const count = async () => Number((await sqlClient`select count(*)::int as n from escalations where key = 'deadline-12w'`)[0]!.n);
try {
  log(`${N} cases, escalation instant ${new Date(instant).toISOString()} (local hour ${hour}, due day ${dueDay}); load ${loadAverage()}`);
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
  const before = await count();
  log(`deadline escalations before the instant: ${before} (should be 0); waiting ${((instant - Date.now()) / 1000).toFixed(0)} s`);
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
  console.log(
    `P2 real server: ${stats.n}/${N - errors} rows (${stats.distinct_n} distinct, ${stats.n - stats.distinct_n} twice; outbox ${stats.outbox}); ` +
      `lag after the instant: first ${(quantile(lags, 0) / 1000).toFixed(1)} s, p50 ${(quantile(lags, 0.5) / 1000).toFixed(1)} s, p99 ${(quantile(lags, 0.99) / 1000).toFixed(1)} s, last ${(quantile(lags, 1) / 1000).toFixed(1)} s; ` +
      `worker CPU ${(cpuSecondsOf(worker.pid) - cpu0).toFixed(0)} s, RSS peak ${peak.toFixed(0)} MiB; server CPU ${(cpuSecondsOf(server.pid) - srvCpu0).toFixed(0)} s; load ${loadAverage()}  [10,000 within 120 s, none twice]`,
  );
} finally {
  await sqlClient.end();
  await api.stop();
  await worker.stop();
  await server.stop();
  await db.drop();
}
