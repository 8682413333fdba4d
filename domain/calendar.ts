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

/*
 * Plain-date arithmetic. A local day is a date, not an instant: adding days or counting the days
 * between two dates needs no time zone (a daylight-saving change never adds or loses a calendar
 * day), so an ISO date `YYYY-MM-DD` is turned into a day number (days since 1970-01-01, the
 * proleptic Gregorian calendar) and back with integer arithmetic. Anything that is not a plain
 * ISO date of the years 1–9999 takes the general (luxon) path, so results are the same for
 * every input.
 */
const MS_PER_DAY = 86_400_000;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day number (Howard Hinnant's civil_from_days). */
function civilFromDays(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

/** The day number of a plain ISO date, or undefined when `date` is not one (the general path decides). */
function plainDayNumber(date: LocalDate): number | undefined {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return undefined;
  const y = digits(date, 0, 4);
  const mo = digits(date, 5, 7);
  const d = digits(date, 8, 10);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** The number written by the ASCII digits `from`..`to` of a text, or -1 when one is no digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const MIN_DAY = daysFromCivil(1, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);

/** The ISO date of a day number (years 1–9999). */
function isoOfDayNumber(n: number): LocalDate {
  const [y, m, d] = civilFromDays(n);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * The day number of a calendar date (days since 1970-01-01): the unit in which bed-days and
 * deadlines are counted. Throws a RangeError for a string that is no calendar date.
 */
export function dayNumber(date: LocalDate): number {
  return plainDayNumber(date) ?? Math.round(day(date).setZone('UTC', { keepLocalTime: true }).toMillis() / MS_PER_DAY);
}

/** The calendar date of a day number (the inverse of `dayNumber`). */
export function dateOfDayNumber(n: number): LocalDate {
  if (Number.isInteger(n) && n >= MIN_DAY && n <= MAX_DAY) return isoOfDayNumber(n);
  return DateTime.fromMillis(n * MS_PER_DAY, { zone: 'UTC' }).toISODate()!;
}

/** A year's summer time under the EU rule: [start, end) in epoch ms (a pure function of the year, kept once computed). */
const summerTimes = new Map<number, readonly [number, number]>();
function summerTime(year: number): readonly [number, number] {
  let found = summerTimes.get(year);
  if (!found) summerTimes.set(year, (found = [lastSundayOneUtc(year, 2), lastSundayOneUtc(year, 9)]));
  return found;
}

/** The Copenhagen UTC offset in hours at an instant of a year under the EU rule (1 or 2). */
function euOffsetHours(instantMs: number, year: number): number {
  const [start, end] = summerTime(year);
  return instantMs >= start && instantMs < end ? 2 : 1;
}

/** Whether instants of this UTC year are computed directly (the EU rule, see `formatLocal`). */
const underEuRule = (year: number) => year >= EU_RULE_YEARS.from && year <= EU_RULE_YEARS.to;

/** The Copenhagen calendar date an instant falls on. */
export function localDate(instantMs: number): LocalDate {
  if (Number.isFinite(instantMs)) {
    const year = new Date(instantMs).getUTCFullYear();
    if (underEuRule(year)) return isoOfDayNumber(Math.floor((instantMs + euOffsetHours(instantMs, year) * 3_600_000) / MS_PER_DAY));
  }
  return DateTime.fromMillis(instantMs, { zone: ZONE }).toISODate()!;
}

/** The day number of the Copenhagen calendar date an instant falls on (`dayNumber(localDate(instantMs))`). */
export function localDayNumber(instantMs: number): number {
  if (Number.isFinite(instantMs)) {
    const year = new Date(instantMs).getUTCFullYear();
    if (underEuRule(year)) return Math.floor((instantMs + euOffsetHours(instantMs, year) * 3_600_000) / MS_PER_DAY);
  }
  return dayNumber(localDate(instantMs));
}

/** The day number of the first day of the month after the one day number `n` falls in. */
export function nextMonthStart(n: number): number {
  const [y, m] = civilFromDays(n);
  return m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1);
}

/** The month (`YYYY-MM`) day number `n` falls in. */
export function monthOfDayNumber(n: number): string {
  const [y, m] = civilFromDays(n);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}`;
}

/** `date` plus `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const n = plainDayNumber(date);
  if (n !== undefined && Number.isInteger(days)) {
    const sum = n + days;
    if (sum >= MIN_DAY && sum <= MAX_DAY) return isoOfDayNumber(sum);
  }
  return day(date).plus({ days }).toISODate()!;
}

/** `date` plus `weeks` calendar weeks (the same weekday). */
export function addWeeks(date: LocalDate, weeks: number): LocalDate {
  if (Number.isInteger(weeks)) return addDays(date, weeks * 7);
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
  const a = plainDayNumber(from);
  const b = plainDayNumber(to);
  if (a !== undefined && b !== undefined) return b - a;
  return Math.round(day(to).diff(day(from), 'days').days);
}

/** The instant a local wall-clock time occurs on a date (hour 0 = the start of the day). */
export function localInstant(date: LocalDate, hour = 0, minute = 0): number {
  const n = plainDayNumber(date);
  if (n !== undefined && Number.isInteger(hour) && Number.isInteger(minute) && hour >= 0 && hour < 24 && minute >= 0 && minute < 60) {
    const wall = n * MS_PER_DAY + hour * 3_600_000 + minute * 60_000;
    const year = new Date(wall).getUTCFullYear();
    if (underEuRule(year)) {
      // the one offset under which that wall-clock time exists; the hour a change skips or repeats takes the general path
      const summer = wall - 2 * 3_600_000;
      const winter = wall - 3_600_000;
      const summerFits = euOffsetHours(summer, year) === 2;
      const winterFits = euOffsetHours(winter, year) === 1;
      if (summerFits !== winterFits) return summerFits ? summer : winter;
    }
  }
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

/** The instant of 01:00 UTC on the last Sunday of a month (EU summer time starts/ends then). */
function lastSundayOneUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
}

/** Years in which Copenhagen keeps the EU rule (summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC). */
const EU_RULE_YEARS = { from: 1996, to: 2099 };

const pad0 = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Local ISO timestamp with offset, e.g. `2026-11-20T10:00:00+01:00` (milliseconds only when
 * there are any): the one format of every instant a person or a client reads. The years under
 * the EU rule are computed directly (an answer may hold thousands of instants); others by luxon.
 */
export function formatLocal(instantMs: number): string {
  const year = new Date(instantMs).getUTCFullYear();
  if (year < EU_RULE_YEARS.from || year > EU_RULE_YEARS.to || !Number.isFinite(instantMs)) {
    return DateTime.fromMillis(instantMs, { zone: ZONE }).toISO({ suppressMilliseconds: true })!;
  }
  const summer = instantMs >= lastSundayOneUtc(year, 2) && instantMs < lastSundayOneUtc(year, 9);
  const offsetHours = summer ? 2 : 1;
  const t = new Date(instantMs + offsetHours * 3_600_000);
  const ms = t.getUTCMilliseconds();
  return (
    `${pad0(t.getUTCFullYear(), 4)}-${pad0(t.getUTCMonth() + 1)}-${pad0(t.getUTCDate())}` +
    `T${pad0(t.getUTCHours())}:${pad0(t.getUTCMinutes())}:${pad0(t.getUTCSeconds())}` +
    `${ms ? `.${pad0(ms, 3)}` : ''}+0${offsetHours}:00`
  );
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
  if (plainDayNumber(date) === undefined) day(date); // rejects a date that is not one
  return danishHolidays(Number(date.slice(0, 4))).get(date);
}

/**
 * Municipal closing days (lukkedage): days the municipality's offices are closed although they
 * are no public holidays (typically Grundlovsdag 5 June, 24 and 31 December). A rule is
 *  - `MM-DD`: that date every year (e.g. `06-05`);
 *  - `YYYY-MM-DD`: that one date (e.g. a bridge day `2027-05-07`);
 *  - `easter+N` / `easter-N`: N days from Easter Sunday every year (e.g. `easter+40`, the
 *    Friday after Ascension Day).
 * The rules travel in the rule set handed to a workflow at its start, so replay is deterministic.
 */
export type ClosingDayRule = string;

const CLOSING_RULE = /^(?:(\d{4})-)?(\d{2})-(\d{2})$|^easter([+-]\d{1,3})$/;

/** Why a closing-day rule is not one (undefined when it is). */
export function closingDayRuleError(rule: string): string | undefined {
  const m = CLOSING_RULE.exec(rule);
  if (!m) return `"${rule}" is not MM-DD, YYYY-MM-DD or easter±N`;
  if (m[4] !== undefined) return undefined;
  const probe = `${m[1] ?? '2024'}-${m[2]}-${m[3]}`; // 2024: a leap year, so 02-29 is allowed
  return DateTime.fromISO(probe, { zone: ZONE }).isValid ? undefined : `"${rule}" is not a calendar date`;
}

/** Whether `date` is a municipal closing day under `rules`. */
export function isClosingDay(date: LocalDate, rules: readonly ClosingDayRule[] = []): boolean {
  if (rules.length === 0) return false;
  const year = Number(date.slice(0, 4));
  for (const rule of rules) {
    const m = CLOSING_RULE.exec(rule);
    if (!m) continue;
    if (m[4] !== undefined) {
      const [em, ed] = easterSunday(year);
      if (addDays(`${year}-${pad(em)}-${pad(ed)}`, Number(m[4])) === date) return true;
    } else if (m[1] !== undefined ? rule === date : date.slice(5) === `${m[2]}-${m[3]}`) {
      return true;
    }
  }
  return false;
}

/** The weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: LocalDate): number {
  const n = plainDayNumber(date);
  return n === undefined ? day(date).weekday : ((((n + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** Monday–Friday, not a Danish public holiday and not a municipal closing day (`closingDays`). */
export function isWorkingDay(date: LocalDate, closingDays: readonly ClosingDayRule[] = []): boolean {
  return weekdayOf(date) <= 5 && publicHoliday(date) === undefined && !isClosingDay(date, closingDays);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: LocalDate, closingDays: readonly ClosingDayRule[] = []): LocalDate {
  let d = addDays(date, 1);
  while (!isWorkingDay(d, closingDays)) d = addDays(d, 1);
  return d;
}

/** The `n`th working day after `day` (n ≥ 1), skipping the municipal closing days too. */
export function workingDaysAfter(day: LocalDate, n: number, closingDays: readonly string[] = []): LocalDate {
  let d = day;
  for (let i = 0; i < Math.max(1, n); i++) d = nextWorkingDay(d, closingDays);
  return d;
}
