/**
 * Planner statistics (ANALYZE), kept fresh where nothing else keeps them: PostgreSQL with
 * autovacuum off, and embedded PGlite (which has no autovacuum at all).
 *
 * Without statistics the planner guesses that a role's open obligations are ~100 rows, reads all
 * of them and sorts them: `GET /work-queue` over 100,000 open cases took 220–270 ms that way; with
 * statistics the same query reads its page from the index in index order (0.4 ms). The list reads
 * (work queue, escalations, waiting list) all depend on it.
 *
 * A table is analyzed when it was never analyzed, when more rows changed since its last analysis
 * than autovacuum's own default threshold (50 + 10 % of its rows), or — as the change counters may
 * lag or be missing (PGlite reports them late) — when it grew by more than 10 % since its last
 * analysis. Where
 * autovacuum runs, it resets the same counters and this rarely finds anything to do.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from './client.js';

export interface StaleTable {
  table: string;
  reason: 'never analyzed' | 'rows changed' | 'grew';
  /** Rows as the planner last knew them (-1: never counted). */
  plannerRows: number;
  /** Rows changed since the last analysis, as far as the server has counted them. */
  changedRows: number;
}

/** Autovacuum's defaults (autovacuum_analyze_threshold, autovacuum_analyze_scale_factor). */
const CHANGED_ROWS_THRESHOLD = 50;
const CHANGED_FRACTION = 0.1;
/** Growth in pages that makes a table stale even where the change counters lag. */
const GROWN_FRACTION = 0.1;
const GROWN_PAGES_MIN = 8;
/** One keeper at a time across API processes (pg_try_advisory_xact_lock key). */
const LOCK_KEY = 0x6f76_6761; // 'ovga'

interface TableRow {
  [key: string]: unknown;
  table: string;
  reltuples: number;
  relpages: number;
  pages: number;
  changed: number;
}

/** The tables of the application's schema whose planner statistics are missing or out of date. */
export async function staleTables(db: Db): Promise<StaleTable[]> {
  const result = await db.execute<TableRow>(sql`
    select c.relname as "table",
           c.reltuples::float8 as "reltuples",
           c.relpages::int as "relpages",
           (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as "pages",
           coalesce(s.n_mod_since_analyze, 0)::float8 as "changed"
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_stat_user_tables s on s.relid = c.oid
     where n.nspname = 'public' and c.relkind in ('r', 'p')
     order by c.relname`);
  const rows = rowsOf<TableRow>(result);
  const stale: StaleTable[] = [];
  for (const r of rows) {
    const plannerRows = Number(r.reltuples);
    const changedRows = Number(r.changed);
    const pages = Number(r.pages);
    let reason: StaleTable['reason'] | undefined;
    if (plannerRows < 0 && pages > 0) reason = 'never analyzed';
    else if (changedRows > CHANGED_ROWS_THRESHOLD + CHANGED_FRACTION * Math.max(0, plannerRows)) reason = 'rows changed';
    else if (pages > Number(r.relpages) * (1 + GROWN_FRACTION) + GROWN_PAGES_MIN) reason = 'grew';
    if (reason) stale.push({ table: r.table, reason, plannerRows, changedRows });
  }
  return stale;
}

/**
 * ANALYZEs the stale tables in one transaction, unless another process holds the keeper's lock
 * (then it returns [] and that process does the work). Returns what it analyzed.
 */
export async function analyzeStaleTables(db: Db): Promise<StaleTable[]> {
  return db.transaction(async (tx) => {
    const lock = await tx.execute<{ [key: string]: unknown; got: boolean }>(sql`select pg_try_advisory_xact_lock(${LOCK_KEY}) as "got"`);
    if (!rowsOf<{ got: boolean }>(lock)[0]?.got) return [];
    const stale = await staleTables(tx as unknown as Db);
    for (const t of stale) await tx.execute(sql`analyze ${sql.identifier(t.table)}`);
    return stale;
  });
}

export interface StatisticsKeeper {
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/**
 * Runs `analyzeStaleTables` now and every `intervalMs` (0: never). A failed pass (the database not
 * answering) is reported and retried at the next tick; it never stops the process.
 */
export function startStatisticsKeeper(
  db: Db,
  intervalMs: number,
  report: { analyzed(tables: StaleTable[]): void; failed(err: Error): void },
): StatisticsKeeper {
  let running: Promise<StaleTable[]> | undefined;
  const runOnce = async (): Promise<StaleTable[]> => {
    if (running) return running;
    running = analyzeStaleTables(db)
      .then((tables) => {
        if (tables.length) report.analyzed(tables);
        return tables;
      })
      .catch((err: unknown) => {
        report.failed(err as Error);
        return [];
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  if (intervalMs > 0) {
    void runOnce();
    timer = setInterval(() => void runOnce(), intervalMs);
    timer.unref();
  }
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
