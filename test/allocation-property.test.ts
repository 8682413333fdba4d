/**
 * Property-style allocation test on the time-skipping server: random sequences of vacancies,
 * applications, replies, priority changes, admissions, stay ends, closures and expiries, issued
 * concurrently in batches; after each batch the invariants are checked on the allocator's
 * state AND the database:
 *   - never two citizens on one place, never one citizen on two places (always);
 *   - every place's status matches what holds it (always);
 *   - once settled: no vacant place idle while someone eligible waits, and the database
 *     projection equals the allocator's decisions.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.js';
import { placeOffers, places } from '../db/schema/index.js';
import { byAllocationOrder } from '../workflows/temporary-stay/allocation-state.js';
import {
  changePriorityUpdate,
  citizenUnavailableSignal,
  endStayUpdate,
  replyToOfferUpdate,
  setPlaceOpenUpdate,
  type AllocationView,
} from '../workflows/temporary-stay/messages.js';
import { addDays, localDate } from '../domain/calendar.js';
import { PRIORITY_ORDER } from '../domain/rules.js';
import { useTestStack } from './helpers.js';
import { checkAlways, settled } from './allocation-invariants.js';
import { allocator, newFacility, openStay, uniqueType } from './temporary-stay-support.js';

const DAY = 86_400_000;

const stack = useTestStack({ temporal: 'time-skipping' });


describe('allocation under concurrency (property-style, time-skipping server)', () => {
  for (const seed of [7, 42, 2026]) {
    // 18 rounds, each waiting for the database to agree with the allocator: 12-30 s alone, more on a busy machine
    it(`random concurrent sequence, seed ${seed}: invariants hold after every batch`, { timeout: 180_000 }, async () => {
      const r = seededRandom(seed);
      const placeType = uniqueType(`prop${seed}`);
      const c = stack.env.client;
      const tq = stack.worker.taskQueue;
      const alloc = allocator(c, tq, placeType);
      const facility = await newFacility(stack.database.db);
      const h = () => alloc.handle();
      let opened = 0;
      /** Case id → its workflow id (the case number). */
      const workflowIds = new Map<string, string>();
      const apply = async (op: string, v: AllocationView) => {
        const now = await stack.env.currentTimeMs();
        switch (op) {
          case 'apply':
            opened += 1;
            const o = await openStay(c, stack.database.db, tq, { placeType, priority: r.pick([...PRIORITY_ORDER]), appliedAt: now - r.int(30) * DAY });
            workflowIds.set(o.caseId, o.workflowId);
            return;
          case 'place':
            await alloc.addPlace(facility);
            return;
          case 'reply': {
            const o = v.offers.length ? r.pick(v.offers) : undefined;
            if (!o) return;
            const accept = r.next() < 0.5;
            await h().executeUpdate(replyToOfferUpdate, {
              args: [{ caseId: o.caseId, offerId: o.offerId, accept, plannedEndDate: accept ? addDays(localDate(now), 30) : undefined }],
            });
            return;
          }
          case 'priority': {
            const e = v.waitingList.length ? r.pick(v.waitingList) : undefined;
            if (!e) return;
            const to = r.pick(PRIORITY_ORDER.filter((p) => p !== e.priority));
            await h().executeUpdate(changePriorityUpdate, { args: [{ caseId: e.caseId, priority: to, reason: 'situation_worsened', by: 'test', changeKey: randomUUID() }] });
            return;
          }
          case 'admitted': {
            const ids = [...v.waitingList.map((e) => e.caseId), ...v.stays.map((s) => s.caseId)];
            if (!ids.length) return;
            await c.workflow.getHandle(workflowIds.get(r.pick(ids))!).signal(citizenUnavailableSignal, { reason: 'readmitted' });
            return;
          }
          case 'endStay': {
            const s = v.stays.length ? r.pick(v.stays) : undefined;
            if (!s) return;
            await c.workflow.getHandle(s.workflowId!).executeUpdate(endStayUpdate, { args: [{ reason: 'moved_out' }] });
            return;
          }
          case 'close': {
            const p = v.places.length ? r.pick(v.places) : undefined;
            if (!p) return;
            await h().executeUpdate(setPlaceOpenUpdate, { args: [{ placeId: p.id, open: p.status === 'closed' }] });
            return;
          }
        }
      };
      const ops = ['apply', 'apply', 'apply', 'place', 'reply', 'reply', 'priority', 'admitted', 'endStay', 'close'];
      let refused = 0;
      let v = await alloc.view();
      for (let round = 0; round < 18; round++) {
        const batch = Array.from({ length: 2 + r.int(4) }, () => r.pick(ops));
        if (round < 2) batch.push('apply', 'apply', 'place');
        const results = await Promise.allSettled(batch.map((op) => apply(op, v)));
        refused += results.filter((x) => x.status === 'rejected').length;
        checkAlways(await alloc.view());
        if (r.next() < 0.2) {
          // Let every open offer expire (reply deadline 24 h).
          await stack.env.sleep(25 * 3_600_000);
        }
        v = await settled(stack.database, placeType, alloc);
      }
      // Every expired offer was closed at exactly its deadline.
      const ids = v.places.map((p) => p.id);
      const expired = await stack.database.db
        .select()
        .from(placeOffers)
        .where(and(inArray(placeOffers.placeId, ids), eq(placeOffers.status, 'expired')));
      for (const o of expired) expect(o.closedAt!.getTime()).toBe(o.replyBy.getTime());
      expect(opened).toBeGreaterThan(5);
      expect(refused).toBeLessThan(100);
      // The list is still in allocation order.
      const listed = v.waitingList.map((e, i) => ({ ...e, seq: i }));
      expect([...listed].sort(byAllocationOrder).map((e) => e.caseId)).toEqual(listed.map((e) => e.caseId));
    });
  }

});
