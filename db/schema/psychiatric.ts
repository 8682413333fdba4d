/**
 * Psychiatric ready-for-discharge cases (færdigmelding, source 002): the municipality's own
 * supported-housing offers (botilbud) and their places, and which place is given to which case.
 * The case's recorded texts (wishes, meeting decisions, disagreement reasons …), which must never
 * enter a workflow history, are in `decision_texts` (decision-texts.ts).
 */
import { sql } from 'drizzle-orm';
import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { caseRef, cases, citizens, createdNow, generatedId, ts } from './core.js';


/**
 * The registry of psychiatric wards (a small table: one row per ward name the region sends).
 * A workflow carries the ward's id, never its name: a ward's name can reveal a diagnosis.
 */
export const psychiatricWards = pgTable('psychiatric_wards', {
  id: generatedId(),
  name: text('name').notNull().unique(),
  createdAt: createdNow(),
});

/**
 * The registry of external providers a place can be bought from (one row per provider name).
 * A workflow carries the provider's id, never its name: a provider's name can reveal a diagnosis
 * (a treatment centre), and it is text a caseworker typed.
 */
export const externalProviders = pgTable('external_providers', {
  id: generatedId(),
  name: text('name').notNull().unique(),
  createdAt: createdNow(),
});

/** A supported-housing offer (botilbud) of the municipality's own. */
export const housingOffers = pgTable('housing_offers', {
  id: generatedId(),
  name: text('name').notNull().unique(),
  /** Who the offer is for (målgruppe), in plain words. */
  targetGroup: text('target_group').notNull(),
  createdAt: createdNow(),
});

/** One place (plads) in an offer. */
export const housingPlaces = pgTable(
  'housing_places',
  {
    id: generatedId(),
    offerId: uuid('offer_id').notNull().references(() => housingOffers.id),
    label: text('label').notNull(),
    createdAt: createdNow(),
  },
  (t) => [uniqueIndex('housing_places_offer_label_uq').on(t.offerId, t.label)],
);

/**
 * Which case holds which place. A place is held by at most one case at a time and a case holds
 * at most one place (partial unique indexes over the allocations not released): the database
 * itself refuses to give a place to two citizens, whatever runs concurrently.
 */
export const housingPlaceAllocations = pgTable(
  'housing_place_allocations',
  {
    id: generatedId(),
    placeId: uuid('place_id').notNull().references(() => housingPlaces.id),
    caseId: caseRef(),
    allocatedAt: ts('allocated_at').notNull().defaultNow(),
    releasedAt: ts('released_at'),
  },
  (t) => [
    uniqueIndex('housing_allocations_place_active_uq').on(t.placeId).where(sql`${t.releasedAt} is null`),
    uniqueIndex('housing_allocations_case_active_uq').on(t.caseId).where(sql`${t.releasedAt} is null`),
  ],
);
