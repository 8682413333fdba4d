/**
 * Bed-day payment (betalingsforpligtelse) queries: periods per case, the dated rate table,
 * and priced totals over open and closed cases of every case type.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../client.js';
import { bedDayPeriods, bedDayRates, cases, decisionTexts } from '../schema/index.js';

/** How a period counts its days (the case's rule set when it started; see domain/rules.ts). */
export interface BedDayCounting {
  firstPaidDayOffset: 0 | 1;
  countDischargeDay: boolean;
}

/** The kind of bed a rate applies to (the state sets somatic and psychiatric rates separately). */
export type BedKind = 'somatic' | 'psychiatric';
export const BED_KINDS: readonly BedKind[] = ['somatic', 'psychiatric'];

/** One tier of the dated rate table (the pricing itself is in api/bed-days.ts). */
export interface BedDayRateRow {
  kind: BedKind;
  validFrom: string;
  fromDay: number;
  toDay: number | null;
  dkkPerDay: number;
}

/** Opens the case's payment period once; a retry (or a second færdigmelding) changes nothing. */
export async function startBedDayPeriod(
  db: Db,
  p: { caseId: string; readyAt: Date; rules?: BedDayCounting },
): Promise<boolean> {
  const inserted = await db
    .insert(bedDayPeriods)
    .values({
      caseId: p.caseId,
      readyAt: p.readyAt,
      ...(p.rules
        ? { firstPaidDayOffset: p.rules.firstPaidDayOffset, countDischargeDay: p.rules.countDischargeDay }
        : {}),
    })
    .onConflictDoNothing({ target: bedDayPeriods.caseId })
    .returning({ id: bedDayPeriods.id });
  return inserted.length > 0;
}

/** Ends the case's payment period once; the first end recorded wins, a retry changes nothing. */
export async function endBedDayPeriod(
  db: Db,
  p: { caseId: string; endedAt: Date; endedByDischarge: boolean },
): Promise<boolean> {
  const updated = await db
    .update(bedDayPeriods)
    .set({ endedAt: p.endedAt, endedByDischarge: p.endedByDischarge })
    .where(and(eq(bedDayPeriods.caseId, p.caseId), isNull(bedDayPeriods.endedAt)))
    .returning({ id: bedDayPeriods.id });
  return updated.length > 0;
}

export async function bedDayRateTable(db: Db): Promise<BedDayRateRow[]> {
  const rows = await db.select().from(bedDayRates).orderBy(asc(bedDayRates.validFrom), asc(bedDayRates.fromDay));
  return rows.map((r) => ({ kind: r.kind as BedKind, validFrom: r.validFrom, fromDay: r.fromDay, toDay: r.toDay, dkkPerDay: Number(r.dkkPerDay) }));
}

export async function bedDayRateRows(db: Db) {
  return db.select().from(bedDayRates).orderBy(asc(bedDayRates.kind), asc(bedDayRates.validFrom), asc(bedDayRates.fromDay));
}

/**
 * Adds a set of tiers valid from a date (replacing the set for that same date, in one
 * transaction so a reader never sees half a set).
 */
export async function replaceBedDayRates(
  db: Db,
  validFrom: string,
  tiers: { fromDay: number; toDay: number | null; dkkPerDay: number }[],
  kind: BedKind = 'somatic',
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(bedDayRates).where(and(eq(bedDayRates.kind, kind), eq(bedDayRates.validFrom, validFrom)));
    await tx.insert(bedDayRates).values(tiers.map((t) => ({ kind, validFrom, example: false, ...t })));
  });
}

/** A refusal record from its decision text (the region's refusal flag, when the text carries one). */
function refusalRecord(r: { caseId: string; kind: string; at: Date; body: Record<string, unknown> }) {
  return {
    caseId: r.caseId,
    kind: r.kind as 'disagreement' | 'chief_decision',
    at: r.at,
    regionRefusesDischarge: typeof r.body.regionRefusesDischarge === 'boolean' ? r.body.regionRefusesDischarge : undefined,
  };
}

/**
 * What was recorded about the region refusing to discharge (002: the municipality keeps paying
 * during a disagreement): disagreements and chief-level decisions with their instants and their
 * `regionRefusesDischarge`, oldest first, for the given cases.
 */
export async function regionRefusalRecords(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  const rows = await db
    .select({ caseId: decisionTexts.caseId, kind: decisionTexts.kind, at: decisionTexts.at, body: decisionTexts.body })
    .from(decisionTexts)
    .where(and(inArray(decisionTexts.caseId, caseIds), inArray(decisionTexts.kind, ['disagreement', 'chief_decision'])))
    .orderBy(asc(decisionTexts.at), asc(decisionTexts.id));
  return rows.map(refusalRecord);
}

export type BedDayPeriodRow = typeof bedDayPeriods.$inferSelect;

export async function bedDayPeriod(db: Db, caseId: string): Promise<BedDayPeriodRow | undefined> {
  const [row] = await db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId));
  return row;
}

/** Payment periods with their case type, oldest first (filters: case type, open/closed). */
export async function bedDayPeriodsWithType(db: Db, filter: { caseType?: string; state?: 'open' | 'closed' } = {}) {
  return db
    .select({ period: bedDayPeriods, caseType: cases.type })
    .from(bedDayPeriods)
    .innerJoin(cases, eq(cases.id, bedDayPeriods.caseId))
    .where(
      and(
        filter.caseType ? eq(cases.type, filter.caseType) : undefined,
        filter.state === 'open' ? isNull(bedDayPeriods.endedAt) : undefined,
        filter.state === 'closed' ? sql`${bedDayPeriods.endedAt} is not null` : undefined,
      ),
    )
    .orderBy(asc(bedDayPeriods.readyAt));
}

/** Where a page of payment periods starts: after this period in (readyAt, id) order (readyAt in whole microseconds, as stored). */
export interface BedDayPeriodCursor {
  readyUs: number;
  id: number;
}

/** A payment period as a report reads it (instants in epoch ms). */
export interface BedDayPeriodFigures {
  id: number;
  caseId: string;
  caseType: string;
  /** The færdigmelding in epoch ms (whole, as a Date holds it) and in microseconds (as stored: the cursor). */
  readyAt: number;
  readyUs: number;
  endedAt: number | null;
  endedByDischarge: boolean;
  firstPaidDayOffset: number;
  countDischargeDay: boolean;
}

/**
 * One batch of payment periods with their case type in (readyAt, id) order, after `after`
 * (filters: case types, open/closed). A report reads every period batch by batch, so no query
 * or loop holds the event loop for more than a batch; plain rows, no mapping per column.
 */
export async function bedDayPeriodsBatch(
  db: Db,
  filter: { caseTypes?: readonly string[]; state?: 'open' | 'closed' },
  after: BedDayPeriodCursor | undefined,
  limit: number,
): Promise<BedDayPeriodFigures[]> {
  const where = [
    filter.caseTypes ? sql`c.type in (${sql.join(filter.caseTypes.map((t) => sql`${t}`), sql`, `)})` : undefined,
    filter.state === 'open' ? sql`p.ended_at is null` : undefined,
    filter.state === 'closed' ? sql`p.ended_at is not null` : undefined,
    after ? sql`(p.ready_at, p.id) > (timestamptz 'epoch' + ${after.readyUs}::bigint * interval '1 microsecond', ${after.id})` : undefined,
  ].filter((w) => w !== undefined);
  const result = await db.execute(sql`
    select p.id, p.case_id, c.type, (extract(epoch from p.ready_at) * 1000000)::bigint::text as ready_us,
      floor(extract(epoch from p.ready_at) * 1000)::float8 as ready_ms, floor(extract(epoch from p.ended_at) * 1000)::float8 as ended_ms,
      p.ended_by_discharge, p.first_paid_day_offset, p.count_discharge_day
    from ${bedDayPeriods} p join ${cases} c on c.id = p.case_id
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by p.ready_at, p.id
    limit ${limit}`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    id: Number(r.id),
    caseId: String(r.case_id),
    caseType: String(r.type),
    readyAt: Number(r.ready_ms),
    readyUs: Number(r.ready_us),
    endedAt: r.ended_ms === null ? null : Number(r.ended_ms),
    endedByDischarge: Boolean(r.ended_by_discharge),
    firstPaidDayOffset: Number(r.first_paid_day_offset),
    countDischargeDay: Boolean(r.count_discharge_day),
  }));
}

/**
 * The refusal records (see `regionRefusalRecords`) of the periods in one batch: after `after` up
 * to and including `last` in (readyAt, id) order — one query by range, not a list of case ids.
 */
export async function regionRefusalRecordsOfBatch(db: Db, after: BedDayPeriodCursor | undefined, last: BedDayPeriodCursor) {
  const at = (c: BedDayPeriodCursor) => sql`(timestamptz 'epoch' + ${c.readyUs}::bigint * interval '1 microsecond', ${c.id})`;
  const rows = await db
    .select({ caseId: decisionTexts.caseId, kind: decisionTexts.kind, at: decisionTexts.at, body: decisionTexts.body })
    .from(decisionTexts)
    .innerJoin(bedDayPeriods, eq(bedDayPeriods.caseId, decisionTexts.caseId))
    .where(
      and(
        inArray(decisionTexts.kind, ['disagreement', 'chief_decision']),
        after ? sql`(${bedDayPeriods.readyAt}, ${bedDayPeriods.id}) > ${at(after)}` : undefined,
        sql`(${bedDayPeriods.readyAt}, ${bedDayPeriods.id}) <= ${at(last)}`,
      ),
    )
    .orderBy(asc(decisionTexts.at), asc(decisionTexts.id));
  return rows.map(refusalRecord);
}
