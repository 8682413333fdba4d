/**
 * A decision the API has given up on never takes effect later.
 *
 * The API sends every decision (an Update) with a header naming the instant after which it no
 * longer waits for it (`overgang-not-after`, epoch ms, somewhat before the moment it answers 503).
 * Temporal keeps an Update it could not hand to a worker and delivers it when a worker polls
 * again — possibly long after the caller was told 503. This interceptor refuses, in the
 * validator stage, an Update delivered after its instant (the workflow's clock: the start of the
 * workflow task that delivers it): refused, it leaves no trace in the history and changes
 * nothing. So a 503 `worker` means the decision did not and will not happen; the caller's retry
 * with the same Idempotency-Key sends it anew.
 *
 * Validators do not run on replay: histories recorded before this interceptor replay unchanged.
 * An Update without the header (scripts, the allocator's own messages) is not checked.
 */
import { ApplicationFailure, defaultPayloadConverter, type WorkflowInboundCallsInterceptor, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** The Update header carrying the instant after which the decision must not take effect (epoch ms). */
export const NOT_AFTER_HEADER = 'overgang-not-after';

/** The failure type of a decision refused because it arrived after its instant. */
export const ARRIVED_TOO_LATE = 'DecisionArrivedTooLate';

class RefuseLateDecisions implements WorkflowInboundCallsInterceptor {
  validateUpdate: NonNullable<WorkflowInboundCallsInterceptor['validateUpdate']> = (input, next) => {
    const header = input.headers[NOT_AFTER_HEADER];
    if (header) {
      const notAfter = defaultPayloadConverter.fromPayload<number>(header);
      if (typeof notAfter === 'number' && Date.now() > notAfter) {
        throw ApplicationFailure.create({
          type: ARRIVED_TOO_LATE,
          nonRetryable: true,
          message: 'the decision reached the case after the caller had stopped waiting for it: not applied',
        });
      }
    }
    next(input);
  };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RefuseLateDecisions()] });
