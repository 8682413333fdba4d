/**
 * What every case type declares about itself, once, in its own folder
 * (`workflows/<case type>/case-type.ts`): its name (the `CaseType` search attribute and the
 * `cases.type` column), its case-number prefix and its labels. The API's module of the case type
 * (`api/case-types/<case type>/`) adds who reads it, its routes and its contracts, and registers it
 * in the one list (`api/case-types/index.ts`).
 */
export interface CaseTypeDefinition<Name extends string = string> {
  /** A code (what the CaseType search attribute and `cases.type` hold), e.g. psychiatric_discharge. */
  name: Name;
  /** Case-number prefix: `PSY` → `PSY-2026-000042`. */
  prefix: string;
  /** What a caseworker calls it, in English and Danish. */
  label: { en: string; da: string };
}
