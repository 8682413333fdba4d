/**
 * Grants to providers (bevillinger, 003): the approved providers (free choice of provider), the
 * service catalogue, each grant as the provider sees it (mirrored by the grant case) and the
 * delivered time the providers report. The psychiatric external providers (places bought,
 * `external_providers`) are another registry: a place bought is no service delivered at home.
 */
import { boolean, date, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { caseRef, citizenRef, createdNow, generatedId, ts } from './core.js';

/** Approved providers (godkendte leverandører); the municipality's own provider is one of them. */
export const providers = pgTable('providers', {
  /** A short code (the `team` of the provider's tokens, the outbox's `addressee_id`). */
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** The municipality's own provider (kommunal leverandør). */
  municipal: boolean('municipal').notNull().default(false),
  /** Approved for free choice; a provider no longer approved receives no new grants. */
  approved: boolean('approved').notNull().default(true),
  isExample: boolean('is_example').notNull().default(true),
  createdAt: createdNow(),
});

/** The service catalogue (indsatskatalog): what can be granted, with its legal basis (data, not code). */
export const grantServices = pgTable('grant_services', {
  code: text('code').primaryKey(),
  nameDa: text('name_da').notNull(),
  nameEn: text('name_en').notNull(),
  /** The legal basis named in the letter (e.g. serviceloven § 83, or the Ældrelov from 1 July 2025). */
  legalBasis: text('legal_basis').notNull(),
  isExample: boolean('is_example').notNull().default(true),
  createdAt: createdNow(),
});

/** A grant as it stands, one row per grant case, written by the case (idempotent upsert). */
export const grants = pgTable(
  'grants',
  {
    caseId: caseRef().primaryKey(),
    citizenId: citizenRef(),
    serviceCode: text('service_code').notNull(),
    minutesPerDelivery: integer('minutes_per_delivery').notNull(),
    deliveriesPerWeek: integer('deliveries_per_week').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** The last day of delivery: a temporary grant's end day, or the day an ended grant ended. */
    endsOn: date('ends_on', { mode: 'string' }),
    temporary: boolean('temporary').notNull(),
    /** The provider delivering now. */
    providerCode: text('provider_code').notNull(),
    /** After a change of provider: the one that delivered before, and its last day. */
    previousProviderCode: text('previous_provider_code'),
    previousProviderUntil: date('previous_provider_until', { mode: 'string' }),
    /** A change of provider under notice: the new provider and its first day. */
    nextProviderCode: text('next_provider_code'),
    nextProviderFrom: date('next_provider_from', { mode: 'string' }),
    /** granted | refused | ended */
    state: text('state').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('grants_provider_idx').on(t.providerCode, t.state), index('grants_next_provider_idx').on(t.nextProviderCode), index('grants_previous_provider_idx').on(t.previousProviderCode)],
);

/** Delivered time (leveret tid) a provider reported for a week of a grant, once per (case, week, provider). */
export const grantDeliveredTime = pgTable(
  'grant_delivered_time',
  {
    id: generatedId(),
    caseId: caseRef(),
    providerCode: text('provider_code').notNull(),
    /** The Monday the week starts. */
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    minutes: integer('minutes').notNull(),
    reportedAt: ts('reported_at').notNull(),
    createdAt: createdNow(),
  },
  (t) => [uniqueIndex('grant_delivered_time_uq').on(t.caseId, t.weekStart, t.providerCode)],
);

export type ProviderRow = typeof providers.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;
