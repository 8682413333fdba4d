/**
 * The hand-over of a decision to the provider (videregivelse af afgørelse, 003): the one rule every
 * hand-over uses — a grant, its change or end, a hospital discharge's decision.
 */
import { localDate, localInstant, type LocalDate } from './calendar.js';
import { PROVIDER_PHONE_CUTOFF } from './rules.js';

/** 003: handed after 14:30 Copenhagen time on the day the provider must start → phone the provider as well. */
export function mustPhoneProvider(handedAt: number, startsOn: LocalDate): boolean {
  return localDate(handedAt) === startsOn && handedAt > localInstant(startsOn, PROVIDER_PHONE_CUTOFF.hour, PROVIDER_PHONE_CUTOFF.minute);
}
