/**
 * Planner statistics: where autovacuum does not analyze (PGlite; a PostgreSQL with autovacuum off,
 * as on these machines), the API's keeper does — and the work queue then reads its first page from
 * the index instead of sorting every open item of the role.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readableCaseTypes } from '../api/case-types/index.js';
import { openDatabase, rowsOf, type Database, type Db } from '../db/client.js';
import { analyzeStaleTables, staleTables, startStatisticsKeeper, type StaleTable } from '../db/planner-statistics.js';
import { workQueue } from '../db/queries/work-queue.js';
import * as schema from '../db/schema/index.js';
import { eventually } from './helpers.js';

const OPEN = 20_000;

/** `n` psychiatric cases, each with one open 12-week obligation of the psychiatry coordinator, plus a few of other roles. */
async function fill(db: Db, n: number, offset = 0): Promise<void> {
  await db.execute(sql`
    insert into citizens (cpr, birth_date)
    select lpad((${offset} + g)::text, 10, '0'), date '1950-01-01' from generate_series(1, ${n}) g`);
  await db.execute(sql`
    insert into cases (id, type, citizen_id, workflow_id, step, opened_at)
    select gen_random_uuid(), case when rn % 100 = 0 then 'hospital_discharge' else 'psychiatric_discharge' end, id, 'P-' || (${offset} + rn), 'open', now()
      from (select id, row_number() over (order by cpr) as rn from citizens where cpr > lpad(${offset}::text, 10, '0')) c`);
  await db.execute(sql`
    insert into obligations (case_id, key, kind, action_code, actor_role, actor_team, escalate_to, due_day, at_risk_at, escalate_at, state, urgency, opened_at)
    select id, 'deadline-12w', 'psychiatric_case_deadline', 'process_case',
           case when type = 'psychiatric_discharge' then 'psychiatry_coordinator' else 'needs_assessor' end, null, 'area_chief',
           current_date + 84, now() + interval '40 days', now() + make_interval(mins => (random() * 120000)::int), 'on_track', 2, now()
      from cases c where not exists (select 1 from obligations o where o.case_id = c.id)`);
  // the inserts' change counters reach the statistics now, not at some later idle moment (PGlite
  // reports them late: counted after an ANALYZE, they would make the tables look changed again)
  await db.execute(sql`select pg_stat_force_next_flush()`);
  await db.execute(sql`select 1`);
}

/** The plan of GET /work-queue as the API asks it for the psychiatry coordinator (first page of 50). */
async function workQueuePlan(url: string): Promise<{ sorts: number; obligationRowsRead: number; rows: number }> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const captured: { sql: string; params: unknown[] }[] = [];
    const db = drizzle(client, { schema, logger: { logQuery: (q, p) => void captured.push({ sql: q, params: p }) } }) as unknown as Db;
    const page = await workQueue(db, { role: 'psychiatry_coordinator', team: 'DSI Voksen', caseTypes: readableCaseTypes('psychiatry_coordinator'), limit: 50 });
    const [row] = await client.unsafe(`explain (analyze, format json) ${captured[0]!.sql}`, captured[0]!.params as never[]);
    const plan = (row as Record<string, unknown>)['QUERY PLAN'] as [{ Plan: PlanNode }];
    let sorts = 0;
    let obligationRowsRead = 0;
    const walk = (node: PlanNode): void => {
      if (node['Node Type'] === 'Sort') sorts++;
      if (node['Relation Name'] === 'obligations') obligationRowsRead += node['Actual Rows'] * node['Actual Loops'];
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan[0].Plan);
    return { sorts, obligationRowsRead, rows: page.items.length };
  } finally {
    await client.end();
  }
}
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

describe('planner statistics on PostgreSQL', () => {
  const runUrl = inject('databaseUrl');
  const name = `overgang_stats_${process.pid}_${Date.now()}`;
  const url = runUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = postgres(runUrl.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => {} });
  let database: Database;

  beforeAll(async () => {
    await admin.unsafe(`create database ${name}`);
    database = await openDatabase({ DATABASE_URL: url, PGLITE_DIR: '', maxConnections: 3 });
    await fill(database.db, OPEN);
    // the inserting backends report their counts to the statistics a moment later: wait for them,
    // or an ANALYZE now would be followed by "changed" counts that were already in it
    await eventually(async () => {
      const res = await database.db.execute(sql`select coalesce(min(n_mod_since_analyze), 0)::int as n from pg_stat_user_tables where relname in ('citizens', 'cases', 'obligations')`);
      return rowsOf<{ n: number }>(res)[0]!.n >= OPEN;
    }, 30_000);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('finds the tables never analyzed, analyzes them once, and the work queue then reads its page from the index', async () => {
    const before = await staleTables(database.db);
    const autovacuumOn = (await admin`show autovacuum`)[0]!.autovacuum === 'on';
    if (!autovacuumOn) {
      expect(before.map((t) => t.table)).toEqual(expect.arrayContaining(['cases', 'citizens', 'obligations']));
      expect(before.find((t) => t.table === 'obligations')!.reason).toBe('never analyzed');
    }

    const analyzed = await analyzeStaleTables(database.db);
    expect(analyzed.map((t) => t.table).sort()).toEqual(before.map((t) => t.table).sort());
    expect(await staleTables(database.db)).toEqual([]);
    const res = await database.db.execute(sql`select reltuples::int as n from pg_class where oid = 'public.obligations'::regclass`);
    const known = rowsOf<{ n: number }>(res)[0]!;
    expect(Math.abs(known.n - OPEN)).toBeLessThan(OPEN * 0.05);

    // the first page of 50 (+1 to know there is more) is read in index order: no sort, ~51 rows read
    const plan = await workQueuePlan(url);
    expect(plan.rows).toBe(50);
    expect(plan.sorts).toBe(0);
    expect(plan.obligationRowsRead).toBeLessThan(200);
  }, 120_000);

  it('finds a table again once more rows changed than autovacuum would allow (50 + 10 %)', async () => {
    await analyzeStaleTables(database.db);
    await database.db.execute(sql`update obligations set urgency = 1, state = 'at_risk' where ctid in (select ctid from obligations limit 100)`);
    expect((await staleTables(database.db)).map((t) => t.table)).not.toContain('obligations');
    await database.db.execute(sql`update obligations set urgency = 0, state = 'breached' where ctid in (select ctid from obligations limit ${Math.ceil(OPEN * 0.12)})`);
    const stale = await staleTables(database.db);
    // updated rows are new row versions: the table also grew, whichever the check meets first
    expect(['rows changed', 'grew']).toContain(stale.find((t) => t.table === 'obligations')?.reason);
  });
});

describe('planner statistics on PGlite (no autovacuum; its change counters lag)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ PGLITE_DIR: mkdtempSync(path.join(os.tmpdir(), 'overgang-pglite-stats-')) });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('analyzes a table never analyzed, and again when it grew by more than 10 %', async () => {
    await fill(database.db, 2_000);
    expect((await staleTables(database.db)).find((t) => t.table === 'obligations')).toMatchObject({ reason: 'never analyzed' });
    expect((await analyzeStaleTables(database.db)).map((t) => t.table)).toContain('obligations');
    expect(await staleTables(database.db)).toEqual([]);
    await fill(database.db, 2_000, 2_000);
    const grown = (await staleTables(database.db)).find((t) => t.table === 'obligations');
    expect(grown?.plannerRows).toBe(2_000);
    expect(['grew', 'rows changed']).toContain(grown?.reason);
  }, 60_000);

  it('the keeper runs on its interval and reports what it analyzed', async () => {
    const seen: StaleTable[][] = [];
    const keeper = startStatisticsKeeper(database.db, 200, { analyzed: (t) => void seen.push(t), failed: (err) => void seen.push([{ table: `failed: ${err.message}`, reason: 'grew', plannerRows: 0, changedRows: 0 }]) });
    try {
      await eventually(async () => (await staleTables(database.db)).length === 0, 10_000);
      const before = seen.length;
      await fill(database.db, 3_000, 4_000);
      const report = await eventually(async () => seen.slice(before).flat().find((t) => t.table === 'obligations'), 10_000);
      expect(['grew', 'rows changed']).toContain(report.reason);
      expect(seen.flat().filter((t) => t.table.startsWith('failed'))).toEqual([]);
    } finally {
      await keeper.stop();
    }
  }, 60_000);
});
