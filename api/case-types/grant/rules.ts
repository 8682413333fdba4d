/** The grant case's rules for a new case: the defaults, overridden by configuration where set. */
import { defaultGrantRules, type GrantRules } from '../../../domain/grants.js';
import type { ApiDeps } from '../../context.js';

export function grantRulesOf(_deps: ApiDeps): GrantRules {
  const env = process.env;
  const int = (v: string | undefined, d: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : d);
  return {
    expiryLeadDays: int(env.GRANT_EXPIRY_LEAD_DAYS, defaultGrantRules.expiryLeadDays),
    providerNoticeMonths: int(env.PROVIDER_NOTICE_MONTHS, defaultGrantRules.providerNoticeMonths),
    reassessmentDays: int(env.GRANT_REASSESSMENT_DAYS, defaultGrantRules.reassessmentDays),
  };
}
