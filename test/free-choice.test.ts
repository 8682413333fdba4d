/**
 * Issue 9 point 1 (002): the citizen's free choice among the housing offers with a vacant place.
 * A placement departing from the recorded choice while the chosen offer has a vacant place is
 * refused (409 naming the choice) unless a reason code from a short list is given; the override
 * is recorded and shown in the case history. An external purchase while an own offer has a vacant
 * place needs a reason code too (buy "where none exists").
 */
import { describe, expect, it } from 'vitest';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { useTestStack } from './helpers.js';

const stack = useTestStack({ temporal: 'dev', app: true });
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const post = (url: string, token: string, payload: unknown) =>
  stack.app.inject({ method: 'POST', url, headers: as(token), payload: payload as object });

async function openCase(): Promise<string> {
  const res = await post('/cases', 'dev-hospital', {
    type: 'psychiatric_discharge',
    cpr: fakeCpr('1984-04-04'),
    notice: 'faerdigmelding',
    receivedAt: hoursAgo(1),
    readyAt: hoursAgo(2),
    ward: 'Psykiatrisk Center København',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

let n = 0;
async function newOffer(places: string[]): Promise<{ id: string; name: string }> {
  const res = await post('/housing-offers', 'dev-psychiatry', { name: `Frit valg ${Date.now()}-${++n}`, targetGroup: 'Adults', places });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const involve = (id: string, chosenOfferId?: string) =>
  post(`/cases/${id}/psychiatric/involvement`, 'dev-psychiatry', {
    wishesForSupport: 'Staff at night',
    wishesForFuture: 'Own flat',
    ...(chosenOfferId ? { chosenOfferId } : {}),
  });

describe('free choice of housing offer (002)', () => {
  it('another offer while the chosen one has a vacant place → 409 naming the choice; with a reason code → placed, override in the status and the history', async () => {
    const id = await openCase();
    const chosen = await newOffer(['A1']);
    const other = await newOffer(['B1']);
    expect((await involve(id, chosen.id)).statusCode).toBe(200);

    const refused = await post(`/cases/${id}/psychiatric/placement`, 'dev-psychiatry', { offerId: other.id });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().message).toContain(chosen.name);
    expect(refused.json().message).toContain(chosen.id);

    const badCode = await post(`/cases/${id}/psychiatric/placement`, 'dev-psychiatry', { offerId: other.id, overrideReason: 'because' });
    expect(badCode.statusCode).toBe(400);

    const placed = await post(`/cases/${id}/psychiatric/placement`, 'dev-psychiatry', { offerId: other.id, overrideReason: 'chosen_offer_cannot_meet_need' });
    expect(placed.statusCode, placed.body).toBe(200);

    const view = await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-supervisor') });
    expect(view.statusCode).toBe(200);
    const body = view.json();
    expect(body.live.placement).toMatchObject({
      kind: 'own_offer',
      offerId: other.id,
      choiceOverride: { chosenOfferId: chosen.id, reason: 'chosen_offer_cannot_meet_need' },
    });
    const entry = (body.history as { action: string; statusCode: number; detail: Record<string, unknown> | null }[]).find(
      (h) => h.action === 'psychiatric.placement.decide' && h.statusCode === 200,
    );
    expect(entry?.detail).toMatchObject({ offerId: other.id, overrideReason: 'chosen_offer_cannot_meet_need' });
  });

  it('"the citizen changed their choice" needs the involvement re-recorded; the chosen offer full → no reason needed', async () => {
    const id = await openCase();
    const chosen = await newOffer(['C1']);
    const other = await newOffer(['D1']);
    expect((await involve(id, chosen.id)).statusCode).toBe(200);
    const early = await post(`/cases/${id}/psychiatric/placement`, 'dev-psychiatry', { offerId: other.id, overrideReason: 'citizen_changed_choice' });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/involvement again/);
    expect((await involve(id)).statusCode).toBe(200);
    const placed = await post(`/cases/${id}/psychiatric/placement`, 'dev-psychiatry', { offerId: other.id, overrideReason: 'citizen_changed_choice' });
    expect(placed.statusCode, placed.body).toBe(200);

    // a second citizen chose the same offer C, now full after another case took C1: placement elsewhere needs no reason
    const id2 = await openCase();
    expect((await involve(id2, chosen.id)).statusCode).toBe(200);
    const id3 = await openCase();
    expect((await involve(id3)).statusCode).toBe(200);
    expect((await post(`/cases/${id3}/psychiatric/placement`, 'dev-psychiatry', { offerId: chosen.id })).statusCode).toBe(200);
    const elsewhere = await newOffer(['E1']);
    const ok = await post(`/cases/${id2}/psychiatric/placement`, 'dev-psychiatry', { offerId: elsewhere.id });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('an external purchase while an own offer has a vacant place needs a reason code', async () => {
    const id = await openCase();
    const vacant = await newOffer(['F1']);
    expect((await involve(id)).statusCode).toBe(200);
    const refused = await post(`/cases/${id}/psychiatric/external-placement`, 'dev-psychiatry', { provider: 'Privat Bosted ApS' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().message).toContain(vacant.name);
    const bought = await post(`/cases/${id}/psychiatric/external-placement`, 'dev-psychiatry', {
      provider: 'Privat Bosted ApS',
      reasonCode: 'no_vacant_own_place_fits',
    });
    expect(bought.statusCode, bought.body).toBe(200);
    const view = (await stack.app.inject({ method: 'GET', url: `/cases/${id}?live=true`, headers: as('dev-supervisor') })).json();
    expect(view.live.placement).toMatchObject({ kind: 'external', reasonCode: 'no_vacant_own_place_fits' });
  });
});
