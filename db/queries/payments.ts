/**
 * Bed-day payment (betalingsforpligtelse) queries: periods per case, the dated rate table,
 * and priced totals over open and closed cases of every case type.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { bedDayPeriods, bedDayRates, cases } from '../schema/index.js';

/** How a period counts its days (the case's rule set when it started; see workflows/rules.ts). */
export interface BedDayCounting {
  firstPaidDayOffset: 0 | 1;
  countDischargeDay: boolean;
}

/** One tier of the dated rate table (the pricing itself is in api/bed-days.ts). */
export interface BedDayRateRow {
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
  return rows.map((r) => ({ validFrom: r.validFrom, fromDay: r.fromDay, toDay: r.toDay, dkkPerDay: Number(r.dkkPerDay) }));
}

export async function bedDayRateRows(db: Db) {
  return db.select().from(bedDayRates).orderBy(asc(bedDayRates.validFrom), asc(bedDayRates.fromDay));
}

/**
 * Adds a set of tiers valid from a date (replacing the set for that same date, in one
 * transaction so a reader never sees half a set).
 */
export async function replaceBedDayRates(
  db: Db,
  validFrom: string,
  tiers: { fromDay: number; toDay: number | null; dkkPerDay: number }[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(bedDayRates).where(eq(bedDayRates.validFrom, validFrom));
    await tx.insert(bedDayRates).values(tiers.map((t) => ({ validFrom, ...t })));
  });
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
