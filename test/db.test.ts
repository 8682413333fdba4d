/** The same schema, migrations and queries on both engines: PostgreSQL and embedded PGlite. */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Database } from '../db/client.js';
import { insertCaseOnce, insertEscalationOnce, upsertCitizen } from '../db/queries/cases.js';
import { cases, escalations, notificationOutbox } from '../db/schema/index.js';
import { fakeCpr } from './fixtures.js';
import { pgliteDatabase, testDatabase } from './helpers.js';

describe.each([
  ['PostgreSQL', testDatabase],
  ['PGlite', pgliteDatabase],
] as const)('database on %s', (_engine, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has every migration applied', async () => {
    const res = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const rows = rowsOf<{ n: number }>(res);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
    await database.ping();
  });

  it('keeps one citizen per CPR number', async () => {
    const cpr = fakeCpr('1950-05-05');
    const a = await upsertCitizen(database.db, cpr, '1950-05-05');
    const b = await upsertCitizen(database.db, cpr, '1950-05-05');
    expect(a).toBe(b);
  });

  it('writes a case row once, however often the activity retries', async () => {
    const citizenId = await upsertCitizen(database.db, fakeCpr(), '1970-01-01');
    const caseId = randomUUID();
    const rec = { caseId, type: 'psychiatric_discharge', citizenId, workflowId: `case-${caseId}`, step: 'open', details: {}, openedAt: new Date() };
    expect(await insertCaseOnce(database.db, rec)).toBe(true);
    expect(await insertCaseOnce(database.db, rec)).toBe(false);
    expect(await database.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1);
  });

  it('writes an escalation and its notification exactly once, even when retried concurrently', async () => {
    const citizenId = await upsertCitizen(database.db, fakeCpr(), '1970-01-01');
    const caseId = randomUUID();
    await insertCaseOnce(database.db, { caseId, type: 'psychiatric_discharge', citizenId, workflowId: `case-${caseId}`, step: 'open', details: {}, openedAt: new Date() });
    const e = {
      caseId,
      key: 'deadline-12w',
      kind: 'psychiatric_deadline_passed',
      severity: 'escalation' as const,
      recipientRole: 'area_chief',
      dueDay: '2027-03-29',
      scheduledFor: Date.parse('2027-03-29T22:00:00Z'),
      firedAt: Date.parse('2027-03-29T22:00:00Z'),
      message: 'deadline passed',
    };
    const results = await Promise.allSettled([insertEscalationOnce(database.db, e), insertEscalationOnce(database.db, e), insertEscalationOnce(database.db, e)]);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string; created: boolean }>).value);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.id)).size).toBe(1);
    expect(ok.filter((r) => r.created)).toHaveLength(1);
    const retried = await insertEscalationOnce(database.db, e);
    expect(retried.created).toBe(false);
    expect(await database.db.select().from(escalations).where(eq(escalations.caseId, caseId))).toHaveLength(1);
    expect(await database.db.select().from(notificationOutbox).where(eq(notificationOutbox.caseId, caseId))).toHaveLength(1);
  });
});
