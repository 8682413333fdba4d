/**
 * Case numbers inside a workflow (a case started by another case, e.g. a temporary stay decided
 * in a hospital discharge): reserved by an activity, so the number is recorded in the history.
 */
import { localDate } from '../../domain/calendar.js';
import { run } from './case-core.js';
import { CASE_NUMBER_PREFIX, type CaseType } from './search-attributes.js';

export function reserveCaseNumber(caseId: string, type: CaseType): Promise<string> {
  return run('reserveCaseNumber', `case number for a new ${type} case`, {
    caseId,
    type,
    prefix: CASE_NUMBER_PREFIX[type],
    year: Number(localDate(Date.now()).slice(0, 4)),
  });
}
