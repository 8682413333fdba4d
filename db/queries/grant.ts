/** The grant case's rows: the grant as it stands, delivered time, the registries it names. */
import { and, asc, eq, gte, inArray, or } from 'drizzle-orm';
import { addDays } from '../../domain/calendar.js';
import { PREVIOUS_PROVIDER_READS_DAYS } from '../../domain/grants.js';
import type { Db, Tx } from '../client.js';
import { cases, grantDeliveredTime, grants, grantServices, providers } from '../schema/index.js';

export type GrantRecord = Omit<typeof grants.$inferInsert, 'updatedAt'>;

/** Writes the grant as it stands now (one row per case; a repeat writes the same). */
export async function upsertGrant(db: Db | Tx, g: GrantRecord): Promise<void> {
  const { caseId: _c, citizenId: _z, ...set } = g;
  await db
    .insert(grants)
    .values(g)
    .onConflictDoUpdate({ target: grants.caseId, set: { ...set, updatedAt: new Date() } });
}

export async function upsertDeliveredWeek(db: Db | Tx, r: { caseId: string; providerCode: string; weekStart: string; minutes: number; reportedAt: Date }): Promise<void> {
  await db
    .insert(grantDeliveredTime)
    .values(r)
    .onConflictDoUpdate({ target: [grantDeliveredTime.caseId, grantDeliveredTime.weekStart, grantDeliveredTime.providerCode], set: { minutes: r.minutes, reportedAt: r.reportedAt } });
}

export async function providerOf(db: Db | Tx, code: string) {
  const [row] = await db.select().from(providers).where(eq(providers.code, code));
  return row;
}

export async function serviceOf(db: Db | Tx, code: string) {
  const [row] = await db.select().from(grantServices).where(eq(grantServices.code, code));
  return row;
}

export async function grantOf(db: Db | Tx, caseId: string) {
  const [row] = await db.select().from(grants).where(eq(grants.caseId, caseId));
  return row;
}

/** Whether a provider delivers (or delivered, or is about to deliver) a grant: what it may read of it. */
/** The earliest last day of an old provider that still reads the grant (its last weeks to report). */
const previousSince = (today: string) => addDays(today, -PREVIOUS_PROVIDER_READS_DAYS);

/** Whether a grant is handed to a provider: now, under notice, or before a change until its last weeks are reported. */
export function handedTo(
  g: { providerCode: string; previousProviderCode: string | null; previousProviderUntil: string | null; nextProviderCode: string | null },
  provider: string,
  today: string,
): boolean {
  if (g.providerCode === provider || g.nextProviderCode === provider) return true;
  return g.previousProviderCode === provider && g.previousProviderUntil !== null && g.previousProviderUntil >= previousSince(today);
}

/** The grants handed to a provider (now, under notice, or before a change), newest first. */
export async function grantsOfProvider(db: Db, provider: string, today: string) {
  return db
    .select({ grant: grants, caseNumber: cases.workflowId })
    .from(grants)
    .innerJoin(cases, eq(cases.id, grants.caseId))
    .where(or(eq(grants.providerCode, provider), eq(grants.nextProviderCode, provider), and(eq(grants.previousProviderCode, provider), gte(grants.previousProviderUntil, previousSince(today)))))
    .orderBy(asc(grants.startsOn));
}

export async function deliveredTimeOf(db: Db, caseId: string, provider?: string) {
  return db
    .select()
    .from(grantDeliveredTime)
    .where(and(eq(grantDeliveredTime.caseId, caseId), provider ? eq(grantDeliveredTime.providerCode, provider) : undefined))
    .orderBy(asc(grantDeliveredTime.weekStart));
}

export async function listProviders(db: Db) {
  return db.select().from(providers).orderBy(asc(providers.name));
}

export async function listServices(db: Db) {
  return db.select().from(grantServices).orderBy(asc(grantServices.code));
}

/** The names of the codes a letter names. */
export async function namesFor(db: Db | Tx, o: { serviceCode: string; providerCodes: string[] }) {
  const [service] = await db.select().from(grantServices).where(eq(grantServices.code, o.serviceCode));
  const rows = o.providerCodes.length ? await db.select().from(providers).where(inArray(providers.code, o.providerCodes)) : [];
  return { service, providers: new Map(rows.map((r) => [r.code, r.name])) };
}
