/**
 * Disagreement with the region (chief level within 7 days), bed-days while the region refuses,
 * placement rules (involvement first; a place never given twice) and a worker restart mid-case,
 * on the time-skipping server with the real worker and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createOvergangWorker } from '../worker/worker.js';
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createHousingOffer, getHousingOffer } from '../db/queries/psychiatric.js';
import { caseBedDays } from '../api/bed-days.js';
import { bedDayPeriods, cases, escalations, housingPlaceAllocations, notificationOutbox } from '../db/schema/index.js';
import { addDays, formatLocal, localDate, overnightAfter } from '../domain/calendar.js';
import {
  buyExternalPlaceUpdate,
  decidePlacementUpdate,
  endPsychiatricCaseUpdate,
  psychiatricStatusQuery,
  raiseDisagreementUpdate,
  recordChiefDecisionUpdate,
  recordInvolvementUpdate,
} from '../workflows/psychiatric/workflow.js';
import { defaultRules } from '../domain/rules.js';
import { eventually, testDataConverter, resultOf, type RunningWorker, useTestStack, waitUntilIdle } from './helpers.js';
import { DAY, psychiatricTestKit, refusalOf } from './psychiatric-support.js';


const stack = useTestStack({ temporal: 'time-skipping' });

const kit = psychiatricTestKit(() => ({ env: stack.env, database: stack.database, taskQueue: stack.worker.taskQueue }));

async function nonStickyWorker(taskQueue: string): Promise<RunningWorker> {
  const w = await createOvergangWorker({
    connection: stack.env.nativeConnection,
    namespace: stack.env.namespace ?? 'default',
    taskQueue,
    db: stack.database.db,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    options: { shutdownGraceTime: '1 second', maxCachedWorkflows: 0, dataConverter: testDataConverter() },
  });
  const running = w.run();
  return {
    worker: w,
    taskQueue,
    async stop() {
      if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    },
  };
}

describe('disagreement with the region: chief level within 7 days', () => {
  it('a chief-level decision on day 6 → no escalation', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now, { notice: 'faerdigmelding', readyAt: now });
    const raised = await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'hospital', regionRefusesDischarge: true }] });
    const raisedDay = localDate(now);
    expect(raised).toMatchObject({ number: 1, dueDay: addDays(raisedDay, 7) });
    await kit.sleepUntil(overnightAfter(addDays(raisedDay, 6), 0) - 3_600_000); // day 6, 23:00
    const decided = await handle.executeUpdate(recordChiefDecisionUpdate, { args: [{ decision: 'municipality_support_upheld' }] });
    expect(decided).toMatchObject({ number: 1, withinDeadline: true });
    await kit.sleepUntil(overnightAfter(addDays(raisedDay, 9), 0));
    expect(await kit.rowFor(caseId, 'chief-level-1')).toBeUndefined();
    expect((await handle.query(psychiatricStatusQuery)).disagreement).toMatchObject({ state: 'decided', count: 1 });
    expect(await refusalOf(handle.executeUpdate(recordChiefDecisionUpdate, { args: [{ decision: 'region_view_accepted' }] }))).toMatch(
      /no open disagreement/,
    );
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
  });

  it('none by the end of day 7 → escalation the night after; bed-days keep counting while the region refuses', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now, { notice: 'faerdigmelding', readyAt: now });
    const raisedDay = localDate(now);
    await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'psychiatry_coordinator', regionRefusesDischarge: true }] });
    const before = await handle.query(psychiatricStatusQuery);
    expect(before.disagreement).toMatchObject({ state: 'awaiting_chief_level', regionRefusesDischarge: true });
    expect(before.nextDeadlines[0]).toMatchObject({ key: 'chief-level-1', dueDay: addDays(raisedDay, 7) });

    const row = await kit.expectFiresExactlyAt(caseId, 'chief-level-1', overnightAfter(addDays(raisedDay, 7), 0));
    expect(row).toMatchObject({ kind: 'psychiatric_chief_level_overdue', recipientRole: 'area_chief', dueDay: addDays(raisedDay, 7) });
    const after = await eventually(async () => {
      const s = await handle.query(psychiatricStatusQuery);
      return s.disagreement.state === 'escalated' ? s : undefined;
    });
    // færdigmelding on the raised day: day 1 is the day after; as of day 8 (00:01), 8 days
    expect(after.bedDays).toMatchObject({ counting: true, days: 8 });
    expect(after.ended).toBe(false);
    await stack.env.sleep(10 * DAY);
    const priced = await caseBedDays(stack.database.db, caseId, new Date(await stack.env.currentTimeMs()));
    expect(priced).toMatchObject({ open: true, kind: 'psychiatric', days: 18, amountDkk: 18 * 4396 }); // psychiatric example rate
    // a late chief decision is still recorded (outside the deadline)
    const late = await handle.executeUpdate(recordChiefDecisionUpdate, { args: [{ decision: 'region_view_accepted', regionRefusesDischarge: false }] });
    expect(late.withinDeadline).toBe(false);
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_home' }] });
    await resultOf(stack.env, handle);
    expect((await kit.rowsFor(caseId)).filter((r) => r.key.startsWith('chief-level'))).toHaveLength(1);
  });
});

describe('the configured overnight hour', () => {
  it('with ESCALATION_LOCAL_HOUR=6 the chief-level escalation fires at 06:00 after day 7, not at 05:59', async () => {
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await kit.openCase(now, { rules: { ...defaultRules, escalationLocalHour: 6 } });
    await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'hospital', regionRefusesDischarge: false }] });
    const dueDay = addDays(localDate(now), 7);
    const row = await kit.expectFiresExactlyAt(caseId, 'chief-level-1', overnightAfter(dueDay, 6));
    expect(formatLocal(row.scheduledFor.getTime())).toMatch(new RegExp(`^${addDays(dueDay, 1)}T06:00:00\\+0[12]:00$`));
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
  });
});

describe('matching to a botilbud place', () => {
  it('a placement before the citizen is involved is refused; so is buying an external place', async () => {
    const offerId = await createHousingOffer(stack.database.db, { name: `Bo ${Date.now()}`, targetGroup: 't', placeLabels: ['1'] });
    const { handle } = await kit.openCase(await stack.env.currentTimeMs());
    expect(await refusalOf(handle.executeUpdate(decidePlacementUpdate, { args: [{ offerId }] }))).toMatch(/involvement/);
    expect(await refusalOf(handle.executeUpdate(buyExternalPlaceUpdate, { args: [{ providerId: '5b0c2a9e-0000-4000-8000-00000000e57e' }] }))).toMatch(/involvement/);
    expect((await getHousingOffer(stack.database.db, offerId))!.vacantPlaces).toBe(1);
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
  });

  it('two cases racing for the last vacant place: exactly one gets it; the other may buy an external place', async () => {
    const offerId = await createHousingOffer(stack.database.db, { name: `Race ${Date.now()}`, targetGroup: 't', placeLabels: ['last'] });
    const now = await stack.env.currentTimeMs();
    const a = await kit.openCase(now);
    const b = await kit.openCase(now);
    for (const c of [a, b]) await c.handle.executeUpdate(recordInvolvementUpdate, { args: [{ chosenOfferId: offerId }] });
    const results = await Promise.allSettled([
      a.handle.executeUpdate(decidePlacementUpdate, { args: [{ offerId }] }),
      b.handle.executeUpdate(decidePlacementUpdate, { args: [{ offerId }] }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(await refusalOf(Promise.reject((lost[0] as PromiseRejectedResult).reason))).toMatch(/no vacant place/);
    const active = await stack.database.db
      .select()
      .from(housingPlaceAllocations)
      .where(isNull(housingPlaceAllocations.releasedAt));
    const place = (await getHousingOffer(stack.database.db, offerId))!.places[0]!;
    expect(active.filter((x) => x.placeId === place.id)).toHaveLength(1);
    const [winner, loser] = results[0]!.status === 'fulfilled' ? [a, b] : [b, a];
    expect((await winner.handle.query(psychiatricStatusQuery)).placement).toMatchObject({ kind: 'own_offer', placeId: place.id });
    expect((await loser.handle.query(psychiatricStatusQuery)).placement).toBeUndefined();
    await loser.handle.executeUpdate(buyExternalPlaceUpdate, { args: [{ providerId: '5b0c2a9e-0000-4000-8000-00000000e57e', reasonCode: 'no_vacant_own_place_fits' }] });
    expect((await loser.handle.query(psychiatricStatusQuery)).step).toBe('external_place_bought');
    // the winner is withdrawn: the place is free again
    await winner.handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'withdrawn' }] });
    await resultOf(stack.env, winner.handle);
    expect((await getHousingOffer(stack.database.db, offerId))!.vacantPlaces).toBe(1);
    await loser.handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_external' }] });
  });
});

describe('durability', () => {
  it('a worker stopped mid-case and a new one started: the case goes on, no row written twice', async () => {
    // its own task queue and workers without a sticky cache: on the time-skipping server a
    // workflow task left on a stopped worker's sticky queue would wait for it forever
    const taskQueue = `tq-${randomUUID()}`;
    const first = await nonStickyWorker(taskQueue);
    const own = psychiatricTestKit(() => ({ env: stack.env, database: stack.database, taskQueue }));
    const now = await stack.env.currentTimeMs();
    const { caseId, handle } = await own.openCase(now, { notice: 'faerdigmelding', readyAt: now });
    const raisedDay = localDate(now);
    await handle.executeUpdate(raiseDisagreementUpdate, { args: [{ raisedBy: 'hospital', regionRefusesDischarge: true }] });
    await eventually(async () => (await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId))).length === 1);

    // stop the worker mid-case once the case waits only on its timers (no activity or workflow
    // task in flight: one handed to a stopping worker is only retried after its timeout) and
    // start a new one: it has nothing cached, so it replays the history before going on
    await waitUntilIdle(handle);
    await first.stop();
    const second = await nonStickyWorker(taskQueue);
    await kit.sleepUntil(overnightAfter(addDays(raisedDay, 7), 0) + 60_000);
    const row = await eventually(() => kit.rowFor(caseId, 'chief-level-1'));
    expect(row.scheduledFor.getTime()).toBe(overnightAfter(addDays(raisedDay, 7), 0));

    // and it goes on: the 8-week warning (and the system's long-course flag) on the new worker
    await kit.sleepUntil(overnightAfter(addDays(raisedDay, 56), 0));
    await eventually(() => kit.rowFor(caseId, 'deadline-warning-8w'));
    const status = await handle.query(psychiatricStatusQuery);
    expect(status.longCourse?.by).toBe('system');
    await handle.executeUpdate(endPsychiatricCaseUpdate, { args: [{ outcome: 'discharged_home' }] });
    await resultOf(stack.env, handle);
    await second.stop();

    const esc = await kit.rowsFor(caseId);
    expect(new Set(esc.map((r) => r.key)).size).toBe(esc.length);
    const outbox = await stack.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, caseId));
    expect(outbox).toHaveLength(esc.length);
    expect(await stack.database.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1);
    const periods = await stack.database.db.select().from(bedDayPeriods).where(eq(bedDayPeriods.caseId, caseId));
    expect(periods).toHaveLength(1);
    expect(periods[0]!.endedAt).not.toBeNull();
    const [closed] = await stack.database.db.select().from(cases).where(and(eq(cases.id, caseId), eq(cases.step, 'closed')));
    expect(closed?.outcome).toBe('discharged_home');
    const countByKey = await stack.database.db.select().from(escalations).where(eq(escalations.caseId, caseId));
    expect(countByKey.filter((r) => r.key === 'chief-level-1')).toHaveLength(1);
  });
});
