/**
 * Bed-day payment (betalingsforpligtelse) priced for reading: a case's days and cost so far, and
 * totals over open and closed cases — per kind of bed (somatic / psychiatric, each priced with its
 * own dated, tiered rates), per month, and the days counted while the region refused to discharge
 * (002: the municipality keeps paying during a disagreement). The database gives the periods, the
 * rate table and the refusal records (db/queries/payments.ts); the counting and pricing rule is the
 * workflows' own (domain/bed-days.ts), priced by arithmetic: a report over many periods reads and
 * prices them batch by batch, so it never holds the event loop for more than one batch.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Db } from '../db/client.js';
import {
  BED_KINDS,
  bedDayPeriod,
  bedDayPeriodsBatch,
  bedDayRateTable,
  regionRefusalRecords,
  regionRefusalRecordsOfBatch,
  type BedDayPeriodCursor,
  type BedDayPeriodFigures,
  type BedDayPeriodRow,
  type BedDayRateRow,
  type BedKind,
} from '../db/queries/payments.js';
import { getCase } from '../db/queries/cases.js';
import { BedDayTotals, periodFigures, priceBedDays, refusalRanges, type BedDayPrice } from '../domain/bed-days.js';
import type { BedDayRules } from '../domain/rules.js';
import { bedKindOf } from './case-types/index.js';

export { refusalRanges } from '../domain/bed-days.js';

export function priceBedDayPeriod(period: BedDayPeriodRow, rates: BedDayRateRow[], now: Date, kind: BedKind = 'somatic'): BedDayPrice {
  const figures = { ...period, readyAt: period.readyAt.getTime(), endedAt: period.endedAt?.getTime() ?? null };
  return pricePeriod(figures, rates.filter((r) => r.kind === kind), now.getTime());
}

/** A period priced at the rates of its kind (`kindRates`: the same array for every period of a report). */
function pricePeriod(
  period: Pick<BedDayPeriodFigures, 'readyAt' | 'endedAt' | 'endedByDischarge' | 'firstPaidDayOffset' | 'countDischargeDay'>,
  kindRates: readonly BedDayRateRow[],
  nowMs: number,
): BedDayPrice {
  const rules: BedDayRules = { firstPaidDayOffset: period.firstPaidDayOffset === 0 ? 0 : 1, countDischargeDay: period.countDischargeDay };
  return priceBedDays(period.readyAt, period.endedAt ?? nowMs, period.endedAt !== null ? period.endedByDischarge : false, rules, kindRates);
}

/** The case's bed-days and cost so far (or in total when its period has ended), at its kind's rates. */
export async function caseBedDays(db: Db, caseId: string, now = new Date()) {
  const period = await bedDayPeriod(db, caseId);
  if (!period) return undefined;
  const [rates, row, records] = await Promise.all([bedDayRateTable(db), getCase(db, caseId), regionRefusalRecords(db, [caseId])]);
  const kind = bedKindOf(row?.type ?? '');
  const price = priceBedDayPeriod(period, rates, now, kind);
  const { whileRegionRefused } = periodFigures(price, refusalRanges(records));
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
    whileRegionRefused,
  };
}

export interface BedDayTotalsFilter {
  caseType?: string;
  state?: 'open' | 'closed';
  kind?: BedKind;
}

/** Which per-case lines a report returns: a page of `limit` lines after a cursor, of the case types the reader reads. */
export interface BedDayLinesPage {
  limit: number;
  after?: BedDayPeriodCursor;
  caseTypes?: readonly string[];
}

/** Periods read per batch (two database round trips), priced in slices of `BED_DAY_SLICE` between which other requests run. */
export const BED_DAY_BATCH = 1_000;
export const BED_DAY_SLICE = 25;

/** The cursor of a period (its færdigmelding and id: the report's order). */
export const periodCursor = (p: BedDayPeriodCursor): string => `${p.readyUs}-${p.id}`;

/** A cursor from `periodCursor`, or undefined when the text is not one. */
export function parsePeriodCursor(text: string): BedDayPeriodCursor | undefined {
  const m = /^(\d{1,16})-(\d{1,12})$/.exec(text);
  return m ? { readyUs: Number(m[1]), id: Number(m[2]) } : undefined;
}

/**
 * Totals over open and closed cases (every case type), each period priced by its own rules at its
 * kind's rates: in total, open/closed, per case type, per kind, per month (and kind), and the days
 * counted while the region refused to discharge, separately; with one page of the per-case lines
 * (`nextCursor`: the page after it, null on the last).
 */
export async function bedDayTotals(db: Db, filter: BedDayTotalsFilter = {}, now = new Date(), page: BedDayLinesPage = { limit: 500 }, batchSize = BED_DAY_BATCH) {
  const rates = await bedDayRateTable(db);
  const kindRates = Object.fromEntries(BED_KINDS.map((k) => [k, rates.filter((r) => r.kind === k)])) as Record<BedKind, BedDayRateRow[]>;
  const nowMs = now.getTime();
  const totals = new BedDayTotals(BED_KINDS);
  const items = [];
  let nextCursor: string | null = null;
  let after: BedDayPeriodCursor | undefined;
  for (;;) {
    const batch = await bedDayPeriodsBatch(db, { caseTypes: filter.caseType ? [filter.caseType] : undefined, state: filter.state }, after, batchSize);
    if (batch.length === 0) break;
    const lastOfBatch = batch[batch.length - 1]!;
    const records = await regionRefusalRecordsOfBatch(db, after, lastOfBatch);
    after = { readyUs: lastOfBatch.readyUs, id: lastOfBatch.id };
    const rows = batch.filter((r) => !filter.kind || bedKindOf(r.caseType) === filter.kind);
    const recordsOf = new Map<string, typeof records>();
    for (const r of records) {
      const of = recordsOf.get(r.caseId);
      if (of) of.push(r);
      else recordsOf.set(r.caseId, [r]);
    }
    let priced = 0;
    for (const period of rows) {
      const caseType = period.caseType;
      const kind = bedKindOf(caseType);
      const price = pricePeriod(period, kindRates[kind], nowMs);
      const figures = periodFigures(price, refusalRanges(recordsOf.get(period.caseId) ?? []));
      totals.add({ caseType, kind, open: period.endedAt === null }, price, figures);
      // the event loop answers other requests between slices of a batch
      if (++priced % BED_DAY_SLICE === 0) await yieldToLoop();
      const refused = figures.whileRegionRefused;
      const onPage =
        (!page.after || period.readyUs > page.after.readyUs || (period.readyUs === page.after.readyUs && period.id > page.after.id)) &&
        (!page.caseTypes || page.caseTypes.includes(caseType));
      if (!onPage || nextCursor !== null) continue;
      if (items.length === page.limit) {
        nextCursor = periodCursor(items[items.length - 1]!.period);
        continue;
      }
      items.push({
        period,
        caseId: period.caseId,
        caseType,
        kind,
        readyAt: new Date(period.readyAt),
        endedAt: period.endedAt === null ? null : new Date(period.endedAt),
        open: period.endedAt === null,
        days: price.days,
        amountDkk: price.amountDkk,
        unpricedDays: price.unpricedDays,
        daysWhileRegionRefused: refused.days,
      });
    }
    if (batch.length < batchSize) break;
  }
  const cases = items.map(({ period: _period, ...item }) => item);
  return { asOf: now, ...totals.result(), cases, nextCursor };
}
