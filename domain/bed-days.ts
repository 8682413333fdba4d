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
 */
import { addDays, daysBetween, localDate, type LocalDate } from './calendar.js';
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

/** Paid bed-days from the færdigmelding (`readyAt`) until `until` (see the rules above). */
export function countBedDays(readyAt: number, until: number, endedByDischarge: boolean, rules: BedDayRules): number {
  const range = paidDayRange(readyAt, until, endedByDischarge, rules);
  return range ? daysBetween(range.firstDay, range.lastDay) + 1 : 0;
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

/** Counts and prices the paid bed-days, one line per run of days with the same rate. */
export function priceBedDays(
  readyAt: number,
  until: number,
  endedByDischarge: boolean,
  rules: BedDayRules,
  rates: readonly BedDayRate[],
): BedDayPrice {
  const range = paidDayRange(readyAt, until, endedByDischarge, rules);
  if (!range) return { days: 0, amountDkk: 0, lines: [], unpricedDays: 0 };
  const days = daysBetween(range.firstDay, range.lastDay) + 1;
  const lines: BedDayLine[] = [];
  let unpricedDays = 0;
  let date = range.firstDay;
  for (let n = 1; n <= days; n++, date = addDays(date, 1)) {
    const rate = rateFor(date, n, rates);
    const dkkPerDay = rate?.dkkPerDay ?? 0;
    const rateValidFrom = rate?.validFrom ?? null;
    if (!rate) unpricedDays++;
    const last = lines[lines.length - 1];
    if (last && last.rateValidFrom === rateValidFrom && last.dkkPerDay === dkkPerDay) {
      last.toDay = n;
      last.toDate = date;
      last.days++;
      last.amountDkk = round2(last.amountDkk + dkkPerDay);
    } else {
      lines.push({ fromDay: n, toDay: n, fromDate: date, toDate: date, days: 1, rateValidFrom, dkkPerDay, amountDkk: dkkPerDay });
    }
  }
  const amountDkk = round2(lines.reduce((s, l) => s + l.amountDkk, 0));
  return { days, amountDkk, firstDay: range.firstDay, lastDay: range.lastDay, lines, unpricedDays };
}
