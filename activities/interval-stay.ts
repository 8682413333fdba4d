/**
 * Activities of a booked interval stay (intervalophold): a decision on the stay told to the place
 * type's allocator (an Update of the allocator, the one writer of its places: it may refuse), then
 * the booking's row. Keyed by case and step (the Update id), so a retry repeats neither.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { setBookingStatus } from '../db/queries/interval-stay.js';

type Action = 'arrived' | 'no_show' | 'ended' | 'cancel';

/** The allocator's Update for each decision (its names: activities import nothing from workflows/). */
const ALLOCATOR_UPDATE: Record<Action, string> = { arrived: 'intervalArrived', ended: 'intervalEnded', cancel: 'cancelInterval', no_show: 'cancelInterval' };
const BOOKING_STATUS = { arrived: 'arrived', ended: 'ended', cancel: 'cancelled', no_show: 'no_show' } as const;

export function createIntervalStayActivities(db: Db) {
  return {
    /**
     * The allocator learns of the decision (refused: a non-retryable failure naming the reason);
     * a no-show or cancellation of a booking the allocator has already let lapse is done.
     */
    async tellIntervalAllocator(input: { allocatorWorkflowId: string; caseId: string; action: Action }): Promise<void> {
      const handle = Context.current().client.workflow.getHandle(input.allocatorWorkflowId);
      try {
        await handle.executeUpdate(ALLOCATOR_UPDATE[input.action], { args: [{ bookingId: input.caseId }], updateId: `${input.caseId}:${input.action}` });
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        const reason = (err.cause as { message?: string } | undefined)?.message ?? err.message;
        const lapsed = (input.action === 'no_show' || input.action === 'cancel') && reason.startsWith('no booking');
        if (!lapsed) throw ApplicationFailure.nonRetryable(reason, 'IntervalAllocatorRefused');
      }
      await setBookingStatus(db, input.caseId, BOOKING_STATUS[input.action]);
    },
  };
}
