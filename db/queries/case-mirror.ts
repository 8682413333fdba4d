/**
 * The case mirror: what a case workflow hands its mirror activity (plain data: ids, codes,
 * dates and instants; never a CPR or free text), and its idempotent write. Workflows import
 * the types only.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client.js';
import { caseNumbers, cases, obligations } from '../schema/index.js';
import { insertEscalationOnceIn, type EscalationInput } from './cases.js';
export type { EscalationInput };

export interface ObligationRow {
  caseId: string;
  key: string;
  kind: string;
  actionCode: string;
  actorRole: string;
  actorTeam: string | null;
  escalateTo: string;
  dueDay: string;
  atRiskAt: number;
  escalateAt: number;
  /** on_track | at_risk | breached | paused | met | met_late | cancelled */
  state: string;
  openedAt: number;
  atRiskSince: number | null;
  breachedAt: number | null;
  closedAt: number | null;
}

export interface CaseSlaMirror {
  slaState: string | null;
  nextDueAt: number | null;
  nextDueDay: string | null;
  actingRole: string | null;
  actingTeam: string | null;
  escalated: boolean;
  /** The citizen is on leave from the hospital since (orlov); null: back; absent: no leave reported. */
  onLeaveSince?: number | null;
}

export interface CaseMirror {
  caseId: string;
  step: string;
  details?: Record<string, unknown>;
  sla: CaseSlaMirror;
  /** Changed obligations (upserted by case + key). */
  obligations: ObligationRow[];
  /** Escalations and warnings raised (written once per case + key, with their outbox rows). */
  escalations: EscalationInput[];
  /** The first mirror of a case inserts its row. */
  open?: { type: string; citizenId: string; workflowId: string; openedAt: number };
  end?: { closedAt: number; outcome: string };
}

// ---- the mirror's writes (one transaction per mirror) ------------------------------------


const URGENCY: Record<string, number> = { breached: 0, at_risk: 1, on_track: 2, paused: 3 };
const urgencyOf = (state: string) => URGENCY[state] ?? 9;
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Writes what a case shows, idempotently: a retry or a replayed mirror changes nothing more
 * (the case row is inserted once, obligations are upserted by case + key, escalations and their
 * outbox rows are written once per case + key). Returns the ids of the escalations.
 */
export async function writeCaseMirror(db: Db, m: CaseMirror): Promise<string[]> {
  return db.transaction(async (tx: Tx) => {
    if (m.open) {
      await tx
        .insert(cases)
        .values({
          id: m.caseId,
          type: m.open.type,
          citizenId: m.open.citizenId,
          workflowId: m.open.workflowId,
          step: m.step,
          details: m.details ?? {},
          openedAt: new Date(m.open.openedAt),
        })
        .onConflictDoNothing({ target: cases.id });
    }
    await tx
      .update(cases)
      .set({
        step: m.step,
        ...(m.details ? { details: sql`${cases.details} || ${JSON.stringify(m.details)}::jsonb` } : {}),
        slaState: m.sla.slaState,
        nextDueAt: date(m.sla.nextDueAt),
        nextDueDay: m.sla.nextDueDay,
        actingRole: m.sla.actingRole,
        actingTeam: m.sla.actingTeam,
        escalated: m.sla.escalated,
        ...(m.sla.onLeaveSince !== undefined ? { onLeaveSince: date(m.sla.onLeaveSince) } : {}),
        updatedAt: new Date(),
        ...(m.end ? { closedAt: new Date(m.end.closedAt), outcome: m.end.outcome } : {}),
      })
      .where(eq(cases.id, m.caseId));
    for (const o of m.obligations) {
      const row = {
        caseId: o.caseId,
        key: o.key,
        kind: o.kind,
        actionCode: o.actionCode,
        actorRole: o.actorRole,
        actorTeam: o.actorTeam,
        escalateTo: o.escalateTo,
        dueDay: o.dueDay,
        atRiskAt: new Date(o.atRiskAt),
        escalateAt: new Date(o.escalateAt),
        state: o.state,
        urgency: urgencyOf(o.state),
        openedAt: new Date(o.openedAt),
        atRiskSince: date(o.atRiskSince),
        breachedAt: date(o.breachedAt),
        closedAt: date(o.closedAt),
        updatedAt: new Date(),
      };
      const { caseId: _c, key: _k, ...update } = row;
      await tx.insert(obligations).values(row).onConflictDoUpdate({ target: [obligations.caseId, obligations.key], set: update });
    }
    const ids: string[] = [];
    for (const e of m.escalations) ids.push((await insertEscalationOnceIn(tx, e)).id);
    return ids;
  });
}

/**
 * The case number for a case id: reserved once (a repeated intake with the same case id gets
 * the same number), `<prefix>-<year>-<6-digit sequence>`.
 */
export async function reserveCaseNumber(db: Db, caseId: string, type: string, prefix: string, year: number): Promise<string> {
  await db
    .insert(caseNumbers)
    .values({
      caseId,
      type,
      caseNumber: sql`${`${prefix}-${year}-`} || lpad(nextval('case_number_seq')::text, 6, '0')`,
    })
    .onConflictDoNothing({ target: caseNumbers.caseId });
  const [row] = await db.select({ caseNumber: caseNumbers.caseNumber }).from(caseNumbers).where(eq(caseNumbers.caseId, caseId));
  return row!.caseNumber;
}

/** A case of the citizen's that is open, or being opened (reserved, its case row not written yet). */
export interface OpenCase {
  caseId: string;
  caseNumber: string;
  /** The case row's details; undefined while the case is still opening. */
  details?: Record<string, unknown>;
}

/** How long a reservation without a case row counts as a case being opened (a failed intake's reservation stops counting). */
export const OPENING_WINDOW_MS = 120_000;

/**
 * Reserves the case number of an intake, race-safe with one open case of a type per citizen:
 * under a transaction-level advisory lock on (citizen, type), a repeat of this intake (same case
 * id) gets its number; else, when `oneOpen`, the citizen's open case of the type — or one being
 * opened, reserved less than `OPENING_WINDOW_MS` ago — is returned instead of a reservation;
 * else the number is reserved with the citizen and the intake's request hash.
 */
export async function reserveCaseOnce(
  db: Db,
  r: { caseId: string; type: string; prefix: string; year: number; citizenId: string; requestHash?: string; oneOpen: boolean },
): Promise<{ caseNumber: string } | { open: OpenCase }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${r.citizenId}:${r.type}`}))`);
    const [mine] = await tx.select({ caseNumber: caseNumbers.caseNumber }).from(caseNumbers).where(eq(caseNumbers.caseId, r.caseId));
    if (mine) return mine;
    if (r.oneOpen) {
      const open = await openCaseIn(tx, r.citizenId, r.type);
      if (open) return { open };
    }
    const [reserved] = await tx
      .insert(caseNumbers)
      .values({
        caseId: r.caseId,
        type: r.type,
        citizenId: r.citizenId,
        requestHash: r.requestHash ?? null,
        caseNumber: sql`${`${r.prefix}-${r.year}-`} || lpad(nextval('case_number_seq')::text, 6, '0')`,
      })
      .returning({ caseNumber: caseNumbers.caseNumber });
    return reserved!;
  });
}

/** The citizen's open case of a type (its row not closed), or one being opened (reserved within the window, no row yet). */
async function openCaseIn(tx: Db | Tx, citizenId: string, type: string): Promise<OpenCase | undefined> {
  const [row] = await tx
    .select({ caseId: cases.id, caseNumber: cases.workflowId, details: cases.details })
    .from(cases)
    .where(and(eq(cases.citizenId, citizenId), eq(cases.type, type), isNull(cases.closedAt)))
    .orderBy(cases.openedAt)
    .limit(1);
  if (row) return row;
  const [opening] = await tx
    .select({ caseId: caseNumbers.caseId, caseNumber: caseNumbers.caseNumber })
    .from(caseNumbers)
    .leftJoin(cases, eq(cases.id, caseNumbers.caseId))
    .where(
      and(
        eq(caseNumbers.citizenId, citizenId),
        eq(caseNumbers.type, type),
        isNull(cases.id),
        gt(caseNumbers.createdAt, new Date(Date.now() - OPENING_WINDOW_MS)),
      ),
    )
    .limit(1);
  return opening;
}

/** The request hash an intake's case id was reserved with (null: reserved before hashes were kept). */
export async function reservedRequestHash(db: Db, caseId: string): Promise<string | null | undefined> {
  const [row] = await db.select({ requestHash: caseNumbers.requestHash }).from(caseNumbers).where(eq(caseNumbers.caseId, caseId));
  return row?.requestHash;
}

/** The workflow id (case number) of a case id: from the case row, or the reservation made before its workflow started. */
export async function workflowIdOfCase(db: Db, caseId: string): Promise<string | undefined> {
  const [row] = await db.select({ workflowId: cases.workflowId }).from(cases).where(eq(cases.id, caseId));
  if (row) return row.workflowId;
  const [reserved] = await db.select({ caseNumber: caseNumbers.caseNumber }).from(caseNumbers).where(eq(caseNumbers.caseId, caseId));
  return reserved?.caseNumber;
}
