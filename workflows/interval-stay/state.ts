/** A booked interval stay's rules, pure: which decision may be made when. */
import { localDate, type LocalDate } from '../../domain/calendar.js';
import type { IntervalStayAction, IntervalStayStep } from './messages.js';

export const ARRIVAL_KEY = 'interval-arrival';
export const END_KEY = 'interval-end';

/** Why a decision cannot be made now (undefined: it can). */
export function refusal(action: IntervalStayAction, step: IntervalStayStep, period: { from: LocalDate; to: LocalDate }, now: number): string | undefined {
  const today = localDate(now);
  if (step === 'closed') return 'the interval stay is closed';
  switch (action) {
    case 'arrived':
      if (step !== 'booked') return 'the citizen has arrived already';
      if (today < period.from || today > period.to) return `the booked period is ${period.from} – ${period.to}`;
      return undefined;
    case 'no_show':
      if (step !== 'booked') return 'the citizen has arrived: end the stay instead';
      if (today < period.from) return `the booked period starts ${period.from}: cancel the booking instead`;
      return undefined;
    case 'cancel':
      return step !== 'booked' ? 'the citizen has arrived: end the stay instead' : undefined;
    case 'ended':
      return step !== 'arrived' ? 'the citizen has not arrived: cancel the booking or register the no-show instead' : undefined;
  }
}
