/** The grant case's pure rules (003): delivered time (løbende justering), change of provider, expiry. */
import { describe, expect, it } from 'vitest';
import { handedTo } from '../db/queries/grant.js';
import { deliveredTimeOfWeeks, deliveredTimeVerdict, expiryDecisionDay, providerChangeDay } from '../domain/grants.js';
import { mustPhoneProvider } from '../domain/handover.js';
import { localInstant } from '../domain/calendar.js';

describe('delivered time: a significant change (003 "Løbende justering")', () => {
  // granted per delivery, deliveries a week, delivered per delivery, days lasted → significant, reason
  const table: [string, number, number, number, number, boolean, string][] = [
    // the source's two examples
    ['source: 5 → 20 minutes once a week: adjust (15 minutes per delivery)', 5, 1, 20, 21, true, 'per_delivery'],
    ['source: 5 → 10 minutes five times a week: adjust (25 minutes a week)', 5, 5, 10, 21, true, 'per_week'],
    // ±10 %: "more than"
    ['exactly +10 % (100 → 110 once a week) is within the rule', 100, 1, 110, 30, false, 'within_10_percent'],
    ['exactly −10 % (100 → 90) is within the rule', 100, 1, 90, 30, false, 'within_10_percent'],
    ['just over 10 % (100 → 110.5, change 10.5 a delivery) is significant', 100, 1, 110.5, 30, true, 'per_delivery'],
    // 14 days: "more than"
    ['exactly 14 days is not lasting', 5, 1, 20, 14, false, 'not_lasting'],
    ['15 days is lasting', 5, 1, 20, 15, true, 'per_delivery'],
    // 10 minutes per delivery: "under" (and a week under 20)
    ['9 minutes a delivery once a week (9 a week): small, not adjusted', 30, 1, 39, 21, false, 'small_change'],
    ['exactly 10 minutes a delivery once a week: adjusted', 30, 1, 40, 21, true, 'per_delivery'],
    ['10 minutes less a delivery: adjusted (either way)', 30, 1, 20, 21, true, 'per_delivery'],
    // 20 minutes a week: "under"
    ['4 minutes × 4 a week = 16 a week: small', 20, 4, 24, 21, false, 'small_change'],
    ['4.75 minutes × 4 a week = 19 a week: small', 20, 4, 24.75, 21, false, 'small_change'],
    ['5 minutes × 4 a week = exactly 20 a week: adjusted', 20, 4, 25, 21, true, 'per_week'],
    ['5 minutes less × 4 a week = 20 a week: adjusted', 20, 4, 15, 21, true, 'per_week'],
  ];
  it.each(table)('%s', (_name, granted, perWeek, delivered, days, significant, reason) => {
    const v = deliveredTimeVerdict({ grantedMinutesPerDelivery: granted, deliveriesPerWeek: perWeek, deliveredMinutesPerDelivery: delivered, days });
    expect(v.significant).toBe(significant);
    expect(v.reason).toBe(reason);
  });

  it('the source examples carry their figures', () => {
    expect(deliveredTimeVerdict({ grantedMinutesPerDelivery: 5, deliveriesPerWeek: 1, deliveredMinutesPerDelivery: 20, days: 21 })).toMatchObject({ changePerDelivery: 15, changePerWeek: 15 });
    expect(deliveredTimeVerdict({ grantedMinutesPerDelivery: 5, deliveriesPerWeek: 5, deliveredMinutesPerDelivery: 10, days: 21 })).toMatchObject({ changePerDelivery: 5, changePerWeek: 25 });
  });

  it('weekly reports: the latest run of deviating weeks, 7 days a week', () => {
    const g = { minutesPerDelivery: 5, deliveriesPerWeek: 5 };
    const w = (weekStart: string, minutes: number) => ({ weekStart, minutes });
    // two weeks of 10 a delivery (14 days): not lasting; a third: significant
    expect(deliveredTimeOfWeeks([w('2026-03-02', 50), w('2026-03-09', 50)], g)).toMatchObject({ significant: false, reason: 'not_lasting' });
    expect(deliveredTimeOfWeeks([w('2026-03-02', 50), w('2026-03-09', 50), w('2026-03-16', 50)], g)).toMatchObject({ significant: true, reason: 'per_week', changePerWeek: 25 });
    // a week within the rule breaks the run
    expect(deliveredTimeOfWeeks([w('2026-03-02', 50), w('2026-03-09', 25), w('2026-03-16', 50), w('2026-03-23', 50)], g)).toMatchObject({ reason: 'not_lasting' });
    // a missing week breaks the run
    expect(deliveredTimeOfWeeks([w('2026-03-02', 50), w('2026-03-16', 50), w('2026-03-23', 50)], g)).toMatchObject({ reason: 'not_lasting' });
    // the latest week within the rule: nothing to judge
    expect(deliveredTimeOfWeeks([w('2026-03-02', 50), w('2026-03-09', 50), w('2026-03-16', 25)], g)).toBeUndefined();
  });
});

describe('change of provider: one month notice, the first day after it (003 "Skift af leverandør")', () => {
  it.each([
    ['2026-01-15', '2026-02-15', '2026-02-16'],
    ['2026-01-31', '2026-02-28', '2026-03-01'],
    ['2028-01-31', '2028-02-29', '2028-03-01'],
    ['2026-03-31', '2026-04-30', '2026-05-01'],
    ['2026-12-31', '2027-01-31', '2027-02-01'],
  ])('notice on %s: the old provider delivers until %s, the new one from %s', (on, last, first) => {
    expect(providerChangeDay(on, 1)).toEqual({ lastDayOfOld: last, firstDayOfNew: first });
  });
});

describe('expiry and hand-over', () => {
  it('the expiry decision is due the lead days before the end day', () => {
    expect(expiryDecisionDay('2026-11-01', 14)).toBe('2026-10-18');
  });
  it('the 14:30 rule: after 14:30 on the start day only', () => {
    expect(mustPhoneProvider(localInstant('2026-03-10', 14, 30), '2026-03-10')).toBe(false);
    expect(mustPhoneProvider(localInstant('2026-03-10', 14, 31), '2026-03-10')).toBe(true);
    expect(mustPhoneProvider(localInstant('2026-03-10', 15, 0), '2026-03-11')).toBe(false);
  });
});

describe('need to know after a change of provider', () => {
  it('the old provider reads the grant until its last day and 14 days more (its last weeks to report), the new and the current one always', () => {
    const g = { providerCode: 'privat-b', previousProviderCode: 'privat-a', previousProviderUntil: '2027-01-31', nextProviderCode: null };
    expect(handedTo(g, 'privat-a', '2027-01-31')).toBe(true);
    expect(handedTo(g, 'privat-a', '2027-02-14')).toBe(true);
    expect(handedTo(g, 'privat-a', '2027-02-15')).toBe(false);
    expect(handedTo(g, 'privat-b', '2030-01-01')).toBe(true);
    expect(handedTo({ ...g, nextProviderCode: 'privat-c' }, 'privat-c', '2027-02-15')).toBe(true);
    expect(handedTo(g, 'privat-c', '2027-01-01')).toBe(false);
  });
});
