/**
 * Case numbers inside a workflow (a case started by another case, e.g. a temporary stay decided
 * in a hospital discharge): reserved by an activity, so the number is recorded in the history.
 */
import { localDate } from '../../domain/calendar.js';
import { run } from './case-core.js';
import type { CaseTypeDefinition } from './case-type.js';

export function reserveCaseNumber(caseId: string, type: CaseTypeDefinition): Promise<string> {
  return run('reserveCaseNumber', `case number for a new ${type.name} case`, {
    caseId,
    type: type.name,
    prefix: type.prefix,
    year: Number(localDate(Date.now()).slice(0, 4)),
  });
}
