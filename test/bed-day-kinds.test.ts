/**
 * Issue 9 point 4: bed-day rates per kind of bed (somatic / psychiatric), dated and tiered; a
 * psychiatric case is priced with the psychiatric rates; the seeded figures are marked as examples;
 * `GET /payments/bed-days` reports per kind, per month, and the days counted while the region
 * refused to discharge (002), separately.
 */
import { describe, expect, it } from 'vitest';
import { refusalRanges } from '../api/bed-days.js';
import { addDays, daysBetween, localDate } from '../domain/calendar.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const post = (url: string, token: string, payload: unknown) =>
  stack.app.inject({ method: 'POST', url, headers: as(token), payload: payload as object });
const get = (url: string, token = 'dev-chief') => stack.app.inject({ method: 'GET', url, headers: as(token) });

describe('refusal ranges (pure)', () => {
  it('from the day a refusing disagreement is raised until the day a chief-level decision lifts it (not counted)', () => {
    const at = (d: string) => new Date(`${d}T12:00:00+01:00`);
    expect(
      refusalRanges([
        { kind: 'disagreement', at: at('2027-01-10'), regionRefusesDischarge: true },
        { kind: 'chief_decision', at: at('2027-01-15'), regionRefusesDischarge: false },
        { kind: 'disagreement', at: at('2027-02-01'), regionRefusesDischarge: false },
        { kind: 'disagreement', at: at('2027-02-03'), regionRefusesDischarge: true },
        { kind: 'chief_decision', at: at('2027-02-05') },
      ]),
    ).toEqual([{ from: '2027-01-10', to: '2027-01-15' }, { from: '2027-02-03' }]);
  });
});

describe('bed-day payment per kind of bed', () => {
  it('the seeded rates are examples, one set per kind; a psychiatric case is priced with the psychiatric rates, a hospital discharge with the somatic ones', async () => {
    const rates = (await get('/payments/bed-day-rates')).json().items as { kind: string; example: boolean; validFrom: string; fromDay: number; dkkPerDay: number }[];
    const seeded = rates.filter((r) => r.validFrom === '2016-01-01');
    expect(seeded.filter((r) => r.kind === 'somatic').map((r) => [r.fromDay, r.dkkPerDay, r.example])).toEqual([[1, 3952, true], [3, 5928, true]]);
    expect(seeded.filter((r) => r.kind === 'psychiatric').map((r) => [r.fromDay, r.dkkPerDay, r.example])).toEqual([[1, 4396, true]]);

    const readyAt = Date.now() - 40 * DAY;
    const psy = await post('/cases', 'dev-hospital', {
      type: 'psychiatric_discharge',
      cpr: fakeCpr('1983-03-03'),
      notice: 'faerdigmelding',
      receivedAt: iso(readyAt),
      readyAt: iso(readyAt),
      ward: 'Psykiatrisk Center Amager',
    });
    expect(psy.statusCode, psy.body).toBe(201);
    const psyId = psy.json().id as string;
    const days = daysBetween(addDays(localDate(readyAt), 1), localDate(Date.now())) + 1;
    const psyDays = await (async () => {
      for (let i = 0; i < 100; i++) {
        const r = await get(`/cases/${psyId}/bed-days`);
        if (r.json().days > 0) return r.json();
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('no bed-days');
    })();
    expect(psyDays).toMatchObject({ kind: 'psychiatric', days, amountDkk: days * 4396, whileRegionRefused: { days: 0 } });

    // the region refuses to discharge: from today the days count as paid while refused
    const raised = await post(`/cases/${psyId}/psychiatric/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'Not ready' });
    expect(raised.statusCode, raised.body).toBe(200);
    expect((await get(`/cases/${psyId}/bed-days`)).json().whileRegionRefused).toEqual({ days: 1, amountDkk: 4396 });

    const uds = await post('/cases', 'dev-hospital', {
      type: 'hospital_discharge',
      cpr: fakeCpr('1947-07-07'),
      receivedAt: iso(Date.now() - 4 * DAY),
      ward: 'Bispebjerg Hospital',
      admittedAt: iso(Date.now() - 6 * DAY),
      functionalLevel: 'FSIII',
    });
    expect(uds.statusCode, uds.body).toBe(201);
    const udsId = uds.json().id as string;
    const fb = await post(`/cases/${udsId}/hospital-discharge/faerdigbehandlet`, 'dev-hospital', { readyAt: iso(Date.now() - 3 * DAY) });
    expect(fb.statusCode, fb.body).toBe(200);
    const udsDays = (await get(`/cases/${udsId}/bed-days`, 'dev-supervisor')).json(); // the area chief does not read hospital-discharge cases
    expect(udsDays.kind).toBe('somatic');
    expect(udsDays.amountDkk).toBe(Math.min(udsDays.days, 2) * 3952 + Math.max(udsDays.days - 2, 0) * 5928);

    // the totals: per kind, per month, while refused — consistent with each case
    const totals = (await get('/payments/bed-days', 'dev-supervisor')).json(); // per-case lines of every type
    const mine = totals.cases.find((c: { caseId: string }) => c.caseId === psyId);
    expect(mine).toMatchObject({ kind: 'psychiatric', days, amountDkk: days * 4396, daysWhileRegionRefused: 1 });
    expect(totals.cases.find((c: { caseId: string }) => c.caseId === udsId)).toMatchObject({ kind: 'somatic', days: udsDays.days });
    for (const kind of ['somatic', 'psychiatric'] as const) {
      const inMonths = totals.byMonth.filter((m: { kind: string }) => m.kind === kind);
      expect(inMonths.reduce((s: number, m: { days: number }) => s + m.days, 0)).toBe(totals.byKind[kind].days);
      expect(inMonths.reduce((s: number, m: { whileRegionRefused: { days: number } }) => s + m.whileRegionRefused.days, 0)).toBe(totals.whileRegionRefused.byKind[kind].days);
    }
    expect(totals.byKind.psychiatric.days + totals.byKind.somatic.days).toBe(totals.total.days);
    // 40 days back always spans two calendar months
    const months = new Set(totals.byMonth.filter((m: { kind: string }) => m.kind === 'psychiatric').map((m: { month: string }) => m.month));
    expect(months.size).toBeGreaterThanOrEqual(2);
    expect(totals.whileRegionRefused.byKind.psychiatric.days).toBeGreaterThanOrEqual(1);
    const onlyPsy = (await get('/payments/bed-days?kind=psychiatric')).json();
    expect(onlyPsy.cases.every((c: { kind: string }) => c.kind === 'psychiatric')).toBe(true);

    // a new psychiatric rate set (kind psychiatric) does not touch the somatic rates
    const set = await post('/payments/bed-day-rates', 'dev-chief', { kind: 'psychiatric', validFrom: '2099-01-01', tiers: [{ fromDay: 1, toDay: null, dkkPerDay: 5000 }] });
    expect(set.statusCode, set.body).toBe(201);
    const after = set.json().items as { kind: string; validFrom: string; example: boolean }[];
    expect(after.filter((r) => r.validFrom === '2099-01-01').map((r) => [r.kind, r.example])).toEqual([['psychiatric', false]]);
  });
});
