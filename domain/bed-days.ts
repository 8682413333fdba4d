/**
 * Bed-day payment (betalingsforpligtelse), sources 001 and 002: a citizen declared ready for
 * discharge (færdigmeldt / færdigbehandlet) who is not taken home costs the municipality a
 * payment for every bed-day until discharge.
 *
 * Pure and deterministic (no I/O, no clock): used by workflows (status queries), activities and
 * the API alike. Days are Europe/Copenhagen calendar days, so a daylight-saving change never
 * adds or loses a day.
 *
 * Counting (configurable through `BedDayRules`, defaults not in the sources):
 *  - the first paid day is the færdigmelding day + `firstPaidDayOffset` (default 1: the day
 *    after the færdigmelding is day 1);
 *  - a period ended by discharge ends on the discharge day, which is paid only when
 *    `countDischargeDay` is true (default false);
 *  - a period not ended by discharge (still open, or ended another way: withdrawn by the
 *    region, readmitted to treatment, died) runs up to and including the day of `until`: the
 *    bed was occupied by a færdigmeldt citizen on that day.
 *
 * Pricing: a dated rate table with tiers by day number (days 1–2, day 3 on). A day is priced
 * by the tiers valid on its own date (the rows with the latest `validFrom` not after that date),
 * so a rate change in the middle of a long stay prices the days before and after it differently.
 *
 * Priced by arithmetic, never day by day: a period is cut where a rate set's validity starts and
 * where a tier starts or ends, and each piece (days × rate) is one multiplication; totals per
 * month and the days while the region refused to discharge are cut the same way. The cost of a
 * period is the number of its pieces, not of its days.
 */
import { addDays, dateOfDayNumber, dayNumber, daysBetween, localDate, localDayNumber, monthOfDayNumber, nextMonthStart, type LocalDate } from './calendar.js';
import type { BedDayRules } from './rules.js';

export type { BedDayRules } from './rules.js';

export interface BedDayRate {
  /** First calendar date (YYYY-MM-DD) the rate applies to. */
  validFrom: string;
  /** First day number of the tier (1 = the first paid day). */
  fromDay: number;
  /** Last day number of the tier, or null for "and every day after". */
  toDay: number | null;
  dkkPerDay: number;
}

export interface BedDayLine {
  /** Day numbers (1-based) covered by the line. */
  fromDay: number;
  toDay: number;
  /** Calendar dates covered by the line (Europe/Copenhagen). */
  fromDate: LocalDate;
  toDate: LocalDate;
  days: number;
  /** The rate's validFrom, or null when no rate covers these days (priced at 0). */
  rateValidFrom: string | null;
  dkkPerDay: number;
  amountDkk: number;
}

export interface BedDayPrice {
  days: number;
  amountDkk: number;
  /** First and last paid calendar days (undefined when no day is paid yet). */
  firstDay?: LocalDate;
  lastDay?: LocalDate;
  lines: BedDayLine[];
  /** Days no rate in the table covers (priced at 0; add a rate to price them). */
  unpricedDays: number;
}

/** First and last paid calendar day, or undefined when no day is paid. */
export function paidDayRange(
  readyAt: number,
  until: number,
  endedByDischarge: boolean,
  rules: BedDayRules,
): { firstDay: LocalDate; lastDay: LocalDate } | undefined {
  const firstDay = addDays(localDate(readyAt), rules.firstPaidDayOffset);
  const untilDay = localDate(until);
  const lastDay = endedByDischarge && !rules.countDischargeDay ? addDays(untilDay, -1) : untilDay;
  if (daysBetween(firstDay, lastDay) < 0) return undefined;
  return { firstDay, lastDay };
}

/** First and last paid day as day numbers (see `paidDayRange`), or undefined when no day is paid. */
function paidDayNumbers(readyAt: number, until: number, endedByDischarge: boolean, rules: BedDayRules): { first: number; last: number } | undefined {
  const first = localDayNumber(readyAt) + rules.firstPaidDayOffset;
  const untilDay = localDayNumber(until);
  const last = endedByDischarge && !rules.countDischargeDay ? untilDay - 1 : untilDay;
  return last < first ? undefined : { first, last };
}

/** Paid bed-days from the færdigmelding (`readyAt`) until `until` (see the rules above). */
export function countBedDays(readyAt: number, until: number, endedByDischarge: boolean, rules: BedDayRules): number {
  const range = paidDayNumbers(readyAt, until, endedByDischarge, rules);
  return range ? range.last - range.first + 1 : 0;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The rate for day number `n` falling on `date`, or undefined when none is valid then. */
export function rateFor(date: LocalDate, n: number, rates: readonly BedDayRate[]): BedDayRate | undefined {
  let validFrom: string | undefined;
  for (const r of rates) {
    if (r.validFrom <= date && (validFrom === undefined || r.validFrom > validFrom)) validFrom = r.validFrom;
  }
  if (validFrom === undefined) return undefined;
  return rates.find((r) => r.validFrom === validFrom && r.fromDay <= n && (r.toDay === null || n <= r.toDay));
}

/** A rate set valid from a date: its tiers in table order. */
interface RateSet {
  validFrom: string;
  fromDayNumber: number;
  tiers: BedDayRate[];
}

/** The rate sets of a table already cut (a table is read once per report and priced for many periods). */
const cutTables = new WeakMap<readonly BedDayRate[], RateSet[]>();

/** The table's rate sets, oldest first. */
function rateSets(rates: readonly BedDayRate[]): RateSet[] {
  const cut = cutTables.get(rates);
  if (cut) return cut;
  const sets = cutRateSets(rates);
  cutTables.set(rates, sets);
  return sets;
}

function cutRateSets(rates: readonly BedDayRate[]): RateSet[] {
  const byDate = new Map<string, BedDayRate[]>();
  for (const r of rates) {
    const set = byDate.get(r.validFrom);
    if (set) set.push(r);
    else byDate.set(r.validFrom, [r]);
  }
  return [...byDate.entries()]
    .map(([validFrom, tiers]) => ({ validFrom, fromDayNumber: dayNumber(validFrom), tiers }))
    .sort((a, b) => a.fromDayNumber - b.fromDayNumber);
}

/** The tier of a set for day number `n` (the first in table order that covers it, as `rateFor`). */
const tierFor = (set: RateSet, n: number) => set.tiers.find((r) => r.fromDay <= n && (r.toDay === null || n <= r.toDay));

/** Counts and prices the paid bed-days, one line per run of days with the same rate. */
export function priceBedDays(
  readyAt: number,
  until: number,
  endedByDischarge: boolean,
  rules: BedDayRules,
  rates: readonly BedDayRate[],
): BedDayPrice {
  const range = paidDayNumbers(readyAt, until, endedByDischarge, rules);
  if (!range) return { days: 0, amountDkk: 0, lines: [], unpricedDays: 0 };
  const { first, last } = range;
  const days = last - first + 1;
  const lines: BedDayLine[] = [];
  let unpricedDays = 0;
  /** Appends day numbers `from`..`to` at one rate, joining the previous line when the rate is the same. */
  const run = (from: number, to: number, rate: BedDayRate | undefined) => {
    const dkkPerDay = rate?.dkkPerDay ?? 0;
    const rateValidFrom = rate?.validFrom ?? null;
    const count = to - from + 1;
    if (!rate) unpricedDays += count;
    const prev = lines[lines.length - 1];
    if (prev && prev.rateValidFrom === rateValidFrom && prev.dkkPerDay === dkkPerDay) {
      prev.toDay = to;
      prev.toDate = dateOfDayNumber(first + to - 1);
      prev.days += count;
      prev.amountDkk = round2(prev.days * dkkPerDay);
    } else {
      lines.push({
        fromDay: from,
        toDay: to,
        fromDate: dateOfDayNumber(first + from - 1),
        toDate: dateOfDayNumber(first + to - 1),
        days: count,
        rateValidFrom,
        dkkPerDay,
        amountDkk: round2(count * dkkPerDay),
      });
    }
  };
  const sets = rateSets(rates);
  // the calendar cut by the sets' validity: before the first set no rate is valid
  for (let i = -1; i < sets.length; i++) {
    const set = sets[i];
    const validFrom = set ? set.fromDayNumber : Number.NEGATIVE_INFINITY;
    const validTo = i + 1 < sets.length ? sets[i + 1]!.fromDayNumber - 1 : Number.POSITIVE_INFINITY;
    const a = Math.max(first, validFrom);
    const b = Math.min(last, validTo);
    if (a > b) continue;
    const na = a - first + 1;
    const nb = b - first + 1;
    if (!set) {
      run(na, nb, undefined);
      continue;
    }
    // cut by where a tier starts or ends: between two cuts the tier is the same
    const cuts = new Set<number>([na]);
    for (const t of set.tiers) {
      if (t.fromDay > na && t.fromDay <= nb) cuts.add(t.fromDay);
      if (t.toDay !== null && t.toDay + 1 > na && t.toDay + 1 <= nb) cuts.add(t.toDay + 1);
    }
    const starts = [...cuts].sort((x, y) => x - y);
    starts.forEach((from, k) => run(from, k + 1 < starts.length ? starts[k + 1]! - 1 : nb, tierFor(set, from)));
  }
  const amountDkk = round2(lines.reduce((s, l) => s + l.amountDkk, 0));
  return { days, amountDkk, firstDay: dateOfDayNumber(first), lastDay: dateOfDayNumber(last), lines, unpricedDays };
}

// ---- the days the region refused to discharge, and a period's figures per month -----------------

/** A run of days the region refused to discharge: [from, to) (`to` the day it was lifted, not counted; absent while it lasts). */
export interface RefusalRange {
  from: LocalDate;
  to?: LocalDate;
}

/**
 * The days the region refused to discharge (002: the municipality keeps paying during a
 * disagreement), from the records oldest first: from the day a disagreement was raised with
 * `regionRefusesDischarge`, until a chief-level decision (or a new disagreement) says it no
 * longer does. The ranges follow each other in time and never overlap.
 */
export function refusalRanges(records: readonly { at: Date; kind: string; regionRefusesDischarge?: boolean }[]): RefusalRange[] {
  const ranges: RefusalRange[] = [];
  let open: RefusalRange | undefined;
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

export interface DaySum {
  days: number;
  amountDkk: number;
}

/** A period's paid days in one calendar month. */
export interface MonthFigures extends DaySum {
  /** YYYY-MM */
  month: string;
  whileRegionRefused: DaySum;
}

/** A period's days and price per calendar month, and the part while the region refused to discharge. */
export interface PeriodFigures {
  byMonth: MonthFigures[];
  whileRegionRefused: DaySum;
}

/** Days of [a, b] (day numbers) inside the refusal ranges (which never overlap). */
function refusedDaysIn(a: number, b: number, ranges: readonly { from: number; to: number }[]): number {
  let n = 0;
  for (const r of ranges) n += Math.max(0, Math.min(b, r.to - 1) - Math.max(a, r.from) + 1);
  return n;
}

/** A priced period cut by calendar month and by the refusal ranges: one multiplication per piece. */
export function periodFigures(price: BedDayPrice, refusals: readonly RefusalRange[] = []): PeriodFigures {
  const ranges = refusals.map((r) => ({ from: dayNumber(r.from), to: r.to === undefined ? Number.POSITIVE_INFINITY : dayNumber(r.to) }));
  const months: MonthFigures[] = [];
  const refused: DaySum = { days: 0, amountDkk: 0 };
  const dayOne = price.firstDay === undefined ? 0 : dayNumber(price.firstDay) - 1;
  for (const line of price.lines) {
    const end = dayOne + line.toDay;
    for (let a = dayOne + line.fromDay; a <= end; ) {
      const next = nextMonthStart(a);
      const b = Math.min(end, next - 1);
      const month = monthOfDayNumber(a);
      const days = b - a + 1;
      const refusedDays = ranges.length ? refusedDaysIn(a, b, ranges) : 0;
      let m = months[months.length - 1];
      if (!m || m.month !== month) {
        m = { month, days: 0, amountDkk: 0, whileRegionRefused: { days: 0, amountDkk: 0 } };
        months.push(m);
      }
      addTo(m, days, days * line.dkkPerDay);
      if (refusedDays > 0) {
        addTo(m.whileRegionRefused, refusedDays, refusedDays * line.dkkPerDay);
        addTo(refused, refusedDays, refusedDays * line.dkkPerDay);
      }
      a = next;
    }
  }
  return { byMonth: months, whileRegionRefused: refused };
}

/** Adds days and their price to a sum (amounts kept in whole øre). */
export function addTo(s: DaySum, days: number, amountDkk: number): void {
  s.days += days;
  s.amountDkk = round2(s.amountDkk + round2(amountDkk));
}

// ---- totals over many periods ---------------------------------------------------------------------

/** A sum of periods: how many, their days and their price. */
export interface PeriodSum extends DaySum {
  cases: number;
}

interface OreSum {
  cases: number;
  days: number;
  ore: number;
}

const ore = (dkk: number) => Math.round(dkk * 100);
const oreSum = (): OreSum => ({ cases: 0, days: 0, ore: 0 });
const asSum = (s: OreSum): PeriodSum => ({ cases: s.cases, days: s.days, amountDkk: s.ore / 100 });
const asDaySum = (s: OreSum): DaySum => ({ days: s.days, amountDkk: s.ore / 100 });

/**
 * Totals of many priced periods, added one at a time (amounts kept in whole øre, so the order
 * of adding never changes a total): in total, open/closed, per case type, per kind of bed, per
 * month and kind, and the part while the region refused to discharge.
 */
export class BedDayTotals<Kind extends string> {
  private readonly open = oreSum();
  private readonly closed = oreSum();
  private readonly byCaseType = new Map<string, OreSum>();
  private readonly byKind: Map<Kind, OreSum>;
  private readonly refused = oreSum();
  private readonly refusedByKind: Map<Kind, OreSum>;
  private readonly months = new Map<string, { month: string; kind: Kind; sum: OreSum; refused: OreSum }>();

  constructor(private readonly kinds: readonly Kind[]) {
    this.byKind = new Map(kinds.map((k) => [k, oreSum()]));
    this.refusedByKind = new Map(kinds.map((k) => [k, oreSum()]));
  }

  /** Adds one period's price and figures (`periodFigures`). */
  add(p: { caseType: string; kind: Kind; open: boolean }, price: BedDayPrice, figures: PeriodFigures): void {
    const amount = ore(price.amountDkk);
    let typed = this.byCaseType.get(p.caseType);
    if (!typed) this.byCaseType.set(p.caseType, (typed = oreSum()));
    for (const s of [p.open ? this.open : this.closed, typed, this.byKind.get(p.kind)!]) {
      s.cases++;
      s.days += price.days;
      s.ore += amount;
    }
    for (const f of figures.byMonth) {
      const key = `${f.month}|${p.kind}`;
      let m = this.months.get(key);
      if (!m) this.months.set(key, (m = { month: f.month, kind: p.kind, sum: oreSum(), refused: oreSum() }));
      m.sum.days += f.days;
      m.sum.ore += ore(f.amountDkk);
      m.refused.days += f.whileRegionRefused.days;
      m.refused.ore += ore(f.whileRegionRefused.amountDkk);
    }
    const r = figures.whileRegionRefused;
    for (const s of [this.refused, this.refusedByKind.get(p.kind)!]) {
      s.days += r.days;
      s.ore += ore(r.amountDkk);
    }
  }

  result() {
    const total: PeriodSum = {
      cases: this.open.cases + this.closed.cases,
      days: this.open.days + this.closed.days,
      amountDkk: (this.open.ore + this.closed.ore) / 100,
    };
    return {
      total,
      open: asSum(this.open),
      closed: asSum(this.closed),
      byCaseType: Object.fromEntries([...this.byCaseType].map(([t, s]) => [t, asSum(s)])),
      byKind: Object.fromEntries(this.kinds.map((k) => [k, asSum(this.byKind.get(k)!)])) as Record<Kind, PeriodSum>,
      byMonth: [...this.months.values()]
        .sort((a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind))
        .map((m) => ({ month: m.month, kind: m.kind, ...asDaySum(m.sum), whileRegionRefused: asDaySum(m.refused) })),
      whileRegionRefused: {
        ...asDaySum(this.refused),
        byKind: Object.fromEntries(this.kinds.map((k) => [k, asDaySum(this.refusedByKind.get(k)!)])) as Record<Kind, DaySum>,
      },
    };
  }
}
