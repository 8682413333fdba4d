/**
 * Case 1 — hospital discharge (udskrivning), sources 000, 001, 003 and 004.
 *
 * The hospital's care plan (plejeforløbsplan) opens the case, routed to SUF (65+) or SOF (under
 * 65) by the API from the citizen's age that day; the workflow only receives the routing result.
 *
 *  1. Local visitation assesses vulnerability — obligation `vulnerability-assessment`, due by the
 *     end of the next working day (Danish public holidays and weekends excluded).
 *  2. Not vulnerable → the plan is accepted and the decision handed to the provider.
 *     Vulnerable → discharge coordination: the coordinator records the conference at the
 *     hospital, then the holistic assessment (helhedsvurdering) and one decision:
 *       - temporary 24-hour stay → a temporary-stay case starts (child workflow, priority
 *         indlagt færdigbehandlet; its workflow id is its own case number);
 *       - more help at home (minutes per week) → handed to the provider; local visitation's
 *         follow-up of the help (`help-follow-up`) is due after discharge;
 *       - home with the existing help → handed to the provider.
 *  3. The hospital reports færdigbehandlet (bed-day counting starts), the actual discharge,
 *     a readmission or a death. A discharge home opens `follow-up-visit`; the case closes when
 *     the follow-ups are recorded. A discharge to a temporary stay closes the case (the
 *     temporary-stay case carries on). Readmission and death close the case, cancel every open
 *     obligation and take the citizen off the temporary-stay list.
 *  4. 003's 14:30 rule: a decision handed to the provider after 14:30 that must start the same
 *     day also raises a "phone the provider" task: obligation `phone-<handover key>`, met when
 *     the task is marked done.
 *
 * Every deadline is an obligation of the case core; the core's clock (`runUntil`) is the only
 * timer and its mirror the only writer of the case row, the obligations and the escalations.
 * The rules themselves are pure functions in state.ts.
 *
 * No CPR number, care-plan content or free text ever enters this workflow: the API stores them
 * in the database keyed by the case id.
 */
import { temporaryStayCaseType } from '../temporary-stay/case-type.js';
import { startGrantCase } from '../grant/child.js';

/** Patch id: "more help at home" with a grant opens a grant case (the hand-over), instead of a handover row. */
export const DISCHARGE_OPENS_GRANT_PATCH = 'discharge-opens-grant';
import { hospitalDischargeCaseType } from './case-type.js';
import {
  allHandlersFinished,
  type ChildWorkflowHandle,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { formatLocal, type LocalDate } from '../../domain/calendar.js';
import type { ActorRole, StayPurpose } from '../../domain/rules.js';
import { CaseCore, defaultMessage, run, runWrite } from '../shared/case-core.js';
import { reserveCaseNumber } from '../shared/case-number.js';
import { caseOpenedUpdate, type Accepted } from '../shared/messages.js';
import { CaseTypeKey } from '../shared/search-attributes.js';
import {
  assessVulnerabilityUpdate,
  decideUpdate,
  diedUpdate,
  dischargedUpdate,
  faerdigbehandletUpdate,
  followUpVisitUpdate,
  helpFollowUpUpdate,
  hospitalDischargeStatusQuery,
  phoneTaskDoneUpdate,
  readmittedUpdate,
  recordConferenceUpdate,
  rerouteUpdate,
  temporaryStayRepointedSignal,
  temporaryStayStartedSignal,
  type Administration,
  type CoordinatorDecision,
  type HospitalDischargeCaseInput,
  type HospitalDischargeOutcome,
  type HospitalDischargeStatus,
} from './messages.js';
import {
  actingRoleOf,
  ASSESSMENT,
  assessed,
  bedDaysEnded,
  bedDaysRunning,
  checkAssessment,
  checkConference,
  checkDeath,
  checkDecision,
  checkDischarge,
  checkFaerdigbehandlet,
  checkFollowUpVisit,
  checkHelpFollowUp,
  checkPhoneTaskDone,
  checkReadmission,
  checkReroute,
  closed,
  conferenceRecorded,
  decided,
  declaredFaerdigbehandlet,
  detailsOf,
  discharged,
  escalationMessage,
  factsOf,
  FOLLOW_UP_VISIT,
  followUpVisitRecorded,
  handedOver,
  handoverTask,
  HELP_FOLLOW_UP,
  helpFollowUpRecorded,
  isClosed,
  mustReviewPriority,
  mustTellTemporaryStay,
  openedState,
  phoneKey,
  phoneMessage,
  providerPhoned,
  providerStartsOn,
  rerouted,
  temporaryStayBegan,
  temporaryStayRepointed,
  temporaryStaySignalled,
  temporaryStayStarted,
  type Handover,
  type HospitalDischargeState,
} from './state.js';

/** The temporary-stay case's signal (defined by name: workflows/temporary-stay/messages.ts owns it). */
const citizenUnavailableSignal = defineSignal<[{ reason: 'readmitted' | 'died' | 'no_longer_needed' }]>('citizenUnavailable');
/** The temporary-stay case's signal: review the waiting-list priority (003). */
const priorityReviewSignal = defineSignal<[{ reason: 'discharged_home' }]>('priorityReview');

/** The input of the temporary-stay case this case starts (started by workflow type name). */
interface TemporaryStayStart {
  caseId: string;
  citizenId: string;
  placeType: string;
  purpose: StayPurpose;
  priority: 'indlagt_faerdigbehandlet';
  appliedAt: number;
  originCaseId: string;
  rules: HospitalDischargeCaseInput['rules'];
}

/** One case in this run: its input, its state, its obligations, and what is in flight. */
interface Case {
  input: HospitalDischargeCaseInput;
  rules: HospitalDischargeCaseInput['rules'];
  /** The case's state: plain data, changed only by state.ts's pure transitions. */
  s: HospitalDischargeState;
  core: CaseCore;
  /** The case row is written (the API's "case opened" answer waits for it). */
  recorded: boolean;
  /** The temporary-stay case this case started (it carries on after a discharge to it). */
  temporaryStayCase?: ChildWorkflowHandle<(input: TemporaryStayStart) => Promise<unknown>>;
  /** The end is being written (every open obligation cancelled, the row closed). */
  ending?: Promise<void>;
}

export async function hospitalDischargeCaseWorkflow(input: HospitalDischargeCaseInput): Promise<HospitalDischargeStatus> {
  const c = newCase(input);
  registerHandlers(c);
  await c.core.sync(); // the case row, its first obligation and search attributes
  c.recorded = true;

  await c.core.runUntil(() => isClosed(c.s));
  await closeCase(c, c.s.outcome!);
  await condition(allHandlersFinished);
  // A temporary stay told to let go (readmission, death) has closed before this case's run ends.
  if (c.s.temporaryStay?.signalled !== undefined) await c.temporaryStayCase?.result().catch(() => undefined);
  return status(c);
}

/** The case opens with its first obligation: local visitation's vulnerability assessment. */
function newCase(input: HospitalDischargeCaseInput): Case {
  const c = { input, rules: input.rules, s: openedState(input), recorded: false } as Case;
  c.core = new CaseCore({
    caseId: input.caseId,
    caseType: hospitalDischargeCaseType.name,
    rules: input.rules,
    opening: { type: hospitalDischargeCaseType.name, citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt: input.receivedAt },
    view: () => ({ step: c.s.step, details: detailsOf(c.s), actingRole: actingRoleOf(c.s.step) }),
    message: (effect) => escalationMessage(c.s, effect) ?? defaultMessage(effect),
  });
  c.core.open({ key: ASSESSMENT, kind: 'vulnerability_assessment', dueDay: c.s.assessmentDueDay, now: input.receivedAt });
  return c;
}

function registerHandlers(c: Case): void {
  setHandler(hospitalDischargeStatusQuery, () => status(c));
  setHandler(caseOpenedUpdate, () => whenOpened(c));
  setHandler(rerouteUpdate, (req) => reroute(c, req), { validator: ({ to }) => checkReroute(c.s, to) });
  setHandler(assessVulnerabilityUpdate, (req) => assessment(c, req), { validator: (req) => checkAssessment(c.s, req, Date.now()) });
  setHandler(recordConferenceUpdate, (req) => conference(c, req), { validator: (_req: { heldAt: number }) => checkConference(c.s) });
  setHandler(decideUpdate, (req) => decision(c, req), { validator: ({ decision }) => checkDecision(c.s, decision, Date.now()) });
  setHandler(faerdigbehandletUpdate, (req) => faerdigbehandlet(c, req), { validator: (_req: { readyAt: number }) => checkFaerdigbehandlet(c.s) });
  setHandler(dischargedUpdate, (req) => discharge(c, req), { validator: (req) => checkDischarge(c.s, req) });
  setHandler(readmittedUpdate, ({ readmittedAt }) => endAbruptly(c, 'readmitted', readmittedAt), {
    validator: ({ readmittedAt }) => checkReadmission(c.s, readmittedAt),
  });
  setHandler(diedUpdate, ({ diedAt }) => endAbruptly(c, 'died', diedAt), { validator: ({ diedAt }) => checkDeath(c.s, diedAt) });
  setHandler(followUpVisitUpdate, (req) => followUpVisit(c, req), { validator: ({ visitedAt }) => checkFollowUpVisit(c.s, visitedAt) });
  setHandler(helpFollowUpUpdate, (req) => helpFollowUp(c, req), { validator: ({ followedUpAt }) => checkHelpFollowUp(c.s, followedUpAt) });
  setHandler(temporaryStayStartedSignal, (req) => temporaryStayStartedIn(c, req));
  setHandler(temporaryStayRepointedSignal, (req) => temporaryStayRepointedTo(c, req));
  setHandler(phoneTaskDoneUpdate, (req) => phoneTaskDone(c, req), { validator: ({ key }) => checkPhoneTaskDone(c.s, key) });
}

// ---- what the case shows ------------------------------------------------------------------

function status(c: Case): HospitalDischargeStatus {
  return {
    ...factsOf(c.s, c.core.obligations, c.rules.escalationLocalHour),
    caseNumber: workflowInfo().workflowId,
    ...c.core.view(),
  };
}

/** Answers a handler once the database shows what the answer shows; `at`: when it accepted a decision that keeps a note (the note's date). */
async function answer(c: Case, at?: number): Promise<HospitalDischargeStatus & Accepted> {
  await (c.ending ?? c.core.sync());
  return at === undefined ? status(c) : { ...status(c), at };
}

// ---- handlers ---------------------------------------------------------------------------

async function whenOpened(c: Case) {
  await condition(() => c.recorded);
  return { caseId: c.input.caseId, caseNumber: workflowInfo().workflowId };
}

/** 004: the case moves between SUF and SOF (the citizen's age was routed wrongly). */
async function reroute(c: Case, { to }: { to: Administration }) {
  const at = Date.now();
  c.s = rerouted(c.s, to, at);
  return answer(c, at);
}

/** Local visitation's vulnerability assessment; not vulnerable: the care plan goes to the provider as it is. */
async function assessment(c: Case, { vulnerable, providerStartsOn: given }: { vulnerable: boolean; providerStartsOn?: LocalDate }) {
  const now = Date.now();
  const startsOn = vulnerable ? undefined : providerStartsOn(c.s, given, now);
  c.s = assessed(c.s, vulnerable, now);
  c.core.meet(ASSESSMENT, now);
  if (startsOn !== undefined) {
    await Promise.all([handOver(c, { key: 'handover-plan', decision: 'home_per_plan', startsOn, decidedBy: 'needs_assessor' }), c.core.sync()]);
  }
  return answer(c, now);
}

/** The discharge conference at the hospital (vulnerable citizens only). */
async function conference(c: Case, { heldAt }: { heldAt: number }) {
  const at = Date.now();
  c.s = conferenceRecorded(c.s, heldAt);
  return answer(c, at);
}

/** The coordinator's one decision after the holistic assessment (helhedsvurdering). */
async function decision(c: Case, { decision: d }: { decision: CoordinatorDecision }) {
  const now = Date.now();
  const startsOn = d.kind === 'temporary_stay' ? undefined : providerStartsOn(c.s, d.providerStartsOn, now);
  c.s = decided(c.s, d, now);
  if (d.kind === 'temporary_stay') {
    await Promise.all([startTemporaryStay(c, d, now), c.core.sync()]);
  } else if (d.kind === 'more_help_at_home' && d.grant && patched(DISCHARGE_OPENS_GRANT_PATCH)) {
    // the grant is the hand-over: its letter, its provider message, its 14:30 phone task
    const opened = await startGrantCase({ citizenId: c.input.citizenId, originCaseId: c.input.caseId, order: d.grant, startsOn: startsOn!, reason: 'after_hospital_discharge', decidedBy: 'discharge_coordinator', rules: c.rules });
    c.s = { ...c.s, grantCase: opened };
    await c.core.sync();
  } else {
    const handover = {
      key: 'handover-decision',
      decision: d.kind,
      ...(d.kind === 'more_help_at_home' ? { minutesPerWeek: d.minutesPerWeek } : {}),
      startsOn: startsOn!,
      decidedBy: 'discharge_coordinator' as const,
    };
    await Promise.all([handOver(c, handover), c.core.sync()]);
  }
  return answer(c, now);
}

/** The hospital declares the citizen færdigbehandlet: bed-day payment starts. */
async function faerdigbehandlet(c: Case, { readyAt }: { readyAt: number }) {
  c.s = declaredFaerdigbehandlet(c.s, readyAt);
  await Promise.all([
    c.core.sync(),
    runWrite('recordBedDaysStarted', `bed-days start (færdigbehandlet ${formatLocal(readyAt)})`, {
      caseId: c.input.caseId,
      readyAt,
      rules: c.rules.bedDays,
    }),
  ]);
  return answer(c);
}

/** The actual discharge: bed-days end; home opens the follow-ups, to the temporary stay closes the case. */
async function discharge(c: Case, req: { dischargedAt: number; destination?: 'home' | 'temporary_stay' }) {
  const now = Date.now();
  // a discharge before the temporary stay has a place is a discharge home while waiting (the stay's start discharges to it)
  const stayStartDischarges = c.s.temporaryStay !== undefined && patched('discharge-before-stay-place');
  c.s = discharged(c.s, req, c.rules, now, stayStartDischarges);
  if (stayStartDischarges && mustReviewPriority(c.s)) {
    // 003: the priority follows the citizen: the needs assessor reviews it (the stay case opens the obligation)
    try {
      await getExternalWorkflowHandle(c.s.temporaryStay!.workflowId).signal(priorityReviewSignal, { reason: 'discharged_home' });
    } catch {
      // the temporary-stay case has ended
    }
  }
  // A discharge before any assessment ends the wait for it (met if in time).
  meetAt(c, ASSESSMENT, req.dischargedAt);
  const { followUpVisit, helpFollowUp } = c.s;
  if (followUpVisit) c.core.open({ key: FOLLOW_UP_VISIT, kind: 'follow_up_visit', dueDay: followUpVisit.dueDay, now });
  if (helpFollowUp) c.core.open({ key: HELP_FOLLOW_UP, kind: 'help_follow_up', dueDay: helpFollowUp.dueDay, now });
  await Promise.all([endBedDays(c, req.dischargedAt, true), isClosed(c.s) ? closeCase(c, c.s.outcome!) : c.core.sync()]);
  return answer(c);
}

/** The follow-up home visit (opfølgende hjemmebesøg) after a discharge home. */
async function followUpVisit(c: Case, { visitedAt }: { visitedAt: number }) {
  const at = Date.now();
  c.s = followUpVisitRecorded(c.s, visitedAt, at);
  meetAt(c, FOLLOW_UP_VISIT, visitedAt);
  if (isClosed(c.s)) await closeCase(c, c.s.outcome!);
  return answer(c, at);
}

/** Local visitation's follow-up of more help at home. */
async function helpFollowUp(c: Case, { followedUpAt }: { followedUpAt: number }) {
  const at = Date.now();
  c.s = helpFollowUpRecorded(c.s, followedUpAt, at);
  meetAt(c, HELP_FOLLOW_UP, followedUpAt);
  if (isClosed(c.s)) await closeCase(c, c.s.outcome!);
  return answer(c, at);
}

/** Readmission or death: the case closes, bed-days end, a waiting temporary stay is told. */
async function endAbruptly(c: Case, outcome: 'readmitted' | 'died', at: number): Promise<HospitalDischargeStatus> {
  const tell = mustTellTemporaryStay(c.s);
  await Promise.all([closeCase(c, outcome), endBedDays(c, at, false), tell ? tellTemporaryStay(c, outcome) : undefined]);
  return answer(c);
}

/** The temporary stay started: while still in hospital, that is the discharge to it (bed-days end at the start, the case closes). */
async function temporaryStayStartedIn(c: Case, { startedAt, ...stay }: { startedAt: number; caseId?: string; workflowId?: string }) {
  const wasOpen = !isClosed(c.s) && c.s.dischargedAt === undefined;
  c.s = temporaryStayBegan(c.s, startedAt, Date.now(), stay);
  c.core.changed();
  if (wasOpen && isClosed(c.s)) await Promise.all([endBedDays(c, startedAt, true), closeCase(c, c.s.outcome!)]);
}

/** 003: the citizen already had an open application; the decision now follows that case. */
function temporaryStayRepointedTo(c: Case, { caseId, workflowId }: { caseId: string; workflowId: string }) {
  c.s = temporaryStayRepointed(c.s, caseId, workflowId);
  c.core.changed();
}

/** 003's 14:30 rule: the provider has been phoned. */
async function phoneTaskDone(c: Case, { key }: { key: string }) {
  const now = Date.now();
  c.s = providerPhoned(c.s, key, now);
  c.core.meet(phoneKey(key), now);
  return answer(c);
}

// ---- what the case does -------------------------------------------------------------------

/** A fact reported for `at` meets its obligation at that instant (not before it opened, not after now). */
function meetAt(c: Case, key: string, at: number): void {
  const ob = c.core.get(key);
  if (ob) c.core.meet(key, Math.min(Date.now(), Math.max(at, ob.openedAt)));
}

/** The case closes: every open obligation is cancelled, the row closed (awaited by the handler that closed it). */
function closeCase(c: Case, outcome: HospitalDischargeOutcome): Promise<void> {
  if (!isClosed(c.s)) c.s = closed(c.s, outcome, Date.now());
  c.ending ??= c.core.end(c.s.outcome!, c.s.closedAt!);
  return c.ending;
}

/** The decision is handed to the provider; after 14:30 for a same-day start the provider must be phoned as well (003). */
async function handOver(
  c: Case,
  h: { key: string; decision: Handover['decision']; minutesPerWeek?: number; startsOn: LocalDate; decidedBy: ActorRole },
): Promise<void> {
  const handedAt = Date.now();
  c.s = handedOver(c.s, h, handedAt);
  const handover = c.s.handovers.find((x) => x.key === h.key)!;
  if (handover.phoneProvider) {
    c.core.open({ key: phoneKey(h.key), kind: 'provider_phone_call', dueDay: h.startsOn, actor: h.decidedBy, now: handedAt, params: { decision: h.decision } });
  }
  const result = await run(
    'recordProviderHandover',
    `hand the decision (${h.decision}) to the provider, start ${h.startsOn}${handover.phoneProvider ? ' + phone task (14:30 rule)' : ''}`,
    {
      caseId: c.input.caseId,
      key: h.key,
      decision: h.decision,
      minutesPerWeek: h.minutesPerWeek,
      handedAt,
      startsOn: h.startsOn,
      phoneProvider: handover.phoneProvider,
      recipientRole: h.decidedBy,
      phoneMessage: phoneMessage(handover),
    },
  );
  c.s = handoverTask(c.s, h.key, result.taskId);
}

/** A temporary-stay case starts (child workflow, priority indlagt færdigbehandlet) under its own case number. */
async function startTemporaryStay(c: Case, d: Extract<CoordinatorDecision, { kind: 'temporary_stay' }>, appliedAt: number): Promise<void> {
  const childCaseId = uuid4();
  const caseNumber = await reserveCaseNumber(childCaseId, temporaryStayCaseType);
  c.s = temporaryStayStarted(c.s, childCaseId, caseNumber);
  const args: [TemporaryStayStart] = [
    {
      caseId: childCaseId,
      citizenId: c.input.citizenId,
      placeType: d.placeType,
      purpose: d.purpose,
      priority: 'indlagt_faerdigbehandlet',
      appliedAt,
      originCaseId: c.input.caseId,
      rules: c.rules,
    },
  ];
  c.temporaryStayCase = await startChild('temporaryStayCaseWorkflow', {
    workflowId: caseNumber,
    args,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [{ key: CaseTypeKey, value: temporaryStayCaseType.name }],
    staticSummary: 'Temporary 24-hour stay (midlertidigt døgnophold) from a hospital discharge',
  });
  // Readmitted or died while the stay was being started: tell it now.
  if (isClosed(c.s) && (c.s.outcome === 'readmitted' || c.s.outcome === 'died') && mustTellTemporaryStay(c.s)) {
    await tellTemporaryStay(c, c.s.outcome);
  }
}

/** Takes the citizen off the temporary-stay list (the stay's case frees what it held). */
async function tellTemporaryStay(c: Case, reason: 'readmitted' | 'died'): Promise<void> {
  c.s = temporaryStaySignalled(c.s, Date.now());
  try {
    await getExternalWorkflowHandle(c.s.temporaryStay!.workflowId).signal(citizenUnavailableSignal, { reason });
  } catch {
    // The temporary-stay case has already ended: nothing is held any more.
  }
}

async function endBedDays(c: Case, at: number, byDischarge: boolean): Promise<void> {
  if (!bedDaysRunning(c.s)) return;
  c.s = bedDaysEnded(c.s, at);
  await run('recordBedDaysEnded', `bed-days end ${formatLocal(at)} (${byDischarge ? 'discharge' : 'no discharge'})`, {
    caseId: c.input.caseId,
    endedAt: at,
    endedByDischarge: byDischarge,
  });
}
