/**
 * MedCom HospitalNotification (Advis om sygehusophold): every message received, once per
 * MessageHeader id (the key of exactly-once: a repeat is answered with the stored
 * acknowledgement), and the hospital episodes (sygehusophold) they build. The CPR is not kept
 * here: a message is linked to `citizens` by id; only a rejected message's body is kept as it came
 * (for inspection — it may be unreadable, so nothing can be taken out of it).
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { citizens, createdNow, generatedId, ts } from './core.js';

/** A hospital episode (sygehusophold): its state, folded from its messages (domain/hospital-episodes.ts). */
export const hospitalEpisodes = pgTable(
  'hospital_episodes',
  {
    id: generatedId(),
    citizenId: uuid('citizen_id')
      .notNull()
      .references(() => citizens.id),
    /** in_progress | on_leave | finished | cancelled (every event cancelled) */
    state: text('state').notNull(),
    /** IMP (admitted, indlagt) | EMER (acute ambulant, akut ambulant) */
    encounterClass: text('encounter_class'),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    deceased: boolean('deceased').notNull().default(false),
    /** The ward (serviceProvider) as its SOR code. */
    wardSor: text('ward_sor'),
    /** Leave periods (orlov): `[{ start, end? }]`, epoch ms. */
    leaves: jsonb('leaves').$type<{ start: number; end?: number }[]>().notNull().default([]),
    createdAt: createdNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('hospital_episodes_citizen_idx').on(t.citizenId)],
);

/**
 * The episode-of-care identifiers (local and LPR3) that name an episode, per citizen: a stay
 * cancelled for the wrong CPR (AN_) is sent again for the right citizen under the same
 * identifiers, and becomes that citizen's episode.
 */
export const hospitalEpisodeIdentifiers = pgTable(
  'hospital_episode_identifiers',
  {
    system: text('system').notNull(),
    value: text('value').notNull(),
    episodeId: uuid('episode_id')
      .notNull()
      .references(() => hospitalEpisodes.id),
  },
  (t) => [primaryKey({ columns: [t.episodeId, t.system, t.value] }), index('hospital_episode_identifiers_value_idx').on(t.value)],
);

/** What the API answered for a case a message concerned (one row in `effects`). */
export interface NotificationEffect {
  caseId: string;
  caseNumber: string;
  /** admitted | discharged | died | leave_started | leave_ended — the event as the case got it */
  event: string;
  /** applied | refused | none | review */
  outcome: string;
  /** Why it was refused, or what a reviewer must look at (never personal data). */
  reason?: string;
  /** A cancellation's review case (its obligation is the needs assessor's, due the next working day). */
  reviewCaseId?: string;
}

/** Every message received, keyed by its MessageHeader id. */
export const hospitalNotifications = pgTable(
  'hospital_notifications',
  {
    messageId: text('message_id').primaryKey(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    /** application/fhir+json | application/fhir+xml */
    contentType: text('content_type').notNull(),
    /** applied | rejected */
    status: text('status').notNull(),
    /** The code as the code table names it: STIN, RE_STIN, AN_STIN, … (null when rejected). */
    code: text('code'),
    /** The message's facts (domain EpisodeMessage without CPR or names; null when rejected). */
    facts: jsonb('facts').$type<Record<string, unknown>>(),
    citizenId: uuid('citizen_id').references(() => citizens.id),
    episodeId: uuid('episode_id').references(() => hospitalEpisodes.id),
    /** The event time (Provenance.occurredDateTime). */
    occurredAt: ts('occurred_at'),
    /** A rejected message's body as it came, for inspection. */
    rejectedBody: text('rejected_body'),
    /** The IG rules it broke. */
    problems: jsonb('problems').$type<{ expression: string; message: string }[]>(),
    /** The acknowledgement it was answered with (JSON form), and that answer's HTTP status. */
    ack: jsonb('ack').$type<Record<string, unknown>>().notNull(),
    httpStatus: integer('http_status').notNull(),
    /** The effects on the citizen's cases, once they are done (null: not yet). */
    effects: jsonb('effects').$type<NotificationEffect[]>(),
    /** The citizen is known to the municipality (had a case when it came): shown in the inbox. */
    known: boolean('known').notNull().default(false),
    reviewedAt: ts('reviewed_at'),
    reviewedBy: text('reviewed_by'),
  },
  (t) => [
    index('hospital_notifications_episode_idx').on(t.episodeId, t.occurredAt),
    index('hospital_notifications_inbox_idx').on(t.receivedAt).where(sql`${t.known} and ${t.status} = 'applied'`),
  ],
);
