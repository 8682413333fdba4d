/**
 * The database never gives a botilbud place to two citizens: many cases allocating at once
 * against real PostgreSQL (and PGlite), enforced by the partial unique indexes.
 */
import { randomUUID } from 'node:crypto';
import { isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { insertCaseOnce } from '../db/queries/cases.js';
import { allocateHousingPlace, createHousingOffer, getHousingOffer, releaseHousingPlace } from '../db/queries/psychiatric.js';
import { housingPlaceAllocations } from '../db/schema/index.js';
import { newCitizen } from './fixtures.js';
import { pgliteDatabase, testDatabase } from './helpers.js';

async function newCase(database: Database): Promise<string> {
  const caseId = randomUUID();
  const { citizenId } = await newCitizen(database.db);
  await insertCaseOnce(database.db, {
    caseId,
    type: 'psychiatric_discharge',
    citizenId,
    workflowId: `case-${caseId}`,
    step: 'open',
    details: {},
    openedAt: new Date(),
  });
  return caseId;
}

describe.each([
  ['PostgreSQL', testDatabase],
  ['PGlite', pgliteDatabase],
])('botilbud places on %s', (_name, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('12 cases racing for 3 places: exactly 3 get one, each a different place', async () => {
    const offerId = await createHousingOffer(database.db, { name: `Race ${randomUUID()}`, targetGroup: 't', placeLabels: ['a', 'b', 'c'] });
    const caseIds = await Promise.all(Array.from({ length: 12 }, () => newCase(database)));
    const results = await Promise.all(caseIds.map((caseId) => allocateHousingPlace(database.db, { caseId, offerId })));
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(3);
    expect(new Set(ok.map((r) => (r.ok ? r.placeId : ''))).size).toBe(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && /no vacant place/.test(r.reason))).toBe(true);
    expect((await getHousingOffer(database.db, offerId))!.vacantPlaces).toBe(0);
  });

  it('a repeat for the same case is idempotent; a released place can be given again; the index refuses a second holder', async () => {
    const offerId = await createHousingOffer(database.db, { name: `Repeat ${randomUUID()}`, targetGroup: 't', placeLabels: ['only'] });
    const [a, b] = [await newCase(database), await newCase(database)];
    const first = await allocateHousingPlace(database.db, { caseId: a, offerId });
    const again = await allocateHousingPlace(database.db, { caseId: a, offerId });
    expect(again).toEqual(first);
    expect(first.ok).toBe(true);
    const placeId = first.ok ? first.placeId : '';
    // straight into the table, past the query: the database itself refuses
    await expect(database.db.insert(housingPlaceAllocations).values({ placeId, caseId: b })).rejects.toThrow();
    expect((await allocateHousingPlace(database.db, { caseId: b, offerId })).ok).toBe(false);
    await releaseHousingPlace(database.db, a, new Date());
    expect(await allocateHousingPlace(database.db, { caseId: b, offerId })).toMatchObject({ ok: true, placeId });
    const active = await database.db.select().from(housingPlaceAllocations).where(isNull(housingPlaceAllocations.releasedAt));
    expect(active.filter((r) => r.placeId === placeId)).toHaveLength(1);
  });
});
