/** The grant case's rules for a new case, from the configuration (config/index.ts; defaults in domain/grants.ts). */
import { loadConfig } from '../../../config/index.js';
import type { GrantRules } from '../../../domain/grants.js';
import type { ApiDeps } from '../../context.js';

export function grantRulesOf(_deps: ApiDeps): GrantRules {
  const c = loadConfig();
  return { expiryLeadDays: c.GRANT_EXPIRY_LEAD_DAYS, providerNoticeMonths: c.PROVIDER_NOTICE_MONTHS, reassessmentDays: c.GRANT_REASSESSMENT_DAYS };
}
