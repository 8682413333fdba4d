/**
 * Bed-day payment (betalingsforpligtelse) queries: periods per case, the dated rate table,
 * and priced totals over open and closed cases of every case type.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { bedDayPeriods, bedDayRates, cases } from '../schema/index.js';
import { priceBedDays, type BedDayPrice, type BedDayRate } from '../../workflows/bed-days.js';
import type { BedDayRules } from '../../workflows/rules.js';

/** Opens the case's payment period once; a retry (or a second færdigmelding) changes nothing. */
export async function startBedDayPeriod(
  db: Db,
  p: { caseId: string; readyAt: Date; rules?: BedDayRules },
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

export async function bedDayRateTable(db: Db): Promise<BedDayRate[]> {
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

export function priceBedDayPeriod(period: BedDayPeriodRow, rates: BedDayRate[], now: Date): BedDayPrice {
  const rules: BedDayRules = {
    firstPaidDayOffset: period.firstPaidDayOffset === 0 ? 0 : 1,
    countDischargeDay: period.countDischargeDay,
  };
  const until = period.endedAt ?? now;
  return priceBedDays(period.readyAt.getTime(), until.getTime(), period.endedAt ? period.endedByDischarge : false, rules, rates);
}

export async function bedDayPeriod(db: Db, caseId: string): Promise<BedDayPeriodRow | undefined> {
  const [row] = await db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId));
  return row;
}

/** The case's bed-days and cost so far (or in total when its period has ended). */
export async function caseBedDays(db: Db, caseId: string, now = new Date()) {
  const period = await bedDayPeriod(db, caseId);
  if (!period) return undefined;
  const rates = await bedDayRateTable(db);
  return {
    caseId,
    readyAt: period.readyAt,
    endedAt: period.endedAt,
    endedByDischarge: period.endedByDischarge,
    open: period.endedAt === null,
    rules: { firstPaidDayOffset: period.firstPaidDayOffset, countDischargeDay: period.countDischargeDay },
    asOf: now,
    ...priceBedDayPeriod(period, rates, now),
  };
}

export interface BedDayTotalsFilter {
  caseType?: string;
  state?: 'open' | 'closed';
}

interface Sum {
  cases: number;
  days: number;
  amountDkk: number;
}

/** Totals over open and closed cases (every case type), each period priced by its own rules. */
export async function bedDayTotals(db: Db, filter: BedDayTotalsFilter = {}, now = new Date()) {
  const rows = await db
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
  const rates = await bedDayRateTable(db);
  const zero = (): Sum => ({ cases: 0, days: 0, amountDkk: 0 });
  const open = zero();
  const closed = zero();
  const byCaseType: Record<string, Sum> = {};
  const items = rows.map(({ period, caseType }) => {
    const price = priceBedDayPeriod(period, rates, now);
    const bucket = period.endedAt ? closed : open;
    const typed = (byCaseType[caseType] ??= zero());
    for (const s of [bucket, typed]) {
      s.cases++;
      s.days += price.days;
      s.amountDkk = Math.round((s.amountDkk + price.amountDkk) * 100) / 100;
    }
    return {
      caseId: period.caseId,
      caseType,
      readyAt: period.readyAt,
      endedAt: period.endedAt,
      open: period.endedAt === null,
      days: price.days,
      amountDkk: price.amountDkk,
      unpricedDays: price.unpricedDays,
    };
  });
  const total: Sum = {
    cases: open.cases + closed.cases,
    days: open.days + closed.days,
    amountDkk: Math.round((open.amountDkk + closed.amountDkk) * 100) / 100,
  };
  return { asOf: now, total, open, closed, byCaseType, cases: items };
}
