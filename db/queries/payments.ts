/**
 * Bed-day payment (betalingsforpligtelse) queries: periods per case, the dated rate table,
 * and priced totals over open and closed cases of every case type.
 */
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
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
  return rows.map((r) => ({
    caseId: r.caseId,
    kind: r.kind as 'disagreement' | 'chief_decision',
    at: r.at,
    regionRefusesDischarge: typeof r.body.regionRefusesDischarge === 'boolean' ? r.body.regionRefusesDischarge : undefined,
  }));
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

/** Where a page of payment periods starts: after this period in (readyAt, id) order. */
export interface BedDayPeriodCursor {
  readyAt: Date;
  id: number;
}

/**
 * One batch of payment periods with their case type in (readyAt, id) order, after `after`
 * (filters: case types, open/closed). A report reads every period batch by batch, so no query
 * or loop holds the event loop for more than a batch.
 */
export async function bedDayPeriodsBatch(
  db: Db,
  filter: { caseTypes?: readonly string[]; state?: 'open' | 'closed' },
  after: BedDayPeriodCursor | undefined,
  limit: number,
) {
  return db
    .select({ period: bedDayPeriods, caseType: cases.type })
    .from(bedDayPeriods)
    .innerJoin(cases, eq(cases.id, bedDayPeriods.caseId))
    .where(
      and(
        filter.caseTypes ? inArray(cases.type, [...filter.caseTypes]) : undefined,
        filter.state === 'open' ? isNull(bedDayPeriods.endedAt) : undefined,
        filter.state === 'closed' ? sql`${bedDayPeriods.endedAt} is not null` : undefined,
        after
          ? or(gt(bedDayPeriods.readyAt, after.readyAt), and(eq(bedDayPeriods.readyAt, after.readyAt), gt(bedDayPeriods.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(bedDayPeriods.readyAt), asc(bedDayPeriods.id))
    .limit(limit);
}
