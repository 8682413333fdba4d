/**
 * Bed-day payment (betalingsforpligtelse) activities, used by every case type whose citizen is
 * declared ready for discharge while still in a hospital bed. Both are idempotent: keyed by
 * the case id, a retry never writes a second period or moves an end already recorded.
 */
import type { Db } from '../db/client.js';
import { endBedDayPeriod, startBedDayPeriod } from '../db/queries/payments.js';
import type { BedDayCounting as BedDayRules } from '../db/queries/payments.js';

export function createBedDayActivities(db: Db) {
  return {
    /**
     * The municipality's payment obligation starts: the citizen was declared ready for
     * discharge at `readyAt` (epoch ms). `rules` (optional) keeps the case's counting rules
     * with the period (defaults: the day after is day 1, the discharge day is not paid).
     */
    async recordBedDaysStarted(input: { caseId: string; readyAt: number; rules?: BedDayRules }): Promise<void> {
      await startBedDayPeriod(db, { caseId: input.caseId, readyAt: new Date(input.readyAt), rules: input.rules });
    },

    /**
     * The obligation ends at `endedAt` (epoch ms): by the citizen's discharge
     * (`endedByDischarge`), or otherwise (withdrawn, readmitted to treatment, died).
     * The first end recorded wins.
     */
    async recordBedDaysEnded(input: { caseId: string; endedAt: number; endedByDischarge: boolean }): Promise<void> {
      await endBedDayPeriod(db, {
        caseId: input.caseId,
        endedAt: new Date(input.endedAt),
        endedByDischarge: input.endedByDischarge,
      });
    },
  };
}
