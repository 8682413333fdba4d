import type { Db } from '../db/client.js';
import { createBedDayActivities } from './bed-days.js';
import { createCoreActivities } from './core.js';
import { createPsychiatricActivities } from './psychiatric.js';
import { createTemporaryStayActivities } from './temporary-stay.js';
import { createHospitalDischargeActivities } from './hospital-discharge.js';
import { createOutboxActivities } from './outbox.js';
import { createGrantActivities } from './grant.js';
import { withDatabaseErrors } from './errors.js';
import { createRetentionActivities } from './retention.js';
import { createIntervalStayActivities } from './interval-stay.js';

/**
 * Every activity the worker registers, bound to one database. Each one's database errors are
 * classified (a value the database can never accept → non-retryable) and carry no query
 * parameters (activities/errors.ts).
 */
export function createActivities(db: Db) {
  return withDatabaseErrors({
    ...createCoreActivities(db),
    ...createTemporaryStayActivities(db),
    ...createBedDayActivities(db),
    ...createPsychiatricActivities(db),
    ...createHospitalDischargeActivities(db),
    ...createOutboxActivities(db),
    ...createGrantActivities(db),
    ...createRetentionActivities(db),
    ...createIntervalStayActivities(db),
  });
}

export type Activities = ReturnType<typeof createActivities>;
