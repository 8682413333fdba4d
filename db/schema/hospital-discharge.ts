/**
 * Case 1 — hospital discharge (udskrivning): the tables only this case type uses.
 *
 * The care plan (plejeforløbsplan) and every free-text note are health details: they are
 * written here by the API and never travel through a workflow (input, history, search
 * attributes). The workflow knows the case id, the pseudonymous citizen id and the facts it
 * needs to run its timers. The notes written alongside a decision are in `decision_texts`
 * (decision-texts.ts), body `{ text }`.
 */
import { boolean, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { caseRef, cases, citizenRef, createdNow, generatedId, ts } from './core.js';


/**
 * The care plan the hospital sent, one per case. Keyed by the case id the API chose; written
 * before the case's workflow records the `cases` row, so there is no foreign key to `cases`.
 */
export const carePlans = pgTable('care_plans', {
  caseId: uuid('case_id').primaryKey(),
  citizenId: citizenRef(),
  /** Hospital ward (afdeling). */
  ward: text('ward').notNull(),
  admittedAt: ts('admitted_at').notNull(),
  expectedDischargeDate: date('expected_discharge_date', { mode: 'string' }),
  /** Functional level (funktionsniveau) as the hospital describes it. Health detail. */
  functionalLevel: text('functional_level').notNull(),
  /** The care plan's free text. Health detail. */
  freeText: text('free_text'),
  /** SUF (65+) or SOF (under 65) as routed at intake by the citizen's age that day. */
  routedTo: text('routed_to').notNull(),
  /** Age in whole years on the day the plan was received. */
  ageAtReceipt: integer('age_at_receipt').notNull(),
  receivedAt: ts('received_at').notNull(),
  createdAt: createdNow(),
});

/**
 * A decision handed to the provider electronically (advis, 003), once per (case, key).
 */
export const providerHandovers = pgTable(
  'provider_handovers',
  {
    id: generatedId(),
    caseId: caseRef(),
    key: text('key').notNull(),
    /** home_per_plan | more_help_at_home | home_with_existing_help */
    decision: text('decision').notNull(),
    /** Granted minutes per week (more help at home only). */
    minutesPerWeek: integer('minutes_per_week'),
    handedAt: ts('handed_at').notNull(),
    /** The Copenhagen date the provider must start. */
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** Handed after 14:30 local time for a start the same day (003): phone the provider too. */
    phoneProvider: boolean('phone_provider').notNull(),
    createdAt: createdNow(),
  },
  (t) => [uniqueIndex('provider_handovers_case_key_uq').on(t.caseId, t.key)],
);

/** Tasks for a person to carry out, e.g. "phone the provider" (003's 14:30 rule). */
export const dischargeTasks = pgTable(
  'discharge_tasks',
  {
    id: generatedId(),
    caseId: caseRef(),
    key: text('key').notNull(),
    /** phone_provider */
    kind: text('kind').notNull(),
    recipientRole: text('recipient_role').notNull(),
    /** The day the task concerns (the provider's start day). */
    dueDay: date('due_day', { mode: 'string' }).notNull(),
    message: text('message').notNull(),
    /** open | done */
    status: text('status').notNull().default('open'),
    doneBy: text('done_by'),
    doneAt: ts('done_at'),
    createdAt: createdNow(),
  },
  (t) => [uniqueIndex('discharge_tasks_case_key_uq').on(t.caseId, t.key), index('discharge_tasks_status_idx').on(t.status, t.createdAt)],
);
