import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { loadConfig } from '../config/index.js';
import {
  addDays,
  dateOfDayNumber,
  dayNumber,
  daysBetween,
  formatLocal,
  localInstant,
  isWorkingDay,
  localDate,
  nextWorkingDay,
  overnightAfter,
  publicHoliday,
} from '../domain/calendar.js';
import { ageOn, birthDateFromCpr } from '../domain/cpr.js';
import { defaultRules, rulesFromConfig } from '../domain/rules.js';

describe('Copenhagen calendar', () => {
  it('takes the local date of an instant, across midnight UTC', () => {
    expect(localDate(Date.parse('2027-01-04T23:30:00Z'))).toBe('2027-01-05'); // 00:30 CET
    expect(localDate(Date.parse('2027-07-04T22:30:00Z'))).toBe('2027-07-05'); // 00:30 CEST
  });

  it('fires overnight escalations at the local hour after the due day, DST included', () => {
    expect(new Date(overnightAfter('2027-01-10', 0)).toISOString()).toBe('2027-01-10T23:00:00.000Z');
    expect(new Date(overnightAfter('2027-03-29', 0)).toISOString()).toBe('2027-03-29T22:00:00.000Z');
    // the night summer time starts (28 March 2027, 02:00 → 03:00)
    expect(new Date(overnightAfter('2027-03-27', 0)).toISOString()).toBe('2027-03-27T23:00:00.000Z');
    expect(new Date(overnightAfter('2027-03-27', 6)).toISOString()).toBe('2027-03-28T04:00:00.000Z');
    // the night winter time returns (31 October 2027)
    expect(formatLocal(overnightAfter('2027-10-30', 0))).toBe('2027-10-31T00:00:00+02:00');
    expect(formatLocal(overnightAfter('2027-10-31', 0))).toBe('2027-11-01T00:00:00+01:00');
  });

  it('counts 84 calendar days across the change to summer time', () => {
    expect(addDays('2027-01-04', 84)).toBe('2027-03-29');
    expect(daysBetween('2027-01-04', '2027-03-29')).toBe(84);
    expect(daysBetween('2027-08-01', '2027-11-01')).toBe(92);
  });

  it('knows Danish working days (Easter 2027, weekends)', () => {
    expect(publicHoliday('2027-03-25')).toBeDefined(); // Skærtorsdag
    expect(publicHoliday('2027-03-26')).toBeDefined(); // Langfredag
    expect(publicHoliday('2027-03-29')).toBeDefined(); // 2. påskedag
    expect(isWorkingDay('2027-03-24')).toBe(true);
    expect(nextWorkingDay('2027-03-24')).toBe('2027-03-30');
    expect(nextWorkingDay('2027-01-08')).toBe('2027-01-11'); // Friday → Monday
  });
});

describe('CPR numbers', () => {
  it('derives the birth date with the century rule', () => {
    expect(birthDateFromCpr('010170-1234')).toBe('1970-01-01');
    expect(birthDateFromCpr('0101104234')).toBe('2010-01-01');
    expect(birthDateFromCpr('0101404234')).toBe('1940-01-01');
    expect(birthDateFromCpr('0101505234')).toBe('2050-01-01');
    expect(birthDateFromCpr('0101905234')).toBe('1890-01-01');
    expect(birthDateFromCpr('3102701234')).toBeUndefined();
  });

  it('computes age on a date, birthday inclusive', () => {
    expect(ageOn('1962-03-15', '2027-03-14')).toBe(64);
    expect(ageOn('1962-03-15', '2027-03-15')).toBe(65);
  });
});

describe('configuration', () => {
  it('defaults to the documented rules', () => {
    expect(rulesFromConfig(loadConfig({}))).toEqual(defaultRules);
  });

  it('names each bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'nohost', ESCALATION_LOCAL_HOUR: '25' })).toThrow(
      /PORT:.*\n.*TEMPORAL_ADDRESS: must be host:port|TEMPORAL_ADDRESS: must be host:port/,
    );
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PSYCHIATRIC_WARNING_WEEKS: '8;11' });
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
      expect(msg).toContain('PSYCHIATRIC_WARNING_WEEKS');
      return;
    }
    throw new Error('expected a configuration error');
  });
});

describe('the examples of the 12-week deadline in docs/case-types/psychiatric.md (the figures the psychiatric workflow computes)', () => {
  const figures = (received: string) => ({
    deadlineDay: addDays(received, 84),
    warnings: [56, 77].map((d) => formatLocal(overnightAfter(addDays(received, d - 1), 0))),
    escalation: formatLocal(overnightAfter(addDays(received, 84), 0)),
  });
  it('received 2027-01-04: over the change to summer time', () => {
    expect(figures('2027-01-04')).toEqual({
      deadlineDay: '2027-03-29',
      warnings: ['2027-03-01T00:00:00+01:00', '2027-03-22T00:00:00+01:00'],
      escalation: '2027-03-30T00:00:00+02:00',
    });
  });
  it('received 2027-08-16: over the change back to winter time', () => {
    expect(figures('2027-08-16')).toEqual({
      deadlineDay: '2027-11-08',
      warnings: ['2027-10-11T00:00:00+02:00', '2027-11-01T00:00:00+01:00'],
      escalation: '2027-11-09T00:00:00+01:00',
    });
  });
});

describe('formatLocal: every instant as Copenhagen local time with its offset', () => {
  const byLuxon = (t: number) => DateTime.fromMillis(t, { zone: 'Europe/Copenhagen' }).toISO({ suppressMilliseconds: true });
  it('agrees with the time-zone database around every change of 1995-2100 and at random instants', () => {
    const mismatches: string[] = [];
    for (let year = 1995; year <= 2100; year++) {
      for (const month of [2, 9]) {
        const last = new Date(Date.UTC(year, month + 1, 0));
        const change = Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
        for (const d of [-3_600_001, -1, 0, 1, 999, 3_599_999, 3_600_000]) {
          if (formatLocal(change + d) !== byLuxon(change + d)) mismatches.push(`${change + d}: ${formatLocal(change + d)} ≠ ${byLuxon(change + d)}`);
        }
      }
    }
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2110, 0, 1); t += 86_400_000 * 3 + 3_777_123) {
      if (formatLocal(t) !== byLuxon(t)) mismatches.push(`${t}: ${formatLocal(t)} ≠ ${byLuxon(t)}`);
    }
    expect(mismatches).toEqual([]);
    expect(formatLocal(Date.parse('2026-03-29T00:59:59.5Z'))).toBe('2026-03-29T01:59:59.500+01:00');
    expect(formatLocal(Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00:00+02:00');
  });

  it('plain-date arithmetic (day numbers, no zone) gives what the zone-aware arithmetic gives', () => {
    const zoned = (date: string) => DateTime.fromISO(date, { zone: 'Europe/Copenhagen' }).startOf('day');
    const mismatches: string[] = [];
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2110, 0, 1); t += 86_400_000 * 5 + 3_777_123) {
      const date = DateTime.fromMillis(t, { zone: 'Europe/Copenhagen' }).toISODate()!;
      if (localDate(t) !== date) mismatches.push(`localDate ${t}: ${localDate(t)} ≠ ${date}`);
      const k = (t / 86_400_000) % 997 - 498 | 0;
      const plus = zoned(date).plus({ days: k }).toISODate()!;
      if (addDays(date, k) !== plus) mismatches.push(`addDays ${date} ${k}: ${addDays(date, k)} ≠ ${plus}`);
      if (daysBetween(date, plus) !== k) mismatches.push(`daysBetween ${date} ${plus}: ${daysBetween(date, plus)} ≠ ${k}`);
      if (dateOfDayNumber(dayNumber(date)) !== date) mismatches.push(`day number ${date}`);
      const hour = (t / 3_600_000) % 24 | 0;
      const at = zoned(date).set({ hour, minute: 30 }).toMillis();
      if (localInstant(date, hour, 30) !== at) mismatches.push(`localInstant ${date} ${hour}:30: ${localInstant(date, hour, 30)} ≠ ${at}`);
    }
    // the hours a change skips or repeats, and midnight of the days around it
    for (const date of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26']) {
      for (let hour = 0; hour < 24; hour++) {
        const at = zoned(date).set({ hour, minute: 0 }).toMillis();
        if (localInstant(date, hour) !== at) mismatches.push(`localInstant ${date} ${hour}:00`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(() => addDays('2027-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('2027-13-01', '2027-01-01')).toThrow(RangeError);
  });
});
