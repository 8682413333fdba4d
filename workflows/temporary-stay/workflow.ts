/**
 * Case 2 — temporary 24-hour stay (midlertidigt døgnophold), sources 000 and 003.
 *
 *   open ──▶ waiting ⇄ offered ──▶ in_stay ──▶ closed
 *
 * The application (a revisitation) puts the citizen on the waiting list of a place type
 * (pladstype) with a priority. The place type's allocator workflow (allocation.ts) offers vacant
 * places; each offer is an obligation (`offer-<offerId>`, the citizen's reply by its reply time,
 * recorded by the housing team lead). In the stay, a reassessment is due
 * `stayReviewDaysBeforeEnd` days before the planned end date (`reassessment-<period>`, escalated
 * overnight after its due day when missed); its outcome is home (the stay ends after the planned
 * end date), a nursing-home application (the stay goes on until a place is found) or an
 * extension (a new end date and the next period's reassessment). When the stay ends the case
 * tells the allocator, which frees the place and allocates it again.
 *
 * Every step change is made by a handler and mirrored by the case core's clock (`runUntil`): the
 * case row, the obligations and the CaseStep search attribute always show where the case is.
 */
import { startGrantCase, type GrantOrder } from '../grant/child.js';
import { temporaryStayCaseType } from './case-type.js';
import {
  allHandlersFinished,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, formatLocal, localDate } from '../../domain/calendar.js';
import { CaseCore, defaultMessage, run } from '../shared/case-core.js';
import type { ClockEffect } from '../shared/obligations.js';
import { CaseTypeKey } from '../shared/search-attributes.js';
import { reserveCaseNumber } from '../shared/case-number.js';
import { nursingHomeFollowUpCaseType } from '../nursing-home-follow-up/case-type.js';
import type { NursingHomeFollowUpInput } from '../nursing-home-follow-up/messages.js';
import { allocatorWorkflowId, normalisePlaceType } from './allocation-state.js';
import {
  allocationEventSignal,
  caseOpenedUpdate,
  citizenUnavailableSignal,
  endStayUpdate,
  leaveWaitingListSignal,
  originCaseSignal,
  priorityReviewSignal,
  reassessStayUpdate,
  temporaryStayStatusQuery,
  withdrawStayCaseUpdate,
  type AllocationEvent,
  type EndStayReason,
  type ReassessmentOutcome,
  type TemporaryStayCaseInput,
  type TemporaryStayStatus,
  type UnavailableReason,
} from './messages.js';
import {
  actingRoleOf,
  applyAllocationEvent,
  applyReassessment,
  detailsOf,
  endPriorityReview,
  finalOutcome,
  goingHome,
  initialState,
  lapsesByClock,
  leaveReasonOf,
  markUnavailable,
  noteEscalation,
  offerKey,
  shownStep,
  startPriorityReview,
  statusOf,
  stayEndInstant,
  stayOver,
  validateEndStay,
  validateReassessment,
  validateWithdraw,
  type ObligationChange,
  type StayCaseState,
} from './state.js';

export type { TemporaryStayCaseInput, TemporaryStayStatus } from './messages.js';

/** The hospital case's signal (defined by name: workflows/hospital-discharge/messages.ts owns it). */
const temporaryStayStartedSignal = defineSignal<[{ startedAt: number; caseId?: string; workflowId?: string }]>('temporaryStayStarted');
/**
 * Patch id: a hospital case re-pointed to this application after its stay started is told at
 * once (before: never). Cases that started before it keep the old handler.
 */
export const LATE_ORIGIN_TOLD_PATCH = 'stay-tells-late-origin-case';
/** The hospital case's signal: its temporary-stay decision now follows this open application. */
const temporaryStayRepointedSignal = defineSignal<[{ caseId: string; workflowId: string }]>('temporaryStayRepointed');
export { stayEndInstant } from './state.js';

/** One case in this run: its input, its state, its obligations, and how far it has come. */
interface Case {
  /** The input with its place type normalised (every entry point files a type under one name). */
  input: TemporaryStayCaseInput;
  rules: TemporaryStayCaseInput['rules'];
  caseNumber: string;
  s: StayCaseState;
  core: CaseCore;
  /** The application is recorded (a duplicate names the open one); the API's "case opened" answer waits for it. */
  opened?: { duplicateOf?: string };
  /** The end is written (the case row closed, every open obligation cancelled). */
  closed: boolean;
  /** The course has passed telling the origin case that the stay started: one re-pointed here later is told by its own signal. */
  startTold?: boolean;
}

export async function temporaryStayCaseWorkflow(rawInput: TemporaryStayCaseInput): Promise<TemporaryStayStatus> {
  const c = newCase(rawInput);
  registerHandlers(c);

  // open: the case row, then the application (one open application per citizen)
  const endedAtTheDoor = await openApplication(c);
  if (endedAtTheDoor) return endedAtTheDoor;

  // waiting ⇄ offered, until the citizen moves in (or is no longer available)
  await c.core.runUntil(() => c.s.stay !== undefined || c.s.unavailable !== undefined, 'offer reply');
  if (c.s.unavailable !== undefined) {
    await leaveWaitingList(c);
    return finish(c, c.s.unavailable);
  }
  await tellOriginCaseStayStarted(c);

  await stayUntilOver(c);
  await leaveWaitingList(c);
  await startNursingHomeFollowUp(c);
  return finish(c, finalOutcome(c.s));
}

function newCase(rawInput: TemporaryStayCaseInput): Case {
  const input = { ...rawInput, placeType: normalisePlaceType(rawInput.placeType) };
  const caseNumber = workflowInfo().workflowId;
  const c = { input, rules: input.rules, caseNumber, s: initialState(input), closed: false } as Case;
  c.core = new CaseCore({
    caseId: input.caseId,
    caseType: temporaryStayCaseType.name,
    rules: input.rules,
    opening: { type: temporaryStayCaseType.name, citizenId: input.citizenId, workflowId: caseNumber, openedAt: input.appliedAt },
    view: () => ({ step: shownStep(c.s), details: detailsOf(c.s), actingRole: actingRoleOf(c.s) }),
    message: escalationMessage,
    onEffect: (e) => onClock(c, e),
  });
  return c;
}

/** Messages: each changes the state and wakes the clock, which mirrors the change. */
function registerHandlers(c: Case): void {
  setHandler(temporaryStayStatusQuery, () => status(c));
  setHandler(caseOpenedUpdate, () => whenOpened(c));
  setHandler(citizenUnavailableSignal, (req) => citizenUnavailable(c, req));
  setHandler(withdrawStayCaseUpdate, (req) => withdraw(c, req), { validator: (_req) => validateWithdraw(c.s) });
  setHandler(allocationEventSignal, (ev) => allocationEvent(c, ev));
  setHandler(originCaseSignal, (req) => originCase(c, req));
  setHandler(priorityReviewSignal, (req) => priorityReview(c, req));
  setHandler(reassessStayUpdate, (req) => reassess(c, req), { validator: (req) => validateReassessment(c.s, req) });
  setHandler(endStayUpdate, (req) => endStay(c, req), { validator: (req) => validateEndStay(c.s, req) });
}

// ---- the clock and the obligations ----------------------------------------------------------

function escalationMessage(e: ClockEffect): string {
  const o = e.obligation;
  if (e.type === 'breach' && o.kind === 'stay_reassessment') {
    return `The reassessment of the temporary stay (planned end ${o.params?.plannedEndDate}) was due on ${o.dueDay} and has not been recorded (${o.key}).`;
  }
  return defaultMessage(e);
}

/**
 * A clock effect: an unanswered offer lapses at its reply time (no escalation: the allocator
 * passes the place on); a missed reassessment escalates to the needs assessor.
 */
function onClock(c: Case, e: ClockEffect): void {
  if (e.type === 'breach' && e.obligation.kind === 'offer_reply') c.core.cancel(e.obligation.key, e.obligation.escalateAt);
  if (e.type === 'breach' && e.obligation.kind === 'stay_reassessment') noteEscalation(c.s, e.obligation.key);
}

/** What a transition did to the obligations, applied to the case core (then the clock wakes). */
function applyChanges(c: Case, changes: ObligationChange[]): void {
  for (const ch of changes) {
    if (ch.type === 'open_offer') c.core.open({ key: ch.key, kind: 'offer_reply', dueAt: ch.replyBy });
    else if (ch.type === 'open_reassessment') {
      c.core.open({ key: ch.key, kind: 'stay_reassessment', dueDay: ch.dueDay, params: { period: ch.period, plannedEndDate: ch.plannedEndDate } });
    } else if (ch.type === 'meet') c.core.meet(ch.key, ch.at);
    else c.core.cancel(ch.key, ch.at);
  }
  c.core.changed();
}

function status(c: Case): TemporaryStayStatus {
  const st = statusOf(c.s, c.caseNumber, c.rules, c.core.view());
  return c.s.grantCase ? { ...st, grantCase: c.s.grantCase } : st;
}

// ---- handlers ---------------------------------------------------------------------------

async function whenOpened(c: Case) {
  await condition(() => c.opened !== undefined);
  return { caseId: c.input.caseId, caseNumber: c.caseNumber, ...c.opened };
}

/** The hospital case: the citizen was readmitted or died (or no longer needs the stay). */
function citizenUnavailable(c: Case, { reason }: { reason: UnavailableReason }): void {
  if (markUnavailable(c.s, reason)) c.core.changed();
}

/** The caseworker withdraws the case; answers once the end is written. */
async function withdraw(c: Case, { reason }: { reason: UnavailableReason }) {
  markUnavailable(c.s, reason);
  c.core.changed();
  await condition(() => c.closed);
  return status(c);
}

/** The allocator's news: an offer, an offer closed, the stay started, a new priority. */
function allocationEvent(c: Case, ev: AllocationEvent): void {
  const byClock = ev.kind === 'offerClosed' && lapsesByClock(ev, c.core.isOpen(offerKey(ev.offerId)));
  const changes = applyAllocationEvent(c.s, ev, c.rules);
  if (!byClock) applyChanges(c, changes);
  const reviewed = endPriorityReview(c.s, ev, Date.now());
  if (reviewed) applyChanges(c, [reviewed]);
}

/**
 * A hospital case re-pointed its temporary-stay decision to this application: it is told when the
 * stay starts — at once when the stay is already running. The citizen goes back to a place that is
 * already held: for that case the stay starts now (never before the case re-pointed to it, so its
 * bed-days never end before they began); the signal names this case, so the hospital case follows
 * it even when the re-pointing reaches it later.
 */
async function originCase(c: Case, { workflowId }: { workflowId: string }): Promise<void> {
  c.s.originWorkflowId = workflowId;
  if (!c.startTold || !c.s.stay || !patched(LATE_ORIGIN_TOLD_PATCH)) return;
  try {
    await getExternalWorkflowHandle(workflowId).signal(temporaryStayStartedSignal, {
      startedAt: Math.max(c.s.stay.startedAt, Date.now()),
      caseId: c.input.caseId,
      workflowId: c.caseNumber,
    });
  } catch {
    // the hospital case has ended: nothing to tell
  }
}

/** 003: the citizen's situation changed while waiting: the needs assessor reviews the priority by the end of the next working day. */
function priorityReview(c: Case, { reason }: { reason: 'discharged_home' | 'hospital_decision' }): void {
  const now = Date.now();
  const review = startPriorityReview(c.s, now, c.rules);
  if (review) c.core.open({ key: review.key, kind: 'priority_review', dueDay: review.dueDay, now, params: { reason } });
}

/** The reassessment before the planned end date (genvurdering): home, a nursing-home application or an extension. */
async function reassess(c: Case, req: { outcome: ReassessmentOutcome; newEndDate?: string; grant?: GrantOrder }) {
  const at = Date.now();
  applyChanges(c, applyReassessment(c.s, req, at, c.rules));
  await run('recordStayReassessment', `record the reassessment: ${req.outcome}${req.newEndDate ? ` until ${req.newEndDate}` : ''}`, {
    stayId: c.s.stay!.stayId,
    outcome: req.outcome,
    at,
    plannedEndDate: req.newEndDate,
  });
  if (req.outcome === 'home_with_help' && req.grant && patched(STAY_OPENS_GRANT_PATCH)) await openGrant(c, req.grant);
  return status(c);
}

/** Patch id: the reassessment "home with help" with a grant opens a grant case from the day after the stay. */
export const STAY_OPENS_GRANT_PATCH = 'stay-opens-grant';

/** The help at home after the stay: a grant case from the day after the planned end (the grant is the hand-over to the provider). */
async function openGrant(c: Case, order: GrantOrder): Promise<void> {
  const startsOn = addDays(c.s.stay!.plannedEndDate, 1);
  c.s.grantCase = await startGrantCase({ citizenId: c.input.citizenId, originCaseId: c.input.caseId, order, startsOn, reason: 'after_temporary_stay', decidedBy: 'needs_assessor', rules: c.rules });
  c.core.changed();
}

/** The stay ends before its planned end date (a nursing-home place found, moved out); answers once the end is written. */
async function endStay(c: Case, { reason }: { reason: EndStayReason }) {
  c.s.endRequest = reason;
  c.core.changed();
  await condition(() => c.closed);
  return status(c);
}

// ---- the case's course --------------------------------------------------------------------

/**
 * The case row, then the application: recorded and on the place type's waiting list. A
 * duplicate (the citizen already has an open application) ends here: re-pointed to the open
 * one when a hospital decision opened it, otherwise with a warning to the needs assessor.
 * Returns the final status when the case ended at the door.
 */
async function openApplication(c: Case): Promise<TemporaryStayStatus | undefined> {
  const { input, caseNumber } = c;
  const { caseId, placeType } = input;
  if (!workflowInfo().typedSearchAttributes.get(CaseTypeKey)) upsertSearchAttributes([{ key: CaseTypeKey, value: temporaryStayCaseType.name }]);
  await c.core.runUntil(() => true, 'opening');
  const application = {
    caseId,
    citizenId: input.citizenId,
    placeType,
    purpose: input.purpose,
    priority: input.priority,
    appliedAt: input.appliedAt,
    originCaseId: input.originCaseId,
  };
  const join = {
    allocatorWorkflowId: allocatorWorkflowId(placeType),
    placeType,
    entry: { caseId, workflowId: caseNumber, citizenId: input.citizenId, priority: input.priority, waitingSince: input.appliedAt, replyHours: c.rules.offerReplyHours },
  };
  // one activity records the application and joins the waiting list (cases opened before: two)
  const inOne = patched('stay-opens-in-one-activity');
  const recorded = inOne
    ? await run('openStayApplication', `record the application and join the ${placeType} waiting list (${input.priority})`, { application, join })
    : await run('recordStayApplication', `record the application: ${placeType}, ${input.priority}`, application);
  if (recorded.duplicateOf) {
    c.opened = recorded;
    return endDuplicate(c, recorded.duplicateOf, recorded.duplicateWorkflowId);
  }
  if (!inOne) await run('joinStayWaitingList', `join the ${placeType} waiting list (${input.priority})`, join);
  c.opened = {};
  if (c.s.step === 'opening') c.s.step = 'waiting';
  c.core.changed();
  return undefined;
}

/**
 * 003: a hospital decision for a citizen who already has an open application re-points to it:
 * that application reviews its priority and tells the hospital case when the stay starts.
 * Otherwise (or when the open application has just ended) a duplicate: the needs assessor is warned.
 */
async function endDuplicate(c: Case, duplicateOf: string, duplicateWorkflowId: string | undefined): Promise<TemporaryStayStatus> {
  const parent = workflowInfo().parent;
  if (c.input.originCaseId && parent && duplicateWorkflowId && patched('duplicate-repoints-to-open-application')) {
    const existing = getExternalWorkflowHandle(duplicateWorkflowId);
    try {
      await existing.signal(originCaseSignal, { workflowId: parent.workflowId });
      await existing.signal(priorityReviewSignal, { reason: 'hospital_decision' });
      await getExternalWorkflowHandle(parent.workflowId).signal(temporaryStayRepointedSignal, {
        caseId: duplicateOf,
        workflowId: duplicateWorkflowId,
      });
      return finish(c, 'repointed_to_open_application');
    } catch {
      // the open application has just ended: a duplicate after all (below)
    }
  }
  const now = Date.now();
  await run('raiseEscalation', `warning to the needs assessor: duplicate of case ${duplicateOf}`, {
    caseId: c.input.caseId,
    key: 'duplicate-application',
    kind: 'temporary_stay_duplicate_application',
    severity: 'warning',
    recipientRole: 'needs_assessor',
    dueDay: localDate(now),
    scheduledFor: now,
    firedAt: now,
    message: `The citizen already has an open application for a temporary stay (case ${duplicateOf}); update that one instead.`,
  });
  return finish(c, 'duplicate_application');
}

/** The hospital case that decided the stay learns that it started (its bed-days end, it closes). */
async function tellOriginCaseStayStarted(c: Case): Promise<void> {
  c.startTold = true;
  const origin = c.s.originWorkflowId ?? (c.input.originCaseId ? workflowInfo().parent?.workflowId : undefined);
  if (!origin || !patched('stay-tells-origin-case')) return;
  try {
    await getExternalWorkflowHandle(origin).signal(temporaryStayStartedSignal, { startedAt: c.s.stay!.startedAt });
  } catch {
    // the hospital case has ended (the citizen went home while waiting): nothing to tell
  }
}

/**
 * In the stay: the reassessment is due before the end. Reassessed home, the stay ends after the
 * planned end date unless something changes first (an extension, an early end); ended early,
 * it ends at once.
 */
async function stayUntilOver(c: Case): Promise<void> {
  for (;;) {
    await c.core.runUntil(() => stayOver(c.s) || goingHome(c.s), 'reassessment');
    if (stayOver(c.s)) return;
    const endDate = c.s.stay!.plannedEndDate;
    const endAt = stayEndInstant(endDate);
    const seen = c.core.version;
    const interrupted =
      Date.now() < endAt &&
      (await condition(() => stayOver(c.s) || !goingHome(c.s) || c.core.version !== seen, endAt - Date.now(), {
        summary: `the stay ends after ${endDate} (${formatLocal(endAt)})`,
      }));
    if (!interrupted) {
      c.s.endRequest = 'planned_end';
      c.core.changed();
      return;
    }
  }
}

/**
 * Patch id: a stay that ends with the nursing-home place found starts the nursing-home follow-up
 * (a child case of its own, outliving the stay; 003 "Plejeboliger"). Before: nothing followed.
 */
export const NURSING_HOME_FOLLOW_UP_PATCH = 'stay-starts-nursing-home-follow-up';

/** 003: the citizen moved into the nursing home: the individual decision is ensured about 3–6 weeks later (its own case). */
async function startNursingHomeFollowUp(c: Case): Promise<void> {
  if (c.s.unavailable !== undefined || c.s.endRequest !== 'nursing_home_place_found' || !patched(NURSING_HOME_FOLLOW_UP_PATCH)) return;
  const caseId = uuid4();
  const caseNumber = await reserveCaseNumber(caseId, nursingHomeFollowUpCaseType);
  const args: [NursingHomeFollowUpInput] = [
    { caseId, citizenId: c.input.citizenId, movedInDay: localDate(Date.now()), origin: { caseId: c.input.caseId, caseNumber: c.caseNumber }, rules: c.rules },
  ];
  await startChild('nursingHomeFollowUpWorkflow', {
    workflowId: caseNumber,
    args,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [{ key: CaseTypeKey, value: nursingHomeFollowUpCaseType.name }],
    staticSummary: 'Nursing-home follow-up (plejebolig) after the temporary stay',
  });
}

/** The allocator takes the citizen off the list (and frees the place the stay held). */
function leaveWaitingList(c: Case): Promise<void> {
  return getExternalWorkflowHandle(allocatorWorkflowId(c.input.placeType)).signal(leaveWaitingListSignal, {
    caseId: c.input.caseId,
    reason: leaveReasonOf(c.s),
  });
}

/** The case closes: every open obligation is cancelled and the row closed; the answer waits for every handler. */
async function finish(c: Case, outcome: string): Promise<TemporaryStayStatus> {
  c.s.outcome = outcome;
  c.s.step = 'closed';
  await c.core.end(outcome);
  c.closed = true;
  await condition(allHandlersFinished);
  return status(c);
}
