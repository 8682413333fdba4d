/**
 * The temporary-stay case on the case core (time-skipping server): every step change is
 * mirrored (an offer out shows `offered` in the case row and in the CaseStep search attribute),
 * and its obligations change state at their exact instants — the offer's reply at risk 6 hours
 * before its reply time and met on acceptance; the reassessment on track → at risk → breached
 * (obligations table, cases.sla_state, status query) and met late when recorded after its
 * escalation.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, escalations, obligations, placeOffers } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, overnightAfter, startOfDay } from '../domain/calendar.js';
import { AT_RISK_DAYS_BEFORE_DUE, OFFER_AT_RISK_HOURS } from '../domain/rules.js';
import { CaseStepKey, SlaStateKey } from '../workflows/shared/search-attributes.js';
import { reassessStayUpdate, replyToOfferUpdate, temporaryStayStatusQuery } from '../workflows/temporary-stay/messages.js';
import { eventually, useTestStack } from './helpers.js';
import { allocator, newFacility, openStay, uniqueType } from './temporary-stay-support.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

const stack = useTestStack({ temporal: 'time-skipping' });
const db = () => stack.database.db;

const caseRow = async (caseId: string) => (await db().select().from(cases).where(eq(cases.id, caseId)))[0]!;
const obligationRow = async (caseId: string, key: string) =>
  (await db().select().from(obligations).where(and(eq(obligations.caseId, caseId), eq(obligations.key, key))))[0];
const openOffer = async (caseId: string) =>
  (await db().select().from(placeOffers).where(and(eq(placeOffers.caseId, caseId), eq(placeOffers.status, 'offered'))))[0];
const sleepUntil = async (instant: number) => stack.env.sleep(instant - (await stack.env.currentTimeMs()));

/** One case offered a place (the only one waiting for its type). */
async function offeredCase(prefix: string) {
  const type = uniqueType(prefix);
  const c = stack.env.client;
  const tq = stack.worker.taskQueue;
  const a = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: await stack.env.currentTimeMs() });
  const alloc = allocator(c, tq, type);
  await eventually(async () => (await alloc.view()).waitingList.length === 1);
  await alloc.addPlace(await newFacility(db()));
  const offer = await eventually(() => openOffer(a.caseId));
  return { a, alloc, offer };
}

describe('temporary stay on the case core (time-skipping server)', () => {
  it('an offer out: step offered in the case row and in CaseStep; the reply at risk at replyBy − 6 h exactly; met on acceptance', async () => {
    const { a, alloc, offer } = await offeredCase('sla-offer');
    const key = `offer-${offer.id}`;
    const replyBy = offer.replyBy.getTime();
    const atRiskAt = replyBy - OFFER_AT_RISK_HOURS * HOUR;

    // The bug: a case with an offer out said `waiting`. Now the row and the search attribute follow.
    const row = await eventually(async () => {
      const r = await caseRow(a.caseId);
      return r.step === 'offered' ? r : undefined;
    });
    expect(row.workflowId).toBe(a.caseNumber);
    expect(row.actingRole).toBe('housing_team_lead');
    expect(row.slaState).toBe('on_track');
    expect(row.nextDueAt!.getTime()).toBe(replyBy);
    await eventually(async () => (await a.handle.describe()).typedSearchAttributes.get(CaseStepKey) === 'offered');
    const ob = await eventually(() => obligationRow(a.caseId, key));
    expect(ob).toMatchObject({ kind: 'offer_reply', state: 'on_track', actorRole: 'housing_team_lead', dueDay: localDate(replyBy) });
    expect(ob.atRiskAt.getTime()).toBe(atRiskAt);
    expect(ob.escalateAt.getTime()).toBe(replyBy);
    const st = await a.handle.query(temporaryStayStatusQuery);
    expect(st.step).toBe('offered');
    expect(st.obligations.find((o) => o.key === key)).toMatchObject({ state: 'on_track', atRiskAt: formatLocal(atRiskAt) });

    // One minute before the at-risk instant: on track; one minute after: at risk since exactly that instant.
    await sleepUntil(atRiskAt - MINUTE);
    expect((await obligationRow(a.caseId, key))!.state).toBe('on_track');
    expect((await caseRow(a.caseId)).slaState).toBe('on_track');
    await stack.env.sleep(2 * MINUTE);
    const atRisk = await eventually(async () => {
      const r = await obligationRow(a.caseId, key);
      return r?.state === 'at_risk' ? r : undefined;
    });
    expect(atRisk.atRiskSince!.getTime()).toBe(atRiskAt);
    await eventually(async () => (await caseRow(a.caseId)).slaState === 'at_risk');
    await eventually(async () => (await a.handle.describe()).typedSearchAttributes.get(SlaStateKey) === 'at_risk');
    expect((await a.handle.query(temporaryStayStatusQuery)).slaState).toBe('at_risk');

    // Accepted: the obligation is met, the case is in the stay.
    const plannedEndDate = addDays(localDate(await stack.env.currentTimeMs()), 30);
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: a.caseId, offerId: offer.id, accept: true, plannedEndDate }] });
    const met = await eventually(async () => {
      const r = await obligationRow(a.caseId, key);
      return r?.state === 'met' ? r : undefined;
    });
    expect(met.closedAt!.getTime()).toBeLessThan(replyBy);
    await eventually(async () => (await caseRow(a.caseId)).step === 'in_stay');
    await eventually(async () => (await a.handle.describe()).typedSearchAttributes.get(CaseStepKey) === 'in_stay');
    // No escalation row for an offer.
    expect(await db().select().from(escalations).where(eq(escalations.caseId, a.caseId))).toHaveLength(0);
  });

  it('the reassessment: on track → at risk → breached at the exact instants, met late when recorded after its escalation', async () => {
    const { a, alloc, offer } = await offeredCase('sla-reassess');
    const today = localDate(await stack.env.currentTimeMs());
    const plannedEndDate = addDays(today, 20);
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: a.caseId, offerId: offer.id, accept: true, plannedEndDate }] });
    const dueDay = addDays(plannedEndDate, -7);
    const atRiskAt = startOfDay(addDays(dueDay, -AT_RISK_DAYS_BEFORE_DUE));
    const escalateAt = overnightAfter(dueDay, 0);
    const key = 'reassessment-1';

    const ob = await eventually(() => obligationRow(a.caseId, key));
    expect(ob).toMatchObject({ kind: 'stay_reassessment', state: 'on_track', actorRole: 'needs_assessor', escalateTo: 'visitation_team_lead', dueDay });
    expect(ob.atRiskAt.getTime()).toBe(atRiskAt);
    expect(ob.escalateAt.getTime()).toBe(escalateAt);
    await eventually(async () => {
      const r = await caseRow(a.caseId);
      return r.step === 'in_stay' && r.slaState === 'on_track' && r.nextDueDay === dueDay && r.actingRole === 'needs_assessor';
    });
    // The offer's obligation was met on acceptance.
    expect((await obligationRow(a.caseId, `offer-${offer.id}`))!.state).toBe('met');

    // At risk at 00:00, two days before the due day.
    await sleepUntil(atRiskAt - MINUTE);
    expect((await obligationRow(a.caseId, key))!.state).toBe('on_track');
    expect((await caseRow(a.caseId)).slaState).toBe('on_track');
    expect((await a.handle.query(temporaryStayStatusQuery)).slaState).toBe('on_track');
    await stack.env.sleep(2 * MINUTE);
    const atRisk = await eventually(async () => {
      const r = await obligationRow(a.caseId, key);
      return r?.state === 'at_risk' ? r : undefined;
    });
    expect(atRisk.atRiskSince!.getTime()).toBe(atRiskAt);
    await eventually(async () => (await caseRow(a.caseId)).slaState === 'at_risk');
    expect((await a.handle.query(temporaryStayStatusQuery)).slaState).toBe('at_risk');

    // Breached overnight after the due day: the escalation row (key unchanged: reassessment-1).
    await sleepUntil(escalateAt - MINUTE);
    expect((await obligationRow(a.caseId, key))!.state).toBe('at_risk');
    expect(await db().select().from(escalations).where(eq(escalations.caseId, a.caseId))).toHaveLength(0);
    await stack.env.sleep(2 * MINUTE);
    const breached = await eventually(async () => {
      const r = await obligationRow(a.caseId, key);
      return r?.state === 'breached' ? r : undefined;
    });
    expect(breached.breachedAt!.getTime() - escalateAt).toBeLessThan(MINUTE);
    expect(breached.breachedAt!.getTime()).toBeGreaterThanOrEqual(escalateAt);
    const [esc] = await eventually(async () => {
      const r = await db().select().from(escalations).where(eq(escalations.caseId, a.caseId));
      return r.length ? r : undefined;
    });
    expect(esc).toMatchObject({ key, kind: 'temporary_stay_reassessment_missing', recipientRole: 'visitation_team_lead', dueDay });
    expect(esc!.scheduledFor.getTime()).toBe(escalateAt);
    await eventually(async () => {
      const r = await caseRow(a.caseId);
      return r.slaState === 'breached' && r.escalated;
    });
    const st = await a.handle.query(temporaryStayStatusQuery);
    expect(st).toMatchObject({ slaState: 'breached', escalated: true, stay: { escalatedPeriods: [1] } });
    expect(st.obligations.find((o) => o.key === key)?.state).toBe('breached');

    // Recorded after the escalation: met late; nothing open any more.
    const after = await a.handle.executeUpdate(reassessStayUpdate, { args: [{ outcome: 'nursing_home' }] });
    expect(after.obligations.find((o) => o.key === key)?.state).toBe('met_late');
    expect(after).toMatchObject({ slaState: null, escalated: false });
    const late = await eventually(async () => {
      const r = await obligationRow(a.caseId, key);
      return r?.state === 'met_late' ? r : undefined;
    });
    expect(late.closedAt!.getTime()).toBeGreaterThan(escalateAt);
    await eventually(async () => {
      const r = await caseRow(a.caseId);
      return r.slaState === null && !r.escalated && r.step === 'in_stay';
    });
  });
});
