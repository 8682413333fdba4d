/**
 * Temporary 24-hour stays on the time-skipping server: allocation order, re-prioritisation,
 * decline and expiry passing the offer on (expiry at the exact instant), readmission mid-offer,
 * the reassessment timer across the spring daylight-saving change, and the place freed at the end.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { updateRefusal } from '../api/errors.js';
import { escalations, placeOffers, places, priorityChanges, stayApplications, stays } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, overnightAfter, startOfDay } from '../domain/calendar.js';
import {
  changePriorityUpdate,
  citizenUnavailableSignal,
  endStayUpdate,
  reassessStayUpdate,
  replyToOfferUpdate,
  setPlaceOpenUpdate,
  temporaryStayStatusQuery,
} from '../workflows/temporary-stay/messages.js';
import { REFUSED_OFFER_RETRY_MINUTES } from '../domain/rules.js';
import { eventually, resultOf, useTestStack } from './helpers.js';
import { allocator, newFacility, openStay, uniqueType } from './temporary-stay-support.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

const stack = useTestStack({ temporal: 'time-skipping' });

const db = () => stack.database.db;
/** The next last Sunday of March (the change to summer time) at least a fortnight after `today`. */
function nextSpringForward(today: string): string {
  for (let year = Number(today.slice(0, 4)); ; year++) {
    let day = 31;
    while (new Date(Date.UTC(year, 2, day)).getUTCDay() !== 0) day--;
    const sunday = `${year}-03-${day}`;
    if (sunday > addDays(today, 14)) return sunday;
  }
}
/** The validator's reason for refusing an update. */
async function refusal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return updateRefusal(err);
  }
  return undefined;
}
const offersOf = (caseId: string) => db().select().from(placeOffers).where(eq(placeOffers.caseId, caseId));
const openOffer = async (caseId: string) => {
  const rows = await db()
    .select()
    .from(placeOffers)
    .where(and(eq(placeOffers.caseId, caseId), eq(placeOffers.status, 'offered')));
  return rows[0];
};

describe('allocation (time-skipping server)', () => {
  it('offers a vacant place by priority, then the oldest waiting-list date; the list shows rank and order', async () => {
    const type = uniqueType('order');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const planlagtOld = await openStay(c, db(), tq, { placeType: type, priority: 'planlagt', appliedAt: now - 30 * DAY });
    const hoejNew = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: now - 2 * DAY });
    const hoejOld = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: now - 5 * DAY });
    const akut = await openStay(c, db(), tq, { placeType: type, priority: 'akut', appliedAt: now - 1 * DAY });
    const alloc = allocator(c, tq, type);
    const list = await eventually(async () => {
      const v = await alloc.view();
      return v.waitingList.length === 4 ? v.waitingList : undefined;
    });
    expect(list.map((r) => [r.rank, r.caseId])).toEqual([
      [1, akut.caseId],
      [2, hoejOld.caseId],
      [3, hoejNew.caseId],
      [4, planlagtOld.caseId],
    ]);

    const facility = await newFacility(db());
    const p1 = await alloc.addPlace(facility);
    const o1 = await eventually(() => openOffer(akut.caseId));
    expect(o1.placeId).toBe(p1);
    const p2 = await alloc.addPlace(facility);
    const o2 = await eventually(() => openOffer(hoejOld.caseId));
    expect(o2.placeId).toBe(p2);
    expect(await openOffer(hoejNew.caseId)).toBeUndefined();
    expect(await openOffer(planlagtOld.caseId)).toBeUndefined();
    expect((await akut.handle.query(temporaryStayStatusQuery)).step).toBe('offered');
    const [placeRow] = await db().select().from(places).where(eq(places.id, p1));
    expect(placeRow!.status).toBe('offered');
  });

  it('a priority raised while waiting (with a reason, recorded) moves the citizen ahead; refused when unchanged', async () => {
    const type = uniqueType('reprio');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const middel = await openStay(c, db(), tq, { placeType: type, priority: 'middel', appliedAt: now - 10 * DAY });
    const planlagt = await openStay(c, db(), tq, { placeType: type, priority: 'planlagt', appliedAt: now - 1 * DAY });
    const alloc = allocator(c, tq, type);
    await eventually(async () => (await alloc.view()).waitingList.length === 2);
    const h = alloc.handle();
    const res = await h.executeUpdate(changePriorityUpdate, {
      args: [{ caseId: planlagt.caseId, priority: 'akut', reason: 'no_help_for_vital_needs', by: 'visitator-anna', changeKey: 'k1' }],
    });
    expect(res).toEqual({ caseId: planlagt.caseId, from: 'planlagt', to: 'akut' });
    await expect(
      h.executeUpdate(changePriorityUpdate, {
        args: [{ caseId: planlagt.caseId, priority: 'akut', reason: 'situation_worsened', by: 'visitator-anna', changeKey: 'k2' }],
      }),
    ).rejects.toThrow();
    const rows = await db().select().from(priorityChanges).where(eq(priorityChanges.caseId, planlagt.caseId));
    expect(rows.map((r) => [r.fromPriority, r.toPriority, r.reason])).toEqual([['planlagt', 'akut', 'no_help_for_vital_needs']]);
    const [application] = await db().select().from(stayApplications).where(eq(stayApplications.caseId, planlagt.caseId));
    expect(application!.priority).toBe('akut');
    await eventually(async () => (await planlagt.handle.query(temporaryStayStatusQuery)).priority === 'akut');

    await alloc.addPlace(await newFacility(db()));
    await eventually(() => openOffer(planlagt.caseId));
    expect(await openOffer(middel.caseId)).toBeUndefined();
  });

  it('a decline passes the offer on; an unanswered offer expires at exactly its reply deadline and passes on', async () => {
    const type = uniqueType('reply');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const a = await openStay(c, db(), tq, { placeType: type, priority: 'akut', appliedAt: now - 3 * DAY });
    const b = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: now - 3 * DAY });
    const d = await openStay(c, db(), tq, { placeType: type, priority: 'middel', appliedAt: now - 3 * DAY });
    const alloc = allocator(c, tq, type);
    await eventually(async () => (await alloc.view()).waitingList.length === 3);
    const placeId = await alloc.addPlace(await newFacility(db()));
    const oa = await eventually(() => openOffer(a.caseId));
    const h = alloc.handle();
    await h.executeUpdate(replyToOfferUpdate, { args: [{ caseId: a.caseId, offerId: oa.id, accept: false }] });
    const ob = await eventually(() => openOffer(b.caseId));
    expect(ob.placeId).toBe(placeId);
    expect((await offersOf(a.caseId))[0]!.status).toBe('declined');
    // A stays on the list with its priority and date.
    expect((await a.handle.query(temporaryStayStatusQuery)).step).toBe('waiting');
    expect(ob.replyBy.getTime() - ob.offeredAt.getTime()).toBe(24 * HOUR);

    await stack.env.sleep(ob.replyBy.getTime() - 60_000 - (await stack.env.currentTimeMs()));
    expect((await openOffer(b.caseId))?.id).toBe(ob.id);
    await stack.env.sleep(120_000);
    const od = await eventually(() => openOffer(d.caseId));
    expect(od.placeId).toBe(placeId);
    const [expired] = await db().select().from(placeOffers).where(eq(placeOffers.id, ob.id));
    expect(expired!.status).toBe('expired');
    expect(expired!.closedAt!.getTime()).toBe(ob.replyBy.getTime());
    // Replying to the expired offer is refused with the reason.
    expect(
      await refusal(
        h.executeUpdate(replyToOfferUpdate, { args: [{ caseId: b.caseId, offerId: ob.id, accept: true, plannedEndDate: '2099-01-01' }] }),
      ),
    ).toMatch(/no open offer/);
  });

  it('a citizen readmitted mid-offer: the offer is withdrawn and the place goes to the next; a vacant place can be closed', async () => {
    const type = uniqueType('readmit');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const a = await openStay(c, db(), tq, { placeType: type, priority: 'indlagt_faerdigbehandlet', appliedAt: now - DAY });
    const b = await openStay(c, db(), tq, { placeType: type, priority: 'middel', appliedAt: now - DAY });
    const alloc = allocator(c, tq, type);
    await eventually(async () => (await alloc.view()).waitingList.length === 2);
    const placeId = await alloc.addPlace(await newFacility(db()));
    const oa = await eventually(() => openOffer(a.caseId));
    await a.handle.signal(citizenUnavailableSignal, { reason: 'readmitted' });
    expect((await resultOf(stack.env, a.handle)).outcome).toBe('readmitted');
    const ob = await eventually(() => openOffer(b.caseId));
    expect(ob.placeId).toBe(placeId);
    const [wa] = await db().select().from(placeOffers).where(eq(placeOffers.id, oa.id));
    expect(wa!.status).toBe('withdrawn');
    const [application] = await db().select().from(stayApplications).where(eq(stayApplications.caseId, a.caseId));
    expect(application!.status).toBe('closed');
    expect((await alloc.view()).waitingList.map((r) => r.caseId)).toEqual([b.caseId]);
    // An offered place cannot be closed.
    expect(await refusal(alloc.handle().executeUpdate(setPlaceOpenUpdate, { args: [{ placeId, open: false }] }))).toMatch(/offered/);
  });

  it('an offer the database refuses (the citizen still holds an offer elsewhere) is tried again after the retry time', async () => {
    const type = uniqueType('refused');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const x = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: now - DAY });
    // An offer to the same citizen on a place of another type, still open in the database (its
    // release not yet written): the unique index refuses a second open offer to the citizen.
    const elsewhere = await allocator(c, tq, uniqueType('elsewhere')).addPlace(await newFacility(db()));
    await eventually(async () => (await db().select().from(places).where(eq(places.id, elsewhere))).length === 1);
    const staleOffer = randomUUID();
    await db()
      .insert(placeOffers)
      .values({ id: staleOffer, placeId: elsewhere, caseId: x.caseId, citizenId: x.citizenId, status: 'offered', offeredAt: new Date(now), replyBy: new Date(now + DAY) });

    const alloc = allocator(c, tq, type);
    const placeId = await alloc.addPlace(await newFacility(db()));
    await stack.env.sleep(5 * MINUTE);
    const offersOnPlace = () => db().select().from(placeOffers).where(eq(placeOffers.placeId, placeId));
    expect(await offersOnPlace()).toHaveLength(0);
    expect((await alloc.view()).places.find((p) => p.id === placeId)?.status).toBe('vacant');

    // The other offer is released; the citizen is tried again when the retry time has passed.
    await db().update(placeOffers).set({ status: 'withdrawn', closedAt: new Date(now) }).where(eq(placeOffers.id, staleOffer));
    await stack.env.sleep((REFUSED_OFFER_RETRY_MINUTES - 10) * MINUTE);
    expect(await offersOnPlace()).toHaveLength(0);
    await stack.env.sleep(10 * MINUTE);
    const [offer] = await eventually(async () => {
      const rows = await offersOnPlace();
      return rows.length ? rows : undefined;
    });
    expect(offer).toMatchObject({ caseId: x.caseId, status: 'offered' });
    await x.handle.signal(citizenUnavailableSignal, { reason: 'no_longer_needed' });
  });
});

describe('the stay (time-skipping server)', () => {
  it('reassessment due 7 days before the end, escalated overnight across the spring DST change; home frees the place after the end date', async () => {
    const type = uniqueType('stay');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const a = await openStay(c, db(), tq, { placeType: type, priority: 'akut', appliedAt: now });
    const b = await openStay(c, db(), tq, { placeType: type, priority: 'planlagt', appliedAt: now });
    const alloc = allocator(c, tq, type);
    await eventually(async () => (await alloc.view()).waitingList.length === 2);
    const placeId = await alloc.addPlace(await newFacility(db()));
    const oa = await eventually(() => openOffer(a.caseId));
    // End date a week after the next change to summer time: 2027-04-04 − 7 days = Sunday
    // 2027-03-28, the 23-hour day when Denmark moves to summer time.
    const springForward = nextSpringForward(localDate(now));
    const plannedEndDate = addDays(springForward, 7);
    if (springForward.startsWith('2027')) expect(plannedEndDate).toBe('2027-04-04');
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: a.caseId, offerId: oa.id, accept: true, plannedEndDate }] });
    const st = await eventually(async () => {
      const s = await a.handle.query(temporaryStayStatusQuery);
      return s.step === 'in_stay' ? s : undefined;
    });
    expect(st.stay!.reassessmentDueDay).toBe(springForward);
    const escalateAt = overnightAfter(springForward, 0);
    expect(formatLocal(escalateAt)).toBe(`${addDays(springForward, 1)}T00:00:00+02:00`);
    expect(escalateAt - startOfDay(springForward)).toBe(23 * HOUR);
    const [stayRow] = await db().select().from(stays).where(eq(stays.caseId, a.caseId));
    expect(stayRow!.plannedEndDate).toBe(plannedEndDate);
    expect(await openOffer(b.caseId)).toBeUndefined();

    const rows = () => db().select().from(escalations).where(eq(escalations.caseId, a.caseId));
    await stack.env.sleep(escalateAt - 60_000 - (await stack.env.currentTimeMs()));
    expect(await rows()).toHaveLength(0);
    await stack.env.sleep(120_000);
    const [esc] = await eventually(async () => {
      const r = await rows();
      return r.length ? r : undefined;
    });
    expect(esc!.key).toBe('reassessment-1');
    expect(esc!.dueDay).toBe(springForward);
    expect(esc!.scheduledFor.getTime()).toBe(escalateAt);
    expect(esc!.firedAt.getTime() - escalateAt).toBeLessThan(60_000);

    await a.handle.executeUpdate(reassessStayUpdate, { args: [{ outcome: 'home_with_help' }] });
    const endAt = startOfDay(addDays(plannedEndDate, 1));
    await stack.env.sleep(endAt - 60_000 - (await stack.env.currentTimeMs()));
    expect(await openOffer(b.caseId)).toBeUndefined();
    await stack.env.sleep(120_000);
    const ob = await eventually(() => openOffer(b.caseId));
    expect(ob.placeId).toBe(placeId);
    expect((await resultOf(stack.env, a.handle)).outcome).toBe('home_with_help');
    const [ended] = await db().select().from(stays).where(eq(stays.caseId, a.caseId));
    expect(ended!.endedAt!.getTime()).toBeGreaterThanOrEqual(endAt);
    expect(ended!.reassessment).toBe('home_with_help');
  });

  it('an extension moves the end date and the reassessment; a nursing-home application stays on until a place is found', async () => {
    const type = uniqueType('ext');
    const now = await stack.env.currentTimeMs();
    const tq = stack.worker.taskQueue;
    const c = stack.env.client;
    const a = await openStay(c, db(), tq, { placeType: type, priority: 'hoej', appliedAt: now });
    const alloc = allocator(c, tq, type);
    await eventually(async () => (await alloc.view()).waitingList.length === 1);
    await alloc.addPlace(await newFacility(db()));
    const oa = await eventually(() => openOffer(a.caseId));
    const today = localDate(await stack.env.currentTimeMs());
    const end1 = addDays(today, 20);
    await alloc.handle().executeUpdate(replyToOfferUpdate, { args: [{ caseId: a.caseId, offerId: oa.id, accept: true, plannedEndDate: end1 }] });
    await eventually(async () => (await a.handle.query(temporaryStayStatusQuery)).step === 'in_stay');
    expect(await refusal(a.handle.executeUpdate(reassessStayUpdate, { args: [{ outcome: 'extension', newEndDate: end1 }] }))).toMatch(
      /after the planned end date/,
    );
    const end2 = addDays(today, 40);
    const s = await a.handle.executeUpdate(reassessStayUpdate, { args: [{ outcome: 'extension', newEndDate: end2 }] });
    expect(s.stay!.reassessmentDueDay).toBe(addDays(end2, -7));
    // No escalation for the first period: it was reassessed (extended).
    await stack.env.sleep(overnightAfter(addDays(end1, -7), 0) + HOUR - (await stack.env.currentTimeMs()));
    expect(await db().select().from(escalations).where(eq(escalations.caseId, a.caseId))).toHaveLength(0);
    await a.handle.executeUpdate(reassessStayUpdate, { args: [{ outcome: 'nursing_home' }] });
    // Past the end date the citizen stays on.
    await stack.env.sleep(startOfDay(addDays(end2, 10)) - (await stack.env.currentTimeMs()));
    expect((await a.handle.query(temporaryStayStatusQuery)).step).toBe('in_stay');
    await a.handle.executeUpdate(endStayUpdate, { args: [{ reason: 'nursing_home_place_found' }] });
    expect((await resultOf(stack.env, a.handle)).outcome).toBe('nursing_home');
    const [p] = await db().select().from(places).where(eq(places.id, oa.placeId));
    expect(p!.status).toBe('vacant');
  });
});
