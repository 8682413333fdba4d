/**
 * Hospital discharge (udskrivning): the case's state and its transitions, as pure functions.
 *
 * No clock but the `now`/`at` handed in, no I/O, no Temporal API: the workflow applies them in
 * its handlers, the unit tests (test/hospital-discharge-state.test.ts) apply them without a
 * server. A validator (`check…`) throws an Error whose message is the refusal reason (the API
 * answers 409 with it); a transition returns the next state and leaves its argument alone.
 */
import { addDays, formatLocal, localDate, overnightAfter, workingDaysAfter, type LocalDate } from '../../domain/calendar.js';
import { SUF_AGE, type ActorRole, type RuleSet } from '../../domain/rules.js';
import { mustPhoneProvider } from '../../domain/handover.js';
import type { ClockEffect, Obligation } from '../shared/obligations.js';
import type {
  Administration,
  CoordinatorDecision,
  DecisionKind,
  DeadlineStatus,
  HospitalDischargeCaseInput,
  HospitalDischargeFacts,
  HospitalDischargeOutcome,
  HospitalDischargeStep,
} from './messages.js';

// --- rules -------------------------------------------------------------------------------

/** 004: route by age on the day the care plan arrives — 65 or older → SUF, under 65 → SOF. */
export function routeByAge(age: number): Administration {
  return age >= SUF_AGE ? 'SUF' : 'SOF';
}

/** 003's 14:30 rule: the one hand-over rule (domain/handover.ts), shared with the grant case. */
export { mustPhoneProvider };

export { workingDaysAfter } from '../../domain/calendar.js';

// --- obligation keys (equal to the escalation keys) -----------------------------------------

export const ASSESSMENT = 'vulnerability-assessment';
export const FOLLOW_UP_VISIT = 'follow-up-visit';
export const HELP_FOLLOW_UP = 'help-follow-up';
/** The "phone the provider" obligation of a handover. */
export const phoneKey = (handoverKey: string): string => `phone-${handoverKey}`;

// --- state -------------------------------------------------------------------------------

export interface Handover {
  key: string;
  decision: Exclude<DecisionKind, 'temporary_stay'>;
  minutesPerWeek?: number;
  handedAt: number;
  startsOn: LocalDate;
  phoneProvider: boolean;
  /** Who decided, and so who must phone. */
  decidedBy: ActorRole;
  taskId?: string;
  phonedAt?: number;
}

export interface FollowUp {
  dueDay: LocalDate;
  doneAt?: number;
}

export interface HospitalDischargeState {
  caseId: string;
  receivedAt: number;
  receivedDay: LocalDate;
  expectedDischargeDay?: LocalDate;
  assessmentDueDay: LocalDate;
  step: HospitalDischargeStep;
  administration: Administration;
  reroutes: { from: Administration; to: Administration; at: number }[];
  vulnerable?: boolean;
  assessedAt?: number;
  conferenceHeldAt?: number;
  decision?: { kind: DecisionKind; decidedAt: number; minutesPerWeek?: number; placeType?: string };
  temporaryStay?: {
    caseId: string;
    workflowId: string;
    signalled?: number;
    /** When the stay started (the temporary-stay case told this case). */
    startedAt?: number;
    /** The citizen was discharged home before a place existed: the priority is to be reviewed (003). */
    dischargedHomeWhileWaiting?: number;
    /** The case number of the application this decision opened, before it re-pointed to the open one. */
    repointedFrom?: string;
  };
  handovers: Handover[];
  /** The grant case the decision opened (more help at home with a grant). */
  grantCase?: { caseId: string; caseNumber: string };
  faerdigbehandletAt?: number;
  bedDaysEndedAt?: number;
  dischargedAt?: number;
  dischargedTo?: 'home' | 'temporary_stay';
  followUpVisit?: FollowUp;
  helpFollowUp?: FollowUp;
  closedAt?: number;
  outcome?: HospitalDischargeOutcome;
}

export function openedState(input: HospitalDischargeCaseInput): HospitalDischargeState {
  const receivedDay = localDate(input.receivedAt);
  return {
    caseId: input.caseId,
    receivedAt: input.receivedAt,
    receivedDay,
    ...(input.expectedDischargeDay !== undefined ? { expectedDischargeDay: input.expectedDischargeDay } : {}),
    assessmentDueDay: workingDaysAfter(receivedDay, input.rules.vulnerabilityAssessmentWorkingDays, input.rules.closingDays ?? []),
    step: 'awaiting_vulnerability_assessment',
    administration: input.administration,
    reroutes: [],
    handovers: [],
  };
}

export const isClosed = (s: HospitalDischargeState): boolean => s.outcome !== undefined;

/** Who acts while no obligation is open. */
export function actingRoleOf(step: HospitalDischargeStep): ActorRole | 'hospital' | undefined {
  switch (step) {
    case 'awaiting_vulnerability_assessment':
    case 'follow_up':
      return 'needs_assessor';
    case 'awaiting_conference':
    case 'awaiting_decision':
      return 'discharge_coordinator';
    case 'awaiting_discharge':
      return 'hospital';
    case 'closed':
      return undefined;
  }
}

// --- validators (throw the refusal reason) --------------------------------------------------

export const refuse = (message: string): never => {
  throw new Error(message);
};

export function checkOpen(s: HospitalDischargeState): void {
  if (isClosed(s)) refuse(`the case is closed (${s.outcome})`);
}

/**
 * The day the provider must start: the given day (not in the past), or by default the care
 * plan's expected discharge date (today if that has passed).
 */
export function providerStartsOn(s: HospitalDischargeState, given: LocalDate | undefined, now: number): LocalDate {
  const today = localDate(now);
  if (given !== undefined) {
    if (given < today) return refuse(`providerStartsOn: ${given} is in the past`);
    return given;
  }
  if (!s.expectedDischargeDay) return refuse('providerStartsOn: required — the care plan gives no expected discharge date');
  return s.expectedDischargeDay < today ? today : s.expectedDischargeDay;
}

/** An event the hospital reports must not come before what it ends (bed-days would run backwards). */
function checkNotBefore(s: HospitalDischargeState, at: number, field: string, what: string): void {
  if (s.faerdigbehandletAt !== undefined && at < s.faerdigbehandletAt) {
    refuse(`${field}: ${what} cannot be before the citizen was declared færdigbehandlet (${formatLocal(s.faerdigbehandletAt)})`);
  }
  if (s.dischargedAt !== undefined && at < s.dischargedAt) refuse(`${field}: ${what} cannot be before the discharge (${formatLocal(s.dischargedAt)})`);
}

export function checkReroute(s: HospitalDischargeState, to: Administration): void {
  checkOpen(s);
  if (to === s.administration) refuse(`the case is already with ${to}`);
}

export function checkAssessment(s: HospitalDischargeState, req: { vulnerable: boolean; providerStartsOn?: LocalDate }, now: number): void {
  checkOpen(s);
  if (s.step !== 'awaiting_vulnerability_assessment') {
    refuse(
      s.dischargedAt !== undefined
        ? 'the citizen has already been discharged'
        : `the vulnerability assessment has already been recorded (${s.vulnerable ? 'vulnerable' : 'not vulnerable'})`,
    );
  }
  if (!req.vulnerable) providerStartsOn(s, req.providerStartsOn, now);
}

export function checkConference(s: HospitalDischargeState): void {
  checkOpen(s);
  if (s.step === 'awaiting_vulnerability_assessment') refuse('the vulnerability assessment has not been recorded yet');
  if (s.vulnerable === false) refuse('the citizen was assessed as not vulnerable: no discharge coordination');
  if (s.conferenceHeldAt !== undefined) refuse('the conference has already been recorded');
  if (s.step !== 'awaiting_conference') refuse('the citizen has already been discharged');
}

export function checkDecision(s: HospitalDischargeState, d: CoordinatorDecision, now: number): void {
  checkOpen(s);
  if (s.step === 'awaiting_vulnerability_assessment') refuse('the vulnerability assessment has not been recorded yet');
  if (s.vulnerable === false) refuse('the citizen was assessed as not vulnerable: the plan was accepted, no coordinator decision');
  if (s.decision !== undefined) refuse(`a decision has already been made (${s.decision.kind})`);
  if (s.step === 'awaiting_conference') refuse('the conference at the hospital has not been recorded yet');
  if (s.step !== 'awaiting_decision') refuse('the citizen has already been discharged');
  if (d.kind !== 'temporary_stay') providerStartsOn(s, d.providerStartsOn, now);
}

export function checkFaerdigbehandlet(s: HospitalDischargeState): void {
  checkOpen(s);
  if (s.dischargedAt !== undefined) refuse('the citizen has already been discharged');
  if (s.faerdigbehandletAt !== undefined) refuse('færdigbehandlet has already been declared');
}

export function checkDischarge(s: HospitalDischargeState, req: { dischargedAt: number; destination?: 'home' | 'temporary_stay' }): void {
  checkOpen(s);
  if (s.dischargedAt !== undefined) refuse('the discharge has already been reported');
  if (req.dischargedAt < s.receivedAt) {
    refuse(`dischargedAt: the discharge cannot be before the care plan was received (${formatLocal(s.receivedAt)})`);
  }
  checkNotBefore(s, req.dischargedAt, 'dischargedAt', 'the discharge');
  if (req.destination === 'temporary_stay' && s.decision?.kind !== 'temporary_stay') refuse('no temporary stay has been decided for this citizen');
}

export function checkReadmission(s: HospitalDischargeState, readmittedAt: number): void {
  checkOpen(s);
  checkNotBefore(s, readmittedAt, 'readmittedAt', 'the readmission');
}

export function checkDeath(s: HospitalDischargeState, diedAt: number): void {
  checkOpen(s);
  checkNotBefore(s, diedAt, 'diedAt', 'the death');
}

export function checkFollowUpVisit(s: HospitalDischargeState, visitedAt: number): void {
  checkOpen(s);
  if (s.followUpVisit === undefined) refuse('the citizen has not been discharged home yet');
  if (s.followUpVisit!.doneAt !== undefined) refuse('the follow-up home visit has already been recorded');
  if (visitedAt < s.dischargedAt!) refuse('visitedAt: the visit cannot be before the discharge');
}

export function checkHelpFollowUp(s: HospitalDischargeState, followedUpAt: number): void {
  checkOpen(s);
  if (s.followUpVisit === undefined) refuse('the citizen has not been discharged home yet');
  if (s.helpFollowUp === undefined) refuse('no more help at home was granted: there is no help follow-up');
  if (s.helpFollowUp!.doneAt !== undefined) refuse('the follow-up of the help has already been recorded');
  if (followedUpAt < s.dischargedAt!) refuse('followedUpAt: the follow-up cannot be before the discharge');
}

export function checkPhoneTaskDone(s: HospitalDischargeState, key: string): void {
  checkOpen(s);
  const h = s.handovers.find((x) => x.key === key);
  if (!h || !h.phoneProvider) refuse(`no "phone the provider" task for ${key}`);
  if (h!.phonedAt !== undefined) refuse('the provider has already been phoned');
}

// --- transitions --------------------------------------------------------------------------

export function rerouted(s: HospitalDischargeState, to: Administration, at: number): HospitalDischargeState {
  return { ...s, administration: to, reroutes: [...s.reroutes, { from: s.administration, to, at }] };
}

/** Vulnerable → discharge coordination (a conference); not vulnerable → the plan is accepted (home per plan). */
export function assessed(s: HospitalDischargeState, vulnerable: boolean, at: number): HospitalDischargeState {
  return vulnerable
    ? { ...s, vulnerable, assessedAt: at, step: 'awaiting_conference' }
    : { ...s, vulnerable, assessedAt: at, step: 'awaiting_discharge', decision: { kind: 'home_per_plan', decidedAt: at } };
}

export function conferenceRecorded(s: HospitalDischargeState, heldAt: number): HospitalDischargeState {
  return { ...s, conferenceHeldAt: heldAt, step: 'awaiting_decision' };
}

export function decided(s: HospitalDischargeState, d: CoordinatorDecision, at: number): HospitalDischargeState {
  const decision =
    d.kind === 'temporary_stay'
      ? { kind: d.kind, decidedAt: at, placeType: d.placeType }
      : d.kind === 'more_help_at_home'
        ? { kind: d.kind, decidedAt: at, minutesPerWeek: d.minutesPerWeek }
        : { kind: d.kind, decidedAt: at };
  return { ...s, decision, step: 'awaiting_discharge' };
}

export function temporaryStayStarted(s: HospitalDischargeState, caseId: string, workflowId: string): HospitalDischargeState {
  return { ...s, temporaryStay: { caseId, workflowId } };
}

/**
 * The temporary stay started while the citizen was still in hospital (færdigbehandlet): that is the
 * discharge to the stay; the case closes (bed-days end at the start).
 */
export function temporaryStayBegan(s: HospitalDischargeState, startedAt: number, now: number, stay?: { caseId?: string; workflowId?: string }): HospitalDischargeState {
  // a stay that names itself and is not the one this case follows: the re-pointing to it (003) has not arrived yet
  const from = stay?.caseId && stay.workflowId && s.temporaryStay && stay.workflowId !== s.temporaryStay.workflowId ? temporaryStayRepointed(s, stay.caseId, stay.workflowId) : s;
  if (!from.temporaryStay) return from;
  const next = { ...from, temporaryStay: { ...from.temporaryStay, startedAt } };
  if (next.step === 'closed' || next.dischargedAt !== undefined) return next;
  return closed({ ...next, dischargedAt: startedAt, dischargedTo: 'temporary_stay' }, 'discharged_to_temporary_stay', now);
}

/** The temporary-stay decision re-pointed to the citizen's open application (003). */
export function temporaryStayRepointed(s: HospitalDischargeState, caseId: string, workflowId: string): HospitalDischargeState {
  if (!s.temporaryStay || s.temporaryStay.startedAt !== undefined) return s;
  return { ...s, temporaryStay: { caseId, workflowId, repointedFrom: s.temporaryStay.workflowId } };
}

/** A discharge home while a temporary stay is applied for but not started: the stay case must review the priority. */
export const mustReviewPriority = (s: HospitalDischargeState): boolean =>
  s.temporaryStay !== undefined && s.temporaryStay.startedAt === undefined && s.temporaryStay.signalled === undefined && s.dischargedTo === 'home';

export function temporaryStaySignalled(s: HospitalDischargeState, at: number): HospitalDischargeState {
  return s.temporaryStay ? { ...s, temporaryStay: { ...s.temporaryStay, signalled: at } } : s;
}

/** The decision handed to the provider; the 14:30 rule decides whether the provider must be phoned as well. */
export function handedOver(
  s: HospitalDischargeState,
  h: { key: string; decision: Handover['decision']; minutesPerWeek?: number; startsOn: LocalDate; decidedBy: ActorRole },
  at: number,
): HospitalDischargeState {
  const handover: Handover = { ...h, handedAt: at, phoneProvider: mustPhoneProvider(at, h.startsOn) };
  return { ...s, handovers: [...s.handovers, handover] };
}

export function handoverTask(s: HospitalDischargeState, key: string, taskId: string | undefined): HospitalDischargeState {
  if (taskId === undefined) return s;
  return { ...s, handovers: s.handovers.map((h) => (h.key === key ? { ...h, taskId } : h)) };
}

export function providerPhoned(s: HospitalDischargeState, key: string, at: number): HospitalDischargeState {
  return { ...s, handovers: s.handovers.map((h) => (h.key === key ? { ...h, phonedAt: at } : h)) };
}

export function declaredFaerdigbehandlet(s: HospitalDischargeState, readyAt: number): HospitalDischargeState {
  return { ...s, faerdigbehandletAt: readyAt };
}

/** Whether bed-days are running (færdigbehandlet declared, not yet ended). */
export const bedDaysRunning = (s: HospitalDischargeState): boolean => s.faerdigbehandletAt !== undefined && s.bedDaysEndedAt === undefined;

export function bedDaysEnded(s: HospitalDischargeState, at: number): HospitalDischargeState {
  return bedDaysRunning(s) ? { ...s, bedDaysEndedAt: at } : s;
}

/**
 * The actual discharge. To the temporary stay: the case closes (the temporary-stay case carries
 * on). Home: the follow-up visit is due `followUpVisitDays` after the discharge day, and after
 * more help at home also local visitation's follow-up of the help (`helpFollowUpDays`).
 */
export function discharged(
  s: HospitalDischargeState,
  req: { dischargedAt: number; destination?: 'home' | 'temporary_stay' },
  rules: Pick<RuleSet, 'followUpVisitDays' | 'helpFollowUpDays'>,
  now: number,
  /** The stay's start is what discharges to it (patched rule): a discharge reported before it is a discharge home while waiting. */
  stayStartDischarges = false,
): HospitalDischargeState {
  let dischargedTo = req.destination ?? (s.decision?.kind === 'temporary_stay' ? 'temporary_stay' : 'home');
  let stay = s.temporaryStay;
  if (stayStartDischarges && stay && stay.startedAt === undefined && stay.signalled === undefined) {
    dischargedTo = 'home';
    stay = { ...stay, dischargedHomeWhileWaiting: req.dischargedAt };
  }
  const next: HospitalDischargeState = { ...s, dischargedAt: req.dischargedAt, dischargedTo, ...(stay ? { temporaryStay: stay } : {}) };
  if (dischargedTo === 'temporary_stay') return closed(next, 'discharged_to_temporary_stay', now);
  const day = localDate(req.dischargedAt);
  return {
    ...next,
    step: 'follow_up',
    followUpVisit: { dueDay: addDays(day, rules.followUpVisitDays) },
    ...(s.decision?.kind === 'more_help_at_home' ? { helpFollowUp: { dueDay: addDays(day, rules.helpFollowUpDays) } } : {}),
  };
}

/** The follow-ups are recorded: a case waiting for nothing more closes (discharged home). */
function closeWhenFollowedUp(s: HospitalDischargeState, now: number): HospitalDischargeState {
  if (s.step !== 'follow_up') return s;
  const done = s.followUpVisit?.doneAt !== undefined && (s.helpFollowUp === undefined || s.helpFollowUp.doneAt !== undefined);
  return done ? closed(s, 'discharged_home', now) : s;
}

export function followUpVisitRecorded(s: HospitalDischargeState, visitedAt: number, now: number): HospitalDischargeState {
  return closeWhenFollowedUp({ ...s, followUpVisit: { ...s.followUpVisit!, doneAt: visitedAt } }, now);
}

export function helpFollowUpRecorded(s: HospitalDischargeState, followedUpAt: number, now: number): HospitalDischargeState {
  return closeWhenFollowedUp({ ...s, helpFollowUp: { ...s.helpFollowUp!, doneAt: followedUpAt } }, now);
}

export function closed(s: HospitalDischargeState, outcome: HospitalDischargeOutcome, now: number): HospitalDischargeState {
  return { ...s, outcome, closedAt: now, step: 'closed' };
}

/** Readmission or death while a temporary stay waits (not yet moved in): that case must be told. */
export const mustTellTemporaryStay = (s: HospitalDischargeState): boolean =>
  s.temporaryStay !== undefined && s.temporaryStay.signalled === undefined && s.dischargedTo !== 'temporary_stay';

// --- what the case shows ------------------------------------------------------------------

const fmt = (t: number | undefined) => (t === undefined ? undefined : formatLocal(t));

/** Non-sensitive case facts for the `cases` row (lists and reports). */
export function detailsOf(s: HospitalDischargeState): Record<string, unknown> {
  return {
    administration: s.administration,
    receivedDay: s.receivedDay,
    expectedDischargeDay: s.expectedDischargeDay ?? null,
    assessmentDueDay: s.assessmentDueDay,
    vulnerable: s.vulnerable ?? null,
    decision: s.decision?.kind ?? null,
    temporaryStayCaseId: s.temporaryStay?.caseId ?? null,
    temporaryStayCaseNumber: s.temporaryStay?.workflowId ?? null,
    faerdigbehandletAt: s.faerdigbehandletAt === undefined ? null : new Date(s.faerdigbehandletAt).toISOString(),
    dischargedAt: s.dischargedAt === undefined ? null : new Date(s.dischargedAt).toISOString(),
    dischargedTo: s.dischargedTo ?? null,
    followUpVisitDueDay: s.followUpVisit?.dueDay ?? null,
    helpFollowUpDueDay: s.helpFollowUp?.dueDay ?? null,
  };
}

function deadline(dueDay: LocalDate, escalationLocalHour: number, ob: Obligation | undefined, doneAt: number | undefined): DeadlineStatus {
  return {
    // a pause (the citizen on leave) moves the obligation's due day: the obligation's own stands
    dueDay: ob?.dueDay ?? dueDay,
    escalationAt: formatLocal(ob?.escalateAt ?? overnightAfter(dueDay, escalationLocalHour)),
    escalatedAt: fmt(ob?.breachedAt),
    doneAt: fmt(doneAt),
  };
}

/** The case's facts as the status query shows them (the workflow adds its case number and the core's view). */
export function factsOf(s: HospitalDischargeState, obligations: readonly Obligation[], escalationLocalHour: number): HospitalDischargeFacts {
  const ob = (key: string) => obligations.find((o) => o.key === key);
  return {
    caseId: s.caseId,
    step: s.step,
    administration: s.administration,
    reroutes: s.reroutes.map((r) => ({ ...r, at: formatLocal(r.at) })),
    receivedDay: s.receivedDay,
    expectedDischargeDay: s.expectedDischargeDay,
    vulnerabilityAssessment: {
      ...deadline(s.assessmentDueDay, escalationLocalHour, ob(ASSESSMENT), s.assessedAt),
      vulnerable: s.vulnerable,
    },
    conferenceHeldAt: fmt(s.conferenceHeldAt),
    decision: s.decision && { ...s.decision, decidedAt: formatLocal(s.decision.decidedAt) },
    temporaryStay: s.temporaryStay && {
      ...s.temporaryStay,
      signalled: fmt(s.temporaryStay.signalled),
      startedAt: fmt(s.temporaryStay.startedAt),
      dischargedHomeWhileWaiting: fmt(s.temporaryStay.dischargedHomeWhileWaiting),
    },
    handovers: s.handovers.map((h) => ({
      key: h.key,
      decision: h.decision,
      handedAt: formatLocal(h.handedAt),
      startsOn: h.startsOn,
      phoneProvider: h.phoneProvider,
      ...(h.taskId !== undefined ? { taskId: h.taskId } : {}),
      ...(h.phonedAt !== undefined ? { phonedAt: formatLocal(h.phonedAt) } : {}),
    })),
    ...(s.grantCase ? { grantCase: s.grantCase } : {}),
    faerdigbehandletAt: fmt(s.faerdigbehandletAt),
    bedDaysEndedAt: fmt(s.bedDaysEndedAt),
    dischargedAt: fmt(s.dischargedAt),
    dischargedTo: s.dischargedTo,
    followUpVisit: s.followUpVisit && deadline(s.followUpVisit.dueDay, escalationLocalHour, ob(FOLLOW_UP_VISIT), s.followUpVisit.doneAt),
    helpFollowUp: s.helpFollowUp && deadline(s.helpFollowUp.dueDay, escalationLocalHour, ob(HELP_FOLLOW_UP), s.helpFollowUp.doneAt),
    closed: isClosed(s),
    closedAt: fmt(s.closedAt),
    outcome: s.outcome,
  };
}

/** The escalation messages (ids, dates and codes only), as before the case core; undefined: the core's default. */
export function escalationMessage(s: HospitalDischargeState, effect: ClockEffect): string | undefined {
  const o = effect.obligation;
  if (effect.type !== 'breach') return undefined;
  const dischargeDay = s.dischargedAt === undefined ? undefined : localDate(s.dischargedAt);
  switch (o.key) {
    case ASSESSMENT:
      return `The vulnerability assessment of the care plan received on ${s.receivedDay} was due by the end of ${o.dueDay} and has not been recorded.`;
    case FOLLOW_UP_VISIT:
      return `The follow-up home visit (opfølgende hjemmebesøg) after discharge on ${dischargeDay} was due by ${o.dueDay} and has not been recorded.`;
    case HELP_FOLLOW_UP:
      return `Local visitation's follow-up of the increased help at home after discharge on ${dischargeDay} was due by ${o.dueDay} and has not been recorded.`;
  }
  if (o.kind === 'provider_phone_call') {
    return `The provider was to be phoned on ${o.dueDay} (the decision ${String(o.params?.decision ?? '').replace(/_/g, ' ')} was handed over after 14:30 for a same-day start) and the task has not been marked done (${o.key}).`;
  }
  return undefined;
}

/** The text of the "phone the provider" task (ids, dates and codes only). */
export function phoneMessage(h: Pick<Handover, 'decision' | 'handedAt' | 'startsOn'>): string {
  return (
    `The decision (${h.decision.replace(/_/g, ' ')}) was handed to the provider at ${formatLocal(h.handedAt)}, ` +
    `after 14:30, and must start today (${h.startsOn}): phone the provider (003).`
  );
}
