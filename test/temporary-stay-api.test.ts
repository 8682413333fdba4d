/** Temporary-stay API through fastify.inject on the dev server: roles, 400/403/409, idempotency, the whole path. */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, cases, placeOffers } from '../db/schema/index.js';
import { addDays, localDate } from '../domain/calendar.js';
import { WaitingListEntry } from '../api/case-types/temporary-stay/contracts.js';
import { LIVE_STATUS_DEADLINE_MS } from '../api/live.js';
import { allocatorWorkflowId } from '../workflows/temporary-stay/allocation-state.js';
import { allocationQuery } from '../workflows/temporary-stay/messages.js';
import { as, testApp } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, startWorker, useTestStack } from './helpers.js';
import { registerPlaceType, uniqueType } from './temporary-stay-support.js';


const stack = useTestStack({ temporal: 'dev', app: true });

const post = (url: string, token: string, payload: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({ method: 'POST', url, headers: { ...as(token), ...headers }, payload: payload as object });
const get = (url: string, token: string) => stack.app.inject({ method: 'GET', url, headers: as(token) });
const fields = (res: { json(): { fields?: { field: string }[] } }) => (res.json().fields ?? []).map((f) => f.field);
/** An instant in an answer: ISO 8601 with the Copenhagen offset (never epoch ms, never UTC `Z`). */
const COPENHAGEN_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+0[12]:00$/;

describe('temporary-stay API', () => {
  it('drives facility, places, applications, offer, stay and hospital event with roles, 400/403/409 and Idempotency-Key', async () => {
    const placeType = await registerPlaceType(stack.database.db, uniqueType('api'));
    await registerPlaceType(stack.database.db, `${placeType}-aflastning`);
    // Facilities and places: housing team lead only.
    expect((await post('/facilities', 'dev-assessor', { name: 'x' })).statusCode).toBe(403);
    const fac = await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}`, address: 'Nørrebrogade 1' });
    expect(fac.statusCode).toBe(201);
    const facilityId = fac.json().id as string;
    expect(fac.json().createdAt).toMatch(COPENHAGEN_INSTANT);
    expect((await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` })).statusCode).toBe(409);
    const badPlace = await post('/places', 'dev-housing', { facilityId, placeType: 'Bad Type!', label: '' });
    expect(badPlace.statusCode).toBe(400);
    expect(fields(badPlace)).toEqual(expect.arrayContaining(['body.placeType', 'body.label']));
    const noFacility = await post('/places', 'dev-housing', { facilityId: '00000000-0000-4000-8000-000000000000', placeType, label: 'A' });
    expect(noFacility.statusCode).toBe(400);
    expect(fields(noFacility)).toEqual(['body.facilityId']);

    // Applications: needs assessor only.
    const body = (over: Record<string, unknown> = {}) => ({
      cpr: fakeCpr('1940-05-05'),
      eligible: true,
      placeType,
      purpose: 'rehabilitation',
      priority: 'middel',
      ...over,
    });
    expect((await post('/temporary-stays', 'dev-hospital', body())).statusCode).toBe(403);
    const bad = await post('/temporary-stays', 'dev-assessor', body({ priority: 'urgent', eligible: false, cpr: '123', purpose: 'hip fracture, rehabilitation' }));
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toEqual(expect.arrayContaining(['body.priority', 'body.eligible', 'body.cpr', 'body.purpose']));
    const cprA = fakeCpr('1941-01-01');
    const older = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const a = await post('/temporary-stays', 'dev-assessor', body({ cpr: cprA, priority: 'hoej', appliedAt: older }), { 'idempotency-key': `open-${placeType}` });
    expect(a.statusCode).toBe(201);
    const caseA = a.json().id as string;
    // The case's workflow id is its case number.
    expect(a.json().caseNumber).toMatch(/^MDO-\d{4}-\d{6}$/);
    expect(a.json().workflowId).toBe(a.json().caseNumber);
    const again = await post('/temporary-stays', 'dev-assessor', body({ cpr: cprA, priority: 'hoej', appliedAt: older }), { 'idempotency-key': `open-${placeType}` });
    expect(again.json()).toMatchObject({ id: caseA, caseNumber: a.json().caseNumber });
    const dup = await post('/temporary-stays', 'dev-assessor', body({ cpr: cprA }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toMatch(/already has an open/);
    const b = await post('/temporary-stays', 'dev-assessor', body({ priority: 'planlagt' }));
    const caseB = b.json().id as string;

    expect((await get('/waiting-list', 'dev-housing')).statusCode).toBe(400);
    const wl = await eventually(async () => {
      const r = (await get(`/waiting-list?placeType=${placeType}`, 'dev-housing')).json();
      return r.entries.length === 2 ? r : undefined;
    });
    expect(wl.entries.map((e: { rank: number; caseId: string }) => [e.rank, e.caseId])).toEqual([
      [1, caseA],
      [2, caseB],
    ]);
    expect(wl.entries[0].daysWaited).toBe(10);
    // a page of the list keeps the ranks of the whole list
    const second = (await get(`/waiting-list?placeType=${placeType}&limit=1&offset=1`, 'dev-housing')).json();
    expect(second.entries.map((e: { rank: number; caseId: string }) => [e.rank, e.caseId])).toEqual([[2, caseB]]);
    // instants in the one format: the waiting-list date is the application's, with the Copenhagen offset
    expect(wl.entries[0].waitingSince).toMatch(COPENHAGEN_INSTANT);
    expect(Date.parse(wl.entries[0].waitingSince)).toBe(Date.parse(older));
    expect(wl.asOf).toMatch(COPENHAGEN_INSTANT);
    // need to know by construction: a row carries exactly the contract's fields (nothing the allocator holds besides)
    for (const entry of wl.entries) expect(Object.keys(entry).sort()).toEqual(Object.keys(WaitingListEntry.shape).sort());
    expect((await get(`/waiting-list?placeType=${placeType}`, 'dev-hospital')).statusCode).toBe(403);

    // A place → offered to A.
    const place = await post('/places', 'dev-housing', { facilityId, placeType, label: 'Stue 1' }, { 'idempotency-key': `place-${placeType}` });
    expect(place.statusCode).toBe(201);
    const placeId = place.json().id as string;
    // the allocator's view carries epoch ms; the answer an instant with the Copenhagen offset
    expect(place.json().since).toMatch(COPENHAGEN_INSTANT);
    expect(Math.abs(Date.parse(place.json().since) - Date.now())).toBeLessThan(60_000);
    expect((await post('/places', 'dev-housing', { facilityId, placeType, label: 'Stue 1' })).statusCode).toBe(409);
    // Labels are unique per facility, across place types too.
    const otherType = await post('/places', 'dev-housing', { facilityId, placeType: `${placeType}-aflastning`, label: 'Stue 1' });
    expect(otherType.statusCode).toBe(409);
    expect(otherType.json().message).toMatch(/already has a place labelled "Stue 1"/);
    const offer = await eventually(async () => {
      const r = (await get(`/temporary-stays/${caseA}`, 'dev-assessor')).json();
      return r.offer;
    });
    expect(offer.placeId).toBe(placeId);
    expect(offer.placeLabel).toBe('Stue 1');
    expect(offer.offeredAt).toMatch(COPENHAGEN_INSTANT);
    expect(Date.parse(offer.replyBy)).toBeGreaterThan(Date.parse(offer.offeredAt));
    const read = (await get(`/temporary-stays/${caseA}`, 'dev-assessor')).json();
    expect(Date.parse(read.application.waitingSince)).toBe(Date.parse(older));
    expect(read.application.waitingSince).toMatch(COPENHAGEN_INSTANT);
    expect(read).toMatchObject({ status: null, pastOffers: [], stay: null });
    // A case with an offer out says so: the case row and the CaseStep search attribute
    // (`temporal workflow list --query 'CaseStep="offered"'`).
    const caseNumberA = a.json().caseNumber as string;
    await eventually(async () => (await stack.database.db.select().from(cases).where(eq(cases.id, caseA)))[0]?.step === 'offered');
    await eventually(async () => {
      for await (const w of stack.env.client.workflow.list({ query: `CaseStep="offered" AND WorkflowId="${caseNumberA}"` })) {
        if (w.workflowId === caseNumberA) return true;
      }
      return false;
    });

    // Replies: wrong offer → 409; accept without date → 400; accept → 200, replayed with the key.
    const wrong = await post(`/cases/${caseA}/temporary-stay/offer-reply`, 'dev-housing', { offerId: caseB, accept: false });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().message).toMatch(/no longer open/);
    const noDate = await post(`/cases/${caseA}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.offerId, accept: true });
    expect(fields(noDate)).toEqual(['body.plannedEndDate']);
    expect((await post(`/cases/${caseB}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.offerId, accept: false })).statusCode).toBe(409);
    const plannedEndDate = addDays(localDate(Date.now()), 21);
    const key = { 'idempotency-key': `accept-${placeType}` };
    const acc = await post(`/cases/${caseA}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.offerId, accept: true, plannedEndDate }, key);
    expect(acc.statusCode).toBe(200);
    expect(acc.json().status).toBe('accepted');
    const replay = await post(`/cases/${caseA}/temporary-stay/offer-reply`, 'dev-housing', { offerId: offer.offerId, accept: true, plannedEndDate }, key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replay']).toBe('true');

    // the stay from the database: the accepted offer's id, the planned end, running
    const inStay = (await get(`/temporary-stays/${caseA}`, 'dev-assessor')).json();
    expect(inStay).toMatchObject({ offer: null, pastOffers: [{ offerId: offer.offerId, placeId, status: 'accepted' }] });
    expect(inStay.stay).toMatchObject({ stayId: offer.offerId, placeId, placeLabel: 'Stue 1', plannedEndDate, reassessment: null, endedAt: null });
    expect(inStay.stay.startedAt).toMatch(COPENHAGEN_INSTANT);

    const places = (await get(`/places?placeType=${placeType}`, 'dev-assessor')).json();
    expect(places.occupancy).toMatchObject({ total: 1, occupied: 1, vacant: 0 });
    expect(places.places[0].stay.caseId).toBe(caseA);
    expect(places.places[0].stay.startedAt).toMatch(COPENHAGEN_INSTANT);
    expect((await post(`/places/${placeId}/close`, 'dev-housing', {})).statusCode).toBe(409);

    // Priority: refused once in the stay; accepted for B with a reason, audited.
    expect((await post(`/cases/${caseA}/temporary-stay/priority`, 'dev-assessor', { priority: 'akut', reason: 'acute_event' })).statusCode).toBe(409);
    expect(fields(await post(`/cases/${caseB}/temporary-stay/priority`, 'dev-assessor', { priority: 'akut' }))).toEqual(['body.reason']);
    // the reason is a code of the priority list (the details go in the journal, not in the case)
    expect(fields(await post(`/cases/${caseB}/temporary-stay/priority`, 'dev-assessor', { priority: 'akut', reason: 'carer fell ill' }))).toEqual([
      'body.reason',
    ]);
    const pr = await post(`/cases/${caseB}/temporary-stay/priority`, 'dev-assessor', { priority: 'akut', reason: 'danger_to_self' });
    expect(pr.statusCode).toBe(200);
    expect(pr.json()).toMatchObject({ from: 'planlagt', to: 'akut' });
    const audits = await stack.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.caseId, caseB), eq(auditLog.action, 'temporary_stay.priority')));
    // one row per request on the case: the two refused bodies (400) and the change (200)
    expect(audits.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
    // The audit keeps the codes; the reason is recorded with the change.
    expect(audits.find((r) => r.statusCode === 200)!.detail).toMatchObject({ priority: 'akut', reason: 'danger_to_self' });

    // Reassessment and end of stay.
    expect(fields(await post(`/cases/${caseA}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'extension' }))).toEqual(['body.newEndDate']);
    expect((await post(`/cases/${caseB}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'home' })).statusCode).toBe(409);
    expect((await post(`/cases/${caseA}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'home_with_help' })).statusCode).toBe(200);
    const nh = await post(`/cases/${caseA}/temporary-stay/end-stay`, 'dev-housing', { reason: 'nursing_home_place_found' });
    expect(nh.statusCode).toBe(409);
    expect(nh.json().message).toMatch(/nursing-home/);

    // The hospital reports A admitted: the stay ends, the place goes to B.
    expect((await post(`/cases/${caseA}/temporary-stay/hospital-events`, 'dev-assessor', { event: 'readmitted' })).statusCode).toBe(403);
    const ev = await post(`/cases/${caseA}/temporary-stay/hospital-events`, 'dev-hospital', { event: 'readmitted' });
    expect(ev.statusCode).toBe(200);
    expect(ev.json()).toMatchObject({ caseNumber: a.json().caseNumber, step: 'closed', outcome: 'readmitted' });
    await eventually(async () => {
      const rows = await stack.database.db
        .select()
        .from(placeOffers)
        .where(and(eq(placeOffers.caseId, caseB), eq(placeOffers.status, 'offered')));
      return rows[0]?.placeId === placeId;
    });
    // the last stay stays readable after the case ended, with why it ended
    const ended = (await get(`/temporary-stays/${caseA}`, 'dev-assessor')).json();
    expect(ended.stay).toMatchObject({ stayId: offer.offerId, reassessment: 'home_with_help', endReason: 'readmitted' });
    expect(ended.stay.endedAt).toMatch(COPENHAGEN_INSTANT);
    expect(ended.stay.reassessedAt).toMatch(COPENHAGEN_INSTANT);
    expect((await post(`/cases/${caseA}/temporary-stay/withdraw`, 'dev-assessor', { reason: 'no_longer_needed' })).statusCode).toBe(409);
    expect((await get(`/cases/${caseA}`, 'dev-assessor')).json().outcome).toBe('readmitted');
  });
});

describe('GET /temporary-stays/:id reads the database', () => {
  it('the open offer from the database (status null); the live status only with ?live=true; with no worker the read still answers, ?live=true without the status, quickly', async () => {
    // a worker of its own on a private task queue (the case and its place type's allocator run there), stopped halfway
    const taskQueue = `tq-stay-read-${randomUUID()}`;
    const worker = await startWorker(stack.env, stack.database, taskQueue);
    const app = await testApp({ database: stack.database, temporal: stack.env.client, taskQueue });
    const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
      app.inject({ method, url, headers: as(token), ...(payload ? { payload } : {}) });
    try {
      const placeType = await registerPlaceType(stack.database.db, uniqueType('read'));
      const facility = (await call('POST', '/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` })).json();
      const applied = await call('POST', '/temporary-stays', 'dev-assessor', { cpr: fakeCpr('1939-03-03'), eligible: true, placeType, purpose: 'respite', priority: 'hoej' });
      expect(applied.statusCode, applied.body).toBe(201);
      const caseId = applied.json().id as string;
      const placed = await call('POST', '/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 7' });
      expect(placed.statusCode, placed.body).toBe(201);

      // by default: the database's open offer, the one the allocator made; no status, no liveError
      const offer = await eventually(async () => (await call('GET', `/temporary-stays/${caseId}`, 'dev-assessor')).json().offer);
      const view = await stack.env.client.workflow.getHandle(allocatorWorkflowId(placeType)).query(allocationQuery);
      expect(offer.offerId).toBe(view.offers.find((o) => o.caseId === caseId)?.offerId);
      expect(offer).toMatchObject({ placeId: placed.json().id, placeLabel: 'Stue 7' });
      const plain = (await call('GET', `/temporary-stays/${caseId}`, 'dev-assessor')).json();
      expect(plain.status).toBeNull();
      expect(plain).not.toHaveProperty('liveError');
      // ?live=true: the case workflow's own status, which knows the same offer
      const live = await eventually(async () => {
        const r = (await call('GET', `/temporary-stays/${caseId}?live=true`, 'dev-assessor')).json();
        return r.status?.offer ? r : undefined;
      });
      expect(live.status).toMatchObject({ caseId, step: 'offered', offer: { offerId: offer.offerId, placeLabel: 'Stue 7' } });
      expect(live).not.toHaveProperty('liveError');

      // no worker runs: the page still answers from the database; the live status is left out, with why, within its deadline
      await worker.stop();
      const t0 = Date.now();
      const without = await call('GET', `/temporary-stays/${caseId}`, 'dev-assessor');
      expect(without.statusCode, without.body).toBe(200);
      // it asks Temporal nothing: well within the deadline a live read would wait
      expect(Date.now() - t0).toBeLessThan(LIVE_STATUS_DEADLINE_MS);
      expect(without.json()).toMatchObject({ status: null, offer: { offerId: offer.offerId, placeLabel: 'Stue 7' }, application: { caseId, status: 'offered' } });
      expect(without.json()).not.toHaveProperty('liveError');
      const t1 = Date.now();
      const asked = await call('GET', `/temporary-stays/${caseId}?live=true`, 'dev-assessor');
      expect(asked.statusCode, asked.body).toBe(200);
      expect(Date.now() - t1).toBeLessThan(LIVE_STATUS_DEADLINE_MS + 3_000);
      expect(asked.json()).toMatchObject({ status: null, liveError: expect.stringMatching(/^workflow status unavailable/), offer: { offerId: offer.offerId } });
    } finally {
      await worker.stop();
      await app.close();
    }
  });
});

describe('temporary-stay API documentation', () => {
  it('the OpenAPI document lists the routes; a place type is normalised (spaces, capitals)', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/temporary-stays', '/waiting-list', '/places']));
    await registerPlaceType(stack.database.db, 'midlertidig-rehabilitering');
    const r = await get('/waiting-list?placeType=Midlertidig%20Rehabilitering', 'dev-assessor');
    expect(r.statusCode).toBe(200);
    expect(r.json().placeType).toBe('midlertidig-rehabilitering');
  });
});
