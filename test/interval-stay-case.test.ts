/**
 * A booked interval stay is a case (intervalophold, 003) end to end through the API on the
 * time-skipping server: the booking opens it; the arrival is at risk from 00:00 of the first day
 * and escalates overnight after it to the housing team lead, at those exact instants; the late
 * arrival occupies the place (told to the allocator) and opens the end, at risk from 00:00 of the
 * last day and escalated overnight after it; the (late) end frees the place and closes the case;
 * the first day on the change to summer time. A cancelled booking and a no-show close
 * their cases and release the place.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { escalations, intervalBookings } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { intervalStayCaseType } from '../workflows/interval-stay/case-type.js';
import { intervalStayStatusQuery, type IntervalStayStatus } from '../workflows/interval-stay/messages.js';
import { ActingRoleKey, CaseStepKey, CaseTypeKey, EscalatedKey, NextDueDayKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { as } from './api-helpers.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const statusOf = (workflowId: string) => stack.env.client.workflow.getHandle(workflowId).query(intervalStayStatusQuery);
const { obligationRow, caseRow, expectTurnsAt } = slaKit<string, IntervalStayStatus>(stack, statusOf);
const post = (url: string, token: string, payload: object = {}) => stack.app.inject({ method: 'POST', url, headers: as(token), payload });
const get = (url: string, token: string) => stack.app.inject({ method: 'GET', url, headers: as(token) });
const placeStatus = async (placeType: string, placeId: string) =>
  (await get(`/places?placeType=${placeType}`, 'dev-housing')).json().places.find((p: { id: string }) => p.id === placeId).status as string;
const bookingRow = async (id: string) => (await stack.database.db.select().from(intervalBookings).where(eq(intervalBookings.id, id)))[0]!;

/** An interval-capable place type with one place, and a citizen on its interval list. */
async function intervalPlace(): Promise<{ placeType: string; placeId: string; entryId: string }> {
  const placeType = `intcase-${randomUUID().slice(0, 8)}`;
  expect((await post('/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (interval)' })).statusCode).toBe(201);
  expect((await post('/interval-place-types', 'dev-housing', { placeType })).statusCode).toBe(201);
  const facility = (await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` })).json();
  const place = (await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' })).json();
  const entry = await post('/interval-list', 'dev-assessor', { cpr: fakeCpr('1942-03-04'), placeType, everyWeeks: 6, stayDays: 7, suits: 'Stue 1 ved haven' });
  expect(entry.statusCode, entry.body).toBe(201);
  return { placeType, placeId: place.id, entryId: entry.json().id };
}

async function book(p: { placeId: string; entryId: string }, from: string, to: string): Promise<{ id: string; caseNumber: string }> {
  const booked = await post('/interval-bookings', 'dev-housing', { entryId: p.entryId, placeId: p.placeId, from, to });
  expect(booked.statusCode, booked.body).toBe(201);
  expect(booked.json().caseId).toBe(booked.json().bookingId);
  expect(booked.json().caseNumber).toMatch(/^INT-\d{4}-\d{6}$/);
  return { id: booked.json().caseId, caseNumber: booked.json().caseNumber };
}

describe('a booked interval stay is a case (time-skipping server)', () => {
  it('arrival at risk at 00:00 of the first day, escalated overnight to the housing team lead; the late arrival occupies the place; the end, escalated the night after the last day, frees it', { timeout: 240_000 }, async () => {
    const p = await intervalPlace();
    const today = localDate(await stack.env.currentTimeMs());
    const from = addDays(today, 3);
    const to = addDays(from, 6);
    const { id, caseNumber } = await book(p, from, to);
    const live = (await get(`/cases/${id}?live=true`, 'dev-housing')).json();
    expect(live.live).toMatchObject({ step: 'booked', bookingId: id, placeId: p.placeId, from, to });
    const escalateAt = overnightAfter(from, defaultRules.escalationLocalHour);
    expect(live.obligations[0]).toMatchObject({ key: 'interval-arrival', dueDay: from, escalationAt: formatLocal(escalateAt) });
    const queue = (await get('/work-queue?limit=200', 'dev-housing')).json();
    expect(queue.items.find((i: { caseId: string }) => i.caseId === id)).toMatchObject({ obligation: 'interval-arrival', dueDay: from, action: { code: 'register_interval_arrival' } });
    expect((await get(`/cases/${id}`, 'dev-hospital')).statusCode).toBe(403);

    // too early to arrive (refused by the case); the wrong role
    const early = await post(`/cases/${id}/interval-stay/arrived`, 'dev-housing');
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain(from);
    expect((await post(`/cases/${id}/interval-stay/arrived`, 'dev-assessor')).statusCode).toBe(403);

    await expectTurnsAt(caseNumber, id, 'interval-arrival', localInstant(from), 'on_track', 'at_risk');
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id))).toHaveLength(0);
    await expectTurnsAt(caseNumber, id, 'interval-arrival', escalateAt, 'at_risk', 'breached');
    const [esc] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id));
      return rows.length ? rows : undefined;
    });
    expect(esc).toMatchObject({ key: 'interval-arrival', kind: 'interval_arrival_overdue', recipientRole: 'housing_team_lead', dueDay: from, severity: 'escalation' });
    expect(esc!.scheduledFor.getTime()).toBe(escalateAt);
    expect(formatLocal(escalateAt).slice(11, 19)).toBe('00:00:00');
    expect((await get(`/escalations?recipientRole=housing_team_lead&case=${id}`, 'dev-housing')).json().items).toHaveLength(1);
    // the Web UI's search attributes of every case
    const attrs = await eventually(async () => {
      const a = (await stack.env.client.workflow.getHandle(caseNumber).describe()).typedSearchAttributes;
      return a.get(EscalatedKey) === true ? a : undefined;
    });
    expect([attrs.get(CaseTypeKey), attrs.get(CaseStepKey), attrs.get(ActingRoleKey), attrs.get(SlaStateKey), attrs.get(NextDueDayKey)]).toEqual([
      intervalStayCaseType.name,
      'booked',
      'housing_team_lead',
      'breached',
      from,
    ]);

    // the second day: the citizen arrives late; the allocator occupies the place
    const arrived = await post(`/cases/${id}/interval-stay/arrived`, 'dev-housing');
    expect(arrived.statusCode, arrived.body).toBe(200);
    expect(arrived.json()).toMatchObject({ caseId: id, caseNumber, step: 'arrived' });
    const liveArrived = await get(`/cases/${id}?live=true`, 'dev-housing');
    expect(liveArrived.statusCode, liveArrived.body).toBe(200);
    expect(await placeStatus(p.placeType, p.placeId)).toBe('occupied');
    expect((await bookingRow(id)).status).toBe('arrived');
    expect((await eventually(() => obligationRow(id, 'interval-arrival')))!.state).toBe('met_late');
    const end = await eventually(() => obligationRow(id, 'interval-end'));
    expect(end).toMatchObject({ kind: 'interval_end', actorRole: 'housing_team_lead', escalateTo: 'housing_team_lead', dueDay: to, state: 'on_track' });
    expect(end.atRiskAt.getTime()).toBe(localInstant(to));
    await expectTurnsAt(caseNumber, id, 'interval-end', localInstant(to), 'on_track', 'at_risk');
    const endEscalateAt = overnightAfter(to, defaultRules.escalationLocalHour);
    await expectTurnsAt(caseNumber, id, 'interval-end', endEscalateAt, 'at_risk', 'breached');
    const endEsc = await eventually(async () => (await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id))).find((e) => e.key === 'interval-end'));
    expect(endEsc).toMatchObject({ kind: 'interval_end_overdue', recipientRole: 'housing_team_lead', dueDay: to });
    expect(endEsc.scheduledFor.getTime()).toBe(endEscalateAt);

    const ended = await post(`/cases/${id}/interval-stay/ended`, 'dev-housing');
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ step: 'closed', outcome: 'ended' });
    await eventually(async () => ((await caseRow(id)).outcome === 'ended' ? true : undefined));
    expect((await obligationRow(id, 'interval-end'))!.state).toBe('met_late');
    expect(await placeStatus(p.placeType, p.placeId)).toBe('vacant');
    expect((await bookingRow(id)).status).toBe('ended');
    expect((await post(`/cases/${id}/interval-stay/ended`, 'dev-housing')).statusCode).toBe(409);
  });

  it('a cancelled booking and a no-show close their cases and release the place', { timeout: 180_000 }, async () => {
    const p = await intervalPlace();
    const today = localDate(await stack.env.currentTimeMs());
    const first = await book(p, addDays(today, 2), addDays(today, 4));
    const cancelled = await post(`/cases/${first.id}/interval-stay/cancel`, 'dev-housing');
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ step: 'closed', outcome: 'cancelled' });
    expect((await bookingRow(first.id)).status).toBe('cancelled');
    expect((await eventually(() => obligationRow(first.id, 'interval-arrival')))!.state).toBe('cancelled');

    // the same period again (the place was released); the citizen does not come
    const second = await book(p, addDays(today, 2), addDays(today, 4));
    expect((await post(`/cases/${second.id}/interval-stay/no-show`, 'dev-housing')).statusCode).toBe(409); // not before the first day
    const now = await stack.env.currentTimeMs();
    await stack.env.sleep(localInstant(addDays(today, 2), 10) - now);
    const noShow = await post(`/cases/${second.id}/interval-stay/no-show`, 'dev-housing');
    expect(noShow.statusCode, noShow.body).toBe(200);
    expect(noShow.json()).toMatchObject({ step: 'closed', outcome: 'no_show' });
    expect((await bookingRow(second.id)).status).toBe('no_show');
    expect((await eventually(() => obligationRow(second.id, 'interval-arrival')))!.state).toBe('met');
    const calendar = (await get(`/places/${p.placeId}/calendar?from=${addDays(today, 2)}&to=${addDays(today, 4)}`, 'dev-housing')).json();
    expect(calendar.periods).toEqual([{ from: addDays(today, 2), to: addDays(today, 4), status: 'free' }]);

    // the allocator refuses what its places do not allow, and so the case refuses it, with the reason
    const a = await book(p, addDays(today, 2), addDays(today, 3));
    expect((await post(`/cases/${a.id}/interval-stay/arrived`, 'dev-housing')).statusCode).toBe(200);
    const b = await book(p, addDays(today, 4), addDays(today, 5));
    await stack.env.sleep(localInstant(addDays(today, 4), 10) - (await stack.env.currentTimeMs()));
    const stillThere = await post(`/cases/${b.id}/interval-stay/arrived`, 'dev-housing');
    expect(stillThere.statusCode, stillThere.body).toBe(409);
    expect(stillThere.json().message).toContain('the place is occupied');
    expect((await statusOf(b.caseNumber)).step).toBe('booked');
    expect((await bookingRow(b.id)).status).toBe('booked');
    // the booking's route (a deprecated alias of the case's decision), also without a body
    const aEnded = await stack.app.inject({ method: 'POST', url: `/interval-bookings/${a.id}/ended`, headers: as('dev-housing') });
    expect(aEnded.statusCode, aEnded.body).toBe(200);
    expect(aEnded.json()).toMatchObject({ bookingId: a.id, state: 'ended', caseId: a.id, caseNumber: a.caseNumber });
    expect(aEnded.headers).toMatchObject({ deprecation: 'true', link: `</cases/${a.id}/interval-stay/ended>; rel="successor-version"` });
    expect((await caseRow(a.id)).step).toBe('closed');
    const history = (await get(`/cases/${a.id}`, 'dev-housing')).json().history as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(['interval.book', 'interval_stay.arrived', 'interval.ended']));
    expect((await post(`/cases/${b.id}/interval-stay/arrived`, 'dev-housing')).statusCode).toBe(200);
  });

  it('the first day is the day summer time begins: at risk at its 00:00 (+01:00), escalated at 00:00 (+02:00) the night after, 23 hours later', { timeout: 240_000 }, async () => {
    const HOUR = 3_600_000;
    const lastSundayOfMarch = (year: number) => {
      let d = `${year}-03-31`;
      while (new Date(`${d}T12:00:00Z`).getUTCDay() !== 0) d = addDays(d, -1);
      return d;
    };
    // the next change to summer time on the server's clock (its time moves on with the tests before)
    const now = await stack.env.currentTimeMs();
    let year = Number(localDate(now).slice(0, 4));
    while (localInstant(lastSundayOfMarch(year)) < now + 48 * HOUR) year++;
    const from = lastSundayOfMarch(year);
    const p = await intervalPlace();
    const { id, caseNumber } = await book(p, from, addDays(from, 6));
    const atRiskAt = localInstant(from);
    const escalateAt = overnightAfter(from, defaultRules.escalationLocalHour);
    expect(formatLocal(atRiskAt)).toBe(`${from}T00:00:00+01:00`);
    expect(formatLocal(escalateAt)).toBe(`${addDays(from, 1)}T00:00:00+02:00`);
    expect(escalateAt - atRiskAt).toBe(23 * HOUR);
    await expectTurnsAt(caseNumber, id, 'interval-arrival', atRiskAt, 'on_track', 'at_risk');
    await expectTurnsAt(caseNumber, id, 'interval-arrival', escalateAt, 'at_risk', 'breached');
    const [esc] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id));
      return rows.length ? rows : undefined;
    });
    expect(esc).toMatchObject({ key: 'interval-arrival', recipientRole: 'housing_team_lead', dueDay: from });
    expect(esc!.scheduledFor.getTime()).toBe(escalateAt);
  });
});
