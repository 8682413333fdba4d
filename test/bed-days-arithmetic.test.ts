/**
 * Bed-days priced by arithmetic (a period cut where a rate set or a tier changes, one
 * multiplication per piece; months and refusal ranges cut the same way) equal bed-days priced day
 * by day — the way they were priced before: every paid day walked in the Copenhagen zone with
 * luxon, looked up in the rate table and added up (ISO dates compared as text). Random periods, rate tables with several
 * dated sets and tiers (gaps and overlaps included), counting rules and refusal ranges; the
 * periods cluster around the daylight-saving changes. A seeded generator: a failure names its seed.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { periodFigures, priceBedDays, type BedDayRate, type BedDayRules, type RefusalRange } from '../domain/bed-days.js';
import { addDays, daysBetween, localDate, ZONE } from '../domain/calendar.js';

// ---- the oracle: the day-by-day pricer, on luxon's zone arithmetic --------------------------------

const day = (date: string) => DateTime.fromISO(date, { zone: ZONE }).startOf('day');
const oracleLocalDate = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;
const oracleAddDays = (date: string, n: number) => day(date).plus({ days: n }).toISODate()!;
const oracleDaysBetween = (a: string, b: string) => Math.round(day(b).diff(day(a), 'days').days);
const round2 = (n: number) => Math.round(n * 100) / 100;

function oracleRateFor(date: string, n: number, rates: readonly BedDayRate[]): BedDayRate | undefined {
  let validFrom: string | undefined;
  for (const r of rates) if (r.validFrom <= date && (validFrom === undefined || r.validFrom > validFrom)) validFrom = r.validFrom;
  if (validFrom === undefined) return undefined;
  return rates.find((r) => r.validFrom === validFrom && r.fromDay <= n && (r.toDay === null || n <= r.toDay));
}

interface OracleLine {
  fromDay: number;
  toDay: number;
  fromDate: string;
  toDate: string;
  days: number;
  rateValidFrom: string | null;
  dkkPerDay: number;
  amountDkk: number;
}

/** Every paid day walked, priced and added up; months and refusals counted day by day. */
function oracle(readyAt: number, until: number, endedByDischarge: boolean, rules: BedDayRules, rates: BedDayRate[], refusals: RefusalRange[]) {
  const firstDay = oracleAddDays(oracleLocalDate(readyAt), rules.firstPaidDayOffset);
  const untilDay = oracleLocalDate(until);
  const lastDay = endedByDischarge && !rules.countDischargeDay ? oracleAddDays(untilDay, -1) : untilDay;
  const empty = { days: 0, amountDkk: 0, lines: [] as OracleLine[], unpricedDays: 0, byMonth: [] as unknown[], refused: { days: 0, amountDkk: 0 } };
  if (oracleDaysBetween(firstDay, lastDay) < 0) return { ...empty, firstDay: undefined, lastDay: undefined };
  const days = oracleDaysBetween(firstDay, lastDay) + 1;
  const lines: OracleLine[] = [];
  const months: { month: string; days: number; amountDkk: number; whileRegionRefused: { days: number; amountDkk: number } }[] = [];
  const refused = { days: 0, amountDkk: 0 };
  let unpricedDays = 0;
  let date = firstDay;
  for (let n = 1; n <= days; n++, date = oracleAddDays(date, 1)) {
    const rate = oracleRateFor(date, n, rates);
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
    const month = date.slice(0, 7);
    let m = months[months.length - 1];
    if (!m || m.month !== month) months.push((m = { month, days: 0, amountDkk: 0, whileRegionRefused: { days: 0, amountDkk: 0 } }));
    m.days++;
    m.amountDkk = round2(m.amountDkk + dkkPerDay);
    if (refusals.some((r) => r.from <= date && (r.to === undefined || date < r.to))) {
      m.whileRegionRefused.days++;
      m.whileRegionRefused.amountDkk = round2(m.whileRegionRefused.amountDkk + dkkPerDay);
      refused.days++;
      refused.amountDkk = round2(refused.amountDkk + dkkPerDay);
    }
  }
  const amountDkk = round2(lines.reduce((s, l) => s + l.amountDkk, 0));
  return { days, amountDkk, firstDay, lastDay, lines, unpricedDays, byMonth: months, refused };
}

// ---- random cases ---------------------------------------------------------------------------------


/** The daylight-saving changes of 2025–2028 (local dates), and the turns of the year. */
const CHANGES = ['2025-03-30', '2025-10-26', '2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31', '2028-03-26', '2028-10-29', '2026-12-31'];

function randomCase(seed: number) {
  const g = seededRandom(seed);
  // a færdigmelding near a change (any hour, the change's own night included), or anywhere in 2025–2028
  const anchor = g.next() < 0.7 ? addDays(g.pick(CHANGES), g.between(-3, 1)) : addDays('2025-01-01', g.between(0, 4 * 365));
  const readyAt = Date.parse(`${anchor}T00:00:00Z`) + g.between(-2 * 3600, 26 * 3600) * 1000 + g.between(0, 999);
  const length = g.pick([0, 1, 2, 3, g.between(0, 10), g.between(0, 60), g.between(0, 400)]);
  const until = readyAt + length * 86_400_000 + g.between(-3 * 3600, 3 * 3600) * 1000;
  const rules: BedDayRules = { firstPaidDayOffset: g.pick([0, 1] as const), countDischargeDay: g.next() < 0.5 };
  const rates: BedDayRate[] = [];
  const sets = g.between(0, 4);
  for (let s = 0; s < sets; s++) {
    const validFrom = addDays(localDate(readyAt), g.between(-30, length + 10));
    if (rates.some((r) => r.validFrom === validFrom)) continue;
    let from = 1;
    const tiers = g.between(1, 4);
    for (let t = 0; t < tiers; t++) {
      const last = t === tiers - 1;
      const to = last && g.next() < 0.8 ? null : from + g.between(0, 40);
      // cents; the same price in two tiers now and then (their days join one line); a gap or an overlap now and then
      const dkkPerDay = g.next() < 0.2 ? 3952 : g.between(0, 800_000) / 100;
      rates.push({ validFrom, fromDay: from, toDay: to, dkkPerDay });
      if (to === null) break;
      from = to + 1 + (g.next() < 0.1 ? g.between(1, 5) : 0) - (g.next() < 0.1 ? g.between(1, 3) : 0);
      if (from < 1) from = 1;
    }
  }
  const refusals: RefusalRange[] = [];
  let cursor = addDays(localDate(readyAt), g.between(-5, 10));
  for (let r = g.between(0, 3); r > 0; r--) {
    const from = cursor;
    const open = r === 1 && g.next() < 0.3;
    const to = open ? undefined : addDays(from, g.between(0, 90));
    refusals.push(to === undefined ? { from } : { from, to });
    if (to === undefined) break;
    cursor = addDays(to, g.between(0, 30));
  }
  return { readyAt, until, endedByDischarge: g.next() < 0.5, rules, rates, refusals };
}

describe('bed-days priced by arithmetic equal the day-by-day pricing', () => {
  it('over random periods, rates, tiers and refusals, across daylight-saving changes', () => {
    let paidDays = 0;
    let acrossAChange = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const c = randomCase(seed);
      const expected = oracle(c.readyAt, c.until, c.endedByDischarge, c.rules, c.rates, c.refusals);
      const price = priceBedDays(c.readyAt, c.until, c.endedByDischarge, c.rules, c.rates);
      const figures = periodFigures(price, c.refusals);
      const context = `seed ${seed}`;
      expect({ ...price }, context).toEqual({
        days: expected.days,
        amountDkk: expected.amountDkk,
        lines: expected.lines,
        unpricedDays: expected.unpricedDays,
        ...(expected.firstDay ? { firstDay: expected.firstDay, lastDay: expected.lastDay } : {}),
      });
      expect(figures.byMonth, context).toEqual(expected.byMonth);
      expect(figures.whileRegionRefused, context).toEqual(expected.refused);
      paidDays += price.days;
      if (price.firstDay && CHANGES.slice(0, 8).some((d) => daysBetween(price.firstDay!, d) >= 0 && daysBetween(d, price.lastDay!) >= 0)) acrossAChange++;
    }
    // the random cases did reach what they are meant to reach
    expect(paidDays).toBeGreaterThan(18_000);
    expect(acrossAChange).toBeGreaterThan(150);
  });

  it('a long stay over a rate change and both daylight-saving changes, in figures', () => {
    const rates: BedDayRate[] = [
      { validFrom: '2016-01-01', fromDay: 1, toDay: 2, dkkPerDay: 3952 },
      { validFrom: '2016-01-01', fromDay: 3, toDay: null, dkkPerDay: 5928 },
      { validFrom: '2027-07-01', fromDay: 1, toDay: 2, dkkPerDay: 4000.5 },
      { validFrom: '2027-07-01', fromDay: 3, toDay: null, dkkPerDay: 6000.25 },
    ];
    // færdigmeldt 2027-03-27 23:30 (the night summer time starts), discharged 2027-11-02 (after it ends)
    const ready = Date.parse('2027-03-27T22:30:00Z');
    const until = Date.parse('2027-11-02T10:00:00Z');
    const price = priceBedDays(ready, until, true, { firstPaidDayOffset: 1, countDischargeDay: false }, rates);
    expect(price.firstDay).toBe('2027-03-28');
    expect(price.lastDay).toBe('2027-11-01');
    expect(price.days).toBe(219);
    expect(price.lines.map((l) => [l.fromDate, l.toDate, l.days, l.dkkPerDay])).toEqual([
      ['2027-03-28', '2027-03-29', 2, 3952],
      ['2027-03-30', '2027-06-30', 93, 5928],
      ['2027-07-01', '2027-11-01', 124, 6000.25],
    ]);
    expect(price.amountDkk).toBe(2 * 3952 + 93 * 5928 + 124 * 6000.25);
    const figures = periodFigures(price, [{ from: '2027-10-30', to: '2027-11-01' }]);
    expect(figures.byMonth.map((m) => [m.month, m.days])).toEqual([
      ['2027-03', 4],
      ['2027-04', 30],
      ['2027-05', 31],
      ['2027-06', 30],
      ['2027-07', 31],
      ['2027-08', 31],
      ['2027-09', 30],
      ['2027-10', 31],
      ['2027-11', 1],
    ]);
    expect(figures.whileRegionRefused).toEqual({ days: 2, amountDkk: 2 * 6000.25 });
  });
});
