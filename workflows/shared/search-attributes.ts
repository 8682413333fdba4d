/**
 * The custom search attributes every case shows in the Temporal Web UI (registered by
 * `npm start`, the tests and the API's start-up check). No personal data: codes, steps, roles
 * and instants only. Days are Copenhagen dates `YYYY-MM-DD` (Keyword: they sort as text);
 * instants are Datetime (Temporal stores them in UTC; the Web UI shows them in the time zone
 * chosen in its top bar: pick "Local" in Copenhagen).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The case type's name (`CaseTypeDefinition.name`, e.g. from `workflows/<case type>/case-type.ts`). */
export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
/** Always the current step; `closed` once the case has ended. */
export const CaseStepKey = defineSearchAttributeKey('CaseStep', SearchAttributeType.KEYWORD);
/** Who must act next (the most urgent open obligation's role, or the step's). */
export const ActingRoleKey = defineSearchAttributeKey('ActingRole', SearchAttributeType.KEYWORD);
/**
 * The Copenhagen due day, `YYYY-MM-DD`, of the case's earliest open obligation — breached ones
 * included, so an overdue case keeps it and `NextDueDay < "<today>"` finds how late it is (ISO
 * dates sort as text: the smallest is the most late). Empty when nothing is open.
 */
export const NextDueDayKey = defineSearchAttributeKey('NextDueDay', SearchAttributeType.KEYWORD);
/**
 * The instant that obligation falls due in the system's terms: its escalation instant (overnight
 * after the due day, or the reply instant) — in the past once it is breached. Pairs with `NextDueDay`.
 */
export const NextDueAtKey = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
/** The next escalation still to come (an open obligation not yet breached); empty when none is pending. */
export const NextEscalationAtKey = defineSearchAttributeKey('NextEscalationAt', SearchAttributeType.DATETIME);
/** on_track | at_risk | breached (the worst open obligation). */
export const SlaStateKey = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);
/** An escalation is open (an obligation breached and not yet met). */
export const EscalatedKey = defineSearchAttributeKey('Escalated', SearchAttributeType.BOOL);

/** The citizen is on leave from the hospital (orlov: MedCom STOR, until SLOR); set once a leave has been reported. */
export const CitizenOnLeaveKey = defineSearchAttributeKey('CitizenOnLeave', SearchAttributeType.BOOL);

export const searchAttributeDefinitions = [
  CaseTypeKey,
  CaseStepKey,
  ActingRoleKey,
  NextDueAtKey,
  NextDueDayKey,
  SlaStateKey,
  EscalatedKey,
  NextEscalationAtKey,
  CitizenOnLeaveKey,
];
