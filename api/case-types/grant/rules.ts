/** The grant case's rules for a new case: the configured ones in the rule set (config → rulesFromConfig; defaults in domain/grants.ts). */
import { defaultGrantRules, type GrantRules } from '../../../domain/grants.js';
import type { ApiDeps } from '../../context.js';

export function grantRulesOf(deps: ApiDeps): GrantRules {
  return deps.rules.grant ?? defaultGrantRules;
}
