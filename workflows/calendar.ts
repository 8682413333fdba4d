/**
 * The calendar every rule is measured in: Europe/Copenhagen local dates, daylight saving
 * included, and Danish working days (weekends and public holidays from `date-holidays`).
 *
 * Pure and deterministic: safe inside workflows (time comes from the caller, never from a clock).
 * Dates are ISO calendar dates ('YYYY-MM-DD'); instants are epoch milliseconds.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Copenhagen';

export type LocalDate = string;

function day(date: LocalDate): DateTime {
  const dt = DateTime.fromISO(date, { zone: ZONE });
  if (!dt.isValid) throw new RangeError(`not a calendar date: ${date}`);
  return dt.startOf('day');
}

/** The Copenhagen calendar date an instant falls on. */
export function localDate(instantMs: number): LocalDate {
  return DateTime.fromMillis(instantMs, { zone: ZONE }).toISODate()!;
}

/** `date` plus `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return day(date).plus({ days }).toISODate()!;
}

/** `date` plus `weeks` calendar weeks (the same weekday). */
export function addWeeks(date: LocalDate, weeks: number): LocalDate {
  return day(date).plus({ weeks }).toISODate()!;
}

/** The instant `hours` elapsed hours after an instant (a reply time: 24 h is 24 h, also over a DST change). */
export function hoursAfter(instantMs: number, hours: number): number {
  return instantMs + hours * 3_600_000;
}

/** The instant `minutes` elapsed minutes after an instant. */
export function minutesAfter(instantMs: number, minutes: number): number {
  return instantMs + minutes * 60_000;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(day(to).diff(day(from), 'days').days);
}

/** The instant a local wall-clock time occurs on a date (hour 0 = the start of the day). */
export function localInstant(date: LocalDate, hour = 0, minute = 0): number {
  return day(date).set({ hour, minute }).toMillis();
}

/** Start (00:00 local) of a calendar date. */
export function startOfDay(date: LocalDate): number {
  return localInstant(date, 0);
}

/**
 * When an escalation for a due day fires: after the whole due day has passed, at the
 * configured local hour of the following night (00:00 by default: the first instant of the
 * next day), so it waits in the inbox when the working day starts.
 */
export function overnightAfter(dueDay: LocalDate, escalationLocalHour: number): number {
  return localInstant(addDays(dueDay, 1), escalationLocalHour);
}

/** Local ISO timestamp with offset, for people reading due instants. */
export function formatLocal(instantMs: number): string {
  return DateTime.fromMillis(instantMs, { zone: ZONE }).toISO({ suppressMilliseconds: true })!;
}

let danishHolidays: Holidays | undefined;
function holidays(): Holidays {
  danishHolidays ??= new Holidays('DK', { types: ['public'] });
  return danishHolidays;
}

/** Danish public holiday on that date (name), or undefined. */
export function publicHoliday(date: LocalDate): string | undefined {
  const found = holidays().isHoliday(day(date).set({ hour: 12 }).toJSDate());
  if (!found) return undefined;
  const publicOnes = found.filter((h) => h.type === 'public');
  return publicOnes.length > 0 ? publicOnes[0]!.name : undefined;
}

/** Monday–Friday and not a Danish public holiday. */
export function isWorkingDay(date: LocalDate): boolean {
  const weekday = day(date).weekday; // 1 = Monday … 7 = Sunday
  return weekday <= 5 && publicHoliday(date) === undefined;
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: LocalDate): LocalDate {
  let d = addDays(date, 1);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}
