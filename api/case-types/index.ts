/**
 * The one list of case types. A case type is its folders (`workflows/<case type>/`,
 * `api/case-types/<case type>/`) plus one line here; everything that spans case types — the read
 * matrix, the read routes, `POST /cases`, `GET /cases/:id`, the case-type filters of the lists —
 * is derived from this list. Recipe: docs/adding-a-case-type.md.
 */
import type { Role } from '../auth.js';
import { BED_DAY_READERS, knowReaders, NOT_HOSPITAL, readerRoles, type ReadRoute, type Readers } from '../need-to-know.js';
import type { CaseTypeModule } from './case-type.js';
import { grant } from './grant/index.js';
import { intervalStay } from './interval-stay/index.js';
import { hospitalDischarge } from './hospital-discharge/index.js';
import { notificationReview } from './notification-review/index.js';
import { nursingHomeFollowUp } from './nursing-home-follow-up/index.js';
import { complaint } from './complaint/index.js';
import { psychiatric } from './psychiatric/index.js';
import { temporaryStay } from './temporary-stay/index.js';

export const CASE_TYPES = [psychiatric, hospitalDischarge, temporaryStay, notificationReview, nursingHomeFollowUp, complaint, grant, intervalStay] as const satisfies readonly CaseTypeModule[];

/** The list, as the modules' common shape. */
const MODULES: readonly CaseTypeModule[] = CASE_TYPES;

export type CaseTypeName = (typeof CASE_TYPES)[number]['name'];
export const CASE_TYPE_NAMES = CASE_TYPES.map((t) => t.name) as [CaseTypeName, ...CaseTypeName[]];

/** The module of a case type by its name (a `cases.type` value). */
export function caseTypeNamed(name: string): CaseTypeModule | undefined {
  return MODULES.find((t) => t.name === name);
}

/** The read matrix: case type → role → what it sees of the citizen. */
export const CASE_READ_MATRIX = Object.fromEntries(MODULES.map((t) => [t.name, t.readers])) as Record<CaseTypeName, Readers>;

/** Every role that reads some case type. */
export const CASE_READER_ROLES: Role[] = [...new Set(MODULES.flatMap((t) => readerRoles(t.readers)))];

/** The roles that read cases of this type. */
export const readersOf = (caseType: string): Role[] => readerRoles(caseTypeNamed(caseType)?.readers ?? {});

/** The case types a role reads (what its lists may show). */
export const readableCaseTypes = (role: Role): CaseTypeName[] => MODULES.filter((t) => t.readers[role] !== undefined).map((t) => t.name as CaseTypeName);

for (const t of MODULES) knowReaders(t.name, t.readers);
export { caseViewOrForbid } from '../need-to-know.js';

/** The kind of bed a case type's bed-days are paid at. */
export const bedKindOf = (caseType: string) => caseTypeNamed(caseType)?.bedDayKind ?? 'somatic';

/** Every read route that returns case data (for one case or a list of cases). */
export const READ_ROUTES: Record<string, ReadRoute> = {
  'GET /cases/:id': { scope: 'case', caseTypes: CASE_TYPE_NAMES, roles: CASE_READER_ROLES, citizen: 'cpr_or_age_band' },
  'GET /cases/:id/bed-days': { scope: 'case', caseTypes: CASE_TYPE_NAMES, roles: BED_DAY_READERS, citizen: 'none' },
  'GET /escalations': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: NOT_HOSPITAL, citizen: 'none' },
  'GET /work-queue': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: NOT_HOSPITAL, citizen: 'none' },
  'GET /payments/bed-days': { scope: 'list', caseTypes: CASE_TYPE_NAMES, roles: BED_DAY_READERS, citizen: 'none' },
  ...Object.fromEntries(MODULES.flatMap((t) => Object.entries(t.readRoutes).map(([route, r]) => [route, { ...r, caseTypes: [t.name] }]))),
};
