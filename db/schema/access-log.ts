/**
 * The look-up log (logning af opslag): one row per citizen whose data a request showed — a
 * case page, a line of a list, a decoded workflow history in the Temporal Web UI — and one row
 * for a refused attempt. A citizen may be shown the dates and purposes of the look-ups on them
 * (`GET /citizens/:citizenId/access-log`, the data-protection officer's route). Rows older than
 * ACCESS_LOG_RETENTION_DAYS are deleted by the nightly retention schedule.
 */
import { bigserial, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    /** Kind of use: the route (`GET /work-queue`) or `codec.decode`. */
    use: text('use').notNull(),
    /** The citizen shown (pseudonymous id); null: a refused attempt or a read that showed nobody. */
    citizenId: uuid('citizen_id'),
    /** The case it was read for, when one. */
    caseId: uuid('case_id'),
    /** Why: `case_handling` for a case read, the list's purpose, or the code the caller sent (X-Purpose). */
    purpose: text('purpose').notNull(),
    statusCode: integer('status_code').notNull(),
    requestId: uuid('request_id').notNull(),
  },
  (t) => [index('access_log_citizen_idx').on(t.citizenId, t.at), index('access_log_at_idx').on(t.at)],
);
