/**
 * The temporary stay and MedCom HospitalNotification: an admission (STIN/STAA) or a death (MORS)
 * of a citizen with an open application, offer or stay makes the citizen unavailable — the same
 * Update as the hospital's `…/hospital-events` route (off the waiting list, the place freed). A
 * discharge concerns the hospital-discharge case, not this one.
 */
import type { CitizenEvent } from '../../../domain/hospital-episodes.js';
import { withdrawStayCaseUpdate } from '../../../workflows/temporary-stay/messages.js';
import type { HospitalEventReaction } from '../case-type.js';

export function temporaryStayReaction(event: CitizenEvent): HospitalEventReaction | undefined {
  if (event.kind === 'admitted') return { kind: 'update', update: withdrawStayCaseUpdate, args: [{ reason: 'readmitted' }] };
  if (event.kind === 'died') return { kind: 'update', update: withdrawStayCaseUpdate, args: [{ reason: 'died' }] };
  return undefined;
}
