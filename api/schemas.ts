/** Shared request schemas. */
import { z } from 'zod';
import { birthDateFromCpr, CPR_PATTERN } from '../workflows/cpr.js';

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
