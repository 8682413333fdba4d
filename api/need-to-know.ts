/**
 * Need to know: which role reads which case type through `GET /cases/:id`, and which of the
 * citizen's identifiers it sees. The CPR number only where the role's work needs to identify
 * the citizen (contact, journal, decisions about the person); the supervisor watches the flow
 * and sees neither CPR nor birth date, only an age band. README "Need to know" shows the same
 * table; `test/need-to-know.test.ts` walks every (role, case type) pair.
 */
import { ageOn } from '../workflows/cpr.js';
import type { Role } from './auth.js';

export type CaseTypeName = 'psychiatric_discharge' | 'hospital_discharge' | 'temporary_stay';
/** `cpr`: CPR and birth date; `age_band`: a ten-year age band only; absent: no read (403). */
export type CitizenView = 'cpr' | 'age_band';

export const CASE_READ_MATRIX: Record<CaseTypeName, Partial<Record<Role, CitizenView>>> = {
  psychiatric_discharge: {
    psychiatry_coordinator: 'cpr',
    area_chief: 'cpr',
    supervisor: 'age_band',
  },
  hospital_discharge: {
    needs_assessor: 'cpr',
    discharge_coordinator: 'cpr',
    visitation_team_lead: 'age_band',
    supervisor: 'age_band',
  },
  temporary_stay: {
    needs_assessor: 'cpr',
    housing_team_lead: 'cpr',
    discharge_coordinator: 'age_band',
    visitation_team_lead: 'age_band',
    supervisor: 'age_band',
  },
};

/** Every role that reads some case type (the route's roles). */
export const CASE_READER_ROLES: Role[] = [
  ...new Set(Object.values(CASE_READ_MATRIX).flatMap((m) => Object.keys(m) as Role[])),
];

export function citizenViewOf(role: Role, caseType: string): CitizenView | undefined {
  return CASE_READ_MATRIX[caseType as CaseTypeName]?.[role];
}

/** "70-79" for a citizen aged 70 to 79 today (Copenhagen day); "100+" from 100. */
export function ageBand(birthDate: string, today: string): string {
  const age = ageOn(birthDate, today);
  if (age >= 100) return '100+';
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}
