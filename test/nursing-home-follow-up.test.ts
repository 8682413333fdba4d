/**
 * The nursing-home follow-up (plejebolig, 003) end to end through the API on the time-skipping
 * server: opened by a temporary stay that ends with the nursing-home place found (a child case
 * that outlives the stay) and by the move registered directly (first: a place type's allocator
 * left running makes the server's time skipping slow); the individual decision at risk at
 * 00:00 of week 3 and escalating overnight after week 6 to the visitation team lead, at those
 * exact instants; met late by the decision, whose text stays in the database.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, decisionTexts, escalations } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, localInstant, overnightAfter } from '../domain/calendar.js';
import { defaultRules } from '../domain/rules.js';
import { nursingHomeFollowUpCaseType } from '../workflows/nursing-home-follow-up/case-type.js';
import { nursingHomeFollowUpStatusQuery, type NursingHomeFollowUpStatus } from '../workflows/nursing-home-follow-up/messages.js';
import { as } from './api-helpers.js';
import { ActingRoleKey, CaseStepKey, CaseTypeKey, EscalatedKey, NextDueDayKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { fakeCpr } from './fixtures.js';
import { eventually, useTestStack } from './helpers.js';
import { slaKit } from './sla-support.js';

const stack = useTestStack({ temporal: 'time-skipping', app: true });
const statusOf = (workflowId: string) => stack.env.client.workflow.getHandle(workflowId).query(nursingHomeFollowUpStatusQuery);
const { obligationRow, caseRow, expectTurnsAt } = slaKit<string, NursingHomeFollowUpStatus>(stack, statusOf);
const post = (url: string, token: string, payload: object) => stack.app.inject({ method: 'POST', url, headers: as(token), payload });
const get = (url: string, token: string) => stack.app.inject({ method: 'GET', url, headers: as(token) });

/** A temporary stay through the API up to the stay itself (place type, facility, place, application, accepted offer). */
async function stayInPlace(cpr: string): Promise<{ id: string; caseNumber: string }> {
  const placeType = `nh-${randomUUID().slice(0, 8)}`;
  expect((await post('/place-types', 'dev-housing', { code: placeType, name: 'Aflastning (test)' })).statusCode).toBe(201);
  const facility = (await post('/facilities', 'dev-housing', { name: `Plejecenter ${placeType}` })).json();
  expect((await post('/places', 'dev-housing', { facilityId: facility.id, placeType, label: 'Stue 1' })).statusCode).toBe(201);
  const app = await post('/temporary-stays', 'dev-assessor', { cpr, eligible: true, placeType, purpose: 'awaiting_nursing_home', priority: 'middel' });
  expect(app.statusCode, app.body).toBe(201);
  const offerId = await eventually(async () => (await get(`/temporary-stays/${app.json().id}`, 'dev-assessor')).json().offer?.offerId as string | undefined);
  const plannedEndDate = addDays(localDate(await stack.env.currentTimeMs()), 60);
  const acc = await post(`/cases/${app.json().id}/temporary-stay/offer-reply`, 'dev-housing', { offerId, accept: true, plannedEndDate });
  expect(acc.statusCode, acc.body).toBe(200);
  return { id: app.json().id, caseNumber: app.json().caseNumber };
}

describe('nursing-home follow-up (time-skipping server)', () => {
  it('registered directly: at risk at 00:00 of week 3, escalates overnight after week 6 to the visitation team lead, met late by the decision', { timeout: 240_000 }, async () => {
    const now = await stack.env.currentTimeMs();
    const movedInDay = localDate(now);
    const cpr = fakeCpr('1931-07-08');
    expect((await post('/nursing-home-follow-ups', 'dev-hospital', { cpr, movedInOn: movedInDay })).statusCode).toBe(403);
    const bad = await post('/nursing-home-follow-ups', 'dev-assessor', { cpr, movedInOn: '2026-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('movedInOn');
    const opened = await post('/nursing-home-follow-ups', 'dev-assessor', { cpr, movedInOn: movedInDay });
    expect(opened.statusCode, opened.body).toBe(201);
    const { id, caseNumber } = opened.json();
    expect(caseNumber).toMatch(/^PLB-/);
    const atRiskAt = localInstant(addDays(movedInDay, 21));
    const dueDay = addDays(movedInDay, 42);
    const escalateAt = overnightAfter(dueDay, defaultRules.escalationLocalHour);
    const live = (await get(`/cases/${id}?live=true`, 'dev-assessor')).json();
    expect(live.live).toMatchObject({ step: 'awaiting_decision', movedInDay, atRiskDay: addDays(movedInDay, 21), decisionDueDay: dueDay });
    expect(live.obligations[0].escalationAt).toBe(formatLocal(escalateAt));
    const queue = (await get('/work-queue?limit=200', 'dev-assessor')).json();
    expect(queue.items.find((i: { caseId: string }) => i.caseId === id)).toMatchObject({ obligation: 'individual-decision', dueDay, action: { code: 'nursing_home_decision' } });
    expect((await get(`/cases/${id}`, 'dev-housing')).statusCode).toBe(403);

    await expectTurnsAt(caseNumber, id, 'individual-decision', atRiskAt, 'on_track', 'at_risk');
    expect(await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id))).toHaveLength(0);
    await expectTurnsAt(caseNumber, id, 'individual-decision', escalateAt, 'at_risk', 'breached');
    const [row] = await eventually(async () => {
      const rows = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, id));
      return rows.length ? rows : undefined;
    });
    expect(row).toMatchObject({ key: 'individual-decision', kind: 'nursing_home_decision_overdue', recipientRole: 'visitation_team_lead', dueDay, severity: 'escalation' });
    expect(row!.scheduledFor.getTime()).toBe(escalateAt);
    expect(formatLocal(escalateAt).slice(11, 19)).toBe('00:00:00');
    // the Web UI's search attributes of every case
    const attrs = await eventually(async () => {
      const a = (await stack.env.client.workflow.getHandle(caseNumber).describe()).typedSearchAttributes;
      return a.get(EscalatedKey) === true ? a : undefined;
    });
    expect([attrs.get(CaseTypeKey), attrs.get(CaseStepKey), attrs.get(ActingRoleKey), attrs.get(SlaStateKey), attrs.get(NextDueDayKey)]).toEqual([
      nursingHomeFollowUpCaseType.name,
      'awaiting_decision',
      'needs_assessor',
      'breached',
      dueDay,
    ]);
    const leadSees = (await get(`/escalations?recipientRole=visitation_team_lead&case=${id}`, 'dev-visitation-lead')).json();
    expect(leadSees.items).toHaveLength(1);

    expect((await post(`/cases/${id}/nursing-home-follow-up/decision`, 'dev-housing', { decision: 'x' })).statusCode).toBe(403);
    const text = 'Personlig pleje morgen og aften; boenheden udarbejder handleplan (§ 89 stk. 3).';
    const decided = await post(`/cases/${id}/nursing-home-follow-up/decision`, 'dev-assessor', { decision: text });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toEqual({ key: 'individual-decision', late: true });
    await eventually(async () => ((await caseRow(id)).outcome === 'decision_recorded' ? true : undefined));
    expect((await obligationRow(id, 'individual-decision'))!.state).toBe('met_late');
    const [kept] = await stack.database.db.select().from(decisionTexts).where(eq(decisionTexts.caseId, id));
    expect(kept).toMatchObject({ kind: 'nursing_home_decision', body: { decision: text } });
    // the text never reached the workflow
    const history = JSON.stringify(await stack.env.client.workflow.getHandle(caseNumber).fetchHistory());
    expect(history).not.toContain('boenheden');
    expect((await post(`/cases/${id}/nursing-home-follow-up/decision`, 'dev-assessor', { decision: text })).statusCode).toBe(409);
  });

  it('a stay that ends with the nursing-home place found opens the follow-up as a case of its own; a second one for the citizen is refused', async () => {
    const cpr = fakeCpr('1934-02-03');
    const stay = await stayInPlace(cpr);
    expect((await post(`/cases/${stay.id}/temporary-stay/reassessment`, 'dev-assessor', { outcome: 'nursing_home' })).statusCode).toBe(200);
    const ended = await post(`/cases/${stay.id}/temporary-stay/end-stay`, 'dev-housing', { reason: 'nursing_home_place_found' });
    expect(ended.statusCode, ended.body).toBe(200);
    const movedInDay = localDate(await stack.env.currentTimeMs());
    const stayRow = await caseRow(stay.id);
    expect(stayRow).toMatchObject({ outcome: 'nursing_home', step: 'closed' });

    const child = await eventually(async () => {
      const rows = await stack.database.db.select().from(cases).where(and(eq(cases.citizenId, stayRow.citizenId), eq(cases.type, nursingHomeFollowUpCaseType.name)));
      return rows[0];
    });
    expect(child.workflowId).toMatch(/^PLB-\d{4}-\d{6}$/);
    expect(child).toMatchObject({ step: 'awaiting_decision', closedAt: null, actingRole: 'needs_assessor' });
    expect(child.details).toMatchObject({ movedInDay, decisionDueDay: addDays(movedInDay, 42), originCaseNumber: stay.caseNumber });
    const status = await statusOf(child.workflowId);
    expect(status.origin).toEqual({ caseId: stay.id, caseNumber: stay.caseNumber });
    const ob = await eventually(() => obligationRow(child.id, 'individual-decision'));
    expect(ob).toMatchObject({ kind: 'nursing_home_decision', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay: addDays(movedInDay, 42), state: 'on_track' });
    expect(ob.atRiskAt.getTime()).toBe(localInstant(addDays(movedInDay, 21)));

    const again = await post('/nursing-home-follow-ups', 'dev-assessor', { cpr, movedInOn: movedInDay });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().message).toContain(child.workflowId);
    // the move recorded with no decision of its own: closed by the assessor, nothing left in the queue
    const closed = await post(`/cases/${child.id}/nursing-home-follow-up/close`, 'dev-assessor', { reason: 'decision_made_at_moving_in' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ step: 'closed', outcome: 'decision_made_at_moving_in' });
    expect((await obligationRow(child.id, 'individual-decision'))!.state).toBe('cancelled');
  });
});
