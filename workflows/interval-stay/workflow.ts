/**
 * A booked interval stay (intervalophold i midlertidig bolig, 003): one period on a place of an
 * interval-capable place type, booked by the housing team lead for a citizen on the interval
 * list. A case of its own, opened when the booking is made (the case id is the booking's id); the
 * booking itself is kept by the place type's allocator, the one writer of its places — every
 * decision here is told to it first (`tellIntervalAllocator`: an Update of the allocator, which
 * may refuse — then the decision is refused too).
 *
 *   booked ──arrived──▶ arrived ──ended──▶ closed (ended: the place is free again)
 *     └──no-show | cancel──────────────────▶ closed (no_show | cancelled: the place is released)
 *
 * Obligations (the housing team lead's, escalating overnight to the housing team lead):
 * `interval-arrival` (kind `interval_arrival`): due the first day, at risk from its 00:00, met by
 * the arrival or the no-show; `interval-end` (kind `interval_end`, opened at the arrival): due the
 * last day, at risk from its 00:00, met by the end. A cancellation cancels what is open.
 */
import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatLocal } from '../../domain/calendar.js';
import { CaseCore, run } from '../shared/case-core.js';
import { caseOpenedUpdate } from '../shared/messages.js';
import { intervalStayCaseType } from './case-type.js';
import {
  intervalStayArrivedUpdate,
  intervalStayCancelUpdate,
  intervalStayEndedUpdate,
  intervalStayNoShowUpdate,
  intervalStayStatusQuery,
  type IntervalStayAction,
  type IntervalStayInput,
  type IntervalStayOutcome,
  type IntervalStayStatus,
  type IntervalStayStep,
} from './messages.js';
import { ARRIVAL_KEY, END_KEY, refusal } from './state.js';

export type { IntervalStayInput, IntervalStayStatus } from './messages.js';

interface Stay {
  step: IntervalStayStep;
  outcome?: IntervalStayOutcome;
  arrivedAt?: number;
  closedAt?: number;
  /** A decision is being told to the allocator: another waits for it (refused meanwhile). */
  busy: boolean;
}

export async function intervalStayWorkflow(input: IntervalStayInput): Promise<IntervalStayStatus> {
  const openedAt = Date.now();
  const stay: Stay = { step: 'booked', busy: false };
  let opened = false;
  let closed = false;
  const core: CaseCore = new CaseCore({
    caseId: input.caseId,
    caseType: intervalStayCaseType.name,
    rules: input.rules,
    view: () => ({ step: stay.step, details: { placeId: input.placeId, from: input.from, to: input.to }, actingRole: 'housing_team_lead' }),
    opening: { type: intervalStayCaseType.name, citizenId: input.citizenId, workflowId: workflowInfo().workflowId, openedAt },
  });
  const status = (): IntervalStayStatus => ({
    caseId: input.caseId,
    caseNumber: workflowInfo().workflowId,
    bookingId: input.caseId,
    placeId: input.placeId,
    step: stay.step,
    from: input.from,
    to: input.to,
    ...(stay.arrivedAt !== undefined ? { arrivedAt: formatLocal(stay.arrivedAt) } : {}),
    ...(stay.closedAt !== undefined ? { closedAt: formatLocal(stay.closedAt) } : {}),
    ...(stay.outcome !== undefined ? { outcome: stay.outcome } : {}),
    ...core.view(),
  });
  setHandler(intervalStayStatusQuery, status);
  setHandler(caseOpenedUpdate, async () => {
    await condition(() => opened);
    return { caseId: input.caseId, caseNumber: workflowInfo().workflowId };
  });
  const decide = (action: IntervalStayAction, apply: (at: number) => void) => ({
    handler: async (_a: {}) => {
      stay.busy = true;
      try {
        await tellAllocator(input, action);
      } finally {
        stay.busy = false;
      }
      apply(Date.now());
      if (stay.step === 'closed') await condition(() => closed);
      else await core.sync();
      return status();
    },
    validator: (_a: {}) => {
      if (stay.busy) throw new Error('another decision on the stay is being carried out; retry in a moment');
      const why = refusal(action, stay.step, input, Date.now());
      if (why) throw new Error(why);
    },
  });
  const close = (outcome: IntervalStayOutcome, at: number) => {
    stay.step = 'closed';
    stay.outcome = outcome;
    stay.closedAt = at;
  };
  const arrived = decide('arrived', (at) => {
    core.meet(ARRIVAL_KEY, at);
    stay.step = 'arrived';
    stay.arrivedAt = at;
    core.open({ key: END_KEY, kind: 'interval_end', dueDay: input.to, now: at, params: { from: input.from, to: input.to } });
  });
  const noShow = decide('no_show', (at) => {
    core.meet(ARRIVAL_KEY, at);
    close('no_show', at);
  });
  const ended = decide('ended', (at) => {
    core.meet(END_KEY, at);
    close('ended', at);
  });
  const cancel = decide('cancel', (at) => {
    core.cancel(ARRIVAL_KEY, at);
    close('cancelled', at);
  });
  setHandler(intervalStayArrivedUpdate, arrived.handler, { validator: arrived.validator });
  setHandler(intervalStayNoShowUpdate, noShow.handler, { validator: noShow.validator });
  setHandler(intervalStayEndedUpdate, ended.handler, { validator: ended.validator });
  setHandler(intervalStayCancelUpdate, cancel.handler, { validator: cancel.validator });

  core.open({ key: ARRIVAL_KEY, kind: 'interval_arrival', dueDay: input.from, now: openedAt, params: { from: input.from, to: input.to } });
  await core.sync();
  opened = true;
  await core.runUntil(() => stay.step === 'closed', 'arrival or end of the interval stay');
  await core.end(stay.outcome!, stay.closedAt);
  closed = true;
  await condition(allHandlersFinished);
  return status();
}

/** The allocator learns of the decision; its refusal (the place, the booking) refuses the decision with its reason. */
async function tellAllocator(input: IntervalStayInput, action: IntervalStayAction): Promise<void> {
  try {
    await run('tellIntervalAllocator', `allocator: booking ${input.caseId} ${action}`, { allocatorWorkflowId: input.allocatorWorkflowId, caseId: input.caseId, action });
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) throw ApplicationFailure.create({ message: err.cause.message, nonRetryable: true });
    throw err;
  }
}
