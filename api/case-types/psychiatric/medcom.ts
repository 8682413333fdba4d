/**
 * The psychiatric case and MedCom HospitalNotification: a death (MORS) ends the case with the
 * outcome `died` — the same Update as the region's discharge and withdrawal routes; the 12-week
 * deadline is cancelled, the bed-day payment ends. Admissions and discharges concern the
 * region's own færdigmelding process, not this case.
 */
import type { CitizenEvent } from '../../../domain/hospital-episodes.js';
import { endPsychiatricCaseUpdate } from '../../../workflows/psychiatric/messages.js';
import type { HospitalEventReaction } from '../case-type.js';

export function psychiatricReaction(event: CitizenEvent): HospitalEventReaction | undefined {
  return event.kind === 'died' ? { kind: 'update', update: endPsychiatricCaseUpdate, args: [{ outcome: 'died', at: event.at }] } : undefined;
}
