/**
 * Need to know: which role reads which case type, and which of the citizen's identifiers it
 * sees. The CPR number only where the role's work needs to identify the citizen (contact,
 * journal, decisions about the person); the supervisor watches the flow and sees neither CPR
 * nor birth date, only an age band. Each case type declares its row of the matrix (`readers`) and
 * its read routes; `api/case-types/index.ts` puts them together (`CASE_READ_MATRIX`,
 * `READ_ROUTES`). docs/api.md "Need to know" shows the same tables; `test/need-to-know.test.ts`
 * walks every (role, read route, case type) triple.
 */
import { ageOn } from '../domain/cpr.js';
import { ALL_ROLES, type Role } from './auth.js';
import { HttpError } from './errors.js';

/** `cpr`: CPR and birth date; `age_band`: a ten-year age band only; absent: no read (403). */
export type CitizenView = 'cpr' | 'age_band';

/** A case type's row of the read matrix: the roles that read it and what each sees of the citizen. */
export type Readers = Partial<Record<Role, CitizenView>>;

/** The roles that read a case type. */
export const readerRoles = (readers: Readers): Role[] => Object.keys(readers) as Role[];

/** The role's view of a case of this type; 403 naming the readers (`allowedRoles`) when it reads none. */
export function viewOrForbid(role: Role, caseType: { name: string; readers: Readers }): CitizenView {
  const view = caseType.readers[role];
  if (view) return view;
  const readers = readerRoles(caseType.readers);
  throw new HttpError(403, `role ${role} does not read ${caseType.name} cases; readers: ${readers.join(', ')}`, { allowedRoles: readers });
}

/** The read matrix, filled from the one list of case types (`api/case-types/index.ts`) as it loads. */
const MATRIX = new Map<string, Readers>();
export function knowReaders(caseType: string, readers: Readers): void {
  MATRIX.set(caseType, readers);
}

/** The role's view of a case of any type (by its `cases.type`); 403 naming that type's readers when it reads none. */
export function caseViewOrForbid(role: Role, caseType: string): CitizenView {
  return viewOrForbid(role, { name: caseType, readers: MATRIX.get(caseType) ?? {} });
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
  caseTypes: readonly string[];
  /** The route's roles (`config.access`). */
  roles: readonly Role[];
  citizen: RouteCitizenFields;
}

/** Every role but the hospital and the providers (outside clients that read no lists: a provider reads only its own grants). */
export const NOT_HOSPITAL: readonly Role[] = ALL_ROLES.filter((r) => r !== 'hospital' && r !== 'provider');
/** Who reads bed-days and their cost. */
export const BED_DAY_READERS: readonly Role[] = ['area_chief', 'supervisor', 'psychiatry_coordinator', 'discharge_coordinator', 'needs_assessor'];

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
