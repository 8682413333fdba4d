/**
 * The deadline dashboard's figures: SQL aggregates over the database mirror (`obligations`,
 * `cases`, `escalations`, `stay_applications`), never a scan of Temporal. Open obligations are
 * those with `urgency < 9` (the condition of their partial indexes), breached ones `urgency = 0`.
 * The aggregates read every open obligation (about 0.4 s for all four at 100,000 open cases), so
 * the route keeps their result for a while (`api/routes/dashboard.ts`). No CPR, no names, no free
 * text: counts by code.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.js';

export interface SlaCount {
  team: string | null;
  caseType: string;
  state: string;
  count: number;
}

export interface AgeingCount {
  team: string | null;
  /** Whole days after the due day (1 = the day after the due day). */
  daysLate: number;
  count: number;
}

export interface NightCount {
  /** The Copenhagen night the escalations fired (the date of the local morning they fired in). */
  night: string;
  count: number;
}

export interface PriorityCount {
  priority: string;
  count: number;
  /** The longest wait on the list (whole days since the waiting-list date). */
  longestWaitDays: number;
}

/** `IN (…)` of a list of texts (at least one). */
const inList = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** Open obligations (not met, not cancelled) by team, case type and SLA state. */
export async function slaCounts(db: Db, caseTypes: readonly string[]): Promise<SlaCount[]> {
  if (caseTypes.length === 0) return [];
  const rows = rowsOf<{ team: string | null; case_type: string; state: string; count: string }>(await db.execute(sql`
    select o.actor_team as team, c.type as case_type, o.state, count(*)::text as count
    from obligations o join cases c on c.id = o.case_id
    where o.urgency < 9 and c.type in (${inList(caseTypes)})
    group by o.actor_team, c.type, o.state
    order by c.type, o.actor_team nulls first, o.state`));
  return rows.map((r) => ({ team: r.team, caseType: r.case_type, state: r.state, count: Number(r.count) }));
}

/** Breached obligations by team and whole days late on `today` (a Copenhagen date). */
export async function overdueAgeing(db: Db, caseTypes: readonly string[], today: string): Promise<AgeingCount[]> {
  if (caseTypes.length === 0) return [];
  const rows = rowsOf<{ team: string | null; days_late: number; count: string }>(await db.execute(sql`
    select o.actor_team as team, (${today}::date - o.due_day) as days_late, count(*)::text as count
    from obligations o join cases c on c.id = o.case_id
    where o.urgency = 0 and c.type in (${inList(caseTypes)})
    group by o.actor_team, days_late
    order by days_late, o.actor_team nulls first`));
  return rows.map((r) => ({ team: r.team, daysLate: Number(r.days_late), count: Number(r.count) }));
}

/** Escalations (severity `escalation`, not warnings) per Copenhagen night, from `since` on. */
export async function escalationsPerNight(db: Db, caseTypes: readonly string[], since: Date): Promise<NightCount[]> {
  if (caseTypes.length === 0) return [];
  const rows = rowsOf<{ night: string; count: string }>(await db.execute(sql`
    select to_char((e.scheduled_for at time zone 'Europe/Copenhagen')::date, 'YYYY-MM-DD') as night, count(*)::text as count
    from escalations e join cases c on c.id = e.case_id
    where e.severity = 'escalation' and e.scheduled_for >= ${since.toISOString()}::timestamptz and c.type in (${inList(caseTypes)})
    group by night
    order by night`));
  return rows.map((r) => ({ night: r.night, count: Number(r.count) }));
}

/** The waiting list (citizens waiting for a temporary place, no offer yet) by priority. */
export async function waitingByPriority(db: Db, caseTypes: readonly string[], now: Date): Promise<PriorityCount[]> {
  if (caseTypes.length === 0) return [];
  const rows = rowsOf<{ priority: string; count: string; longest: string | null }>(await db.execute(sql`
    select a.priority, count(*)::text as count,
      greatest(0, floor(extract(epoch from (${now.toISOString()}::timestamptz - min(a.waiting_since))) / 86400))::text as longest
    from stay_applications a join cases c on c.id = a.case_id
    where a.status = 'waiting' and c.type in (${inList(caseTypes)})
    group by a.priority`));
  return rows.map((r) => ({ priority: r.priority, count: Number(r.count), longestWaitDays: Number(r.longest ?? 0) }));
}
