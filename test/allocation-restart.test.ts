/**
 * A worker restarted in the middle of allocation loses and duplicates nothing (real dev server:
 * updates in flight survive the worker, lost tasks time out and run on the new worker).
 */
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { placeOffers, places } from '../db/schema/index.js';
import { byAllocationOrder } from '../workflows/temporary-stay/allocation-state.js';
import { PRIORITY_ORDER } from '../domain/rules.js';
import { eventually, startWorker, useTestStack } from './helpers.js';
import { settled } from './allocation-invariants.js';
import { allocator, newFacility, openStay, uniqueType } from './temporary-stay-support.js';

const DAY = 86_400_000;

const stack = useTestStack({ temporal: 'dev' });

describe('allocation survives a worker restart (dev server)', () => {
  it('a worker restarted in the middle of allocation loses and duplicates nothing', { timeout: 120_000 }, async () => {
    const placeType = uniqueType('restart');
    const c = stack.env.client;
    const tq = stack.worker.taskQueue;
    const alloc = allocator(c, tq, placeType);
    const now = Date.now();
    const cases: { caseId: string; workflowId: string; priority: (typeof PRIORITY_ORDER)[number]; waitingSince: number; seq: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const priority = PRIORITY_ORDER[i % 5]!;
      const waitingSince = now - (i + 1) * DAY;
      const { caseId, workflowId } = await openStay(c, stack.database.db, tq, { placeType, priority, appliedAt: waitingSince });
      cases.push({ caseId, workflowId, priority, waitingSince, seq: i });
    }
    await eventually(async () => (await alloc.view()).waitingList.length === 8);
    const facility = await newFacility(stack.database.db);
    // Five places at once; the worker is stopped as soon as the allocator has written the first
    // of them, i.e. in the middle of carrying out its decisions, and a new one takes over.
    const adding = Promise.allSettled(Array.from({ length: 5 }, (_, i) => alloc.addPlace(facility, `R${i}`)));
    await eventually(async () => (await stack.database.db.select().from(places).where(eq(places.placeType, placeType))).length > 0);
    await stack.worker.stop();
    stack.worker = await startWorker(stack.env, stack.database, tq);
    const added = await adding;
    expect(added.map((x) => x.status)).toEqual(Array(5).fill('fulfilled'));
    const v = await settled(stack.database, placeType, alloc);
    expect(v.places).toHaveLength(5);
    expect(v.offers).toHaveLength(5);
    // The five best by priority, then date, got the offers.
    const best = [...cases]
      .sort(byAllocationOrder)
      .slice(0, 5)
      .map((x) => x.caseId)
      .sort();
    expect(v.offers.map((o) => o.caseId).sort()).toEqual(best);
    const rows = await stack.database.db
      .select()
      .from(placeOffers)
      .where(inArray(placeOffers.placeId, v.places.map((p) => p.id)));
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((o) => o.caseId)).size).toBe(5);
    // Each offered case heard of its offer exactly once.
    for (const o of v.offers) {
      await eventually(async () => {
        // The allocator keeps each case's workflow id (its case number) with the offer.
        expect(o.workflowId).toBe(cases.find((x) => x.caseId === o.caseId)!.workflowId);
        const s = await c.workflow.getHandle(o.workflowId!).query('status');
        return (s as { offer?: { offerId: string } }).offer?.offerId === o.offerId;
      });
    }
  });
});
