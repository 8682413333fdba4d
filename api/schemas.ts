/**
 * Shared request schemas. Every string a route accepts is built from `line`, `longText` or
 * `token` below (or is an enum, id, date or instant, which admit no stray characters): one
 * definition of what text may contain.
 */
import { z } from 'zod';
import { addDays, localDate } from '../domain/calendar.js';
import { birthDateFromCpr, CPR_PATTERN } from '../domain/cpr.js';

// ---- text hygiene --------------------------------------------------------------------------

/** C0 controls, DEL, C1 controls and the non-characters U+FFFE/U+FFFF: never in any text. */
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
/** The same, but a long text may hold line breaks and tabs (\t, \n, \r). */
const CONTROL_IN_LONG_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
/** A UTF-16 surrogate not part of a pair (cannot be stored as UTF-8 / jsonb). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const CONTROL_CHARACTER_MESSAGE = 'must not contain control characters (NUL, escape, …)';
export const CONTROL_CHARACTER_LONG_MESSAGE = 'must not contain control characters other than line breaks and tabs';
export const LONE_SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate (broken Unicode)';

/** Whether a string holds a character no field accepts (`long`: line breaks and tabs allowed). */
export function textProblem(value: string, long: boolean): string | undefined {
  if (LONE_SURROGATE.test(value)) return LONE_SURROGATE_MESSAGE;
  if ((long ? CONTROL_IN_LONG_TEXT : CONTROL_IN_LINE).test(value)) return long ? CONTROL_CHARACTER_LONG_MESSAGE : CONTROL_CHARACTER_MESSAGE;
  return undefined;
}

/** The one string definition: refuses control characters and lone surrogates (before anything else). */
function cleanString(long: boolean) {
  return z.string().check((ctx) => {
    const problem = textProblem(ctx.value, long);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, continue: false });
  });
}

/** A one-line text (a name, a label, a short reason): trimmed, 1..max characters, no line breaks. */
export const line = (max: number) => cleanString(false).trim().min(1, 'must not be empty').max(max);
/** A long free text (a note, an assessment): trimmed, 1..max characters; line breaks and tabs allowed. */
export const longText = (max: number) => cleanString(true).trim().min(1, 'must not be empty').max(max);
/** A long free text that may be empty (kept as sent). */
export const optionalLongText = (max: number) => cleanString(true).max(max);
/** An opaque token or filter value (a cursor, a kind, a case number): untrimmed, 1..max characters. */
export const token = (max: number) => cleanString(false).min(1, 'must not be empty').max(max);

/** Years a case's dates can fall in (keeps nonsense such as year 0000 out of the database). */
const YEARS = { from: 1900, to: 2199 };
const plausibleYear = (v: string) => Number(v.slice(0, 4)) >= YEARS.from && Number(v.slice(0, 4)) <= YEARS.to;
const yearMessage = `the year must be between ${YEARS.from} and ${YEARS.to}`;

// ---- plausibility ----------------------------------------------------------------------------

/** Allowed clock skew for an instant slightly in the caller's future (the one definition). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** How far back an event's instant may lie (PLAUSIBLE_PAST_DAYS; set by buildApp). */
let plausiblePastDays = 730;
export function setPlausiblePastDays(days: number): void {
  plausiblePastDays = days;
}
export const plausiblePast = () => ({ days: plausiblePastDays, earliest: Date.now() - plausiblePastDays * 86_400_000 });

/** An instant with an explicit offset, e.g. 2027-01-04T09:30:00+01:00 (any time: for filters). */
export const anyInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
  .refine(plausibleYear, { message: yearMessage });

/** An event's instant: with an offset, and no further back than the configured horizon. */
export const instant = anyInstant.refine((v) => Date.parse(v) >= plausiblePast().earliest, {
  message: 'is implausibly far in the past (more than PLAUSIBLE_PAST_DAYS days ago)',
});

/** An event's instant that must also not be in the future (FUTURE_TOLERANCE_MS of clock skew). */
export const pastInstant = instant.refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
  message: 'must not be in the future',
});

/** The longest bed-day period a færdigmelding may open (MAX_BED_DAY_PERIOD_DAYS; set by buildApp). */
let maxBedDayPeriodDays = 365;
export function setMaxBedDayPeriodDays(days: number): void {
  maxBedDayPeriodDays = days;
}
/**
 * A færdigmelding's instant opens a bed-day period that runs until now or the discharge: it must
 * not lie more than MAX_BED_DAY_PERIOD_DAYS back (an instant beyond the horizon is already named
 * by `instant`, so it gets one message, not two).
 */
const opensShortPeriod = (v: string) => {
  const t = Date.parse(v);
  return t < plausiblePast().earliest || t >= Date.now() - maxBedDayPeriodDays * 86_400_000;
};
const periodMessage = () => `would open a bed-day period longer than MAX_BED_DAY_PERIOD_DAYS (${maxBedDayPeriodDays} days)`;
/** The ready instant of a færdigmelding (may be in the future within the clock skew; the route checks). */
export const bedDayStart = instant.refine(opensShortPeriod, { error: periodMessage });
/** The ready instant of a færdigmelding, not in the future. */
export const pastBedDayStart = pastInstant.refine(opensShortPeriod, { error: periodMessage });

export const calendarDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' }).refine(plausibleYear, { message: yearMessage });

/** How far ahead a planned day may lie (PLAUSIBLE_FUTURE_DAYS; set by buildApp). */
let plausibleFutureDays = 365;
export function setPlausibleFutureDays(days: number): void {
  plausibleFutureDays = days;
}
/** The last plausible planned day: today (Copenhagen) + PLAUSIBLE_FUTURE_DAYS. */
export const plausibleFuture = () => ({ days: plausibleFutureDays, latest: addDays(localDate(Date.now()), plausibleFutureDays) });

/**
 * A day that may lie in the future (an expected discharge, a provider's start, a stay's planned
 * end): no further ahead than PLAUSIBLE_FUTURE_DAYS days from today.
 */
export const plannedDate = calendarDate.refine((v) => v <= plausibleFuture().latest, {
  error: () => `is implausibly far in the future (more than PLAUSIBLE_FUTURE_DAYS, ${plausibleFutureDays}, days ahead)`,
});

export const cprSchema = z
  .string()
  .regex(CPR_PATTERN, { message: 'must be a CPR number: 10 digits, DDMMYY-XXXX' })
  .refine((v) => birthDateFromCpr(v) !== undefined, { message: 'the date part of the CPR number is not a real date' })
  .refine((v) => (birthDateFromCpr(v) ?? '') <= new Date().toISOString().slice(0, 10), {
    message: 'the birth date of the CPR number lies in the future',
  });

/**
 * 400 naming each field whose instant lies before the citizen's birth day (a notice received
 * before the citizen was born is a typing error, not a case).
 */
export function instantsAfterBirth(cpr: string, fields: Record<string, string | undefined | null>): { field: string; message: string }[] {
  const birth = birthDateFromCpr(cpr);
  if (!birth) return [];
  const bad: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!value) continue;
    // the birth day in Copenhagen starts at the latest 00:00+02:00: anything before that is before birth
    if (Date.parse(value) < Date.parse(`${birth}T00:00:00+02:00`)) bad.push({ field: `body.${field}`, message: "must not be before the citizen's birth" });
  }
  return bad;
}

export const caseIdParams = z.object({ id: z.uuid({ message: 'must be a case id (UUID)' }) });
