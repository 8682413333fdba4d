/** Allocation invariants checked on the allocator's state and on the database (see allocation-property.test.ts). */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../db/client.js';
import { placeOffers, places, stays } from '../db/schema/index.js';
import type { AllocationView } from '../workflows/temporary-stay/messages.js';
import { eventually } from './helpers.js';
import type { allocator } from './temporary-stay-support.js';

/** Invariants that must hold in every observed state. */
export function checkAlways(v: AllocationView) {
  const holders = new Map<string, string[]>();
  const held = new Map<string, string[]>();
  for (const h of [...v.offers, ...v.stays]) {
    holders.set(h.placeId, [...(holders.get(h.placeId) ?? []), h.caseId]);
    held.set(h.caseId, [...(held.get(h.caseId) ?? []), h.placeId]);
  }
  for (const [placeId, cs] of holders) expect(cs, `place ${placeId} held by ${cs.length}`).toHaveLength(1);
  for (const [caseId, ps] of held) expect(ps, `case ${caseId} holds ${ps.length} places`).toHaveLength(1);
  for (const p of v.places) {
    const offer = v.offers.some((o) => o.placeId === p.id);
    const stay = v.stays.some((s) => s.placeId === p.id);
    expect(p.status === 'offered').toBe(offer);
    expect(p.status === 'occupied').toBe(stay);
  }
}

/** Once the allocator is idle: no idle vacancy while someone eligible waits; the DB mirrors the decisions. */
export async function settled(database: Database, placeType: string, alloc: ReturnType<typeof allocator>) {
  return eventually(async () => {
    const v = await alloc.view();
    checkAlways(v);
    const waiting = v.waitingList.filter((e) => e.state === 'waiting');
    for (const p of v.places.filter((x) => x.status === 'vacant')) {
      const eligible = waiting.filter((e) => !p.passedOver.includes(e.caseId));
      if (eligible.length) return false;
    }
    const ids = v.places.map((p) => p.id);
    if (!ids.length) return v;
    const dbPlaces = await database.db.select().from(places).where(eq(places.placeType, placeType));
    const dbOffers = await database.db
      .select()
      .from(placeOffers)
      .where(and(inArray(placeOffers.placeId, ids), eq(placeOffers.status, 'offered')));
    const dbStays = await database.db
      .select()
      .from(stays)
      .where(and(inArray(stays.placeId, ids), isNull(stays.endedAt)));
    const byId = new Map(dbPlaces.map((p) => [p.id, p.status]));
    if (dbPlaces.length !== v.places.length || v.places.some((p) => byId.get(p.id) !== p.status)) return false;
    const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
    if (!same(dbOffers.map((o) => o.id), v.offers.map((o) => o.offerId))) return false;
    if (!same(dbStays.map((s) => s.id), v.stays.map((s) => s.offerId))) return false;
    // The database's own view of the same invariants.
    const citizens = [...dbOffers.map((o) => o.citizenId), ...dbStays.map((s) => s.citizenId)];
    expect(new Set(citizens).size).toBe(citizens.length);
    return v;
  }, 30_000);
}

