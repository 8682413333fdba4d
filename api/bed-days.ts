/**
 * Bed-day payment (betalingsforpligtelse) priced for reading: a case's days and cost so far, and
 * totals over open and closed cases — per kind of bed (somatic / psychiatric, each priced with its
 * own dated, tiered rates), per month, and the days counted while the region refused to discharge
 * (002: the municipality keeps paying during a disagreement). The database gives the periods, the
 * rate table and the refusal records (db/queries/payments.ts); the counting and pricing rule is the
 * workflows' own (domain/bed-days.ts).
 */
import type { Db } from '../db/client.js';
import {
  BED_KINDS,
  bedDayPeriod,
  bedDayPeriodsWithType,
  bedDayRateTable,
  regionRefusalRecords,
  type BedDayPeriodRow,
  type BedDayRateRow,
  type BedKind,
} from '../db/queries/payments.js';
import { getCase } from '../db/queries/cases.js';
import { priceBedDays, type BedDayPrice } from '../domain/bed-days.js';
import { addDays, daysBetween, localDate, type LocalDate } from '../domain/calendar.js';
import type { BedDayRules } from '../domain/rules.js';
import { bedKindOf } from './case-types/index.js';

export function priceBedDayPeriod(period: BedDayPeriodRow, rates: BedDayRateRow[], now: Date, kind: BedKind = 'somatic'): BedDayPrice {
  const rules: BedDayRules = {
    firstPaidDayOffset: period.firstPaidDayOffset === 0 ? 0 : 1,
    countDischargeDay: period.countDischargeDay,
  };
  const until = period.endedAt ?? now;
  return priceBedDays(
    period.readyAt.getTime(),
    until.getTime(),
    period.endedAt ? period.endedByDischarge : false,
    rules,
    rates.filter((r) => r.kind === kind),
  );
}

/** Paid day by paid day: its date and its price. */
function paidDays(price: BedDayPrice): { date: LocalDate; dkk: number }[] {
  const out: { date: LocalDate; dkk: number }[] = [];
  for (const line of price.lines) {
    for (let d = line.fromDate; daysBetween(d, line.toDate) >= 0; d = addDays(d, 1)) out.push({ date: d, dkk: line.dkkPerDay });
  }
  return out;
}

/**
 * The days the region refused to discharge, as day ranges [from, to) (to: the day the refusal was
 * lifted, not counted; open while it lasts): from the day a disagreement was raised with
 * `regionRefusesDischarge`, until a chief-level decision (or a new disagreement) says it no longer does.
 */
export function refusalRanges(records: { at: Date; kind: string; regionRefusesDischarge?: boolean }[]): { from: LocalDate; to?: LocalDate }[] {
  const ranges: { from: LocalDate; to?: LocalDate }[] = [];
  let open: { from: LocalDate; to?: LocalDate } | undefined;
  for (const r of records) {
    const refuses = r.kind === 'disagreement' ? (r.regionRefusesDischarge ?? false) : r.regionRefusesDischarge;
    if (refuses === undefined) continue;
    const day = localDate(r.at.getTime());
    if (refuses && !open) {
      open = { from: day };
      ranges.push(open);
    } else if (!refuses && open) {
      open.to = day;
      open = undefined;
    }
  }
  return ranges;
}

const inRanges = (date: LocalDate, ranges: { from: LocalDate; to?: LocalDate }[]) =>
  ranges.some((r) => daysBetween(r.from, date) >= 0 && (r.to === undefined || daysBetween(date, r.to) > 0));

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The case's bed-days and cost so far (or in total when its period has ended), at its kind's rates. */
export async function caseBedDays(db: Db, caseId: string, now = new Date()) {
  const period = await bedDayPeriod(db, caseId);
  if (!period) return undefined;
  const [rates, row, records] = await Promise.all([bedDayRateTable(db), getCase(db, caseId), regionRefusalRecords(db, [caseId])]);
  const kind = bedKindOf(row?.type ?? '');
  const price = priceBedDayPeriod(period, rates, now, kind);
  const ranges = refusalRanges(records);
  const refused = paidDays(price).filter((d) => inRanges(d.date, ranges));
  return {
    caseId,
    kind,
    readyAt: period.readyAt,
    endedAt: period.endedAt,
    endedByDischarge: period.endedByDischarge,
    open: period.endedAt === null,
    rules: { firstPaidDayOffset: period.firstPaidDayOffset, countDischargeDay: period.countDischargeDay },
    asOf: now,
    ...price,
    whileRegionRefused: { days: refused.length, amountDkk: round2(refused.reduce((s, d) => s + d.dkk, 0)) },
  };
}

export interface BedDayTotalsFilter {
  caseType?: string;
  state?: 'open' | 'closed';
  kind?: BedKind;
}

interface Sum {
  cases: number;
  days: number;
  amountDkk: number;
}

interface DaySum {
  days: number;
  amountDkk: number;
}

/**
 * Totals over open and closed cases (every case type), each period priced by its own rules at its
 * kind's rates: in total, open/closed, per case type, per kind, per month (and kind), and the days
 * counted while the region refused to discharge, separately.
 */
export async function bedDayTotals(db: Db, filter: BedDayTotalsFilter = {}, now = new Date()) {
  const rows = (await bedDayPeriodsWithType(db, filter)).filter((r) => !filter.kind || bedKindOf(r.caseType) === filter.kind);
  const [rates, records] = await Promise.all([bedDayRateTable(db), regionRefusalRecords(db, rows.map((r) => r.period.caseId))]);
  const zero = (): Sum => ({ cases: 0, days: 0, amountDkk: 0 });
  const zeroDays = (): DaySum => ({ days: 0, amountDkk: 0 });
  const add = (s: DaySum, days: number, dkk: number) => {
    s.days += days;
    s.amountDkk = round2(s.amountDkk + dkk);
  };
  const open = zero();
  const closed = zero();
  const byCaseType: Record<string, Sum> = {};
  const byKind = Object.fromEntries(BED_KINDS.map((k) => [k, zero()])) as Record<BedKind, Sum>;
  const whileRegionRefused = { ...zeroDays(), byKind: Object.fromEntries(BED_KINDS.map((k) => [k, zeroDays()])) as Record<BedKind, DaySum> };
  const months = new Map<string, { month: string; kind: BedKind; days: number; amountDkk: number; whileRegionRefused: DaySum }>();
  const items = rows.map(({ period, caseType }) => {
    const kind = bedKindOf(caseType);
    const price = priceBedDayPeriod(period, rates, now, kind);
    const ranges = refusalRanges(records.filter((r) => r.caseId === period.caseId));
    const bucket = period.endedAt ? closed : open;
    const typed = (byCaseType[caseType] ??= zero());
    for (const s of [bucket, typed, byKind[kind]]) {
      s.cases++;
      add(s, price.days, price.amountDkk);
    }
    let refusedDays = 0;
    for (const d of paidDays(price)) {
      const key = `${d.date.slice(0, 7)}|${kind}`;
      const m = months.get(key) ?? { month: d.date.slice(0, 7), kind, days: 0, amountDkk: 0, whileRegionRefused: zeroDays() };
      months.set(key, m);
      add(m, 1, d.dkk);
      if (inRanges(d.date, ranges)) {
        refusedDays++;
        add(m.whileRegionRefused, 1, d.dkk);
        add(whileRegionRefused, 1, d.dkk);
        add(whileRegionRefused.byKind[kind], 1, d.dkk);
      }
    }
    return {
      caseId: period.caseId,
      caseType,
      kind,
      readyAt: period.readyAt,
      endedAt: period.endedAt,
      open: period.endedAt === null,
      days: price.days,
      amountDkk: price.amountDkk,
      unpricedDays: price.unpricedDays,
      daysWhileRegionRefused: refusedDays,
    };
  });
  const total: Sum = {
    cases: open.cases + closed.cases,
    days: open.days + closed.days,
    amountDkk: round2(open.amountDkk + closed.amountDkk),
  };
  const byMonth = [...months.values()].sort((a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind));
  return { asOf: now, total, open, closed, byCaseType, byKind, byMonth, whileRegionRefused, cases: items };
}
