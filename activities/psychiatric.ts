/**
 * Activities of the psychiatric ready-for-discharge case: giving a botilbud place to the case
 * and freeing it. Arguments and results carry only ids and labels (they are in the history).
 */
import type { Db } from '../db/client.js';
import { allocateHousingPlace, listHousingOffers, releaseHousingPlace, type AllocationResult } from '../db/queries/psychiatric.js';

export function createPsychiatricActivities(db: Db) {
  return {
    /** Gives the case a vacant place of the offer; `ok: false` with the reason when none is left. */
    async allocateHousingPlace(input: {
      caseId: string;
      offerId: string;
      placeId?: string;
      /** The citizen's recorded choice (002 free choice). */
      chosenOfferId?: string;
      /** A reason code for departing from the choice. */
      overrideReason?: string;
    }): Promise<AllocationResult> {
      return allocateHousingPlace(db, input);
    },

    /** The own offers with a vacant place (ids, names and counts). */
    async vacantOwnOffers(_input: Record<string, never>): Promise<{ offerId: string; name: string; vacantPlaces: number }[]> {
      const offers = await listHousingOffers(db, true);
      return offers.map((o) => ({ offerId: o.id, name: o.name, vacantPlaces: o.vacantPlaces }));
    },

    /** Frees the place the case holds, if any (idempotent). */
    async releaseHousingPlace(input: { caseId: string; at: number }): Promise<void> {
      await releaseHousingPlace(db, input.caseId, new Date(input.at));
    },
  };
}
