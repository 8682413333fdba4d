/**
 * `npm run bench:dashboard` — the deadline dashboard's data route at scale: N open cases
 * (default 100,000, `--open N`) written straight into the database mirror (cases, 1–2 open
 * obligations each across three teams and four SLA states, escalations and warnings over 40
 * nights, a waiting list), then `GET /dashboard` p99 ÷ `GET /health` p99, each at 20 req/s open
 * loop, interleaved (`--reps`, `--seconds`), against the API in its own process (a dev server and
 * the bench worker behind it, as `npm run bench`). Prints the figures; asserts nothing.
 * Target: ≤ 2.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../scripts/ports.js';
import { appEnv, benchDatabase, startApi, startDevServer, startWorker, TOKENS } from './harness.js';
import { httpOp, openLoop, type OpenLoopResult } from './open-loop.js';

const { values } = parseArgs({ options: { open: { type: 'string' }, reps: { type: 'string' }, seconds: { type: 'string' } } });
const OPEN = Number(values.open ?? 100_000);
const REPS = Number(values.reps ?? 3);
const SECONDS = Number(values.seconds ?? 10);
const RATE = 20;

/** The mirror as the workflows would have written it: set-based, in a few statements. */
async function seed(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const types = ['psychiatric_discharge', 'hospital_discharge', 'temporary_stay'];
  await sql`insert into citizens (cpr, birth_date) select lpad(i::text, 10, '0'), date '1940-01-01' from generate_series(1, ${OPEN}) i`;
  await sql`
    insert into cases (id, type, citizen_id, workflow_id, step, opened_at)
    select gen_random_uuid(), (${types}::text[])[1 + i % 3], c.id, 'BENCH-' || i, 'open', now() - (i % 90) * interval '1 day'
    from (select id, (row_number() over ())::int as i from citizens) c`;
  await sql`
    insert into obligations (case_id, key, kind, action_code, actor_role, actor_team, escalate_to, due_day, at_risk_at, escalate_at, state, urgency, opened_at)
    select c.id, 'o-' || k, 'follow_up_visit', 'follow_up_visit', 'needs_assessor', (array['Lokal visitation Nord', 'DSI Voksen', null])[1 + (n + k) % 3], 'visitation_team_lead',
      current_date + ((n % 60) - 30), now(), now() + interval '1 day', (array['breached','at_risk','on_track','paused'])[1 + (n + k) % 4], (n + k) % 4, now()
    from (select id, (row_number() over ())::int as n from cases) c, generate_series(1, 1 + (random() < 0.5)::int) k`;
  await sql`
    insert into escalations (case_id, key, kind, severity, recipient_role, due_day, scheduled_for, fired_at, message)
    select c.id, 'e', 'follow_up_visit', (array['escalation','warning'])[1 + n % 2], 'visitation_team_lead', current_date - (n % 40) - 1,
      date_trunc('day', now()) - (n % 40) * interval '1 day', date_trunc('day', now()) - (n % 40) * interval '1 day', 'bench'
    from (select id, (row_number() over ())::int as n from cases) c where n % 5 = 0`;
  await sql`
    insert into stay_applications (case_id, citizen_id, place_type, purpose, priority, waiting_since, status)
    select c.id, c.citizen_id, 'general', 'respite', (array['akut','indlagt_faerdigbehandlet','hoej','middel','planlagt'])[1 + n % 5], now() - (n % 30) * interval '1 day', 'waiting'
    from (select id, citizen_id, (row_number() over ())::int as n from cases where type = 'temporary_stay') c where n <= 1000`;
  await sql`analyze`;
  const [o] = await sql`select count(*)::int as n from obligations`;
  const [e] = await sql`select count(*)::int as n from escalations`;
  console.log(`seeded ${OPEN} open cases, ${o!.n} open obligations, ${e!.n} escalations and warnings, a waiting list of up to 1,000`);
  await sql.end();
}

const p99s = (xs: OpenLoopResult[]) => xs.map((x) => x.p99.toFixed(0)).join(' / ');

const db = await benchDatabase('dashboard');
await seed(db.url);
const server = await startDevServer();
const env = appEnv(server.address, db.url, await freePort());
const worker = await startWorker(env);
const api = await startApi(env);
try {
  // one read of the mirror (the first request: nothing kept yet)
  const t0 = performance.now();
  const first = await fetch(`${api.base}/dashboard`, { headers: { authorization: `Bearer ${TOKENS.supervisor}` } });
  await first.arrayBuffer();
  console.log(`one read of the figures (first request, ${first.status}): ${(performance.now() - t0).toFixed(0)} ms`);
  const health: OpenLoopResult[] = [];
  const dashboard: OpenLoopResult[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    health.push(await openLoop(RATE, SECONDS, httpOp(api.base, () => ({ method: 'GET', path: '/health' }))));
    dashboard.push(await openLoop(RATE, SECONDS, httpOp(api.base, () => ({ method: 'GET', path: '/dashboard', token: TOKENS.supervisor }))));
  }
  const ratios = dashboard.map((d, i) => d.p99 / Math.max(1, health[i]!.p99));
  console.log(`GET /dashboard at ${OPEN} open cases, ${RATE}/s open loop, ${REPS} × ${SECONDS} s interleaved`);
  console.log(`  /dashboard p50 ${dashboard.map((x) => x.p50.toFixed(0)).join(' / ')} ms, p99 ${p99s(dashboard)} ms, ok ${dashboard.map((x) => `${x.ok}/${x.sent}`).join(' / ')}`);
  console.log(`  /health    p99 ${p99s(health)} ms`);
  console.log(`  ratio p99 ÷ health p99: ${ratios.map((r) => r.toFixed(2)).join(' / ')} (target ≤ 2)`);
} finally {
  await api.stop();
  await worker.stop();
  await server.stop();
  await db.drop();
}
