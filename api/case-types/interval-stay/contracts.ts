/** A booked interval stay (intervalophold): its contracts, one definition each. */
import { z } from 'zod';
import { CaseCoreAnswer, Day, documented, Id, Instant } from '../../contract.js';

export const IntervalStayStatus = z
  .object({
    caseId: Id,
    caseNumber: z.string(),
    bookingId: Id.describe('The booking (interval_bookings) — the same id as the case'),
    placeId: Id,
    step: z.enum(['booked', 'arrived', 'closed']),
    from: Day.describe('The first day of the booked period: the arrival is due (at risk from 00:00)'),
    to: Day.describe('The last day of the booked period: the end is due (at risk from 00:00)'),
    arrivedAt: Instant.optional(),
    closedAt: Instant.optional(),
    outcome: z.enum(['ended', 'no_show', 'cancelled']).optional(),
  })
  .extend(CaseCoreAnswer.shape);

export const IntervalStayDetails = z.object({ placeId: Id.optional(), from: Day.optional(), to: Day.optional() });

/** The decisions carry nothing but the decision itself. */
export const IntervalStayDecisionBody = z.object({}).strict();

export const IntervalStayDecided = documented(
  z.object({
    caseId: Id,
    caseNumber: z.string(),
    bookingId: Id,
    placeId: Id,
    step: z.enum(['booked', 'arrived', 'closed']),
    from: Day,
    to: Day,
    outcome: z.enum(['ended', 'no_show', 'cancelled']).optional(),
  }),
  {
    description: 'The booked interval stay after the decision',
    example: {
      caseId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f',
      caseNumber: 'INT-2027-000004',
      bookingId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f',
      placeId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      step: 'arrived',
      from: '2027-01-11',
      to: '2027-01-17',
    },
  },
);
