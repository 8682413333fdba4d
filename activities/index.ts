import type { Db } from '../db/client.js';
import { createBedDayActivities } from './bed-days.js';
import { createCoreActivities } from './core.js';
import { createPsychiatricActivities } from './psychiatric.js';
import { createTemporaryStayActivities } from './temporary-stay.js';
import { createHospitalDischargeActivities } from './hospital-discharge.js';

/** Every activity the worker registers, bound to one database. */
export function createActivities(db: Db) {
  return {
    ...createCoreActivities(db),
    ...createTemporaryStayActivities(db),
    ...createBedDayActivities(db),
    ...createPsychiatricActivities(db),
    ...createHospitalDischargeActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
