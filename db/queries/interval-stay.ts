/** Interval stays (intervalophold): interval-capable place types, the interval list, the bookings the allocator accepted. */
import { and, asc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { intervalBookings, intervalList, intervalPlaceTypes, stays } from '../schema/index.js';

export type IntervalEntryRow = typeof intervalList.$inferSelect;
export type IntervalBookingRow = typeof intervalBookings.$inferSelect;

export async function markIntervalCapable(db: Db, placeType: string, by: string): Promise<void> {
  await db.insert(intervalPlaceTypes).values({ placeType, markedBy: by }).onConflictDoNothing();
}

export async function isIntervalCapable(db: Db, placeType: string): Promise<boolean> {
  const [row] = await db.select().from(intervalPlaceTypes).where(eq(intervalPlaceTypes.placeType, placeType));
  return row !== undefined;
}

export async function insertIntervalEntryOnce(db: Db, row: typeof intervalList.$inferInsert): Promise<void> {
  await db.insert(intervalList).values(row).onConflictDoNothing({ target: intervalList.id });
}

export async function getIntervalEntry(db: Db, id: string): Promise<IntervalEntryRow | undefined> {
  const [row] = await db.select().from(intervalList).where(eq(intervalList.id, id));
  return row;
}

/** The interval list of a place type (open entries), oldest first. */
export async function intervalEntries(db: Db, placeType?: string): Promise<IntervalEntryRow[]> {
  return db
    .select()
    .from(intervalList)
    .where(and(isNull(intervalList.endedAt), placeType ? eq(intervalList.placeType, placeType) : undefined))
    .orderBy(asc(intervalList.createdAt));
}

/** The booking the allocator accepted, written once (a repeated request writes nothing). */
export async function insertBookingOnce(db: Db, row: typeof intervalBookings.$inferInsert): Promise<void> {
  await db.insert(intervalBookings).values(row).onConflictDoNothing({ target: intervalBookings.id });
}

export async function setBookingStatus(db: Db, id: string, status: 'arrived' | 'ended' | 'cancelled' | 'no_show'): Promise<void> {
  await db.update(intervalBookings).set({ status, updatedAt: new Date() }).where(eq(intervalBookings.id, id));
}

export async function getBooking(db: Db, id: string): Promise<IntervalBookingRow | undefined> {
  const [row] = await db.select().from(intervalBookings).where(eq(intervalBookings.id, id));
  return row;
}

/** What occupies or holds a place between two days: its live bookings and its ordinary stays. */
export async function placeBusy(db: Db, placeId: string, from: string, to: string) {
  const bookings = await db
    .select()
    .from(intervalBookings)
    .where(and(eq(intervalBookings.placeId, placeId), inArray(intervalBookings.status, ['booked', 'arrived']), lte(intervalBookings.fromDay, to), gte(intervalBookings.toDay, from)))
    .orderBy(asc(intervalBookings.fromDay));
  const ordinary = await db
    .select({ id: stays.id, startedAt: stays.startedAt, plannedEndDate: stays.plannedEndDate, endedAt: stays.endedAt })
    .from(stays)
    .where(and(eq(stays.placeId, placeId), gte(stays.plannedEndDate, from), or(isNull(stays.endedAt))));
  return { bookings, ordinary };
}
