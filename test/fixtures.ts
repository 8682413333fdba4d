import { randomInt } from 'node:crypto';
import type { Db } from '../db/client.js';
import { upsertCitizen } from '../db/queries/cases.js';
import { birthDateFromCpr } from '../workflows/cpr.js';

/** A syntactically valid CPR number for a made-up citizen born on `birthDate` (YYYY-MM-DD). */
export function fakeCpr(birthDate = '1970-01-01'): string {
  const [y, m, d] = birthDate.split('-');
  const year = Number(y);
  // 7th digit: 0-3 for 1900s; 4 for 2000-2036
  const seventh = year >= 2000 ? 4 : randomInt(0, 4);
  return `${d}${m}${y!.slice(2)}${seventh}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

export async function newCitizen(db: Db, birthDate = '1970-01-01'): Promise<{ citizenId: string; cpr: string }> {
  const cpr = fakeCpr(birthDate);
  const citizenId = await upsertCitizen(db, cpr, birthDateFromCpr(cpr)!);
  return { citizenId, cpr };
}
