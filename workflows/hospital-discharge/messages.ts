/**
 * Hospital discharge (udskrivning): the case's input, its status query, its updates and their
 * types. Imported by the API and the tests as well as the workflow.
 *
 * The case opens with the shared `caseOpenedUpdate` (workflows/shared/messages.ts).
 * No CPR, care-plan content or free text in any of these: ids, codes, dates and instants only.
 */
import type { GrantOrder } from '../grant/child.js';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../../domain/calendar.js';
import type { RuleSet, StayPurpose } from '../../domain/rules.js';
import type { CaseCore } from '../shared/case-core.js';
import type { Accepted } from '../shared/messages.js';

/** SUF = Sundheds- og Omsorgsforvaltningen (65+); SOF = Socialforvaltningen (under 65). */
export type Administration = 'SUF' | 'SOF';

export type HospitalDischargeStep =
  | 'awaiting_vulnerability_assessment'
  | 'awaiting_conference'
  | 'awaiting_decision'
  | 'awaiting_discharge'
  | 'follow_up'
  | 'closed';

export type DecisionKind = 'home_per_plan' | 'temporary_stay' | 'more_help_at_home' | 'home_with_existing_help';

export type CoordinatorDecision =
  | { kind: 'temporary_stay'; placeType: string; purpose: StayPurpose }
  | { kind: 'more_help_at_home'; minutesPerWeek: number; providerStartsOn?: LocalDate; grant?: GrantOrder }
  | { kind: 'home_with_existing_help'; providerStartsOn?: LocalDate };

export type HospitalDischargeOutcome = 'discharged_home' | 'discharged_to_temporary_stay' | 'readmitted' | 'died';

export interface HospitalDischargeCaseInput {
  caseId: string;
  /** Pseudonymous citizen id (the CPR stays in the database). */
  citizenId: string;
  /** When the care plan was received (epoch ms). */
  receivedAt: number;
  /** The care plan's expected discharge date (Copenhagen date), the default start of help. */
  expectedDischargeDay?: LocalDate;
  /** Routing result at intake (by age on the day of receipt). */
  administration: Administration;
  rules: RuleSet;
}

export interface DeadlineStatus {
  dueDay: LocalDate;
  /** When the overnight escalation fires if the step is still missing. */
  escalationAt: string;
  escalatedAt?: string;
  doneAt?: string;
}

export interface HandoverStatus {
  /** Unique within the case: `handover-plan` (the accepted plan) or `handover-decision` (the coordinator's decision). */
  key: string;
  decision: DecisionKind;
  handedAt: string;
  startsOn: LocalDate;
  /** 003's 14:30 rule applies: the provider must be phoned as well (obligation `phone-<key>`). */
  phoneProvider: boolean;
  taskId?: string;
  /** When the phone task was marked done. */
  phonedAt?: string;
}

/** The obligations and SLA the case core shows (slaState, nextDueAt, nextDueDay, escalated, obligations). */
export type CaseCoreView = ReturnType<CaseCore['view']>;

export interface HospitalDischargeFacts {
  caseId: string;
  step: HospitalDischargeStep;
  administration: Administration;
  reroutes: { from: Administration; to: Administration; at: string }[];
  receivedDay: LocalDate;
  expectedDischargeDay?: LocalDate;
  vulnerabilityAssessment: DeadlineStatus & { vulnerable?: boolean };
  conferenceHeldAt?: string;
  decision?: { kind: DecisionKind; decidedAt: string; minutesPerWeek?: number; placeType?: string };
  /** The temporary-stay case started by a decision; its workflow id is its case number (`MDO-2026-000042`). */
  temporaryStay?: {
    caseId: string;
    workflowId: string;
    signalled?: string;
    /** When the stay started (the discharge to it). */
    startedAt?: string;
    /** Discharged home before a place existed (the priority is reviewed on the stay case). */
    dischargedHomeWhileWaiting?: string;
    repointedFrom?: string;
  };
  handovers: HandoverStatus[];
  /** The grant case (bevilling) the decision "more help at home" opened: the hand-over to the provider. */
  grantCase?: { caseId: string; caseNumber: string };
  faerdigbehandletAt?: string;
  bedDaysEndedAt?: string;
  dischargedAt?: string;
  dischargedTo?: 'home' | 'temporary_stay';
  followUpVisit?: DeadlineStatus;
  helpFollowUp?: DeadlineStatus;
  closed: boolean;
  closedAt?: string;
  outcome?: HospitalDischargeOutcome;
}

export type HospitalDischargeStatus = HospitalDischargeFacts & {
  /** The case number, which is the workflow id (`UDS-2026-000042`). */
  caseNumber: string;
} & CaseCoreView;

// --- messages -----------------------------------------------------------------------------

export const hospitalDischargeStatusQuery = defineQuery<HospitalDischargeStatus>('status');
/**
 * The temporary-stay case this case started tells it that the stay started (the discharge to it).
 * A stay already running when this case was re-pointed to it names itself (`caseId`,
 * `workflowId`): the re-pointing may reach this case after the start.
 */
export const temporaryStayStartedSignal = defineSignal<[{ startedAt: number; caseId?: string; workflowId?: string }]>('temporaryStayStarted');
/** The citizen already had an open application: this case's temporary-stay decision now follows it (003). */
export const temporaryStayRepointedSignal = defineSignal<[{ caseId: string; workflowId: string }]>('temporaryStayRepointed');
export const rerouteUpdate = defineUpdate<HospitalDischargeStatus & Accepted, [{ to: Administration }]>('reroute');
export const assessVulnerabilityUpdate = defineUpdate<
  HospitalDischargeStatus & Accepted,
  [{ vulnerable: boolean; providerStartsOn?: LocalDate }]
>('assessVulnerability');
export const recordConferenceUpdate = defineUpdate<HospitalDischargeStatus & Accepted, [{ heldAt: number }]>('recordConference');
export const decideUpdate = defineUpdate<HospitalDischargeStatus & Accepted, [{ decision: CoordinatorDecision }]>('decide');
export const faerdigbehandletUpdate = defineUpdate<HospitalDischargeStatus, [{ readyAt: number }]>('faerdigbehandlet');
export const dischargedUpdate = defineUpdate<
  HospitalDischargeStatus,
  [{ dischargedAt: number; destination?: 'home' | 'temporary_stay' }]
>('discharged');
export const readmittedUpdate = defineUpdate<HospitalDischargeStatus, [{ readmittedAt: number }]>('readmitted');
export const diedUpdate = defineUpdate<HospitalDischargeStatus, [{ diedAt: number }]>('died');
export const followUpVisitUpdate = defineUpdate<HospitalDischargeStatus & Accepted, [{ visitedAt: number }]>('followUpVisit');
export const helpFollowUpUpdate = defineUpdate<HospitalDischargeStatus & Accepted, [{ followedUpAt: number }]>('helpFollowUp');
/**
 * The "phone the provider" task of a handover was done (003's 14:30 rule): meets the obligation
 * `phone-<key>`. `key` is the handover's key (`handover-plan` or `handover-decision`).
 */
export const phoneTaskDoneUpdate = defineUpdate<HospitalDischargeStatus, [{ key: string }]>('phoneTaskDone');
