/**
 * The custom search attributes every case shows in the Temporal Web UI (registered by
 * `npm start`, the tests and the API's start-up check). No personal data: codes, steps, roles
 * and instants only.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export type CaseType = 'psychiatric_discharge' | 'hospital_discharge' | 'temporary_stay';
export const CASE_TYPES: readonly CaseType[] = ['psychiatric_discharge', 'hospital_discharge', 'temporary_stay'];

/** Case-number prefix per case type: `PSY-2026-000042`. */
export const CASE_NUMBER_PREFIX: Record<CaseType, string> = {
  psychiatric_discharge: 'PSY',
  hospital_discharge: 'UDS',
  temporary_stay: 'MDO',
};

export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
/** Always the current step; `closed` once the case has ended. */
export const CaseStepKey = defineSearchAttributeKey('CaseStep', SearchAttributeType.KEYWORD);
/** Who must act next (the most urgent open obligation's role, or the step's). */
export const ActingRoleKey = defineSearchAttributeKey('ActingRole', SearchAttributeType.KEYWORD);
/** The instant the next escalation fires. */
export const NextDueAtKey = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);
/** The Copenhagen due day of that escalation, `YYYY-MM-DD`. */
export const NextDueDayKey = defineSearchAttributeKey('NextDueDay', SearchAttributeType.KEYWORD);
/** on_track | at_risk | breached (the worst open obligation). */
export const SlaStateKey = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);
/** An escalation is open (an obligation breached and not yet met). */
export const EscalatedKey = defineSearchAttributeKey('Escalated', SearchAttributeType.BOOL);

export const searchAttributeDefinitions = [
  CaseTypeKey,
  CaseStepKey,
  ActingRoleKey,
  NextDueAtKey,
  NextDueDayKey,
  SlaStateKey,
  EscalatedKey,
];
