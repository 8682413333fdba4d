/**
 * Bed-day payment (betalingsforpligtelse) priced for reading: a case's days and cost so far, and
 * totals over open and closed cases. The database gives the periods and the dated rate table
 * (db/queries/payments.ts); the counting and pricing rule is the workflows' own (workflows/bed-days.ts).
 */
import type { Db } from '../db/client.js';
import { bedDayPeriod, bedDayPeriodsWithType, bedDayRateTable, type BedDayPeriodRow } from '../db/queries/payments.js';
import { priceBedDays, type BedDayPrice, type BedDayRate } from '../workflows/bed-days.js';
import type { BedDayRules } from '../workflows/rules.js';

export function priceBedDayPeriod(period: BedDayPeriodRow, rates: BedDayRate[], now: Date): BedDayPrice {
  const rules: BedDayRules = {
    firstPaidDayOffset: period.firstPaidDayOffset === 0 ? 0 : 1,
    countDischargeDay: period.countDischargeDay,
  };
  const until = period.endedAt ?? now;
  return priceBedDays(period.readyAt.getTime(), until.getTime(), period.endedAt ? period.endedByDischarge : false, rules, rates);
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
  const rows = await bedDayPeriodsWithType(db, filter);
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
