/**
 * `GET /payments/bed-days`' report over many periods: read batch by batch and priced by
 * arithmetic, it gives the same totals whatever the batch size (periods sharing a færdigmelding
 * instant across a batch's edge included), the same as each case's own bed-days added up, and its
 * per-case lines page by page each once, in færdigmelding order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedDayTotals, caseBedDays } from '../api/bed-days.js';
import type { Database } from '../db/client.js';
import { bedDayPeriods, cases, citizens, decisionTexts } from '../db/schema/index.js';
import { hospitalDischargeCaseType } from '../workflows/hospital-discharge/case-type.js';
import { psychiatricCaseType } from '../workflows/psychiatric/case-type.js';
import { pgliteDatabase } from './helpers.js';

let database: Database;
const now = new Date('2027-11-15T10:00:00Z');
const DAY = 86_400_000;
const ids: string[] = [];

beforeAll(async () => {
  database = await pgliteDatabase();
  const db = database.db;
  // 23 periods: færdigmeldt at any hour over 2027 (both DST changes), some at the same instant, 7 still open
  for (let i = 0; i < 23; i++) {
    const caseId = randomUUID();
    const citizenId = randomUUID();
    ids.push(caseId);
    await db.insert(citizens).values({ id: citizenId, cpr: `report-${i}-${caseId.slice(0, 8)}`, birthDate: '1940-01-01' });
    const type = i % 2 ? psychiatricCaseType.name : hospitalDischargeCaseType.name;
    await db.insert(cases).values({ id: caseId, type, citizenId, workflowId: `report-${caseId}`, step: 'open', openedAt: now });
    const readyAt = new Date(Date.parse('2027-01-20T00:30:00Z') + (i % 5 === 0 ? 0 : i * 13 * DAY + i * 3_600_000));
    const endedAt = i % 3 === 0 ? null : new Date(readyAt.getTime() + (5 + i * 11) * DAY + 7 * 3_600_000);
    await db.insert(bedDayPeriods).values({ caseId, readyAt, endedAt, endedByDischarge: i % 2 === 0, firstPaidDayOffset: i % 4 === 0 ? 0 : 1, countDischargeDay: i % 7 === 0 });
    if (i % 4 === 1) {
      const key = (k: string) => `${k}-${i}`;
      await db.insert(decisionTexts).values([
        { caseId, key: key('d'), kind: 'disagreement', body: { regionRefusesDischarge: true }, userId: 'u', role: 'area_chief', at: new Date(readyAt.getTime() + 3 * DAY) },
        { caseId, key: key('c'), kind: 'chief_decision', body: { regionRefusesDischarge: false }, userId: 'u', role: 'area_chief', at: new Date(readyAt.getTime() + 9 * DAY) },
      ]);
    }
  }
});
afterAll(async () => database?.close());

const totalsOnly = ({ cases: _cases, nextCursor: _next, ...t }: Awaited<ReturnType<typeof bedDayTotals>>) => t;

describe('the bed-day report read batch by batch', () => {
  it('gives the same totals and lines whatever the batch size', async () => {
    const whole = await bedDayTotals(database.db, {}, now, { limit: 1000 });
    expect(whole.total.cases).toBe(23);
    expect(whole.whileRegionRefused.days).toBeGreaterThan(0);
    for (const batch of [1, 2, 3, 5, 22]) {
      const cut = await bedDayTotals(database.db, {}, now, { limit: 1000 }, batch);
      expect(cut, `batch ${batch}`).toEqual(whole);
    }
  });

  it('equals the cases priced one by one, added up', async () => {
    const whole = await bedDayTotals(database.db, {}, now, { limit: 1000 });
    let days = 0;
    let ore = 0;
    let refusedDays = 0;
    for (const id of ids) {
      const one = (await caseBedDays(database.db, id, now))!;
      days += one.days;
      ore += Math.round(one.amountDkk * 100);
      refusedDays += one.whileRegionRefused.days;
      expect(whole.cases.find((c) => c.caseId === id)).toMatchObject({ days: one.days, amountDkk: one.amountDkk, daysWhileRegionRefused: one.whileRegionRefused.days });
    }
    expect(whole.total).toEqual({ cases: 23, days, amountDkk: ore / 100 });
    expect(whole.whileRegionRefused.days).toBe(refusedDays);
    expect(whole.byMonth.reduce((s, m) => s + m.days, 0)).toBe(days);
  });

  it('pages the per-case lines: each once, in færdigmelding order, the totals on every page', async () => {
    const whole = await bedDayTotals(database.db, {}, now, { limit: 1000 });
    const seen: string[] = [];
    let after: { readyUs: number; id: number } | undefined;
    let cursor: string | null = null;
    for (let pages = 0; pages < 30; pages++) {
      const page = await bedDayTotals(database.db, {}, now, { limit: 4, ...(after ? { after } : {}) }, 3);
      expect(totalsOnly(page)).toEqual(totalsOnly(whole));
      seen.push(...page.cases.map((c) => c.caseId));
      cursor = page.nextCursor;
      if (cursor === null) break;
      const [us, id] = cursor.split('-').map(Number);
      after = { readyUs: us!, id: id! };
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(whole.cases.map((c) => c.caseId));
    expect(new Set(seen).size).toBe(23);
    const readyAts = whole.cases.map((c) => c.readyAt.getTime());
    expect(readyAts).toEqual([...readyAts].sort((a, b) => a - b));
  });
});
