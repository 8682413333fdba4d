/**
 * Reads and idempotent writes for temporary 24-hour stays. The writes apply the decisions of a
 * place type's allocator workflow; each is keyed (offer id, case id, change key) and guarded by
 * the current state, so a retried activity changes nothing the second time.
 */
import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { cases, citizens, facilities, obligations, placeOffers, placeTypes, places, priorityChanges, stayApplications, stays } from '../schema/index.js';

/** A case joining a place type's waiting list (the case workflow → the allocator, through an activity). */
export interface JoinRequest<Priority extends string = string> {
  caseId: string;
  /** The case's workflow id (its case number); absent in entries from before case numbers (then `case-<caseId>`). */
  workflowId?: string;
  citizenId: string;
  priority: Priority;
  /** Waiting-list date (epoch ms). */
  waitingSince: number;
  /** The case's reply deadline for offers, in hours (from its rule set). */
  replyHours: number;
}

export type PlaceStatus = 'vacant' | 'offered' | 'occupied' | 'closed';

/** What the allocator decided, to be mirrored in the database (one activity call per effect). */
export type AllocationEffect =
  | { kind: 'place'; placeId: string; facilityId: string; placeType: string; label: string; status: PlaceStatus; at: number }
  | { kind: 'placeStatus'; placeId: string; status: PlaceStatus }
  | { kind: 'offer'; offerId: string; placeId: string; caseId: string; citizenId: string; offeredAt: number; replyBy: number }
  | {
      kind: 'offerClosed';
      offerId: string;
      placeId: string;
      caseId: string;
      status: 'declined' | 'expired' | 'withdrawn';
      at: number;
      placeStatus: PlaceStatus;
      /** The application's status afterwards (waiting, or closed when the citizen left). */
      applicationStatus: 'waiting' | 'closed';
    }
  | { kind: 'stayStarted'; offerId: string; placeId: string; caseId: string; citizenId: string; at: number; plannedEndDate: string }
  | { kind: 'stayEnded'; offerId: string; placeId: string; at: number; reason: string; placeStatus: PlaceStatus }
  | { kind: 'priority'; caseId: string; changeKey: string; from: string; to: string; reason: string; by: string; at: number }
  | { kind: 'left'; caseId: string; reason: string };

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** Runs the writes in one transaction: true when done, false when a unique index refused them. */
async function unlessRefused(db: Db, writes: (tx: Tx) => Promise<void>): Promise<boolean> {
  try {
    await db.transaction(writes);
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** A place's status, and when it changed. */
function setPlaceStatus(db: Db | Tx, placeId: string, status: PlaceStatus) {
  return db.update(places).set({ status, updatedAt: new Date() }).where(eq(places.id, placeId));
}

/** Changes the case's application while it is not closed. */
function updateOpenApplication(db: Db | Tx, caseId: string, set: { status: string; closedReason?: string }) {
  return db
    .update(stayApplications)
    .set(set)
    .where(and(eq(stayApplications.caseId, caseId), ne(stayApplications.status, 'closed')));
}

/** Closes an offer that is still open (accepted, declined, expired or withdrawn). */
function closeOpenOffer(db: Db | Tx, offerId: string, set: { status: string; closedAt: Date }) {
  return db
    .update(placeOffers)
    .set(set)
    .where(and(eq(placeOffers.id, offerId), eq(placeOffers.status, 'offered')));
}

/** Applies one allocator decision. Returns false only if a unique index refused it. */
export async function applyAllocationEffect(db: Db, e: AllocationEffect): Promise<boolean> {
  switch (e.kind) {
    case 'place':
      await db
        .insert(places)
        .values({
          id: e.placeId,
          facilityId: e.facilityId,
          placeType: e.placeType,
          label: e.label,
          status: e.status,
          createdAt: new Date(e.at),
        })
        .onConflictDoNothing({ target: places.id });
      return true;
    case 'placeStatus':
      await setPlaceStatus(db, e.placeId, e.status);
      return true;
    case 'offer':
      return unlessRefused(db, async (tx) => {
        const { offerId: id, placeId, caseId, citizenId } = e;
        await tx
          .insert(placeOffers)
          .values({ id, placeId, caseId, citizenId, status: 'offered', offeredAt: new Date(e.offeredAt), replyBy: new Date(e.replyBy) })
          .onConflictDoNothing({ target: placeOffers.id });
        await setPlaceStatus(tx, placeId, 'offered');
        await updateOpenApplication(tx, caseId, { status: 'offered' });
      });
    case 'offerClosed':
      await db.transaction(async (tx) => {
        await closeOpenOffer(tx, e.offerId, { status: e.status, closedAt: new Date(e.at) });
        await setPlaceStatus(tx, e.placeId, e.placeStatus);
        await updateOpenApplication(tx, e.caseId, { status: e.applicationStatus });
      });
      return true;
    case 'stayStarted':
      return unlessRefused(db, async (tx) => {
        const { offerId: id, placeId, caseId, citizenId } = e;
        await closeOpenOffer(tx, id, { status: 'accepted', closedAt: new Date(e.at) });
        await tx
          .insert(stays)
          .values({ id, placeId, caseId, citizenId, startedAt: new Date(e.at), plannedEndDate: e.plannedEndDate })
          .onConflictDoNothing({ target: stays.id });
        await setPlaceStatus(tx, placeId, 'occupied');
        await updateOpenApplication(tx, caseId, { status: 'in_stay' });
      });
    case 'stayEnded':
      await db.transaction(async (tx) => {
        await tx
          .update(stays)
          .set({ endedAt: new Date(e.at), endReason: e.reason })
          .where(and(eq(stays.id, e.offerId), isNull(stays.endedAt)));
        await setPlaceStatus(tx, e.placeId, e.placeStatus);
      });
      return true;
    case 'priority':
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(priorityChanges)
          .values({
            changeKey: e.changeKey,
            caseId: e.caseId,
            fromPriority: e.from,
            toPriority: e.to,
            reason: e.reason,
            changedBy: e.by,
            changedAt: new Date(e.at),
          })
          .onConflictDoNothing({ target: priorityChanges.changeKey })
          .returning({ id: priorityChanges.id });
        if (inserted.length) {
          await tx.update(stayApplications).set({ priority: e.to }).where(eq(stayApplications.caseId, e.caseId));
        }
      });
      return true;
    case 'left':
      // Also when a withdrawn offer has already closed the application (without a reason).
      await db
        .update(stayApplications)
        .set({ status: 'closed', closedReason: e.reason })
        .where(and(eq(stayApplications.caseId, e.caseId), isNull(stayApplications.closedReason)));
      return true;
  }
}

/** Records the application once. Returns the open application of another case if the citizen already has one. */
export async function insertApplicationOnce(
  db: Db,
  a: { caseId: string; citizenId: string; placeType: string; purpose: string; priority: string; waitingSince: Date; originCaseId?: string },
): Promise<{ duplicateOf?: string; duplicateWorkflowId?: string }> {
  try {
    await db
      .insert(stayApplications)
      .values({ ...a, status: 'waiting' })
      .onConflictDoNothing({ target: stayApplications.caseId });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  const [own] = await db.select().from(stayApplications).where(eq(stayApplications.caseId, a.caseId));
  if (own) return {};
  const [other] = await db
    .select({ caseId: stayApplications.caseId })
    .from(stayApplications)
    .where(and(eq(stayApplications.citizenId, a.citizenId), ne(stayApplications.status, 'closed')));
  if (!other) return {};
  const [row] = await db.select({ workflowId: cases.workflowId }).from(cases).where(eq(cases.id, other.caseId));
  return { duplicateOf: other.caseId, ...(row?.workflowId ? { duplicateWorkflowId: row.workflowId } : {}) };
}

export async function closeApplication(db: Db, caseId: string, reason: string): Promise<void> {
  await updateOpenApplication(db, caseId, { status: 'closed', closedReason: reason });
}

export async function recordReassessment(
  db: Db,
  r: { stayId: string; outcome: string; at: Date; plannedEndDate?: string },
): Promise<void> {
  await db
    .update(stays)
    .set({ reassessment: r.outcome, reassessedAt: r.at, ...(r.plannedEndDate ? { plannedEndDate: r.plannedEndDate } : {}) })
    .where(eq(stays.id, r.stayId));
}

export async function getApplication(db: Db, caseId: string) {
  const [row] = await db.select().from(stayApplications).where(eq(stayApplications.caseId, caseId));
  return row;
}

export async function openApplicationOf(db: Db, citizenId: string) {
  const [row] = await db
    .select()
    .from(stayApplications)
    .where(and(eq(stayApplications.citizenId, citizenId), ne(stayApplications.status, 'closed')));
  return row;
}

/** Registers a place type; undefined when the code is registered already. */
export async function insertPlaceType(db: Db, t: { code: string; name: string; description?: string | null }) {
  const [row] = await db.insert(placeTypes).values({ code: t.code, name: t.name, description: t.description ?? null }).onConflictDoNothing().returning();
  return row;
}

export async function getPlaceType(db: Db, code: string) {
  const [row] = await db.select().from(placeTypes).where(eq(placeTypes.code, code));
  return row;
}

export async function listPlaceTypes(db: Db) {
  return db.select().from(placeTypes).orderBy(asc(placeTypes.code));
}

export async function insertFacility(db: Db, f: { id: string; name: string; address?: string }) {
  const inserted = await db.insert(facilities).values(f).onConflictDoNothing().returning();
  return inserted[0];
}

export async function getFacility(db: Db, id: string) {
  const [row] = await db.select().from(facilities).where(eq(facilities.id, id));
  return row;
}

export async function listFacilities(db: Db) {
  return db.select().from(facilities).orderBy(asc(facilities.name));
}

export async function getPlace(db: Db, id: string) {
  const [row] = await db.select().from(places).where(eq(places.id, id));
  return row;
}

/** The place of a facility with that label, whatever its place type (labels are unique per facility). */
export async function placeByLabel(db: Db, facilityId: string, label: string) {
  const [row] = await db
    .select()
    .from(places)
    .where(and(eq(places.facilityId, facilityId), eq(places.label, label)));
  return row;
}

/** Places with what holds them: the open offer or the running stay. */
export async function listPlaces(db: Db, placeType?: string) {
  const rows = await db
    .select({
      id: places.id,
      placeType: places.placeType,
      label: places.label,
      status: places.status,
      facilityId: places.facilityId,
      facilityName: facilities.name,
    })
    .from(places)
    .innerJoin(facilities, eq(facilities.id, places.facilityId))
    .where(placeType ? eq(places.placeType, placeType) : sql`true`)
    .orderBy(asc(places.placeType), asc(facilities.name), asc(places.label));
  const ids = rows.map((r) => r.id);
  const offers = ids.length
    ? await db
        .select()
        .from(placeOffers)
        .where(and(inArray(placeOffers.placeId, ids), eq(placeOffers.status, 'offered')))
    : [];
  const running = ids.length
    ? await db
        .select()
        .from(stays)
        .where(and(inArray(stays.placeId, ids), isNull(stays.endedAt)))
    : [];
  return rows.map((r) => {
    const offer = offers.find((o) => o.placeId === r.id);
    const stay = running.find((s) => s.placeId === r.id);
    return {
      ...r,
      offer: offer ? { offerId: offer.id, caseId: offer.caseId, offeredAt: offer.offeredAt, replyBy: offer.replyBy } : null,
      stay: stay
        ? { caseId: stay.caseId, startedAt: stay.startedAt, plannedEndDate: stay.plannedEndDate, reassessment: stay.reassessment }
        : null,
    };
  });
}

export async function citizenBirthDates(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: citizens.id, birthDate: citizens.birthDate }).from(citizens).where(inArray(citizens.id, ids));
  return new Map(rows.map((r) => [r.id, r.birthDate]));
}

export async function openOffersAndStays(db: Db) {
  const offers = await db.select().from(placeOffers).where(eq(placeOffers.status, 'offered'));
  const running = await db.select().from(stays).where(isNull(stays.endedAt));
  return { offers, running };
}

/**
 * A case's offers and stay as the allocator's mirror holds them (place_offers, stays), with the
 * place's label: the open offer (status `offered`) or null, the offers no longer open (accepted,
 * declined, expired, withdrawn) in the order they were made, and the running stay — or, when none
 * runs, the last one — or null. Read without asking the workflow.
 */
export async function offersAndStayOf(db: Db, caseId: string) {
  const [offers, stayRows] = await Promise.all([
    db
      .select({
        offerId: placeOffers.id,
        placeId: placeOffers.placeId,
        placeLabel: places.label,
        status: placeOffers.status,
        offeredAt: placeOffers.offeredAt,
        replyBy: placeOffers.replyBy,
      })
      .from(placeOffers)
      .innerJoin(places, eq(places.id, placeOffers.placeId))
      .where(eq(placeOffers.caseId, caseId))
      .orderBy(asc(placeOffers.offeredAt), asc(placeOffers.id)),
    db
      .select({
        stayId: stays.id,
        placeId: stays.placeId,
        placeLabel: places.label,
        startedAt: stays.startedAt,
        plannedEndDate: stays.plannedEndDate,
        reassessment: stays.reassessment,
        reassessedAt: stays.reassessedAt,
        endedAt: stays.endedAt,
        endReason: stays.endReason,
      })
      .from(stays)
      .innerJoin(places, eq(places.id, stays.placeId))
      .where(eq(stays.caseId, caseId))
      // the running stay first, else the last one
      .orderBy(sql`${stays.endedAt} is null desc`, desc(stays.startedAt))
      .limit(1),
  ]);
  const open = offers.find((o) => o.status === 'offered');
  return {
    offer: open ? { offerId: open.offerId, placeId: open.placeId, placeLabel: open.placeLabel, offeredAt: open.offeredAt, replyBy: open.replyBy } : null,
    pastOffers: offers.filter((o) => o.status !== 'offered').map((o) => ({ offerId: o.offerId, placeId: o.placeId, status: o.status })),
    stay: stayRows[0] ?? null,
  };
}

export async function priorityHistory(db: Db, caseId: string) {
  return db.select().from(priorityChanges).where(eq(priorityChanges.caseId, caseId)).orderBy(asc(priorityChanges.changedAt));
}

/** Of these cases, those whose priority is to be reviewed (an open `priority_review` obligation, 003). */
export async function casesWithPriorityToReview(db: Db, caseIds: string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db
    .select({ caseId: obligations.caseId })
    .from(obligations)
    .where(and(inArray(obligations.caseId, caseIds), eq(obligations.kind, 'priority_review'), inArray(obligations.state, ['on_track', 'at_risk', 'breached', 'paused'])));
  return new Set(rows.map((r) => r.caseId));
}

/**
 * A place type's waiting list (venteliste) from the database, in allocation order: priority (in
 * `priorityOrder`, the highest first), then the waiting-list date, then arrival (the case's
 * opening); the applications waiting or offered a place, with the open offer and whether a
 * priority review is due (003). One query, whatever the list's length; a page of it with
 * `limit` and `offset`.
 */
export async function waitingListRows(db: Db, placeType: string, priorityOrder: readonly string[], page: { limit?: number; offset?: number } = {}) {
  const order = sql`array_position(array[${sql.join(
    priorityOrder.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[], ${stayApplications.priority})`;
  return db
    .select({
      caseId: stayApplications.caseId,
      citizenId: stayApplications.citizenId,
      priority: stayApplications.priority,
      waitingSince: stayApplications.waitingSince,
      state: stayApplications.status,
      offerId: placeOffers.id,
      priorityToBeReviewed: sql<boolean>`exists (select 1 from ${obligations} where ${obligations.caseId} = ${stayApplications.caseId} and ${obligations.kind} = 'priority_review' and ${obligations.state} in ('on_track', 'at_risk', 'breached'))`,
    })
    .from(stayApplications)
    .innerJoin(cases, eq(cases.id, stayApplications.caseId))
    .leftJoin(placeOffers, and(eq(placeOffers.caseId, stayApplications.caseId), eq(placeOffers.status, 'offered')))
    .where(and(eq(stayApplications.placeType, placeType), inArray(stayApplications.status, ['waiting', 'offered'])))
    .orderBy(order, asc(stayApplications.waitingSince), asc(cases.openedAt), asc(stayApplications.caseId))
    .limit(page.limit ?? 1_000_000)
    .offset(page.offset ?? 0);
}
