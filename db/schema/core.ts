/**
 * Core tables shared by every case type. The CPR number lives only in `citizens`;
 * everything else refers to the citizen by `citizens.id`.
 */

import {
  bigserial,
  boolean,
  pgSequence,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** A case's id, referencing its `cases` row (resolved lazily: usable before `cases` is declared). */
export const caseRef = () => uuid('case_id').notNull().references((): AnyPgColumn => cases.id);
/** A citizen's id, referencing the `citizens` row. */
export const citizenRef = () => uuid('citizen_id').notNull().references((): AnyPgColumn => citizens.id);
/** A row id the database generates. */
export const generatedId = () => uuid('id').primaryKey().defaultRandom();
/** When the row was written. */
export const createdNow = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
/** A timestamp with time zone, read as a Date (every instant the database keeps). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const citizens = pgTable('citizens', {
  id: generatedId(),
  /** CPR number (personnummer), 10 digits. Never leaves the database. */
  cpr: text('cpr').notNull().unique(),
  birthDate: date('birth_date', { mode: 'string' }).notNull(),
  createdAt: createdNow(),
});

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey(),
    /** psychiatric_discharge | hospital_discharge | temporary_stay */
    type: text('type').notNull(),
    citizenId: citizenRef(),
    workflowId: text('workflow_id').notNull().unique(),
    /** The workflow's current step, mirrored for lists and reports. */
    step: text('step').notNull(),
    /** Non-sensitive case facts (ward, notice kind, …), per case type. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    openedAt: ts('opened_at').notNull(),
    closedAt: ts('closed_at'),
    outcome: text('outcome'),
    /** The worst open obligation: on_track | at_risk | breached (null when nothing is open). */
    slaState: text('sla_state'),
    /** The instant the next escalation fires, and its Copenhagen day. */
    nextDueAt: ts('next_due_at'),
    nextDueDay: date('next_due_day', { mode: 'string' }),
    /** Who must act next (role, and team where known). */
    actingRole: text('acting_role'),
    actingTeam: text('acting_team'),
    /** An escalation is open (an obligation breached, not yet met). */
    escalated: boolean('escalated').notNull().default(false),
    /** The citizen is on leave from the hospital since (orlov, MedCom STOR until SLOR); null otherwise. */
    onLeaveSince: ts('on_leave_since'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('cases_type_step_idx').on(t.type, t.step),
    index('cases_citizen_idx').on(t.citizenId),
    index('cases_sla_idx').on(t.slaState, t.nextDueAt),
  ],
);

/**
 * Case numbers (e.g. `PSY-2026-000042`): prefix per case type, year, a sequence from the
 * database. Reserved for a case id before its workflow starts (the number is the workflow id),
 * so a repeated intake (same case id) gets the same number. No personal data.
 */
export const caseNumbers = pgTable(
  'case_numbers',
  {
    caseId: uuid('case_id').primaryKey(),
    caseNumber: text('case_number').notNull().unique(),
    type: text('type').notNull(),
    createdAt: createdNow(),
    /** The citizen the intake opens the case for (a case opening: one open case of a type per citizen). Null before 0015. */
    citizenId: uuid('citizen_id'),
    /**
     * The intake's request hash (method, path, body): the key → request binding that lives as
     * long as the case (the same Idempotency-Key with another body → 422, also after the key's TTL).
     */
    requestHash: text('request_hash'),
  },
  (t) => [index('case_numbers_citizen_idx').on(t.citizenId, t.type)],
);

export const caseNumberSeq = pgSequence('case_number_seq', { startWith: 1 });

/**
 * Obligations (frister): what each case waits for, one row per case + key, upserted by the
 * case's mirror activity. The work queue (arbejdsliste) reads the open ones.
 */
export const obligations = pgTable(
  'obligations',
  {
    caseId: caseRef(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    actionCode: text('action_code').notNull(),
    actorRole: text('actor_role').notNull(),
    actorTeam: text('actor_team'),
    escalateTo: text('escalate_to').notNull(),
    dueDay: date('due_day', { mode: 'string' }).notNull(),
    atRiskAt: ts('at_risk_at').notNull(),
    escalateAt: ts('escalate_at').notNull(),
    /** on_track | at_risk | breached | paused | met | met_late | cancelled */
    state: text('state').notNull(),
    /** 0 breached, 1 at risk, 2 on track, 3 paused, 9 closed: the work queue's order. */
    urgency: integer('urgency').notNull(),
    openedAt: ts('opened_at').notNull(),
    atRiskSince: ts('at_risk_since'),
    breachedAt: ts('breached_at'),
    closedAt: ts('closed_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.key] }),
    index('obligations_queue_idx').on(t.actorRole, t.urgency, t.escalateAt),
    // the work queue across roles (supervisors, a state filter) in its exact order, open items only
    index('obligations_open_order_idx').on(t.urgency, t.escalateAt, t.caseId, t.key).where(sql`${t.urgency} < 9`),
    // a role's work queue in its exact order: the first page is read from the index (no sort of the role's items)
    index('obligations_role_order_idx').on(t.actorRole, t.urgency, t.escalateAt, t.caseId, t.key).where(sql`${t.urgency} < 9`),
  ],
);

/** Who did what, when, on which case: every change and every read of a citizen's data. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    caseId: uuid('case_id'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    statusCode: integer('status_code').notNull(),
    /** The request body minus personal identifiers, or the refusal reason. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    /** The request's own id: its row is written once, also when the write is retried after an outage (null in rows from before). */
    requestId: uuid('request_id'),
  },
  (t) => [index('audit_case_idx').on(t.caseId, t.at), uniqueIndex('audit_request_uq').on(t.requestId)],
);

/**
 * Escalations and warnings raised by a case's timers. `key` identifies the timer within the
 * case (e.g. `deadline-12w`, `meeting-3`), so a retried activity never writes a second row.
 */
export const escalations = pgTable(
  'escalations',
  {
    id: generatedId(),
    caseId: caseRef(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    /** warning | escalation */
    severity: text('severity').notNull(),
    /** Role that must act (area_chief, needs_assessor, …). */
    recipientRole: text('recipient_role').notNull(),
    /** The due day that was missed (or the deadline warned about), Copenhagen date. */
    dueDay: date('due_day', { mode: 'string' }).notNull(),
    /** The instant the timer was set for. */
    scheduledFor: ts('scheduled_for').notNull(),
    /** The workflow's time when the timer fired. */
    firedAt: ts('fired_at').notNull(),
    message: text('message').notNull(),
    /** open | acknowledged */
    status: text('status').notNull().default('open'),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: ts('acknowledged_at'),
    createdAt: createdNow(),
  },
  (t) => [
    uniqueIndex('escalations_case_key_uq').on(t.caseId, t.key),
    index('escalations_status_idx').on(t.status, t.scheduledFor),
    // GET /escalations without filters: newest first, read from the index, no sort of the table
    index('escalations_newest_idx').on(t.scheduledFor.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id),
    // GET /escalations?recipientRole= and ?kind=: the role's (the kind's) newest first, from the index
    index('escalations_role_newest_idx').on(t.recipientRole, t.scheduledFor.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id),
    index('escalations_kind_newest_idx').on(t.kind, t.scheduledFor.desc().nullsFirst(), t.createdAt.desc().nullsFirst(), t.id),
  ],
);

/** Notifications waiting for delivery (delivery itself is a separate concern). */
export const notificationOutbox = pgTable('notification_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Unique source key, e.g. `escalation:<id>`: written once per source. */
  sourceKey: text('source_key').notNull().unique(),
  recipientRole: text('recipient_role').notNull(),
  caseId: uuid('case_id'),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: createdNow(),
  sentAt: ts('sent_at'),
});

/** Stored responses for requests that carried an `Idempotency-Key` header. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response'),
    createdAt: createdNow(),
    /** sha256 of method, path and body: the same key with another request → 422. */
    requestHash: text('request_hash').notNull().default(''),
    /** `in_progress` while the first request runs (concurrent repeats wait for it), then `done`. */
    state: text('state').notNull().default('done'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

