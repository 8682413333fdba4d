/**
 * Issue 9 "done when": the full chain through the API on the dev server, worker and PostgreSQL —
 * care plan → vulnerable → conference → decision temporary stay → the citizen waits in hospital
 * (bed-days counting) → a place becomes vacant → offer accepted → the stay starts and the hospital
 * case closes with the right bed-day count → the stay ends → the place is offered to the next
 * citizen on the list.
 */
import { describe, expect, it } from 'vitest';
import { countBedDays } from '../domain/bed-days.js';
import { addDays, localDate } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { registerPlaceType } from './temporary-stay-support.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const call = async (method: 'GET' | 'POST', url: string, token: string, payload?: unknown, status = 200) => {
  const res = await stack.app.inject({ method, url, headers: as(token), ...(payload ? { payload: payload as object } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
};

describe('the full chain: hospital discharge → temporary stay → the next citizen', () => {
  it('runs through the API', async () => {
    const placeType = await registerPlaceType(stack.database.db, `chain-${Date.now()}`);
    const readyAt = Date.now() - 3 * 24 * HOUR;
    const a = await call('POST', '/cases', 'dev-hospital', {
      type: 'hospital_discharge',
      cpr: fakeCpr('1944-04-04'),
      receivedAt: iso(Date.now() - 4 * 24 * HOUR),
      ward: 'Bispebjerg Hospital',
      admittedAt: iso(Date.now() - 6 * 24 * HOUR),
      functionalLevel: 'FSIII',
    }, 201);
    const hd = (action: string, token: string, body: unknown) => call('POST', `/cases/${a.id}/hospital-discharge/${action}`, token, body, 200);
    await hd('faerdigbehandlet', 'dev-hospital', { readyAt: iso(readyAt) });
    expect((await hd('vulnerability-assessment', 'dev-assessor', { vulnerable: true })).step).toBe('awaiting_conference');
    await hd('conference', 'dev-coordinator', { heldAt: iso(Date.now() - HOUR) });
    const decided = await hd('decision', 'dev-coordinator', {
      holisticAssessment: 'needs a temporary stay',
      decision: { kind: 'temporary_stay', placeType, purpose: 'rehabilitation' },
    });
    const stay = decided.temporaryStay as { caseId: string; workflowId: string };

    // the citizen waits in hospital: the case is open, bed-days count
    const waiting = await call('GET', `/cases/${a.id}/bed-days`, 'dev-supervisor');
    expect(waiting).toMatchObject({ open: true, kind: 'somatic' });
    expect(waiting.days).toBe(countBedDays(readyAt, Date.now(), false, defaultRules.bedDays));

    // a second citizen joins the list, lower priority
    const second = await call('POST', '/temporary-stays', 'dev-assessor', {
      cpr: fakeCpr('1940-01-01'),
      eligible: true,
      placeType,
      purpose: 'respite',
      priority: 'hoej',
    }, 201);

    // a place becomes vacant: offered to the hospital citizen first (indlagt færdigbehandlet before høj)
    const facility = await call('POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' }, 201);
    await call('POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' }, 201);
    const offer = await eventually(async () => (await call('GET', `/temporary-stays/${stay.caseId}`, 'dev-assessor')).offer);
    await call('POST', `/cases/${stay.caseId}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.offerId, accept: true, plannedEndDate: addDays(localDate(Date.now()), 30) }, 200);

    // the stay starts: the hospital case closes, its bed-days end at the start
    const closed = await eventually(async () => {
      const c = await call('GET', `/cases/${a.id}?live=true`, 'dev-supervisor');
      return c.step === 'closed' ? c : undefined;
    });
    expect(closed.outcome).toBe('discharged_to_temporary_stay');
    const started = Date.parse(closed.live.temporaryStay.startedAt);
    const paid = await call('GET', `/cases/${a.id}/bed-days`, 'dev-supervisor');
    expect(paid).toMatchObject({ open: false, endedByDischarge: true });
    expect(Date.parse(paid.endedAt)).toBe(started);
    expect(paid.days).toBe(countBedDays(readyAt, started, true, defaultRules.bedDays));
    expect(paid.amountDkk).toBe(Math.min(paid.days, 2) * 3952 + Math.max(paid.days - 2, 0) * 5928);

    // the stay ends (moved out): the place is offered to the next citizen on the list
    await call('POST', `/cases/${stay.caseId}/temporary-stay/end-stay`, 'dev-assessor', { reason: 'moved_out' }, 200);
    const next = await eventually(async () => (await call('GET', `/temporary-stays/${second.id ?? second.caseId}`, 'dev-assessor')).offer);
    expect(next.placeLabel).toBe('Stue 1');
  });
});
