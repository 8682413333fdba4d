/**
 * Bed-day payment (betalingsforpligtelse): the dated rate table and one bed-day period per case
 * whose citizen was declared ready for discharge (færdigmeldt) while still in a hospital bed.
 * Totals over open and closed cases of every case type are computed from these two tables.
 */
import { boolean, check, date, index, integer, numeric, pgTable, serial, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { cases, createdNow, ts } from './core.js';


/**
 * Rates per bed-day, per kind of bed (`somatic` / `psychiatric`: the state sets them separately
 * each year), in tiers by day number (days 1–2, day 3 on), valid from a date. A day is priced by
 * the tier of its case's kind valid on that day's date. Seeded with EXAMPLE rates (`example`
 * true), valid from 2016-01-01: somatic 3,952 kr/day days 1–2, 5,928 kr/day from day 3;
 * psychiatric 4,396 kr/day from day 1. The municipality enters the year's official rates.
 */
export const bedDayRates = pgTable(
  'bed_day_rates',
  {
    id: serial('id').primaryKey(),
    /** `somatic` or `psychiatric`. */
    kind: text('kind').notNull().default('somatic'),
    /** Seeded example figures, not official rates. */
    example: boolean('example').notNull().default(false),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    fromDay: integer('from_day').notNull(),
    /** Null = this day and every day after. */
    toDay: integer('to_day'),
    dkkPerDay: numeric('dkk_per_day', { precision: 12, scale: 2, mode: 'number' }).notNull(),
    createdAt: createdNow(),
  },
  (t) => [
    uniqueIndex('bed_day_rates_kind_valid_from_day_uq').on(t.kind, t.validFrom, t.fromDay),
    check('bed_day_rates_kind_ck', sql`${t.kind} in ('somatic', 'psychiatric')`),
    check('bed_day_rates_days_ck', sql`${t.fromDay} >= 1 and (${t.toDay} is null or ${t.toDay} >= ${t.fromDay})`),
    check('bed_day_rates_amount_ck', sql`${t.dkkPerDay} >= 0`),
  ],
);

/**
 * One payment period per case: from the færdigmelding (`ready_at`) until the citizen left the
 * bed (`ended_at`; null while the municipality still pays). The counting rules the case was
 * opened with are kept with the period, so totals count every case by its own rules.
 */
export const bedDayPeriods = pgTable(
  'bed_day_periods',
  {
    id: serial('id').primaryKey(),
    caseId: uuid('case_id').notNull().unique().references(() => cases.id),
    readyAt: ts('ready_at').notNull(),
    endedAt: ts('ended_at'),
    endedByDischarge: boolean('ended_by_discharge').notNull().default(false),
    /** 1 = the day after the færdigmelding is the first paid day; 0 = the færdigmelding day. */
    firstPaidDayOffset: integer('first_paid_day_offset').notNull().default(1),
    countDischargeDay: boolean('count_discharge_day').notNull().default(false),
    createdAt: createdNow(),
  },
  (t) => [index('bed_day_periods_open_idx').on(t.endedAt), index('bed_day_periods_ready_idx').on(t.readyAt, t.id)],
);
