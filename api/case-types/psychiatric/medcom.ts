/**
 * The psychiatric case and MedCom HospitalNotification: the case has no death outcome yet, so a
 * MORS asks the psychiatry coordinator to review the case (it shows in the advis inbox with its
 * effect `review`); admissions and discharges concern the region's own færdigmelding process.
 */
import type { CitizenEvent } from '../../../domain/hospital-episodes.js';
import type { HospitalEventReaction } from '../case-type.js';

export function psychiatricReaction(event: CitizenEvent): HospitalEventReaction | undefined {
  return event.kind === 'died' ? { kind: 'review', reason: 'the citizen died; the psychiatric case has no death outcome: end it by hand' } : undefined;
}
