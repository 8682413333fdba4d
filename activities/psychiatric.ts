/**
 * Activities of the psychiatric ready-for-discharge case: giving a botilbud place to the case
 * and freeing it. Arguments and results carry only ids and labels (they are in the history).
 */
import type { Db } from '../db/client.js';
import { allocateHousingPlace, releaseHousingPlace, type AllocationResult } from '../db/queries/psychiatric.js';

export function createPsychiatricActivities(db: Db) {
  return {
    /** Gives the case a vacant place of the offer; `ok: false` with the reason when none is left. */
    async allocateHousingPlace(input: { caseId: string; offerId: string; placeId?: string }): Promise<AllocationResult> {
      return allocateHousingPlace(db, input);
    },

    /** Frees the place the case holds, if any (idempotent). */
    async releaseHousingPlace(input: { caseId: string; at: number }): Promise<void> {
      await releaseHousingPlace(db, input.caseId, new Date(input.at));
    },
  };
}
