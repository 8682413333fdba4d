/**
 * Bed-day payment (betalingsforpligtelse) priced for reading: a case's days and cost so far, and
 * totals over open and closed cases — per kind of bed (somatic / psychiatric, each priced with its
 * own dated, tiered rates), per month, and the days counted while the region refused to discharge
 * (002: the municipality keeps paying during a disagreement). The database gives the periods, the
 * rate table and the refusal records (db/queries/payments.ts); the counting and pricing rule is the
 * workflows' own (domain/bed-days.ts), priced by arithmetic: a report over many periods reads and
 * prices them batch by batch, so it never holds the event loop for more than one batch.
 */
import type { Db } from '../db/client.js';
import {
  BED_KINDS,
  bedDayPeriod,
  bedDayPeriodsBatch,
  bedDayRateTable,
  regionRefusalRecords,
  type BedDayPeriodCursor,
  type BedDayPeriodRow,
  type BedDayRateRow,
  type BedKind,
} from '../db/queries/payments.js';
import { getCase } from '../db/queries/cases.js';
import { addTo, periodFigures, priceBedDays, refusalRanges, type BedDayPrice, type DaySum } from '../domain/bed-days.js';
import type { BedDayRules } from '../domain/rules.js';
import { bedKindOf } from './case-types/index.js';

export { refusalRanges } from '../domain/bed-days.js';

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

/** Periods read and priced per batch (one database round trip, a few milliseconds of pricing). */
export const BED_DAY_BATCH = 2_000;

interface Sum extends DaySum {
  cases: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The cursor of a period (its færdigmelding and id: the report's order). */
export const periodCursor = (p: { readyAt: Date; id: number }): string => `${p.readyAt.getTime()}-${p.id}`;

/** A cursor from `periodCursor`, or undefined when the text is not one. */
export function parsePeriodCursor(text: string): BedDayPeriodCursor | undefined {
  const m = /^(\d{1,15})-(\d{1,12})$/.exec(text);
  return m ? { readyAt: new Date(Number(m[1])), id: Number(m[2]) } : undefined;
}

/**
 * Totals over open and closed cases (every case type), each period priced by its own rules at its
 * kind's rates: in total, open/closed, per case type, per kind, per month (and kind), and the days
 * counted while the region refused to discharge, separately; with one page of the per-case lines
 * (`nextCursor`: the page after it, null on the last).
 */
export async function bedDayTotals(db: Db, filter: BedDayTotalsFilter = {}, now = new Date(), page: BedDayLinesPage = { limit: 500 }) {
  const rates = await bedDayRateTable(db);
  const zero = (): Sum => ({ cases: 0, days: 0, amountDkk: 0 });
  const zeroDays = (): DaySum => ({ days: 0, amountDkk: 0 });
  const open = zero();
  const closed = zero();
  const byCaseType: Record<string, Sum> = {};
  const byKind = Object.fromEntries(BED_KINDS.map((k) => [k, zero()])) as Record<BedKind, Sum>;
  const whileRegionRefused = { ...zeroDays(), byKind: Object.fromEntries(BED_KINDS.map((k) => [k, zeroDays()])) as Record<BedKind, DaySum> };
  const months = new Map<string, { month: string; kind: BedKind; days: number; amountDkk: number; whileRegionRefused: DaySum }>();
  const items = [];
  let nextCursor: string | null = null;
  let after: BedDayPeriodCursor | undefined;
  for (;;) {
    const batch = await bedDayPeriodsBatch(db, { caseTypes: filter.caseType ? [filter.caseType] : undefined, state: filter.state }, after, BED_DAY_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.period;
    const rows = batch.filter((r) => !filter.kind || bedKindOf(r.caseType) === filter.kind);
    const records = await regionRefusalRecords(db, rows.map((r) => r.period.caseId));
    const recordsOf = new Map<string, typeof records>();
    for (const r of records) {
      const of = recordsOf.get(r.caseId);
      if (of) of.push(r);
      else recordsOf.set(r.caseId, [r]);
    }
    for (const { period, caseType } of rows) {
      const kind = bedKindOf(caseType);
      const price = priceBedDayPeriod(period, rates, now, kind);
      const figures = periodFigures(price, refusalRanges(recordsOf.get(period.caseId) ?? []));
      for (const s of [period.endedAt ? closed : open, (byCaseType[caseType] ??= zero()), byKind[kind]]) {
        s.cases++;
        addTo(s, price.days, price.amountDkk);
      }
      for (const f of figures.byMonth) {
        const key = `${f.month}|${kind}`;
        const m = months.get(key) ?? { month: f.month, kind, days: 0, amountDkk: 0, whileRegionRefused: zeroDays() };
        months.set(key, m);
        addTo(m, f.days, f.amountDkk);
        addTo(m.whileRegionRefused, f.whileRegionRefused.days, f.whileRegionRefused.amountDkk);
      }
      const refused = figures.whileRegionRefused;
      addTo(whileRegionRefused, refused.days, refused.amountDkk);
      addTo(whileRegionRefused.byKind[kind], refused.days, refused.amountDkk);
      const onPage =
        (!page.after || period.readyAt > page.after.readyAt || (period.readyAt.getTime() === page.after.readyAt.getTime() && period.id > page.after.id)) &&
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
        readyAt: period.readyAt,
        endedAt: period.endedAt,
        open: period.endedAt === null,
        days: price.days,
        amountDkk: price.amountDkk,
        unpricedDays: price.unpricedDays,
        daysWhileRegionRefused: refused.days,
      });
    }
    if (batch.length < BED_DAY_BATCH) break;
  }
  const total: Sum = {
    cases: open.cases + closed.cases,
    days: open.days + closed.days,
    amountDkk: round2(open.amountDkk + closed.amountDkk),
  };
  const byMonth = [...months.values()].sort((a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind));
  const cases = items.map(({ period: _period, ...item }) => item);
  return { asOf: now, total, open, closed, byCaseType, byKind, byMonth, whileRegionRefused, cases, nextCursor };
}
