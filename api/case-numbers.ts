/**
 * Case numbers at the API: a case's workflow id is its readable case number
 * (`PSY-2026-000042`), reserved in the database before the workflow starts; a repeated intake
 * (same Idempotency-Key, so the same case id) gets the same number.
 */
import { localDate } from '../domain/calendar.js';
import type { CaseTypeDefinition } from '../workflows/shared/case-type.js';
import { reserveCaseNumber, reserveCaseOnce, workflowIdOfCase, type OpenCase } from '../db/queries/case-mirror.js';
import type { Db } from '../db/client.js';
import { notFound } from './errors.js';

export function caseNumberFor(db: Db, caseId: string, type: CaseTypeDefinition, at = Date.now()): Promise<string> {
  return reserveCaseNumber(db, caseId, type.name, type.prefix, Number(localDate(at).slice(0, 4)));
}

/** The workflow id of an existing case, or 404. */
export async function workflowIdOf(db: Db, caseId: string): Promise<string> {
  const id = await workflowIdOfCase(db, caseId);
  if (!id) throw notFound(`no case ${caseId}`);
  return id;
}

/**
 * Reserves an intake's case number with its citizen and request hash; with `oneOpen`, the
 * citizen's open case of the type (or one being opened) instead, when there is one (race-safe:
 * `reserveCaseOnce`).
 */
export function reserveCase(
  db: Db,
  c: { caseId: string; type: CaseTypeDefinition; citizenId: string; requestHash?: string; oneOpen: boolean },
  at = Date.now(),
): Promise<{ caseNumber: string } | { open: OpenCase }> {
  return reserveCaseOnce(db, {
    caseId: c.caseId,
    type: c.type.name,
    prefix: c.type.prefix,
    year: Number(localDate(at).slice(0, 4)),
    citizenId: c.citizenId,
    oneOpen: c.oneOpen,
    ...(c.requestHash ? { requestHash: c.requestHash } : {}),
  });
}
