/**
 * MedCom HospitalNotification: storing each message once (by its MessageHeader id), the hospital
 * episodes it builds, the effects on the citizen's cases, and the advis inbox.
 */
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { foldEpisode, type EpisodeMessage, type EpisodeView } from '../../domain/hospital-episodes.js';
import type { Db, Tx } from '../client.js';
import { auditLog, cases, citizens, hospitalEpisodeIdentifiers, hospitalEpisodes, hospitalNotifications, type NotificationEffect } from '../schema/index.js';

export type StoredNotification = typeof hospitalNotifications.$inferSelect;

export async function storedNotification(db: Db, messageId: string): Promise<StoredNotification | undefined> {
  const [row] = await db.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, messageId));
  return row;
}

/** Stores a message that broke the rules (nothing applied), once; returns the stored row. */
export async function storeRejected(
  db: Db,
  r: { messageId: string; contentType: string; body: string; problems: { expression: string; message: string }[]; ack: Record<string, unknown>; httpStatus: number },
): Promise<StoredNotification> {
  await db
    .insert(hospitalNotifications)
    .values({ messageId: r.messageId, contentType: r.contentType, status: 'rejected', rejectedBody: r.body, problems: r.problems, ack: r.ack, httpStatus: r.httpStatus })
    .onConflictDoNothing({ target: hospitalNotifications.messageId });
  return (await storedNotification(db, r.messageId))!;
}

export interface Applied {
  row: StoredNotification;
  /** False when the message had been received before (nothing applied again). */
  fresh: boolean;
  view?: EpisodeView;
}

/**
 * Applies a valid message in one transaction, under a lock on the citizen: the citizen (by CPR,
 * as an intake does), the message row (once: a repeat finds it and changes nothing), the episode
 * (found by any of its episode-of-care identifiers, or new) and its state folded again from every
 * message it has (event order, not arrival order).
 */
export async function applyNotification(
  db: Db,
  n: { message: Omit<EpisodeMessage, 'receivedAt'>; code: string; cpr: string; birthDate: string; episodeIds: { system: string; value: string }[]; contentType: string; ack: Record<string, unknown> },
): Promise<Applied> {
  return db.transaction(async (tx) => {
    await tx.insert(citizens).values({ cpr: n.cpr, birthDate: n.birthDate }).onConflictDoNothing({ target: citizens.cpr });
    const [citizen] = await tx.select({ id: citizens.id }).from(citizens).where(eq(citizens.cpr, n.cpr));
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`hospital-episodes:${citizen!.id}`}))`);
    const before = await tx.select().from(hospitalNotifications).where(eq(hospitalNotifications.messageId, n.message.messageId));
    if (before[0]) return { row: before[0], fresh: false };
    const episodeId = await episodeFor(tx, citizen!.id, n.episodeIds);
    const [known] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.citizenId, citizen!.id)).limit(1);
    const receivedAt = new Date();
    const facts = { ...n.message, receivedAt: receivedAt.getTime() } satisfies EpisodeMessage;
    const [row] = await tx
      .insert(hospitalNotifications)
      .values({
        messageId: n.message.messageId,
        receivedAt,
        contentType: n.contentType,
        status: 'applied',
        code: n.code,
        facts: facts as unknown as Record<string, unknown>,
        citizenId: citizen!.id,
        episodeId,
        occurredAt: new Date(n.message.occurredAt),
        ack: n.ack,
        httpStatus: 200,
        known: known !== undefined,
      })
      .returning();
    const view = await refold(tx, episodeId);
    return { row: row!, fresh: true, view };
  });
}

/** The episode one of these identifiers names (adding the others to it), or a new one. */
async function episodeFor(tx: Tx, citizenId: string, ids: { system: string; value: string }[]): Promise<string> {
  const found = await tx
    .select({ episodeId: hospitalEpisodeIdentifiers.episodeId })
    .from(hospitalEpisodeIdentifiers)
    .innerJoin(hospitalEpisodes, eq(hospitalEpisodes.id, hospitalEpisodeIdentifiers.episodeId))
    .where(and(eq(hospitalEpisodes.citizenId, citizenId), inArray(hospitalEpisodeIdentifiers.value, ids.map((i) => i.value))));
  let episodeId = found[0]?.episodeId;
  if (!episodeId) {
    const [created] = await tx.insert(hospitalEpisodes).values({ citizenId, state: 'in_progress' }).returning({ id: hospitalEpisodes.id });
    episodeId = created!.id;
  }
  await tx
    .insert(hospitalEpisodeIdentifiers)
    .values(ids.map((i) => ({ ...i, episodeId: episodeId! })))
    .onConflictDoNothing();
  return episodeId;
}

/** Folds the episode's messages again and writes its state. */
async function refold(tx: Tx, episodeId: string): Promise<EpisodeView> {
  const rows = await tx
    .select({ facts: hospitalNotifications.facts })
    .from(hospitalNotifications)
    .where(and(eq(hospitalNotifications.episodeId, episodeId), eq(hospitalNotifications.status, 'applied')));
  const view = foldEpisode(rows.map((r) => r.facts as unknown as EpisodeMessage));
  await tx
    .update(hospitalEpisodes)
    .set({
      state: view.state,
      encounterClass: view.encounterClass ?? null,
      startedAt: view.start !== undefined ? new Date(view.start) : null,
      endedAt: view.end !== undefined ? new Date(view.end) : null,
      deceased: view.deceased,
      wardSor: view.wardSor ?? null,
      leaves: view.leaves,
      updatedAt: new Date(),
    })
    .where(eq(hospitalEpisodes.id, episodeId));
  return view;
}

/** The episode's state as last folded (for a repeat of a message: the effects' decision). */
export async function episodeView(db: Db, episodeId: string): Promise<EpisodeView> {
  const rows = await db
    .select({ facts: hospitalNotifications.facts })
    .from(hospitalNotifications)
    .where(and(eq(hospitalNotifications.episodeId, episodeId), eq(hospitalNotifications.status, 'applied')));
  return foldEpisode(rows.map((r) => r.facts as unknown as EpisodeMessage));
}

/** The citizen's open cases. */
export function openCasesOf(db: Db, citizenId: string) {
  return db
    .select({ id: cases.id, type: cases.type, step: cases.step, workflowId: cases.workflowId })
    .from(cases)
    .where(and(eq(cases.citizenId, citizenId), isNull(cases.closedAt)))
    .orderBy(asc(cases.openedAt));
}

/**
 * Records the effects on the cases, and one audit row per case affected (the message id as the
 * reference; once per message and case, also when a repeat runs the effects again).
 */
export async function recordEffects(db: Db, r: { messageId: string; code: string; effects: NotificationEffect[]; user: string; role: string; path: string }): Promise<void> {
  await db.transaction(async (tx) => {
    for (const e of r.effects) {
      const requestId = uuidOf(`medcom:${r.messageId}:${e.caseId}`);
      await tx
        .insert(auditLog)
        .values({
          requestId,
          userId: r.user,
          role: r.role,
          action: `medcom.hospital_notification.${e.event}`,
          caseId: e.caseId,
          method: 'POST',
          path: r.path,
          statusCode: e.outcome === 'refused' ? 409 : 200,
          detail: { messageId: r.messageId, code: r.code, outcome: e.outcome, ...(e.reason ? { reason: e.reason } : {}) },
        })
        .onConflictDoNothing({ target: auditLog.requestId });
    }
    await tx.update(hospitalNotifications).set({ effects: r.effects }).where(eq(hospitalNotifications.messageId, r.messageId));
  });
}

const uuidOf = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** An episode with its identifiers and the messages applied to it (event order). */
export async function getEpisode(db: Db, id: string) {
  const [episode] = await db.select().from(hospitalEpisodes).where(eq(hospitalEpisodes.id, id));
  if (!episode) return undefined;
  const [identifiers, messages] = await Promise.all([
    db.select({ system: hospitalEpisodeIdentifiers.system, value: hospitalEpisodeIdentifiers.value }).from(hospitalEpisodeIdentifiers).where(eq(hospitalEpisodeIdentifiers.episodeId, id)),
    db
      .select({ messageId: hospitalNotifications.messageId, code: hospitalNotifications.code, occurredAt: hospitalNotifications.occurredAt, receivedAt: hospitalNotifications.receivedAt })
      .from(hospitalNotifications)
      .where(and(eq(hospitalNotifications.episodeId, id), eq(hospitalNotifications.status, 'applied')))
      .orderBy(asc(hospitalNotifications.occurredAt), asc(hospitalNotifications.receivedAt)),
  ]);
  return { episode, identifiers, messages };
}

/** The advis inbox: notifications for citizens known to the municipality, unreviewed first, newest first. */
export function inbox(db: Db, o: { reviewed?: boolean; limit: number }) {
  const where = [eq(hospitalNotifications.known, true), eq(hospitalNotifications.status, 'applied')];
  if (o.reviewed === true) where.push(isNotNull(hospitalNotifications.reviewedAt));
  if (o.reviewed === false) where.push(isNull(hospitalNotifications.reviewedAt));
  return db
    .select()
    .from(hospitalNotifications)
    .where(and(...where))
    .orderBy(sql`${hospitalNotifications.reviewedAt} is not null`, desc(hospitalNotifications.receivedAt))
    .limit(o.limit);
}

/** Marks a notification reviewed (once: the first reviewer stands); the row after. */
export async function markReviewed(db: Db, messageId: string, user: string): Promise<StoredNotification | undefined> {
  await db
    .update(hospitalNotifications)
    .set({ reviewedAt: new Date(), reviewedBy: user })
    .where(and(eq(hospitalNotifications.messageId, messageId), isNull(hospitalNotifications.reviewedAt)));
  return storedNotification(db, messageId);
}

/**
 * Purges the notifications of citizens the municipality does not know (no case, then or now)
 * received before `before`, and the hospital episodes left without a message. Rejected messages
 * stay for inspection. Returns how many notifications went.
 */
export async function purgeUnknownNotifications(db: Db, before: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const gone = await tx
      .delete(hospitalNotifications)
      .where(
        and(
          eq(hospitalNotifications.known, false),
          eq(hospitalNotifications.status, 'applied'),
          sql`${hospitalNotifications.receivedAt} < ${before.toISOString()}`,
          sql`not exists (select 1 from ${cases} where ${cases.citizenId} = ${hospitalNotifications.citizenId})`,
        ),
      )
      .returning({ episodeId: hospitalNotifications.episodeId });
    const episodes = [...new Set(gone.map((g) => g.episodeId).filter((e): e is string => e !== null))];
    if (episodes.length) {
      const left = sql`not exists (select 1 from ${hospitalNotifications} where ${hospitalNotifications.episodeId} = ${hospitalEpisodes.id})`;
      const empty = await tx.select({ id: hospitalEpisodes.id }).from(hospitalEpisodes).where(and(inArray(hospitalEpisodes.id, episodes), left));
      const ids = empty.map((e) => e.id);
      if (ids.length) {
        await tx.delete(hospitalEpisodeIdentifiers).where(inArray(hospitalEpisodeIdentifiers.episodeId, ids));
        await tx.delete(hospitalEpisodes).where(inArray(hospitalEpisodes.id, ids));
      }
    }
    return gone.length;
  });
}
