import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { Db } from '../db/client.js';
import { citizens } from '../db/schema/index.js';
import { birthDateFromCpr } from '../domain/cpr.js';

/** CPR numbers this process has handed out: a date has only 4,000 of them, so draws repeat. */
const issued = new Set<string>();

/**
 * Where the test run's processes claim their CPR numbers (one file each, created exclusively): the
 * files of a run share one database, so a number one file drew must not reach another's intake
 * (the second would meet the first one's open case). Outside a test run: this process only.
 */
export const cprClaimsDirOf = (databaseUrl: string) =>
  path.join(os.tmpdir(), `overgang-test-cprs-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 16)}`);

const claims = (() => {
  try {
    const dir = cprClaimsDirOf(inject('databaseUrl'));
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
})();

/** Claims a CPR number for this run; false when another process of the run has it. */
function claim(cpr: string): boolean {
  if (issued.has(cpr)) return false;
  issued.add(cpr);
  if (!claims) return true;
  try {
    closeSync(openSync(path.join(claims, cpr), 'wx'));
    return true;
  } catch {
    return false;
  }
}

/**
 * A syntactically valid CPR number for a made-up citizen born on `birthDate` (YYYY-MM-DD), never
 * the same twice in a test run (two intakes with one CPR are one citizen: the second would be a
 * duplicate application or meet the first one's open case, not a new case).
 */
export function fakeCpr(birthDate = '1970-01-01'): string {
  const [y, m, d] = birthDate.split('-');
  const year = Number(y);
  for (;;) {
    // 7th digit: 0-3 for 1900s; 4 for 2000-2036
    const seventh = year >= 2000 ? 4 : randomInt(0, 4);
    const cpr = `${d}${m}${y!.slice(2)}${seventh}${String(randomInt(0, 1000)).padStart(3, '0')}`;
    if (claim(cpr)) return cpr;
  }
}

/**
 * A citizen who is new to the database (the test files share one database and run in two
 * processes, so a CPR drawn here may already be another file's citizen: then another is drawn).
 */
export async function newCitizen(db: Db, birthDate = '1970-01-01'): Promise<{ citizenId: string; cpr: string }> {
  for (;;) {
    const cpr = fakeCpr(birthDate);
    const [row] = await db
      .insert(citizens)
      .values({ cpr, birthDate: birthDateFromCpr(cpr)! })
      .onConflictDoNothing({ target: citizens.cpr })
      .returning({ id: citizens.id });
    if (row) return { citizenId: row.id, cpr };
  }
}
