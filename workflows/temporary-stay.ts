/**
 * Case 2 — temporary 24-hour stay (midlertidigt døgnophold), sources 000 and 003.
 *
 * The application (a revisitation) puts the citizen on the waiting list of a place type
 * (pladstype) with a priority. The place type's allocator workflow (allocation.ts) offers vacant
 * places; this case follows its application: waiting → offered → in stay → ended. In the stay,
 * a reassessment is due `stayReviewDaysBeforeEnd` days before the planned end date (overnight
 * escalation if none is recorded by then); its outcome is home (the stay ends after the planned
 * end date), a nursing-home application (the stay goes on until a place is found) or an
 * extension with a new end date. When the stay ends the case tells the allocator, which frees
 * the place and allocates it again.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { addDays, formatLocal, localDate, overnightAfter, startOfDay } from './calendar.js';
import { allocationEventSignal, allocatorWorkflowId, leaveWaitingListSignal, normalisePlaceType, type LeaveReason } from './allocation.js';
import type { Priority, RuleSet, StayPurpose } from './rules.js';
import { acts, showDeadlineDay, showStep, untilInstant } from './shared.js';
import { proxyActivities } from '@temporalio/workflow';
import type { createTemporaryStayActivities } from '../activities/temporary-stay.js';

export type { Priority } from './rules.js';
export { PRIORITY_ORDER } from './rules.js';
export { placeTypeAllocatorWorkflow } from './allocation.js';

export interface TemporaryStayCaseInput {
  caseId: string;
  /** Pseudonymous citizen id (the CPR stays in the database). */
  citizenId: string;
  /** Place type (pladstype) applied for; a slug, see PLACE_TYPE_PATTERN in allocation.ts. */
  placeType: string;
  /** Purpose of the stay (formål), as a category — no health details. */
  purpose: StayPurpose;
  priority: Priority;
  /** Waiting-list date: when the application was recorded (epoch ms). */
  appliedAt: number;
  /** The hospital-discharge case that started this one, if any. */
  originCaseId?: string;
  rules: RuleSet;
}

export type UnavailableReason = 'readmitted' | 'died' | 'no_longer_needed';

/** Takes the citizen off the waiting list / withdraws a pending offer / ends the case and frees what it held. */
export const citizenUnavailableSignal = defineSignal<[{ reason: UnavailableReason }]>('citizenUnavailable');

/** home / home_with_help: the stay ends after the planned end date; nursing_home: stays on until a place is found; extension: new end date. */
export type ReassessmentOutcome = 'home' | 'home_with_help' | 'nursing_home' | 'extension';

export interface TemporaryStayStatus {
  caseId: string;
  step: 'opening' | 'waiting' | 'offered' | 'in_stay' | 'ended';
  placeType: string;
  priority: Priority;
  waitingSince: string;
  offer?: { offerId: string; placeId: string; placeLabel: string; offeredAt: string; replyBy: string };
  pastOffers: { offerId: string; placeId: string; status: string }[];
  stay?: {
    stayId: string;
    placeId: string;
    placeLabel: string;
    startedAt: string;
    plannedEndDate: string;
    reassessmentDueDay: string;
    reassessmentEscalationAt: string;
    reassessment?: { outcome: ReassessmentOutcome; at: string };
    escalatedPeriods: number[];
  };
  ended: boolean;
  outcome?: string;
}

export const temporaryStayStatusQuery = defineQuery<TemporaryStayStatus>('status');
/** Resolves once the case and application rows are in the database. */
export const stayCaseOpenedUpdate = defineUpdate<{ caseId: string; duplicateOf?: string }>('awaitOpened');
export const reassessStayUpdate = defineUpdate<
  TemporaryStayStatus,
  [{ outcome: ReassessmentOutcome; newEndDate?: string }]
>('reassess');
export const endStayUpdate = defineUpdate<TemporaryStayStatus, [{ reason: 'nursing_home_place_found' | 'moved_out' }]>('endStay');
/** The API's way to take the citizen off (withdrawal, readmission, death) with a 409 once ended. */
export const withdrawStayCaseUpdate = defineUpdate<TemporaryStayStatus, [{ reason: UnavailableReason }]>('withdraw');

const stayActs = proxyActivities<ReturnType<typeof createTemporaryStayActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The instant a stay ends after its planned end date: 00:00 local the day after (the last night is included). */
export function stayEndInstant(plannedEndDate: string): number {
  return startOfDay(addDays(plannedEndDate, 1));
}

export async function temporaryStayCaseWorkflow(rawInput: TemporaryStayCaseInput): Promise<TemporaryStayStatus> {
  const input = { ...rawInput, placeType: normalisePlaceType(rawInput.placeType) };
  const rules = input.rules;
  let step: TemporaryStayStatus['step'] = 'opening';
  let priority = input.priority;
  let opened: { duplicateOf?: string } | undefined;
  let unavailable: UnavailableReason | undefined;
  let offer: { offerId: string; placeId: string; placeLabel: string; offeredAt: number; replyBy: number } | undefined;
  const pastOffers: { offerId: string; placeId: string; status: string }[] = [];
  let stay: { stayId: string; placeId: string; placeLabel: string; startedAt: number; plannedEndDate: string } | undefined;
  /** Reassessment period: 1 for the first planned end date, +1 per extension. */
  let period = 1;
  let reassessment: { outcome: ReassessmentOutcome; at: number } | undefined;
  const escalatedPeriods: number[] = [];
  let endRequest: LeaveReason | undefined;
  let outcome: string | undefined;

  const reviewDueDay = (endDate: string) => addDays(endDate, -rules.stayReviewDaysBeforeEnd);
  const stayOver = () => endRequest !== undefined || unavailable !== undefined;

  const status = (): TemporaryStayStatus => ({
    caseId: input.caseId,
    step,
    placeType: input.placeType,
    priority,
    waitingSince: formatLocal(input.appliedAt),
    offer: offer && { ...offer, offeredAt: formatLocal(offer.offeredAt), replyBy: formatLocal(offer.replyBy) },
    pastOffers,
    stay: stay && {
      ...stay,
      startedAt: formatLocal(stay.startedAt),
      reassessmentDueDay: reviewDueDay(stay.plannedEndDate),
      reassessmentEscalationAt: formatLocal(overnightAfter(reviewDueDay(stay.plannedEndDate), rules.escalationLocalHour)),
      reassessment: reassessment && { ...reassessment, at: formatLocal(reassessment.at) },
      escalatedPeriods,
    },
    ended: step === 'ended',
    outcome,
  });

  setHandler(temporaryStayStatusQuery, status);
  setHandler(stayCaseOpenedUpdate, async () => {
    await condition(() => opened !== undefined);
    return { caseId: input.caseId, ...opened };
  });
  setHandler(citizenUnavailableSignal, ({ reason }) => {
    if (step !== 'ended' && unavailable === undefined) unavailable = reason;
  });
  setHandler(
    withdrawStayCaseUpdate,
    async ({ reason }) => {
      unavailable = reason;
      await condition(() => step === 'ended');
      return status();
    },
    {
      validator: (_req: { reason: UnavailableReason }) => {
        if (step === 'ended') throw new Error('the case has already ended');
        if (unavailable !== undefined || endRequest !== undefined) throw new Error('the case is already ending');
      },
    },
  );
  setHandler(allocationEventSignal, (ev) => {
    if (step === 'ended' || unavailable !== undefined) return;
    switch (ev.kind) {
      case 'offered':
        offer = { offerId: ev.offerId, placeId: ev.placeId, placeLabel: ev.placeLabel, offeredAt: ev.offeredAt, replyBy: ev.replyBy };
        step = 'offered';
        break;
      case 'offerClosed':
        if (offer?.offerId === ev.offerId) {
          pastOffers.push({ offerId: offer.offerId, placeId: offer.placeId, status: ev.status });
          offer = undefined;
          if (step === 'offered') step = 'waiting';
        }
        break;
      case 'stayStarted':
        if (offer?.offerId === ev.offerId) {
          pastOffers.push({ offerId: offer.offerId, placeId: offer.placeId, status: 'accepted' });
          offer = undefined;
        }
        stay = { stayId: ev.offerId, placeId: ev.placeId, placeLabel: ev.placeLabel, startedAt: ev.startedAt, plannedEndDate: ev.plannedEndDate };
        break;
      case 'priority':
        priority = ev.priority;
        break;
    }
  });
  setHandler(
    reassessStayUpdate,
    async ({ outcome: o, newEndDate }) => {
      const at = Date.now();
      if (o === 'extension') {
        stay!.plannedEndDate = newEndDate!;
        period += 1;
        reassessment = undefined;
      } else {
        reassessment = { outcome: o, at };
      }
      await stayActs.recordStayReassessment({ stayId: stay!.stayId, outcome: o, at, plannedEndDate: newEndDate });
      await acts.recordCaseDetails({ caseId: input.caseId, details: { reassessment: o, plannedEndDate: stay!.plannedEndDate } });
      return status();
    },
    {
      validator: ({ outcome: o, newEndDate }) => {
        if (step !== 'in_stay' || !stay) throw new Error('a reassessment needs a running stay');
        if (stayOver()) throw new Error('the stay is ending');
        if (o === 'extension') {
          if (!newEndDate) throw new Error('newEndDate is required for an extension');
          if (newEndDate <= stay.plannedEndDate) throw new Error(`newEndDate must be after the planned end date ${stay.plannedEndDate}`);
        } else if (newEndDate) {
          throw new Error('newEndDate applies to an extension only');
        }
      },
    },
  );
  setHandler(
    endStayUpdate,
    async ({ reason }) => {
      endRequest = reason;
      await condition(() => step === 'ended');
      return status();
    },
    {
      validator: ({ reason }) => {
        if (step !== 'in_stay') throw new Error('there is no running stay');
        if (stayOver()) throw new Error('the stay is already ending');
        if (reason === 'nursing_home_place_found' && reassessment?.outcome !== 'nursing_home') {
          throw new Error('no nursing-home application was recorded in the reassessment');
        }
      },
    },
  );

  // ---- opening
  await acts.recordCaseOpened({
    caseId: input.caseId,
    type: 'temporary_stay',
    citizenId: input.citizenId,
    workflowId: workflowInfo().workflowId,
    step: 'waiting',
    details: { placeType: input.placeType, priority: input.priority, originCaseId: input.originCaseId },
    openedAt: input.appliedAt,
  });
  const recorded = await stayActs.recordStayApplication({
    caseId: input.caseId,
    citizenId: input.citizenId,
    placeType: input.placeType,
    purpose: input.purpose,
    priority: input.priority,
    appliedAt: input.appliedAt,
    originCaseId: input.originCaseId,
  });

  const finish = async (o: string) => {
    outcome = o;
    step = 'ended';
    showStep(step);
    showDeadlineDay(undefined);
    await acts.recordCaseStep({ caseId: input.caseId, step, end: { closedAt: Date.now(), outcome: o } });
    await condition(allHandlersFinished);
    return status();
  };

  if (recorded.duplicateOf) {
    opened = recorded;
    await acts.raiseEscalation({
      caseId: input.caseId,
      key: 'duplicate-application',
      kind: 'temporary_stay_duplicate_application',
      severity: 'warning',
      recipientRole: 'needs_assessor',
      dueDay: localDate(Date.now()),
      scheduledFor: Date.now(),
      firedAt: Date.now(),
      message: `The citizen already has an open application for a temporary stay (case ${recorded.duplicateOf}); update that one instead.`,
    });
    return finish('duplicate_application');
  }
  await stayActs.joinStayWaitingList({
    placeType: input.placeType,
    entry: {
      caseId: input.caseId,
      citizenId: input.citizenId,
      priority: input.priority,
      waitingSince: input.appliedAt,
      replyHours: rules.offerReplyHours,
    },
  });
  opened = {};
  if (step === 'opening') step = 'waiting';
  showStep(step);

  const allocator = getExternalWorkflowHandle(allocatorWorkflowId(input.placeType));
  const leave = (reason: LeaveReason) => allocator.signal(leaveWaitingListSignal, { caseId: input.caseId, reason });

  // ---- waiting for a place
  await condition(() => stay !== undefined || unavailable !== undefined);
  if (unavailable !== undefined) {
    await leave(unavailable);
    return finish(unavailable);
  }

  // ---- the stay
  step = 'in_stay';
  showStep(step);
  await acts.recordCaseStep({ caseId: input.caseId, step });
  const timers: Promise<void>[] = [];
  for (;;) {
    const gen = period;
    const endDate = stay!.plannedEndDate;
    const dueDay = reviewDueDay(endDate);
    const escalateAt = overnightAfter(dueDay, rules.escalationLocalHour);
    showDeadlineDay(dueDay);
    const reviewed = () => period !== gen || reassessment !== undefined || stayOver();
    timers.push(
      (async () => {
        const reached = await untilInstant(escalateAt, `reassessment due ${dueDay}`, reviewed);
        if (!reached) return;
        escalatedPeriods.push(gen);
        await acts.raiseEscalation({
          caseId: input.caseId,
          key: `reassessment-${gen}`,
          kind: 'temporary_stay_reassessment_missing',
          severity: 'escalation',
          recipientRole: 'needs_assessor',
          dueDay,
          scheduledFor: escalateAt,
          firedAt: Date.now(),
          message: `The reassessment of the temporary stay (planned end ${endDate}) was due on ${dueDay} and has not been recorded.`,
        });
      })(),
    );
    const goingHome = () => reassessment?.outcome === 'home' || reassessment?.outcome === 'home_with_help';
    await condition(() => stayOver() || period !== gen || goingHome());
    if (period !== gen && !stayOver()) continue;
    if (stayOver()) break;
    // Home: the stay ends after the planned end date (unless extended, or reassessed as a
    // nursing-home application, meanwhile).
    const reached = await untilInstant(stayEndInstant(endDate), `stay ends after ${endDate}`, () => stayOver() || period !== gen || !goingHome());
    if (reached) endRequest = 'planned_end';
    if (stayOver()) break;
  }
  const reason: LeaveReason = unavailable ?? endRequest!;
  await leave(reason);
  await Promise.all(timers);
  const finalOutcome =
    unavailable ??
    (endRequest === 'planned_end' ? reassessment!.outcome : endRequest === 'nursing_home_place_found' ? 'nursing_home' : endRequest!);
  return finish(finalOutcome);
}
