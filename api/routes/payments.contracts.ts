/**
 * Bed-day payment's contracts (betalingsforpligtelse): the dated rate table, a case's bed-days and
 * their price, and the totals over open and closed cases. One definition each, with one example.
 */
import { z } from 'zod';
import { Day, Dkk, documented, Id, Instant } from '../contract.js';
import { CASE_TYPE_NAMES } from '../case-types/index.js';
import { CaseTypeAnswer } from './case-types.contracts.js';

/** The kind of bed a day is paid at (the state sets the rates of each separately). */
export const BedKindAnswer = z.enum(['somatic', 'psychiatric']);

// ---- the rate table -----------------------------------------------------------------------------

const RateRow = z.object({
  id: z.number().int(),
  kind: z.string().describe('somatic or psychiatric'),
  example: z.boolean().describe('Seeded example figures, not official rates'),
  validFrom: Day,
  fromDay: z.number().int(),
  toDay: z.number().int().nullable().describe('null: this day and every day after'),
  dkkPerDay: Dkk,
  createdAt: Instant,
});

const rates = [
  { id: 3, kind: 'psychiatric', example: true, validFrom: '2016-01-01', fromDay: 1, toDay: null, dkkPerDay: 4396, createdAt: '2026-11-30T06:21:04.936+01:00' },
  { id: 1, kind: 'somatic', example: true, validFrom: '2016-01-01', fromDay: 1, toDay: 2, dkkPerDay: 3952, createdAt: '2026-11-30T06:21:04.936+01:00' },
  { id: 2, kind: 'somatic', example: true, validFrom: '2016-01-01', fromDay: 3, toDay: null, dkkPerDay: 5928, createdAt: '2026-11-30T06:21:04.936+01:00' },
];

/** `GET /payments/bed-day-rates`: the dated rate table, tier by tier. */
export const BedDayRates = documented(z.object({ items: z.array(RateRow) }), {
  description: 'The dated bed-day rate table: tiers by day number, per kind of bed, valid from a date',
  example: { items: rates },
});

/** `POST /payments/bed-day-rates`: the whole table after the change. */
export const BedDayRatesSet = documented(z.object({ items: z.array(RateRow) }), {
  description: 'The rate table after the change',
  example: { items: [{ ...rates[0]!, id: 4, example: false, createdAt: '2026-11-30T06:25:03.111+01:00' }, ...rates.slice(1)] },
});

// ---- a case's bed-days --------------------------------------------------------------------------

const DaySum = z.object({ days: z.number().int(), amountDkk: Dkk });

/** Consecutive paid days at one rate. */
const BedDayLine = z.object({
  fromDay: z.number().int().describe('Day numbers (1-based) covered by the line'),
  toDay: z.number().int(),
  fromDate: Day,
  toDate: Day,
  days: z.number().int(),
  rateValidFrom: Day.nullable().describe('The rate set the days are priced by (null: no rate covers them, priced at 0)'),
  dkkPerDay: Dkk,
  amountDkk: Dkk,
});

/** A case's bed-days from its færdigmelding, priced day by day at its kind's rates. */
export const CaseBedDays = z.object({
  caseId: Id,
  kind: BedKindAnswer,
  readyAt: Instant.describe('The færdigmelding: the bed-days count from here'),
  endedAt: Instant.nullable().describe('When the citizen left the bed (null: still paying)'),
  endedByDischarge: z.boolean(),
  open: z.boolean(),
  rules: z.object({ firstPaidDayOffset: z.number().int(), countDischargeDay: z.boolean() }),
  asOf: Instant,
  days: z.number().int(),
  amountDkk: Dkk,
  firstDay: Day.optional().describe('The first paid day (absent while no day is paid)'),
  lastDay: Day.optional(),
  lines: z.array(BedDayLine),
  unpricedDays: z.number().int().describe('Days no rate covers (priced at 0)'),
  whileRegionRefused: DaySum.describe('The part counted while the region refused to discharge'),
});

export const caseBedDaysExample: z.input<typeof CaseBedDays> = {
  caseId: '552199ac-7537-437d-94ab-5a67fc121ad7',
  kind: 'psychiatric',
  readyAt: '2026-11-27T05:45:28.293+01:00',
  endedAt: null,
  endedByDischarge: false,
  open: true,
  rules: { firstPaidDayOffset: 1, countDischargeDay: false },
  asOf: '2026-11-30T06:21:31.376+01:00',
  days: 3,
  amountDkk: 13188,
  firstDay: '2026-11-28',
  lastDay: '2026-11-30',
  lines: [{ fromDay: 1, toDay: 3, fromDate: '2026-11-28', toDate: '2026-11-30', days: 3, rateValidFrom: '2016-01-01', dkkPerDay: 4396, amountDkk: 13188 }],
  unpricedDays: 0,
  whileRegionRefused: { days: 0, amountDkk: 0 },
};

/** A case without a færdigmelding: no bed-days (yet). */
const NoBedDays = z.object({
  caseId: Id,
  open: z.boolean(),
  days: z.number().int(),
  amountDkk: Dkk,
  lines: z.array(BedDayLine),
  unpricedDays: z.number().int(),
  note: z.string(),
});

/** `GET /cases/:id/bed-days`. */
export const CaseBedDaysAnswer = documented(z.union([CaseBedDays, NoBedDays]), {
  description: "The case's bed-days and cost so far, priced day by day (without a færdigmelding: none, with a note)",
  example: caseBedDaysExample,
});

// ---- totals -------------------------------------------------------------------------------------

const Sum = z.object({ cases: z.number().int(), days: z.number().int(), amountDkk: Dkk });
const perKind = <S extends z.ZodType>(s: S) => z.object({ somatic: s, psychiatric: s });

/** `GET /payments/bed-days`. */
export const BedDayTotals = documented(
  z.object({
    asOf: Instant,
    total: Sum,
    open: Sum,
    closed: Sum,
    byCaseType: z.record(z.string(), Sum).describe('Per case type (the types with bed-days)'),
    byKind: perKind(Sum),
    byMonth: z.array(z.object({ month: z.string().describe('YYYY-MM'), kind: BedKindAnswer, days: z.number().int(), amountDkk: Dkk, whileRegionRefused: DaySum })),
    whileRegionRefused: DaySum.extend({ byKind: perKind(DaySum) }).describe('Days counted while the region refused to discharge (002)'),
    cases: z.array(
      z.object({
        caseId: Id,
        caseType: CaseTypeAnswer,
        kind: BedKindAnswer,
        readyAt: Instant,
        endedAt: Instant.nullable().describe('null while the period is open'),
        open: z.boolean(),
        days: z.number().int(),
        amountDkk: Dkk,
        unpricedDays: z.number().int(),
        daysWhileRegionRefused: z.number().int(),
      }),
    ).describe('One page of per-case lines, in færdigmelding order (`limit`, `cursor`)'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page of per-case lines; null: the last page (the totals are over every period on each page)'),
  }),
  {
    description: 'Bed-days and their price in total over open and closed cases, per case type, kind of bed and month, and while the region refused to discharge; the per-case lines only of the case types the role reads',
    example: {
      asOf: '2026-11-30T06:25:11.731+01:00',
      total: { cases: 1, days: 3, amountDkk: 13188 },
      open: { cases: 1, days: 3, amountDkk: 13188 },
      closed: { cases: 0, days: 0, amountDkk: 0 },
      byCaseType: { [CASE_TYPE_NAMES[0]]: { cases: 1, days: 3, amountDkk: 13188 } },
      byKind: { somatic: { cases: 0, days: 0, amountDkk: 0 }, psychiatric: { cases: 1, days: 3, amountDkk: 13188 } },
      byMonth: [{ month: '2026-11', kind: 'psychiatric', days: 3, amountDkk: 13188, whileRegionRefused: { days: 0, amountDkk: 0 } }],
      whileRegionRefused: { days: 0, amountDkk: 0, byKind: { somatic: { days: 0, amountDkk: 0 }, psychiatric: { days: 0, amountDkk: 0 } } },
      cases: [
        {
          caseId: '552199ac-7537-437d-94ab-5a67fc121ad7',
          caseType: CASE_TYPE_NAMES[0],
          kind: 'psychiatric',
          readyAt: '2026-11-27T05:45:28.293+01:00',
          endedAt: null,
          open: true,
          days: 3,
          amountDkk: 13188,
          unpricedDays: 0,
          daysWhileRegionRefused: 0,
        },
      ],
      nextCursor: null,
    },
  },
);
