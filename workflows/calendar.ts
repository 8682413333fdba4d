/**
 * The calendar every rule is measured in: Europe/Copenhagen local dates, daylight saving
 * included, and Danish working days (weekends and the Danish public holidays, computed here: no
 * holiday library in the workflow bundle).
 *
 * Pure and deterministic: safe inside workflows (time comes from the caller, never from a clock).
 * Dates are ISO calendar dates ('YYYY-MM-DD'); instants are epoch milliseconds.
 */
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

/** Easter Sunday of a year (Gregorian computus, Meeus/Jones/Butcher), as [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Store Bededag is no public holiday from 2024 (lov nr. 134 af 28.2.2023). */
const LAST_STORE_BEDEDAG = 2023;

/** The Danish public holidays (helligdage) of a year: date → name. Computed once per year. */
const holidayCache = new Map<number, Map<LocalDate, string>>();
function danishHolidays(year: number): Map<LocalDate, string> {
  let found = holidayCache.get(year);
  if (found) return found;
  const [em, ed] = easterSunday(year);
  const easter = `${year}-${pad(em)}-${pad(ed)}`;
  const movable: [number, string][] = [
    [-3, 'Skærtorsdag'],
    [-2, 'Langfredag'],
    [0, 'Påskedag'],
    [1, 'Anden påskedag'],
    ...(year <= LAST_STORE_BEDEDAG ? ([[26, 'Store Bededag']] as [number, string][]) : []),
    [39, 'Kristi Himmelfartsdag'],
    [49, 'Pinsedag'],
    [50, 'Anden pinsedag'],
  ];
  found = new Map<LocalDate, string>([
    [`${year}-01-01`, 'Nytårsdag'],
    ...movable.map(([offset, name]) => [addDays(easter, offset), name] as [LocalDate, string]),
    [`${year}-12-25`, 'Juledag'],
    [`${year}-12-26`, 'Anden juledag'],
  ]);
  holidayCache.set(year, found);
  return found;
}

/** Danish public holiday on that date (name), or undefined. */
export function publicHoliday(date: LocalDate): string | undefined {
  day(date); // rejects a date that is not one
  return danishHolidays(Number(date.slice(0, 4))).get(date);
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
