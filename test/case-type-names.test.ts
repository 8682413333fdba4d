/**
 * A case type is one module: outside its own files and the one list (api/case-types/index.ts), no
 * source file names a case type. Its own files are those in its folders (`workflows/<slug>/`,
 * `api/case-types/<slug>/`, `scripts/histories/<slug>.ts`, `db/queries/<slug>.ts`,
 * `db/schema/<slug>.ts`, `activities/<slug>.ts`). Everything that spans case types takes the
 * names from the list or from a case type's definition (`workflows/<slug>/case-type.ts`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '../api/case-types/index.js';
import { OBLIGATION_KIND_CODES } from '../domain/rules.js';
import { projectRoot } from '../config/index.js';

const SOURCE_FOLDERS = ['api', 'workflows', 'activities', 'db', 'domain', 'config', 'scripts', 'worker'];
const THE_LIST = 'api/case-types/index.ts';

/**
 * A name that is also a code of another case type: `temporary_stay` is the hospital discharge's
 * decision kind and discharge destination (a decision for a temporary stay), its own code.
 */
const ALSO_A_CODE_OF: Record<string, string[]> = { temporary_stay: ['hospital-discharge'] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const files = SOURCE_FOLDERS.flatMap((f) => sourceFiles(path.join(projectRoot, f))).map((f) => path.relative(projectRoot, f).split(path.sep).join('/'));

/** Whether a file belongs to the case type with this slug (its folders, or a file named after it). */
const ownedBy = (file: string, slug: string) => file.split('/').slice(0, -1).includes(slug) || path.basename(file, '.ts') === slug;

describe('a case type is one module', () => {
  it('every case type of the list has its folders', () => {
    for (const t of CASE_TYPES) {
      expect(files, t.name).toContain(`workflows/${t.slug}/case-type.ts`);
      expect(files, t.name).toContain(`api/case-types/${t.slug}/index.ts`);
    }
  });

  it('no source file outside its own files and the list names a case type', () => {
    const offenders: string[] = [];
    for (const t of CASE_TYPES) {
      const literal = new RegExp(`(['"\`])${t.name}\\1`);
      const allowed = (file: string) => file === THE_LIST || [t.slug, ...(ALSO_A_CODE_OF[t.name] ?? [])].some((slug) => ownedBy(file, slug));
      for (const file of files) {
        if (allowed(file)) continue;
        readFileSync(path.join(projectRoot, file), 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (literal.test(line)) offenders.push(`${file}:${i + 1} names ${t.name}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every obligation kind (domain/rules.ts) belongs to exactly one case type', () => {
    const owners = OBLIGATION_KIND_CODES.map((kind) => [kind, CASE_TYPES.filter((t) => (t.obligationKinds as readonly string[]).includes(kind)).map((t) => t.name)] as const);
    expect(owners.filter(([, by]) => by.length !== 1)).toEqual([]);
  });

  it('the check finds a name where it does not belong', () => {
    const literal = new RegExp(`(['"\`])${CASE_TYPES[0].name}\\1`);
    expect(literal.test(`if (row.type === '${CASE_TYPES[0].name}') {`)).toBe(true);
    expect(ownedBy('api/routes/cases.ts', CASE_TYPES[0].slug)).toBe(false);
    expect(ownedBy(`workflows/${CASE_TYPES[0].slug}/state.ts`, CASE_TYPES[0].slug)).toBe(true);
  });
});
