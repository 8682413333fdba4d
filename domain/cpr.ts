/**
 * CPR numbers (personnummer): validation and birth date. Used at intake by the API only —
 * workflows never receive a CPR, only the pseudonymous citizen id.
 *
 * Century rule (CPR-kontoret): the 7th digit and the two-digit year give the century:
 *   7th digit 0–3: 1900s;  4 or 9: 2000s if year ≤ 36, else 1900s;
 *   5–8: 2000s if year ≤ 57, else 1800s.
 * No modulus-11 check: CPR numbers issued since 2007 need not satisfy it.
 */
import { DateTime } from 'luxon';
import { ZONE } from './calendar.js';

export const CPR_PATTERN = /^\d{6}-?\d{4}$/;

export function normaliseCpr(cpr: string): string {
  return cpr.replace('-', '');
}

/** Birth date (YYYY-MM-DD) of a CPR number, or undefined when the date part is not a real date. */
export function birthDateFromCpr(cpr: string): string | undefined {
  const digits = normaliseCpr(cpr);
  if (!/^\d{10}$/.test(digits)) return undefined;
  const dd = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  const yy = Number(digits.slice(4, 6));
  const d7 = Number(digits[6]);
  let century: number;
  if (d7 <= 3) century = 1900;
  else if (d7 === 4 || d7 === 9) century = yy <= 36 ? 2000 : 1900;
  else century = yy <= 57 ? 2000 : 1800;
  const dt = DateTime.fromObject({ year: century + yy, month: mm, day: dd }, { zone: ZONE });
  return dt.isValid ? dt.toISODate()! : undefined;
}

/** Age in whole years on a date (a birthday counts from its first minute; 29 Feb → 1 Mar in other years). */
export function ageOn(birthDate: string, onDate: string): number {
  const b = DateTime.fromISO(birthDate, { zone: ZONE });
  const d = DateTime.fromISO(onDate, { zone: ZONE });
  let age = d.year - b.year;
  if (d.month < b.month || (d.month === b.month && d.day < b.day)) age -= 1;
  return age;
}
