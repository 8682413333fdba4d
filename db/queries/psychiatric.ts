/**
 * Psychiatric ready-for-discharge cases: the botilbud registry (offers, places, vacancy),
 * giving a place to a case (never to two), and the case's recorded texts.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { housingOffers, housingPlaceAllocations, housingPlaces, psychiatricWards, externalProviders } from '../schema/index.js';
import { decisionTextsOf, insertDecisionTextOnce, type DecisionTextInput } from './decision-texts.js';

export interface OfferWithPlaces {
  id: string;
  name: string;
  targetGroup: string;
  places: { id: string; label: string; vacant: boolean; caseId: string | null }[];
  vacantPlaces: number;
}

/** Every offer with its places and whether each is vacant. */
export async function listHousingOffers(db: Db, onlyWithVacancy = false): Promise<OfferWithPlaces[]> {
  const offers = await db.select().from(housingOffers).orderBy(asc(housingOffers.name));
  const places = await db
    .select({ id: housingPlaces.id, offerId: housingPlaces.offerId, label: housingPlaces.label, caseId: housingPlaceAllocations.caseId })
    .from(housingPlaces)
    .leftJoin(
      housingPlaceAllocations,
      and(eq(housingPlaceAllocations.placeId, housingPlaces.id), isNull(housingPlaceAllocations.releasedAt)),
    )
    .orderBy(asc(housingPlaces.label));
  const result = offers.map((o) => {
    const own = places
      .filter((p) => p.offerId === o.id)
      .map((p) => ({ id: p.id, label: p.label, vacant: p.caseId === null, caseId: p.caseId }));
    return { id: o.id, name: o.name, targetGroup: o.targetGroup, places: own, vacantPlaces: own.filter((p) => p.vacant).length };
  });
  return onlyWithVacancy ? result.filter((o) => o.vacantPlaces > 0) : result;
}

export async function getHousingOffer(db: Db, offerId: string): Promise<OfferWithPlaces | undefined> {
  const id = offerId.toLowerCase(); // a UUID in capitals names the same offer (the database writes ids in lower case)
  return (await listHousingOffers(db)).find((o) => o.id === id);
}

/** Creates an offer with its places in one transaction. */
export async function createHousingOffer(
  db: Db,
  o: { name: string; targetGroup: string; placeLabels: string[] },
): Promise<string> {
  return db.transaction(async (tx) => {
    const [offer] = await tx
      .insert(housingOffers)
      .values({ name: o.name, targetGroup: o.targetGroup })
      .returning({ id: housingOffers.id });
    if (o.placeLabels.length) {
      await tx.insert(housingPlaces).values(o.placeLabels.map((label) => ({ offerId: offer!.id, label })));
    }
    return offer!.id;
  });
}

export async function offerNameTaken(db: Db, name: string): Promise<boolean> {
  const [row] = await db.select({ id: housingOffers.id }).from(housingOffers).where(eq(housingOffers.name, name));
  return row !== undefined;
}

/** Adds places to an offer; labels already there are left as they are. */
export async function addHousingPlaces(db: Db, offerId: string, labels: string[]): Promise<void> {
  await db
    .insert(housingPlaces)
    .values(labels.map((label) => ({ offerId, label })))
    .onConflictDoNothing();
}

export type AllocationResult =
  | { ok: true; offerId: string; placeId: string; label: string }
  | { ok: false; reason: string };

async function activeAllocationOf(db: Db, caseId: string) {
  const [row] = await db
    .select({ placeId: housingPlaces.id, offerId: housingPlaces.offerId, label: housingPlaces.label })
    .from(housingPlaceAllocations)
    .innerJoin(housingPlaces, eq(housingPlaces.id, housingPlaceAllocations.placeId))
    .where(and(eq(housingPlaceAllocations.caseId, caseId), isNull(housingPlaceAllocations.releasedAt)));
  return row;
}

/**
 * Gives the case a vacant place of the offer (the named place, or the first vacant one).
 * Idempotent: a case already holding a place of that offer gets the same answer again. The
 * partial unique indexes decide races: of two cases inserting the last vacant place at once,
 * exactly one insert succeeds; the other finds no place left.
 */
export async function allocateHousingPlace(
  db: Db,
  a: { caseId: string; offerId: string; placeId?: string; chosenOfferId?: string; overrideReason?: string },
): Promise<AllocationResult> {
  const held = await activeAllocationOf(db, a.caseId);
  if (held) {
    if (held.offerId === a.offerId && (!a.placeId || a.placeId === held.placeId)) return { ok: true, ...held };
    return { ok: false, reason: `the case already holds place ${held.label} of another offer` };
  }
  // 002 free choice: not another offer while the citizen's chosen offer has a vacant place, unless a reason is given
  if (a.chosenOfferId && a.chosenOfferId !== a.offerId && !a.overrideReason) {
    const chosen = await getHousingOffer(db, a.chosenOfferId);
    if (chosen && chosen.vacantPlaces > 0) {
      return {
        ok: false,
        reason: `the citizen chose offer ${chosen.name} (${chosen.id}), which has a vacant place: place the citizen there, or give an overrideReason for departing from the choice`,
      };
    }
  }
  const [offer] = await db.select({ id: housingOffers.id }).from(housingOffers).where(eq(housingOffers.id, a.offerId));
  if (!offer) return { ok: false, reason: `no housing offer ${a.offerId}` };
  for (let attempt = 0; attempt < 20; attempt++) {
    const vacant = await db
      .select({ id: housingPlaces.id, label: housingPlaces.label })
      .from(housingPlaces)
      .where(
        and(
          eq(housingPlaces.offerId, a.offerId),
          a.placeId ? eq(housingPlaces.id, a.placeId) : undefined,
          sql`not exists (select 1 from ${housingPlaceAllocations} where ${housingPlaceAllocations.placeId} = ${housingPlaces.id} and ${housingPlaceAllocations.releasedAt} is null)`,
        ),
      )
      .orderBy(asc(housingPlaces.label))
      .limit(1);
    const place = vacant[0];
    if (!place) {
      return { ok: false, reason: a.placeId ? 'that place is not vacant (or not in this offer)' : 'the offer has no vacant place' };
    }
    const inserted = await db
      .insert(housingPlaceAllocations)
      .values({ placeId: place.id, caseId: a.caseId })
      .onConflictDoNothing()
      .returning({ id: housingPlaceAllocations.id });
    if (inserted.length) return { ok: true, offerId: a.offerId, placeId: place.id, label: place.label };
    // Lost a race: either this case meanwhile holds a place (a retry), or the place was taken.
    const nowHeld = await activeAllocationOf(db, a.caseId);
    if (nowHeld) return nowHeld.offerId === a.offerId ? { ok: true, ...nowHeld } : { ok: false, reason: 'the case already holds another place' };
  }
  return { ok: false, reason: 'the offer has no vacant place' };
}

/** Frees the place the case holds (when it ends without moving in). Idempotent. */
export async function releaseHousingPlace(db: Db, caseId: string, at: Date): Promise<void> {
  await db
    .update(housingPlaceAllocations)
    .set({ releasedAt: at })
    .where(and(eq(housingPlaceAllocations.caseId, caseId), isNull(housingPlaceAllocations.releasedAt)));
}

export async function casePlacement(db: Db, caseId: string) {
  const [row] = await db
    .select({
      placeId: housingPlaces.id,
      label: housingPlaces.label,
      offerId: housingOffers.id,
      offerName: housingOffers.name,
      allocatedAt: housingPlaceAllocations.allocatedAt,
      releasedAt: housingPlaceAllocations.releasedAt,
    })
    .from(housingPlaceAllocations)
    .innerJoin(housingPlaces, eq(housingPlaces.id, housingPlaceAllocations.placeId))
    .innerJoin(housingOffers, eq(housingOffers.id, housingPlaces.offerId))
    .where(eq(housingPlaceAllocations.caseId, caseId))
    .orderBy(sql`${housingPlaceAllocations.allocatedAt} desc`)
    .limit(1);
  return row;
}

export type PsychiatricRecordInput = DecisionTextInput;

/** The kinds of text recorded on a psychiatric case (api/routes/psychiatric.ts), in `decision_texts`. */
export const PSYCHIATRIC_RECORD_KINDS = [
  'long_course',
  'status_meeting',
  'involvement',
  'placement',
  'external_placement',
  'disagreement',
  'chief_decision',
  'withdrawal',
] as const;

/** Writes the record (to `decision_texts`) once per (case, key); a repeat changes nothing. */
export function insertPsychiatricRecordOnce(db: Db, r: PsychiatricRecordInput): Promise<boolean> {
  return insertDecisionTextOnce(db, r);
}

/** The case's psychiatric records, oldest first (the texts of the psychiatric kinds). */
export function psychiatricRecordsOf(db: Db, caseId: string) {
  return decisionTextsOf(db, caseId, PSYCHIATRIC_RECORD_KINDS);
}

/** The registry id of a psychiatric ward (added on first use). */
export function wardIdFor(db: Db, name: string): Promise<string> {
  return registryIdFor(db, psychiatricWards, name);
}

/** A name's id in a small name registry (wards, external providers), added on first use. */
async function registryIdFor(db: Db, registry: typeof psychiatricWards | typeof externalProviders, name: string): Promise<string> {
  const [created] = await db.insert(registry).values({ name }).onConflictDoNothing().returning({ id: registry.id });
  if (created) return created.id;
  const [row] = await db.select({ id: registry.id }).from(registry).where(eq(registry.name, name));
  return row!.id;
}

/** A ward's name by its registry id (undefined for an unknown id, e.g. a case opened before the registry, whose ward field holds the name). */
export async function wardName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.select({ name: psychiatricWards.name }).from(psychiatricWards).where(eq(psychiatricWards.id, id));
  return row?.name;
}

/** The registry id of an external provider (added on first use). */
export function externalProviderIdFor(db: Db, name: string): Promise<string> {
  return registryIdFor(db, externalProviders, name);
}

/** An external provider's name by its registry id (undefined for an unknown id). */
export async function externalProviderName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.select({ name: externalProviders.name }).from(externalProviders).where(eq(externalProviders.id, id));
  return row?.name;
}
