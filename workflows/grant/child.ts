/**
 * A grant case opened by another case (a child workflow under its own case number): a hospital
 * discharge's "more help at home", a temporary stay's "home with help". The grant is the
 * hand-over: its letter to the citizen, its message to the provider and the 14:30 rule's phone
 * task are the grant case's.
 */
import { ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import { defaultGrantRules, type GrantReason } from '../../domain/grants.js';
import type { ActorRole, RuleSet } from '../../domain/rules.js';
import { reserveCaseNumber } from '../shared/case-number.js';
import { CaseTypeKey } from '../shared/search-attributes.js';
import { grantCaseType } from './case-type.js';
import type { GrantCaseInput } from './messages.js';

/** What a decision of another case grants (ids, codes, numbers, days). */
export interface GrantOrder {
  serviceCode: string;
  minutesPerDelivery: number;
  deliveriesPerWeek: number;
  providerCode: string;
  /** The last day of a temporary grant. */
  endsOn?: LocalDate;
}

/** Starts the grant case (abandoned by its parent: it outlives it) and answers its id and case number. */
export async function startGrantCase(o: {
  citizenId: string;
  originCaseId: string;
  order: GrantOrder;
  startsOn: LocalDate;
  reason: GrantReason;
  decidedBy: ActorRole;
  rules: RuleSet;
}): Promise<{ caseId: string; caseNumber: string }> {
  const caseId = uuid4();
  const caseNumber = await reserveCaseNumber(caseId, grantCaseType);
  const { providerCode, endsOn, ...extent } = o.order;
  const input: GrantCaseInput = {
    caseId,
    citizenId: o.citizenId,
    rules: o.rules,
    // the parent's rule set carries the configured grant rules (older rule sets: the defaults)
    grantRules: o.rules.grant ?? defaultGrantRules,
    decision: 'granted',
    terms: { ...extent, startsOn: o.startsOn, ...(endsOn ? { endsOn } : {}) },
    providerCode,
    reason: o.reason,
    decidedBy: o.decidedBy,
    origin: { caseId: o.originCaseId },
  };
  await startChild('grantCaseWorkflow', {
    workflowId: caseNumber,
    args: [input],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [{ key: CaseTypeKey, value: grantCaseType.name }],
    staticSummary: 'Grant (bevilling) of help at home',
  });
  return { caseId, caseNumber };
}
