/**
 * Interval stays (intervalophold, 003 "Intervalophold i midlertidig bolig"): the place types marked
 * interval-capable, the interval list (the citizens found eligible, with the assessor's remarks on
 * where a stay suits them and where they do not want one — free text, kept here only) and the
 * booked periods on the places. The place type's allocator is the truth of the bookings (it
 * refuses a clash); these rows are what it accepted, for the calendar and the lists.
 */
import { date, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { citizenRef, createdNow, ts } from './core.js';
import { placeTypes, places } from './temporary-stay.js';

export const intervalPlaceTypes = pgTable('interval_place_types', {
  placeType: text('place_type')
    .primaryKey()
    .references(() => placeTypes.code),
  markedBy: text('marked_by').notNull(),
  createdAt: createdNow(),
});

export const intervalList = pgTable(
  'interval_list',
  {
    id: uuid('id').primaryKey(),
    citizenId: citizenRef(),
    placeType: text('place_type')
      .notNull()
      .references(() => placeTypes.code),
    /** The rhythm the assessor found: a stay of `stay_days` days every `every_weeks` weeks. */
    everyWeeks: integer('every_weeks').notNull(),
    stayDays: integer('stay_days').notNull(),
    /** Where (which places or facilities) a stay suits the citizen — free text. */
    suits: text('suits'),
    /** Where the citizen does not want a stay — free text. */
    avoid: text('avoid'),
    createdBy: text('created_by').notNull(),
    createdAt: createdNow(),
    endedAt: ts('ended_at'),
  },
  (t) => [index('interval_list_type_idx').on(t.placeType)],
);

export const intervalBookings = pgTable(
  'interval_bookings',
  {
    id: uuid('id').primaryKey(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => intervalList.id),
    placeId: uuid('place_id')
      .notNull()
      .references(() => places.id),
    citizenId: citizenRef(),
    fromDay: date('from_day').notNull(),
    toDay: date('to_day').notNull(),
    /** booked | arrived | ended | cancelled | no_show */
    status: text('status').notNull(),
    createdAt: createdNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('interval_bookings_place_idx').on(t.placeId, t.fromDay)],
);
