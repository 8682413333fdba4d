/**
 * Shared request schemas. Every string a route accepts is built from `line`, `longText` or
 * `token` below (or is an enum, id, date or instant, which admit no stray characters): one
 * definition of what text may contain.
 */
import { z } from 'zod';
import { birthDateFromCpr, CPR_PATTERN } from '../workflows/cpr.js';

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

/** An instant with an explicit offset, e.g. 2027-01-04T09:30:00+01:00. */
/** Years a case's dates can fall in (keeps nonsense such as year 0000 out of the database). */
const YEARS = { from: 1900, to: 2199 };
const plausibleYear = (v: string) => Number(v.slice(0, 4)) >= YEARS.from && Number(v.slice(0, 4)) <= YEARS.to;
const yearMessage = `the year must be between ${YEARS.from} and ${YEARS.to}`;

export const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' })
  .refine(plausibleYear, { message: yearMessage });

export const calendarDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' }).refine(plausibleYear, { message: yearMessage });

export const cprSchema = z
  .string()
  .regex(CPR_PATTERN, { message: 'must be a CPR number: 10 digits, DDMMYY-XXXX' })
  .refine((v) => birthDateFromCpr(v) !== undefined, { message: 'the date part of the CPR number is not a real date' });

export const caseIdParams = z.object({ id: z.uuid({ message: 'must be a case id (UUID)' }) });
