/**
 * Work queues (arbejdslister): the open obligations of a role (and team), most urgent first —
 * breached, then at risk, then by escalation instant, paused last (the citizen on leave) — with keyset (cursor) pagination.
 * No CPR, no name, no free text: case number, case type, step, action code, dates.
 */
import { and, asc, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { isUuid } from '../../domain/ids.js';
import { cases, escalations, obligations } from '../schema/index.js';

export interface WorkQueueFilter {
  role?: string;
  /** Obligation kinds the role holds together with their actor (shown to the role too, whatever its team). */
  heldWithKinds?: string[];
  /** Items for this team and items with no team (the whole role's). */
  team?: string;
  caseType?: string;
  /** Only cases of these types (the case types the reader may read). */
  caseTypes?: string[];
  state?: 'on_track' | 'at_risk' | 'breached' | 'paused';
  /** Due day strictly before this Copenhagen date. */
  dueBeforeDay?: string;
  /** Escalation strictly before this instant. */
  dueBeforeInstant?: Date;
  after?: WorkQueueCursor;
  limit: number;
}

/** Position after the last item of a page: [urgency, escalateAt (ms), caseId, key]. */
export type WorkQueueCursor = [number, number, string, string];

export function encodeCursor(c: WorkQueueCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string): WorkQueueCursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      [0, 1, 2, 3].includes(v[0] as number) &&
      Number.isSafeInteger(v[1]) &&
      Math.abs(v[1] as number) <= 8.64e15 &&
      typeof v[2] === 'string' &&
      isUuid(v[2]) &&
      typeof v[3] === 'string' &&
      /^[A-Za-z0-9_-]{1,200}$/.test(v[3])
    ) {
      return v as WorkQueueCursor;
    }
  } catch {
    // not a cursor
  }
  return undefined;
}

const STATE_URGENCY = { breached: 0, at_risk: 1, on_track: 2, paused: 3 } as const;

export async function workQueue(db: Db, f: WorkQueueFilter) {
  const where: SQL[] = [sql`${obligations.urgency} < 9`];
  const own = f.team ? and(eq(obligations.actorRole, f.role ?? ''), or(isNull(obligations.actorTeam), eq(obligations.actorTeam, f.team))!)! : eq(obligations.actorRole, f.role ?? '');
  if (f.role && f.heldWithKinds?.length) where.push(or(own, inArray(obligations.kind, f.heldWithKinds))!);
  else if (f.role) where.push(own);
  else if (f.team) where.push(or(isNull(obligations.actorTeam), eq(obligations.actorTeam, f.team))!);
  if (f.caseType) where.push(eq(cases.type, f.caseType));
  if (f.caseTypes) where.push(inArray(cases.type, f.caseTypes.length ? f.caseTypes : ['']));
  if (f.state) where.push(eq(obligations.urgency, STATE_URGENCY[f.state]));
  if (f.dueBeforeDay) where.push(lt(obligations.dueDay, f.dueBeforeDay));
  if (f.dueBeforeInstant) where.push(lt(obligations.escalateAt, f.dueBeforeInstant));
  if (f.after) {
    const [u, at, caseId, key] = f.after;
    where.push(
      sql`(${obligations.urgency}, ${obligations.escalateAt}, ${obligations.caseId}, ${obligations.key}) > (${u}, ${new Date(at).toISOString()}::timestamptz, ${caseId}::uuid, ${key})`,
    );
  }
  const rows = await db
    .select({
      caseId: obligations.caseId,
      caseNumber: cases.workflowId,
      caseType: cases.type,
      step: cases.step,
      onLeaveSince: cases.onLeaveSince,
      key: obligations.key,
      kind: obligations.kind,
      actionCode: obligations.actionCode,
      actorRole: obligations.actorRole,
      actorTeam: obligations.actorTeam,
      escalateTo: obligations.escalateTo,
      dueDay: obligations.dueDay,
      atRiskAt: obligations.atRiskAt,
      escalateAt: obligations.escalateAt,
      state: obligations.state,
      urgency: obligations.urgency,
    })
    .from(obligations)
    .innerJoin(cases, eq(cases.id, obligations.caseId))
    .where(and(...where))
    .orderBy(asc(obligations.urgency), asc(obligations.escalateAt), asc(obligations.caseId), asc(obligations.key))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > f.limit && last ? encodeCursor([last.urgency, last.escalateAt.getTime(), last.caseId, last.key]) : null;
  return { items: page, nextCursor };
}

/** A case's obligations (open and closed), soonest escalation first. */
export async function caseObligations(db: Db, caseId: string) {
  return db.select().from(obligations).where(eq(obligations.caseId, caseId)).orderBy(asc(obligations.escalateAt), asc(obligations.key));
}

export interface EscalationFilter {
  status?: string;
  kind?: string;
  severity?: string;
  recipientRole?: string;
  caseIds?: string[];
  /** Only cases of these types (the case types the reader may read). */
  caseTypes?: string[];
  dueBeforeDay?: string;
  dueBeforeInstant?: Date;
  limit: number;
}

/** Escalations and warnings, newest first (by the instant they were scheduled for). */
export async function listEscalations(db: Db, f: EscalationFilter) {
  const where: SQL[] = [];
  if (f.status) where.push(eq(escalations.status, f.status));
  if (f.kind) where.push(eq(escalations.kind, f.kind));
  if (f.severity) where.push(eq(escalations.severity, f.severity));
  if (f.recipientRole) where.push(eq(escalations.recipientRole, f.recipientRole));
  if (f.caseIds) where.push(inArray(escalations.caseId, f.caseIds.length ? f.caseIds : ['00000000-0000-0000-0000-000000000000']));
  if (f.caseTypes) where.push(inArray(cases.type, f.caseTypes.length ? f.caseTypes : ['']));
  if (f.dueBeforeDay) where.push(lt(escalations.dueDay, f.dueBeforeDay));
  if (f.dueBeforeInstant) where.push(lt(escalations.scheduledFor, f.dueBeforeInstant));
  const rows = await db
    .select({ escalation: escalations, caseNumber: cases.workflowId, caseType: cases.type })
    .from(escalations)
    .innerJoin(cases, eq(cases.id, escalations.caseId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(escalations.scheduledFor), desc(escalations.createdAt), asc(escalations.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r.escalation, caseNumber: r.caseNumber, caseType: r.caseType }));
}

/** Case ids for a case id or case number. */
export async function caseIdsFor(db: Db, idOrNumber: string): Promise<string[]> {
  const byId = isUuid(idOrNumber);
  const rows = await db
    .select({ id: cases.id })
    .from(cases)
    .where(byId ? eq(cases.id, idOrNumber) : eq(cases.workflowId, idOrNumber));
  return rows.map((r) => r.id);
}


