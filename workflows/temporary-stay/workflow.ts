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
import {
  allHandlersFinished,
  condition,
  defineSignal,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { formatLocal, localDate, workingDaysAfter } from '../../domain/calendar.js';
import { PRIORITY_REVIEW_WORKING_DAYS } from '../../domain/rules.js';
import { CaseCore, defaultMessage, run } from '../shared/case-core.js';
import type { ClockEffect } from '../shared/obligations.js';
import { CaseTypeKey } from '../shared/search-attributes.js';
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
  type TemporaryStayCaseInput,
  type TemporaryStayStatus,
} from './messages.js';
import {
  actingRoleOf,
  applyAllocationEvent,
  applyReassessment,
  detailsOf,
  finalOutcome,
  goingHome,
  initialState,
  lapsesByClock,
  leaveReasonOf,
  markUnavailable,
  noteEscalation,
  offerKey,
  priorityReviewKey,
  shownStep,
  statusOf,
  stayEndInstant,
  stayOver,
  validateEndStay,
  validateReassessment,
  validateWithdraw,
  type ObligationChange,
} from './state.js';

export type { TemporaryStayCaseInput, TemporaryStayStatus } from './messages.js';

/** The hospital case's signal (defined by name: workflows/hospital-discharge/messages.ts owns it). */
const temporaryStayStartedSignal = defineSignal<[{ startedAt: number }]>('temporaryStayStarted');
/** The hospital case's signal: its temporary-stay decision now follows this open application. */
const temporaryStayRepointedSignal = defineSignal<[{ caseId: string; workflowId: string }]>('temporaryStayRepointed');
export { stayEndInstant } from './state.js';

function escalationMessage(e: ClockEffect): string {
  const o = e.obligation;
  if (e.type === 'breach' && o.kind === 'stay_reassessment') {
    return `The reassessment of the temporary stay (planned end ${o.params?.plannedEndDate}) was due on ${o.dueDay} and has not been recorded (${o.key}).`;
  }
  return defaultMessage(e);
}

export async function temporaryStayCaseWorkflow(rawInput: TemporaryStayCaseInput): Promise<TemporaryStayStatus> {
  const input = { ...rawInput, placeType: normalisePlaceType(rawInput.placeType) };
  const { rules, caseId, placeType } = input;
  const caseNumber = workflowInfo().workflowId;
  const s = initialState(input);
  let opened: { duplicateOf?: string } | undefined;
  let closed = false;

  const core: CaseCore = new CaseCore({
    caseId,
    caseType: 'temporary_stay',
    rules,
    opening: { type: 'temporary_stay', citizenId: input.citizenId, workflowId: caseNumber, openedAt: input.appliedAt },
    view: () => ({ step: shownStep(s), details: detailsOf(s), actingRole: actingRoleOf(s) }),
    message: escalationMessage,
    onEffect: (e) => {
      // An unanswered offer lapses at its reply time (no escalation: the allocator passes the
      // place on); a missed reassessment escalates to the needs assessor.
      if (e.type === 'breach' && e.obligation.kind === 'offer_reply') core.cancel(e.obligation.key, e.obligation.escalateAt);
      if (e.type === 'breach' && e.obligation.kind === 'stay_reassessment') noteEscalation(s, e.obligation.key);
    },
  });

  const apply = (changes: ObligationChange[]) => {
    for (const c of changes) {
      if (c.type === 'open_offer') core.open({ key: c.key, kind: 'offer_reply', dueAt: c.replyBy });
      else if (c.type === 'open_reassessment') {
        core.open({ key: c.key, kind: 'stay_reassessment', dueDay: c.dueDay, params: { period: c.period, plannedEndDate: c.plannedEndDate } });
      } else if (c.type === 'meet') core.meet(c.key, c.at);
      else core.cancel(c.key, c.at);
    }
    core.changed();
  };
  const status = () => statusOf(s, caseNumber, rules, core.view());

  // ---- messages: each changes the state and wakes the clock, which mirrors the change

  setHandler(temporaryStayStatusQuery, status);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => opened !== undefined);
    return { caseId, caseNumber, ...opened };
  });
  setHandler(citizenUnavailableSignal, ({ reason }) => {
    if (markUnavailable(s, reason)) core.changed();
  });
  setHandler(
    withdrawStayCaseUpdate,
    async ({ reason }) => {
      markUnavailable(s, reason);
      core.changed();
      await condition(() => closed);
      return status();
    },
    { validator: (_req) => validateWithdraw(s) },
  );
  setHandler(allocationEventSignal, (ev) => {
    const byClock = ev.kind === 'offerClosed' && lapsesByClock(ev, core.isOpen(offerKey(ev.offerId)));
    const changes = applyAllocationEvent(s, ev, rules);
    if (!byClock) apply(changes);
    // a priority review is met by the priority change; the citizen moving in ends it (no list any more)
    if (s.priorityReview && (ev.kind === 'priority' || ev.kind === 'stayStarted')) {
      if (ev.kind === 'priority') core.meet(s.priorityReview.key);
      else core.cancel(s.priorityReview.key);
      s.priorityReview = undefined;
      core.changed();
    }
  });
  // 003: the citizen's situation changed while waiting (discharged home): the needs assessor reviews the priority by the end of the next working day
  setHandler(originCaseSignal, ({ workflowId }) => {
    s.originWorkflowId = workflowId;
  });
  setHandler(priorityReviewSignal, ({ reason }) => {
    if (s.step === 'closed' || s.step === 'in_stay' || s.unavailable !== undefined || s.priorityReview) return;
    const now = Date.now();
    const n = (s.priorityReviews ?? 0) + 1;
    s.priorityReviews = n;
    s.priorityReview = { key: priorityReviewKey(n), since: now };
    core.open({ key: priorityReviewKey(n), kind: 'priority_review', dueDay: workingDaysAfter(localDate(now), PRIORITY_REVIEW_WORKING_DAYS, rules.closingDays ?? []), now, params: { reason } });
  });
  setHandler(
    reassessStayUpdate,
    async (req) => {
      const at = Date.now();
      apply(applyReassessment(s, req, at, rules));
      await run('recordStayReassessment', `record the reassessment: ${req.outcome}${req.newEndDate ? ` until ${req.newEndDate}` : ''}`, {
        stayId: s.stay!.stayId,
        outcome: req.outcome,
        at,
        plannedEndDate: req.newEndDate,
      });
      return status();
    },
    { validator: (req) => validateReassessment(s, req) },
  );
  setHandler(
    endStayUpdate,
    async ({ reason }) => {
      s.endRequest = reason;
      core.changed();
      await condition(() => closed);
      return status();
    },
    { validator: (req) => validateEndStay(s, req) },
  );

  const finish = async (outcome: string) => {
    s.outcome = outcome;
    s.step = 'closed';
    await core.end(outcome);
    closed = true;
    await condition(allHandlersFinished);
    return status();
  };
  const leave = () =>
    getExternalWorkflowHandle(allocatorWorkflowId(placeType)).signal(leaveWaitingListSignal, { caseId, reason: leaveReasonOf(s) });

  // ---- open: the case row, then the application (one open application per citizen)
  if (!workflowInfo().typedSearchAttributes.get(CaseTypeKey)) upsertSearchAttributes([{ key: CaseTypeKey, value: 'temporary_stay' }]);
  await core.runUntil(() => true, 'opening');
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
    entry: {
      caseId,
      workflowId: caseNumber,
      citizenId: input.citizenId,
      priority: input.priority,
      waitingSince: input.appliedAt,
      replyHours: rules.offerReplyHours,
    },
  };
  // one activity records the application and joins the waiting list (cases opened before: two)
  const inOne = patched('stay-opens-in-one-activity');
  const recorded = inOne
    ? await run('openStayApplication', `record the application and join the ${placeType} waiting list (${input.priority})`, { application, join })
    : await run('recordStayApplication', `record the application: ${placeType}, ${input.priority}`, application);
  if (recorded.duplicateOf) {
    opened = recorded;
    // 003: a hospital decision for a citizen who already has an open application re-points to it:
    // that application reviews its priority and tells the hospital case when the stay starts
    const parent = workflowInfo().parent;
    if (input.originCaseId && parent && recorded.duplicateWorkflowId && patched('duplicate-repoints-to-open-application')) {
      const existing = getExternalWorkflowHandle(recorded.duplicateWorkflowId);
      try {
        await existing.signal(originCaseSignal, { workflowId: parent.workflowId });
        await existing.signal(priorityReviewSignal, { reason: 'hospital_decision' });
        await getExternalWorkflowHandle(parent.workflowId).signal(temporaryStayRepointedSignal, {
          caseId: recorded.duplicateOf,
          workflowId: recorded.duplicateWorkflowId,
        });
        return finish('repointed_to_open_application');
      } catch {
        // the open application has just ended: a duplicate after all (below)
      }
    }
    const now = Date.now();
    await run('raiseEscalation', `warning to the needs assessor: duplicate of case ${recorded.duplicateOf}`, {
      caseId,
      key: 'duplicate-application',
      kind: 'temporary_stay_duplicate_application',
      severity: 'warning',
      recipientRole: 'needs_assessor',
      dueDay: localDate(now),
      scheduledFor: now,
      firedAt: now,
      message: `The citizen already has an open application for a temporary stay (case ${recorded.duplicateOf}); update that one instead.`,
    });
    return finish('duplicate_application');
  }
  if (!inOne) await run('joinStayWaitingList', `join the ${placeType} waiting list (${input.priority})`, join);
  opened = {};
  if (s.step === 'opening') s.step = 'waiting';
  core.changed();

  // ---- waiting ⇄ offered, until the citizen moves in (or is no longer available)
  await core.runUntil(() => s.stay !== undefined || s.unavailable !== undefined, 'offer reply');
  if (s.unavailable !== undefined) {
    await leave();
    return finish(s.unavailable);
  }

  // the hospital case that decided the stay learns that it started (its bed-days end, it closes)
  const origin = s.originWorkflowId ?? (input.originCaseId ? workflowInfo().parent?.workflowId : undefined);
  if (origin && patched('stay-tells-origin-case')) {
    try {
      await getExternalWorkflowHandle(origin).signal(temporaryStayStartedSignal, { startedAt: s.stay!.startedAt });
    } catch {
      // the hospital case has ended (the citizen went home while waiting): nothing to tell
    }
  }

  // ---- in the stay: reassessment before the end; reassessed home, the stay ends after the planned end date
  for (;;) {
    await core.runUntil(() => stayOver(s) || goingHome(s), 'reassessment');
    if (stayOver(s)) break;
    const endDate = s.stay!.plannedEndDate;
    const endAt = stayEndInstant(endDate);
    const seen = core.version;
    const interrupted =
      Date.now() < endAt &&
      (await condition(() => stayOver(s) || !goingHome(s) || core.version !== seen, endAt - Date.now(), {
        summary: `the stay ends after ${endDate} (${formatLocal(endAt)})`,
      }));
    if (!interrupted) {
      s.endRequest = 'planned_end';
      core.changed();
      break;
    }
  }
  await leave();
  return finish(finalOutcome(s));
}
