/**
 * Activities of the hospital-discharge case (udskrivning). Thin and idempotent: keyed by case id
 * + step key, so a retry never writes a second row. No health detail passes through here.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { recordHandoverOnce } from '../db/queries/hospital-discharge.js';

export interface ProviderHandoverInput {
  caseId: string;
  /** Unique within the case, e.g. `handover-plan`, `handover-decision`. */
  key: string;
  decision: 'home_per_plan' | 'more_help_at_home' | 'home_with_existing_help';
  minutesPerWeek?: number;
  handedAt: number;
  /** Copenhagen date the provider must start. */
  startsOn: string;
  /** 003's 14:30 rule applies: also phone the provider. */
  phoneProvider: boolean;
  /** Role that made the decision and must phone. */
  recipientRole: string;
  phoneMessage: string;
}

export function createHospitalDischargeActivities(db: Db) {
  return {
    /** The decision handed to the provider (advis) and, after 14:30 for a same-day start, the phone task. */
    async recordProviderHandover(h: ProviderHandoverInput): Promise<{ handoverId: string; taskId?: string }> {
      const result = await recordHandoverOnce(db, { ...h, handedAt: new Date(h.handedAt) });
      Context.current().log.info('decision handed to the provider', {
        caseId: h.caseId,
        key: h.key,
        phoneProvider: h.phoneProvider,
      });
      return result;
    },
  };
}
