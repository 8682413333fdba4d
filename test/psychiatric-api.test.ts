/**
 * The psychiatric case through the API (fastify.inject) on the real dev server, worker and
 * PostgreSQL: a walk-through to the end, every decision route's 403/400/409, idempotency,
 * the botilbud registry and bed-day payments.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { housingPlaceAllocations, idempotencyKeys, decisionTexts } from '../db/schema/index.js';
import { localDate } from '../domain/calendar.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';


const stack = useTestStack({ temporal: 'dev', app: true });

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

async function openCase(notice: 'forvarsling' | 'faerdigmelding' = 'forvarsling'): Promise<string> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/cases',
    headers: as('dev-hospital'),
    payload: {
      type: 'psychiatric_discharge',
      cpr: fakeCpr('1985-05-05'),
      notice,
      receivedAt: hoursAgo(1),
      ...(notice === 'faerdigmelding' ? { readyAt: hoursAgo(2) } : {}),
      ward: 'Psykiatrisk Center København',
    },
  });
  expect(res.statusCode).toBe(201);
  // the case's workflow id is its case number
  expect(res.json()).toMatchObject({ caseNumber: expect.stringMatching(/^PSY-\d{4}-\d{6}$/), type: 'psychiatric_discharge' });
  expect(res.json().workflowId).toBe(res.json().caseNumber);
  return res.json().id;
}

const post = (url: string, token: string, payload: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, headers: { ...as(token), ...headers }, payload: payload as object });

let offerCounter = 0;
async function newOffer(places: string[]): Promise<{ id: string; places: { id: string }[] }> {
  const res = await post('/housing-offers', 'dev-psychiatry', {
    name: `Botilbud ${Date.now()}-${++offerCounter}`,
    targetGroup: 'Adults with severe mental illness',
    places,
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('psychiatric case through the API', () => {
  it('walks a case from forvarsling to discharge to a botilbud place, GET /cases/:id showing it all', async () => {
    const id = await openCase('forvarsling');
    const base = `/cases/${id}/psychiatric`;
    const offer = await newOffer(['Room 1']);

    expect((await post(`${base}/notices`, 'dev-hospital', { notice: 'faerdigmelding', receivedAt: hoursAgo(0.5), readyAt: hoursAgo(0.6) })).statusCode).toBe(200);
    const flag = await post(`${base}/long-course`, 'dev-psychiatry', { reason: 'No fitting offer yet; complex needs' });
    expect(flag.statusCode).toBe(200);
    const today = localDate(Date.now());
    expect(flag.json()).toMatchObject({ flaggedDay: today });
    const meeting = await post(`${base}/status-meetings`, 'dev-chief', { heldOn: today, decision: 'Look for a place in own offers first' });
    expect(meeting.statusCode).toBe(200);
    expect(meeting.json()).toMatchObject({ key: 'meeting-1', number: 1 });
    expect((await post(`${base}/involvement`, 'dev-psychiatry', {
      wishesForSupport: 'Staff present at night',
      wishesForFuture: 'Own flat within two years',
      chosenOfferId: offer.id,
      regionTookPart: true,
    })).statusCode).toBe(200);
    const placed = await post(`${base}/placement`, 'dev-psychiatry', { offerId: offer.id });
    expect(placed.statusCode).toBe(200);
    expect(placed.json()).toMatchObject({ offerId: offer.id, placeId: offer.places[0]!.id, label: 'Room 1' });
    const raised = await post(`${base}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'The ward finds the offer unsuitable' });
    expect(raised.statusCode).toBe(200);
    expect(raised.json()).toMatchObject({ key: 'disagreement-1', number: 1 });
    expect((await post(`${base}/chief-decision`, 'dev-chief', {
      decision: 'municipality_support_upheld',
      reasoning: 'The offer has night staff',
      regionRefusesDischarge: false,
    })).statusCode).toBe(200);

    const read = await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-chief') });
    expect(read.statusCode).toBe(200);
    const c = read.json();
    expect(c.step).toBe('placed_in_offer');
    expect(c.live).toMatchObject({
      step: 'placed_in_offer',
      meetings: { held: 1, next: { number: 2 } },
      involvement: { recorded: true, count: 1 },
      placement: { kind: 'own_offer', label: 'Room 1' },
      disagreement: { state: 'decided', regionRefusesDischarge: false, count: 1 },
      bedDays: { counting: true },
    });
    // the placement with the citizen involved is the case processing done: the 12-week deadline is met (002)
    expect(c.live.nextDeadlines.map((d: { key: string }) => d.key)).toEqual(['meeting-2']);
    expect(c.live.caseProcessingDoneAt).toBeDefined();
    expect(c.bedDays).toMatchObject({ open: true, days: expect.any(Number), amountDkk: expect.any(Number), lines: expect.any(Array) });
    expect(c.live.nextDeadlines[0].firesAt).toMatch(/T00:00:00\+0[12]:00$/);
    const actions = c.history.map((h: { action: string }) => h.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'case.open',
        'psychiatric.notice',
        'psychiatric.long_course.flag',
        'psychiatric.status_meeting.record',
        'psychiatric.involvement.record',
        'psychiatric.placement.decide',
        'psychiatric.disagreement.raise',
        'psychiatric.chief_decision.record',
      ]),
    );
    const bedDays = await stack.app.inject({ method: 'GET', url: `/cases/${id}/bed-days`, headers: as('dev-chief') });
    expect(bedDays.statusCode).toBe(200);
    expect(bedDays.json()).toMatchObject({ open: true, days: expect.any(Number), amountDkk: expect.any(Number) });

    const records = await stack.app.inject({ method: 'GET', url: `${base}/records`, headers: as('dev-psychiatry') });
    expect(records.json().items.map((r: { key: string }) => r.key)).toEqual(
      expect.arrayContaining(['long-course', 'meeting-1', 'involvement-1', 'placement', 'disagreement-1', 'chief-decision-1']),
    );

    // the offer's only place is now held: no vacancy
    const offers = await stack.app.inject({ method: 'GET', url: '/housing-offers?vacant=true', headers: as('dev-psychiatry') });
    expect(offers.json().items.map((o: { id: string }) => o.id)).not.toContain(offer.id);

    const discharged = await post(`${base}/discharge`, 'dev-hospital', { dischargedAt: new Date().toISOString(), destination: 'offer' });
    expect(discharged.statusCode).toBe(200);
    expect(discharged.json()).toMatchObject({ ended: true, outcome: 'discharged_to_offer', nextDeadlines: [] });
    const closed = await eventually(async () => {
      const r = (await stack.app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-supervisor') })).json();
      return r.closedAt ? r : undefined;
    });
    expect(closed).toMatchObject({ step: 'closed', outcome: 'discharged_to_offer' });
    expect(closed.citizen.cpr).toBeUndefined();
    // the citizen moved in: the place stays held
    const held = await stack.database.db.select().from(housingPlaceAllocations).where(eq(housingPlaceAllocations.caseId, id));
    expect(held).toHaveLength(1);
    expect(held[0]!.releasedAt).toBeNull();
    // after the end every decision is refused
    const late = await post(`${base}/involvement`, 'dev-psychiatry', { wishesForSupport: 'x', wishesForFuture: 'y' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toMatch(/ended/);

    const totals = await stack.app.inject({ method: 'GET', url: '/payments/bed-days?caseType=psychiatric_discharge', headers: as('dev-chief') });
    expect(totals.statusCode).toBe(200);
    const t = totals.json();
    expect(t.cases.map((x: { caseId: string }) => x.caseId)).toContain(id);
    expect(t.total.cases).toBe(t.open.cases + t.closed.cases);
    expect(t.closed.cases).toBeGreaterThanOrEqual(1);
  });

  it('the status meeting is held between the psychiatry coordinator and the area chief: both see it in their work queue, either records it', async () => {
    const id = await openCase('faerdigmelding');
    const base = `/cases/${id}/psychiatric`;
    expect((await post(`${base}/long-course`, 'dev-psychiatry', { reason: 'r' })).statusCode).toBe(200);
    const queued = async (token: string) => {
      const res = await stack.app.inject({ method: 'GET', url: '/work-queue?limit=200', headers: as(token) });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { caseId: string; obligation: string; actor: { role: string } }[]).filter((i) => i.caseId === id).map((i) => i.obligation);
    };
    await eventually(async () => ((await queued('dev-chief')).includes('meeting-1') ? true : undefined));
    expect(await queued('dev-psychiatry')).toEqual(expect.arrayContaining(['deadline-12w', 'meeting-1']));
    // a supervisor asking for the coordinator's queue sees it too; the needs assessor does not
    const sup = await stack.app.inject({ method: 'GET', url: '/work-queue?role=psychiatry_coordinator&limit=200', headers: as('dev-supervisor') });
    expect((sup.json().items as { caseId: string; obligation: string }[]).some((i) => i.caseId === id && i.obligation === 'meeting-1')).toBe(true);
    expect((await post(`${base}/status-meetings`, 'dev-psychiatry', { heldOn: localDate(Date.now()), decision: 'd' })).statusCode).toBe(200);
    await eventually(async () => (!(await queued('dev-chief')).includes('meeting-1') ? true : undefined));
    expect(await queued('dev-psychiatry')).not.toContain('meeting-1');
    expect(await queued('dev-psychiatry')).toContain('meeting-2');
    expect(await queued('dev-chief')).toContain('meeting-2');
  });

  it('a repeated decision with the same Idempotency-Key has no second effect', async () => {
    const id = await openCase('faerdigmelding');
    const base = `/cases/${id}/psychiatric`;
    expect((await post(`${base}/long-course`, 'dev-psychiatry', { reason: 'r' })).statusCode).toBe(200);
    const body = { heldOn: localDate(Date.now()), decision: 'Continue matching' };
    const first = await post(`${base}/status-meetings`, 'dev-psychiatry', body, { 'idempotency-key': 'meeting-abc' });
    const second = await post(`${base}/status-meetings`, 'dev-psychiatry', body, { 'idempotency-key': 'meeting-abc' });
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replay']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const live = (await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-chief') })).json().live;
    expect(live.meetings.held).toBe(1);
    const rows = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id));
    expect(rows.filter((r) => r.kind === 'status_meeting')).toHaveLength(1);
    // a different key is a second request: it reaches the workflow, which refuses a meeting
    // recorded ahead of its 14-day period (it would silence the series)
    const third = await post(`${base}/status-meetings`, 'dev-psychiatry', body, { 'idempotency-key': 'meeting-def' });
    expect(third.statusCode).toBe(409);
    expect(third.json().message).toMatch(/^status meeting 2 is due .*; its period starts .* belongs to an earlier period$/);
    const history = (await stack.app.inject({ method: 'GET', url: `/cases/${id}`, headers: as('dev-chief') })).json().history;
    expect(history.filter((h: { action: string; statusCode: number }) => h.action === 'psychiatric.status_meeting.record' && h.statusCode === 200)).toHaveLength(1);
    await post(`${base}/withdraw`, 'dev-hospital', { reason: 'Readmitted to treatment' });
  });

  it('every decision route: 403 for a wrong role, 400 naming the field, 409 with the reason when out of step', async () => {
    const id = await openCase('forvarsling');
    const ended = await openCase('forvarsling');
    const base = `/cases/${id}/psychiatric`;
    const offer = await newOffer(['A']);
    expect((await post(`/cases/${ended}/psychiatric/withdraw`, 'dev-hospital', {})).statusCode).toBe(200);

    type Case = {
      path: string;
      allowed: string;
      wrong: string;
      good: Record<string, unknown>;
      bad: Record<string, unknown>;
      badField: string;
      /** An out-of-step request on this (or the ended) case, and the reason it must give. */
      outOfStep: { caseId?: string; body?: Record<string, unknown>; reason: RegExp };
    };
    const table: Case[] = [
      { path: 'notices', allowed: 'dev-hospital', wrong: 'dev-psychiatry', good: { notice: 'forvarsling', receivedAt: hoursAgo(1) }, bad: { notice: 'letter', receivedAt: hoursAgo(1) }, badField: 'body.notice', outOfStep: { reason: /already recorded/ } },
      { path: 'status-meetings', allowed: 'dev-chief', wrong: 'dev-hospital', good: { heldOn: localDate(Date.now()), decision: 'd' }, bad: { heldOn: 'yesterday', decision: 'd' }, badField: 'body.heldOn', outOfStep: { reason: /not flagged as a potential long course/ } },
      { path: 'placement', allowed: 'dev-psychiatry', wrong: 'dev-hospital', good: { offerId: offer.id }, bad: { offerId: 'x' }, badField: 'body.offerId', outOfStep: { reason: /involvement .* must be recorded before a placement/ } },
      { path: 'external-placement', allowed: 'dev-psychiatry', wrong: 'dev-chief', good: { provider: 'Privat Bosted ApS', reasonCode: 'no_vacant_own_place_fits' }, bad: { provider: '' }, badField: 'body.provider', outOfStep: { reason: /involvement .* must be recorded before a placement/ } },
      { path: 'chief-decision', allowed: 'dev-chief', wrong: 'dev-psychiatry', good: { decision: 'region_view_accepted', reasoning: 'r' }, bad: { decision: 'maybe', reasoning: 'r' }, badField: 'body.decision', outOfStep: { reason: /no open disagreement/ } },
      { path: 'discharge', allowed: 'dev-hospital', wrong: 'dev-psychiatry', good: { dischargedAt: new Date().toISOString(), destination: 'offer' }, bad: { dischargedAt: new Date().toISOString(), destination: 'moon' }, badField: 'body.destination', outOfStep: { reason: /needs a placement decision/ } },
      { path: 'long-course', allowed: 'dev-psychiatry', wrong: 'dev-hospital', good: { reason: 'r' }, bad: {}, badField: 'body.reason', outOfStep: { caseId: ended, reason: /has ended/ } },
      { path: 'involvement', allowed: 'dev-psychiatry', wrong: 'dev-chief', good: { wishesForSupport: 'a', wishesForFuture: 'b' }, bad: { wishesForSupport: 'a' }, badField: 'body.wishesForFuture', outOfStep: { caseId: ended, reason: /has ended/ } },
      { path: 'disagreements', allowed: 'dev-psychiatry', wrong: 'dev-chief', good: { regionRefusesDischarge: true, reason: 'r' }, bad: { regionRefusesDischarge: 'yes', reason: 'r' }, badField: 'body.regionRefusesDischarge', outOfStep: { caseId: ended, reason: /has ended/ } },
      { path: 'withdraw', allowed: 'dev-hospital', wrong: 'dev-chief', good: {}, bad: { withdrawnAt: 'last week' }, badField: 'body.withdrawnAt', outOfStep: { caseId: ended, reason: /has ended/ } },
    ];
    for (const c of table) {
      const url = `${base}/${c.path}`;
      const forbidden = await post(url, c.wrong, c.good);
      expect(forbidden.statusCode, `${c.path} wrong role`).toBe(403);
      const bad = await post(url, c.allowed, c.bad);
      expect(bad.statusCode, `${c.path} bad body`).toBe(400);
      expect(bad.json().fields.map((f: { field: string }) => f.field), c.path).toContain(c.badField);
      const refused = await post(`/cases/${c.outOfStep.caseId ?? id}/psychiatric/${c.path}`, c.allowed, c.outOfStep.body ?? c.good);
      expect(refused.statusCode, `${c.path} out of step: ${refused.body}`).toBe(409);
      expect(refused.json().message).toMatch(c.outOfStep.reason);
    }
    // second flag, second open disagreement: 409 too
    expect((await post(`${base}/long-course`, 'dev-psychiatry', { reason: 'r' })).statusCode).toBe(200);
    const again = await post(`${base}/long-course`, 'dev-psychiatry', { reason: 'r' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already flagged/);
    expect((await post(`${base}/disagreements`, 'dev-hospital', { regionRefusesDischarge: true, reason: 'r' })).statusCode).toBe(200);
    const second = await post(`${base}/disagreements`, 'dev-psychiatry', { regionRefusesDischarge: true, reason: 'r' });
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toMatch(/awaits its chief-level decision/);
    // a notice in the future, an unknown case, a malformed case id
    const future = await post(`${base}/notices`, 'dev-hospital', { notice: 'faerdigmelding', receivedAt: new Date(Date.now() + 86_400_000).toISOString(), readyAt: hoursAgo(1) });
    expect(future.statusCode).toBe(400);
    expect(future.json().fields[0].field).toBe('body.receivedAt');
    expect((await post(`/cases/00000000-0000-4000-8000-000000000000/psychiatric/long-course`, 'dev-psychiatry', { reason: 'r' })).statusCode).toBe(404);
    expect((await post(`/cases/not-a-uuid/psychiatric/long-course`, 'dev-psychiatry', { reason: 'r' })).statusCode).toBe(400);
    // nothing was written for the refused requests
    const rows = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, ended));
    expect(rows).toHaveLength(0);
    await post(`${base}/withdraw`, 'dev-hospital', {});
  });

  it('botilbud registry: roles, validation, duplicate names', async () => {
    expect((await post('/housing-offers', 'dev-hospital', { name: 'X', targetGroup: 'y', places: [] })).statusCode).toBe(403);
    const bad = await post('/housing-offers', 'dev-psychiatry', { name: '', targetGroup: 'y', places: ['a', 'a'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.name']));
    const offer = await newOffer(['1']);
    const name = (await stack.app.inject({ method: 'GET', url: '/housing-offers', headers: as('dev-chief') })).json().items.find((o: { id: string }) => o.id === offer.id).name;
    expect((await post('/housing-offers', 'dev-chief', { name, targetGroup: 'y' })).statusCode).toBe(409);
    const added = await post(`/housing-offers/${offer.id}/places`, 'dev-chief', { labels: ['2', '3'] });
    expect(added.statusCode).toBe(200);
    expect(added.json().vacantPlaces).toBe(3);
  });

  it('bed-day rates: area chief only, tiers must cover every day', async () => {
    const url = '/payments/bed-day-rates';
    expect((await post(url, 'dev-psychiatry', { validFrom: '2030-01-01', tiers: [{ fromDay: 1, toDay: null, dkkPerDay: 1 }] })).statusCode).toBe(403);
    const gap = await post(url, 'dev-chief', { validFrom: '2030-01-01', tiers: [{ fromDay: 1, toDay: 2, dkkPerDay: 1 }, { fromDay: 4, toDay: null, dkkPerDay: 2 }] });
    expect(gap.statusCode).toBe(400);
    expect(gap.json().fields[0].field).toBe('body.tiers');
    const rates = await stack.app.inject({ method: 'GET', url, headers: as('dev-supervisor') });
    expect(rates.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ validFrom: '2016-01-01', fromDay: 1, toDay: 2, dkkPerDay: 3952 }),
        expect.objectContaining({ validFrom: '2016-01-01', fromDay: 3, toDay: null, dkkPerDay: 5928 }),
      ]),
    );
    expect((await stack.app.inject({ method: 'GET', url: '/payments/bed-days', headers: as('dev-hospital') })).statusCode).toBe(403);
  });

  it('a repeat of the decision that ended the case, whose first answer was lost, gets that answer (not 409), its text written once', async () => {
    const id = await openCase('forvarsling');
    const key = { 'idempotency-key': `withdraw-${id}` };
    const first = await post(`/cases/${id}/psychiatric/withdraw`, 'dev-hospital', { reason: 'Region withdrew the notice' }, key);
    expect(first.statusCode).toBe(200);
    // the first answer never reached the caller, and the stored answer is gone (e.g. a 503 released the key)
    await stack.database.db.delete(idempotencyKeys).where(eq(idempotencyKeys.key, `withdraw-${id}`));
    const again = await post(`/cases/${id}/psychiatric/withdraw`, 'dev-hospital', { reason: 'Region withdrew the notice' }, key);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ ended: true, outcome: 'withdrawn' });
    const records = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id));
    expect(records.filter((r) => r.key === first.json().key)).toHaveLength(records.some((r) => r.key === first.json().key) ? 1 : 0);
    // another decision (another key) on the ended case is still refused
    const other = await post(`/cases/${id}/psychiatric/withdraw`, 'dev-hospital', {}, { 'idempotency-key': `other-${id}` });
    expect(other.statusCode).toBe(409);
  });
});

