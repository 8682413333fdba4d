/**
 * Need to know: which role reads which case type, and which of the citizen's identifiers it
 * sees. The CPR number only where the role's work needs to identify the citizen (contact,
 * journal, decisions about the person); the supervisor watches the flow and sees neither CPR
 * nor birth date, only an age band. `READ_ROUTES` names every read route that returns case data
 * and what it shows of the citizen. README "Need to know" shows the same tables;
 * `test/need-to-know.test.ts` walks every (role, read route, case type) triple.
 */
import { ageOn } from '../domain/cpr.js';
import { ALL_ROLES, type Role } from './auth.js';
import { HttpError } from './errors.js';

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

export const CASE_TYPE_NAMES = Object.keys(CASE_READ_MATRIX) as CaseTypeName[];

export function citizenViewOf(role: Role, caseType: string): CitizenView | undefined {
  return CASE_READ_MATRIX[caseType as CaseTypeName]?.[role];
}

/** The roles that read cases of this type. */
export function readersOf(caseType: string): Role[] {
  return Object.keys(CASE_READ_MATRIX[caseType as CaseTypeName] ?? {}) as Role[];
}

/** The case types a role reads (what its lists may show). */
export function readableCaseTypes(role: Role): CaseTypeName[] {
  return CASE_TYPE_NAMES.filter((t) => CASE_READ_MATRIX[t][role] !== undefined);
}

/** The role's view of a case of this type; 403 naming the readers (`allowedRoles`) when it reads none. */
export function caseViewOrForbid(role: Role, caseType: string): CitizenView {
  const view = citizenViewOf(role, caseType);
  if (view) return view;
  const readers = readersOf(caseType);
  throw new HttpError(403, `role ${role} does not read ${caseType} cases; readers: ${readers.join(', ')}`, { allowedRoles: readers });
}

/**
 * What a read route shows of the citizen:
 * - `cpr_or_age_band`: CPR and birth date for the `cpr` view, an age band otherwise;
 * - `age_or_age_band`: the exact age (e.g. `ageAtReceipt`) for the `cpr` view, an age band otherwise;
 * - `none`: the pseudonymous citizen id at most (never CPR, birth date or exact age).
 */
export type RouteCitizenFields = 'cpr_or_age_band' | 'age_or_age_band' | 'none';

export interface ReadRoute {
  /** `case`: one case (403 unless the matrix lets the role read its type); `list`: items only of types the role reads. */
  scope: 'case' | 'list';
  /** The case types it serves (a per-case route answers 404 for a readable case of another type). */
  caseTypes: readonly CaseTypeName[];
  /** The route's roles (`config.access`). */
  roles: readonly Role[];
  citizen: RouteCitizenFields;
}

const BED_DAY_READERS: readonly Role[] = ['area_chief', 'supervisor', 'psychiatry_coordinator', 'discharge_coordinator', 'needs_assessor'];
const STAY_READERS: readonly Role[] = ['needs_assessor', 'housing_team_lead', 'supervisor'];
const NOT_HOSPITAL: readonly Role[] = ALL_ROLES.filter((r) => r !== 'hospital');

/** Every read route that returns case data (for one case or a list of cases). */
export const READ_ROUTES = {
  'GET /cases/:id': { scope: 'case', caseTypes: CASE_TYPE_NAMES, roles: CASE_READER_ROLES, citizen: 'cpr_or_age_band' },
  'GET /cases/:id/psychiatric/records': { scope: 'case', caseTypes: ['psychiatric_discharge'], roles: ['psychiatry_coordinator', 'area_chief'], citizen: 'none' },
  'GET /cases/:id/hospital-discharge/care-plan': { scope: 'case', caseTypes: ['hospital_discharge'], roles: ['needs_assessor', 'discharge_coordinator'], citizen: 'age_or_age_band' },
  'GET /temporary-stays/:id': { scope: 'case', caseTypes: ['temporary_stay'], roles: STAY_READERS, citizen: 'none' },
  'GET /cases/:id/bed-days': { scope: 'case', caseTypes: CASE_TYPE_NAMES, roles: BED_DAY_READERS, citizen: 'none' },
  'GET /hospital-discharge/tasks': { scope: 'list', caseTypes: ['hospital_discharge'], roles: ['needs_assessor', 'discharge_coordinator', 'supervisor'], citizen: 'none' },
  'GET /waiting-list': { scope: 'list', caseTypes: ['temporary_stay'], roles: STAY_READERS, citizen: 'none' },
  'GET /places': { scope: 'list', caseTypes: ['temporary_stay'], roles: STAY_READERS, citizen: 'none' },
  'GET /escalations': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: NOT_HOSPITAL, citizen: 'none' },
  'GET /work-queue': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: NOT_HOSPITAL, citizen: 'none' },
  'GET /payments/bed-days': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: BED_DAY_READERS, citizen: 'none' },
} as const satisfies Record<string, ReadRoute>;
export type ReadRouteName = keyof typeof READ_ROUTES;

/** "70-79" for an age of 70 to 79; "100+" from 100. */
export function bandOfAge(age: number): string {
  if (age >= 100) return '100+';
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}

/** "70-79" for a citizen aged 70 to 79 today (Copenhagen day); "100+" from 100. */
export function ageBand(birthDate: string, today: string): string {
  return bandOfAge(ageOn(birthDate, today));
}
