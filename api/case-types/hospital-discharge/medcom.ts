/**
 * The hospital discharge and MedCom HospitalNotification: how the hospital's messages reach the
 * case, through the same Updates as the hospital's own decision routes.
 *
 * - admission (STIN/STAA) while the case is in follow-up (after discharge home) → readmission;
 *   during the stay the care plan belongs to, an admission changes nothing;
 * - SLHJ (to home / primary sector) → the discharge, to the destination the case already has
 *   (home, or the temporary stay decided); in follow-up it was reported already;
 * - MORS → the death.
 */
import type { CitizenEvent } from '../../../domain/hospital-episodes.js';
import * as m from '../../../workflows/hospital-discharge/messages.js';
import type { HospitalEventReaction } from '../case-type.js';

export function hospitalDischargeReaction(event: CitizenEvent, open: { step: string }): HospitalEventReaction | undefined {
  const followUp = open.step === 'follow_up';
  switch (event.kind) {
    case 'died':
      return { kind: 'update', update: m.diedUpdate, args: [{ diedAt: event.at }] };
    case 'admitted':
      return followUp ? { kind: 'update', update: m.readmittedUpdate, args: [{ readmittedAt: event.at }] } : undefined;
    case 'discharged':
      return followUp ? undefined : { kind: 'update', update: m.dischargedUpdate, args: [{ dischargedAt: event.at }] };
  }
}
