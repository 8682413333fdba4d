/**
 * Temporary 24-hour stays (midlertidigt døgnophold): facilities, places by place type
 * (pladstype), applications on the waiting list, offers and stays.
 *
 * The allocator workflow of each place type decides; these tables are its projection and,
 * through the partial unique indexes below, the last line of defence: at most one open offer
 * or running stay per place and per citizen, and one open application per citizen.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, date, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { caseRef, cases, citizenRef, createdNow, ts } from './core.js';


/**
 * The registry of place types (pladstyper): the codes a place, an application and a hospital's
 * decision may name. The housing team lead registers a type (`POST /place-types`) before the
 * first place of it; a code not registered here is refused wherever a request names it, so a
 * typo never opens a second waiting list (the code names the type's allocator workflow).
 */
export const placeTypes = pgTable('place_types', {
  /** The normalised code, e.g. `rehabilitering` (lower case, digits, `-`, `_`). */
  code: text('code').primaryKey(),
  /** The type's name, e.g. "Midlertidig rehabiliteringsplads". */
  name: text('name').notNull(),
  description: text('description'),
  /** Seeded by a migration as an example (replace with the municipality's own types). */
  example: boolean('example').notNull().default(false),
  createdAt: createdNow(),
});

export const facilities = pgTable('facilities', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  address: text('address'),
  createdAt: createdNow(),
});

export const places = pgTable(
  'places',
  {
    id: uuid('id').primaryKey(),
    facilityId: uuid('facility_id').notNull().references(() => facilities.id),
    /** Place type (pladstype), e.g. `rehabilitering`, `aflastning`. */
    placeType: text('place_type').notNull(),
    label: text('label').notNull(),
    /** vacant | offered | occupied | closed */
    status: text('status').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('places_facility_label_uq').on(t.facilityId, t.label), index('places_type_idx').on(t.placeType)],
);

/** One application (revisitation) = one temporary-stay case. */
export const stayApplications = pgTable(
  'stay_applications',
  {
    caseId: uuid('case_id').primaryKey().references(() => cases.id),
    citizenId: citizenRef(),
    placeType: text('place_type').notNull(),
    purpose: text('purpose').notNull(),
    /** akut | indlagt_faerdigbehandlet | hoej | middel | planlagt */
    priority: text('priority').notNull(),
    /** The waiting-list date (ventelistedato). */
    waitingSince: ts('waiting_since').notNull(),
    /** waiting | offered | in_stay | closed */
    status: text('status').notNull(),
    closedReason: text('closed_reason'),
    originCaseId: uuid('origin_case_id'),
  },
  (t) => [
    uniqueIndex('stay_applications_open_citizen_uq').on(t.citizenId).where(sql`status <> 'closed'`),
    index('stay_applications_type_idx').on(t.placeType, t.status),
  ],
);

/** Every priority change while waiting, with its reason (keyed so a retry writes it once). */
export const priorityChanges = pgTable('priority_changes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  changeKey: text('change_key').notNull().unique(),
  caseId: caseRef(),
  fromPriority: text('from_priority').notNull(),
  toPriority: text('to_priority').notNull(),
  reason: text('reason').notNull(),
  changedBy: text('changed_by').notNull(),
  changedAt: ts('changed_at').notNull(),
});

export const placeOffers = pgTable(
  'place_offers',
  {
    id: uuid('id').primaryKey(),
    placeId: uuid('place_id').notNull().references(() => places.id),
    caseId: caseRef(),
    citizenId: uuid('citizen_id').notNull(),
    /** offered | accepted | declined | expired | withdrawn */
    status: text('status').notNull(),
    offeredAt: ts('offered_at').notNull(),
    replyBy: ts('reply_by').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    uniqueIndex('place_offers_open_place_uq').on(t.placeId).where(sql`status = 'offered'`),
    uniqueIndex('place_offers_open_citizen_uq').on(t.citizenId).where(sql`status = 'offered'`),
  ],
);

export const stays = pgTable(
  'stays',
  {
    /** The accepted offer's id. */
    id: uuid('id').primaryKey(),
    placeId: uuid('place_id').notNull().references(() => places.id),
    caseId: caseRef(),
    citizenId: uuid('citizen_id').notNull(),
    startedAt: ts('started_at').notNull(),
    plannedEndDate: date('planned_end_date', { mode: 'string' }).notNull(),
    /** home | nursing_home | extension (the latest reassessment) */
    reassessment: text('reassessment'),
    reassessedAt: ts('reassessed_at'),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [
    uniqueIndex('stays_running_place_uq').on(t.placeId).where(sql`ended_at is null`),
    uniqueIndex('stays_running_citizen_uq').on(t.citizenId).where(sql`ended_at is null`),
  ],
);
