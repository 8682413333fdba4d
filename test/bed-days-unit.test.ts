import { describe, expect, it } from 'vitest';
import { countBedDays, priceBedDays, type BedDayRate } from '../domain/bed-days.js';
import { localInstant } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';

const rules = defaultRules.bedDays;
const rates: BedDayRate[] = [
  { validFrom: '2016-01-01', fromDay: 1, toDay: 2, dkkPerDay: 3952 },
  { validFrom: '2016-01-01', fromDay: 3, toDay: null, dkkPerDay: 5928 },
];

describe('bed-day counting (Europe/Copenhagen calendar days)', () => {
  it('default: the day after færdigmelding is day 1, the discharge day does not count', () => {
    const ready = localInstant('2027-03-01', 14);
    expect(countBedDays(ready, localInstant('2027-03-01', 18), true, rules)).toBe(0);
    expect(countBedDays(ready, localInstant('2027-03-02', 10), true, rules)).toBe(0);
    expect(countBedDays(ready, localInstant('2027-03-03', 10), true, rules)).toBe(1);
    expect(countBedDays(ready, localInstant('2027-03-11', 10), true, rules)).toBe(9);
  });

  it('an open period counts the current day', () => {
    const ready = localInstant('2027-03-01', 14);
    expect(countBedDays(ready, localInstant('2027-03-01', 23, 59), false, rules)).toBe(0);
    expect(countBedDays(ready, localInstant('2027-03-02', 0), false, rules)).toBe(1);
    expect(countBedDays(ready, localInstant('2027-03-11', 10), false, rules)).toBe(10);
  });

  it('configurable: færdigmelding day paid, discharge day paid', () => {
    const ready = localInstant('2027-03-01', 14);
    const until = localInstant('2027-03-11', 10);
    expect(countBedDays(ready, until, true, { firstPaidDayOffset: 0, countDischargeDay: false })).toBe(10);
    expect(countBedDays(ready, until, true, { firstPaidDayOffset: 1, countDischargeDay: true })).toBe(10);
    expect(countBedDays(ready, until, true, { firstPaidDayOffset: 0, countDischargeDay: true })).toBe(11);
  });

  it('counts calendar days across both daylight-saving changes (23- and 25-hour days)', () => {
    // spring: 2027-03-28 has 23 hours; autumn: 2027-10-31 has 25 hours
    expect(countBedDays(localInstant('2027-03-27', 23, 30), localInstant('2027-03-30', 0, 30), true, rules)).toBe(2);
    expect(countBedDays(localInstant('2027-10-30', 23, 30), localInstant('2027-11-02', 0, 30), true, rules)).toBe(2);
    // 84 days from 2027-01-04 over the spring change
    expect(countBedDays(localInstant('2027-01-04', 9), localInstant('2027-03-29', 9), true, rules)).toBe(83);
  });

  it('prices tiers (days 1–2, day 3 on) by the rate valid on each day', () => {
    const ready = localInstant('2027-03-01', 14);
    const p = priceBedDays(ready, localInstant('2027-03-07', 10), true, rules, rates);
    expect(p.days).toBe(5);
    expect(p.amountDkk).toBe(2 * 3952 + 3 * 5928);
    expect(p.lines.map((l) => [l.fromDay, l.toDay, l.dkkPerDay])).toEqual([
      [1, 2, 3952],
      [3, 5, 5928],
    ]);
    const newer: BedDayRate[] = [
      ...rates,
      { validFrom: '2027-03-05', fromDay: 1, toDay: 2, dkkPerDay: 4000 },
      { validFrom: '2027-03-05', fromDay: 3, toDay: null, dkkPerDay: 6000 },
    ];
    const q = priceBedDays(ready, localInstant('2027-03-07', 10), true, rules, newer);
    // 03-02, 03-03 (days 1-2 at 3952), 03-04 (day 3 at 5928), 03-05, 03-06 (days 4-5 at 6000)
    expect(q.amountDkk).toBe(2 * 3952 + 5928 + 2 * 6000);
    expect(q.lines).toHaveLength(3);
    expect(q.lines[2]).toMatchObject({ fromDate: '2027-03-05', toDate: '2027-03-06', rateValidFrom: '2027-03-05' });
  });

  it('days no rate covers are reported, priced at 0', () => {
    const p = priceBedDays(localInstant('2015-12-30', 10), localInstant('2016-01-03', 10), true, rules, rates);
    expect(p.days).toBe(3);
    expect(p.unpricedDays).toBe(1);
    expect(p.amountDkk).toBe(3952 + 5928);
  });
});
