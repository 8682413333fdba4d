/**
 * One table for decision texts (`decision_texts`): migration 0014 copies the rows of the two
 * former tables (psychiatric_records as they are, discharge_notes as `{ text }`) and drops them,
 * on PostgreSQL and on PGlite; a text is written once per (case, key).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrationsFolder, rowsOf, type Database, type Db } from '../db/client.js';
import { insertCaseOnce, upsertCitizen } from '../db/queries/cases.js';
import { decisionTextsOf, insertDecisionTextOnce } from '../db/queries/decision-texts.js';
import { caseNotes } from '../db/queries/hospital-discharge.js';
import { regionRefusalRecords } from '../db/queries/payments.js';
import { psychiatricRecordsOf } from '../db/queries/psychiatric.js';
import * as schema from '../db/schema/index.js';
import { fakeCpr } from './fixtures.js';
import { pgliteDatabase, testDatabase } from './helpers.js';

const MIGRATION = '0014_decision_texts';

interface JournalEntry {
  idx: number;
  tag: string;
}

/** A copy of the migrations folder holding only the migrations before `tag`. */
function migrationsBefore(tag: string): string {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const stop = journal.entries.findIndex((e) => e.tag === tag);
  expect(stop).toBeGreaterThan(0);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'overgang-migrations-'));
  mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, stop);
  for (const e of entries) copyFileSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

/** A fresh, empty database of the engine, migrated step by step. */
interface Engine {
  db: Db;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

async function freshPostgres(): Promise<Engine> {
  const url = inject('databaseUrl');
  const name = `overgang_texts_${process.pid}_${Date.now()}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const client = postgres(url.replace(/\/[^/]*$/, `/${name}`), { max: 2, onnotice: () => {} });
  const pg = drizzlePostgres(client, { schema });
  return {
    db: pg as unknown as Db,
    migrate: (folder) => migratePostgres(pg, { migrationsFolder: folder }),
    close: async () => {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function freshPglite(): Promise<Engine> {
  const client = await PGlite.create();
  const pg = drizzlePglite(client, { schema });
  return {
    db: pg as unknown as Db,
    migrate: (folder) => migratePglite(pg, { migrationsFolder: folder }),
    close: () => client.close(),
  };
}

const rows = async <T>(db: Db, query: SQL) => rowsOf<T>(await db.execute(query));

describe.each([
  ['PostgreSQL', freshPostgres],
  ['PGlite', freshPglite],
] as const)(`migration ${MIGRATION} on %s`, (_engine, fresh) => {
  let engine: Engine;
  let before: string;
  beforeAll(async () => {
    engine = await fresh();
    before = migrationsBefore(MIGRATION);
  });
  afterAll(async () => {
    await engine?.close();
    if (before) rmSync(before, { recursive: true, force: true });
  });

  it('copies every psychiatric record and every discharge note of an existing case into decision_texts, then drops both tables', async () => {
    const { db } = engine;
    await engine.migrate(before);
    const citizenId = await upsertCitizen(db, fakeCpr('1960-02-02'), '1960-02-02');
    const psy = randomUUID();
    const hosp = randomUUID();
    const orphan = randomUUID();
    for (const [caseId, type] of [
      [psy, 'psychiatric_discharge'],
      [hosp, 'hospital_discharge'],
    ] as const) {
      // the cases table as it stood at this migration (later ones add columns the schema knows)
      await db.execute(sql`insert into cases (id, type, citizen_id, workflow_id, step, details, opened_at) values (${caseId}, ${type}, ${citizenId}, ${`case-${caseId}`}, 'open', '{}'::jsonb, now())`);
    }
    const t1 = '2027-01-05T09:00:00.000Z';
    const t2 = '2027-01-06T10:30:00.000Z';
    const t3 = '2027-01-07T11:45:00.000Z';
    await db.execute(sql`insert into psychiatric_records (case_id, key, kind, body, user_id, role, at) values
      (${psy}::uuid, 'meeting-1', 'status_meeting', ${JSON.stringify({ heldOn: '2027-01-05', decision: 'wait — æøå' })}::jsonb, 'u-psy', 'psychiatry', ${t1}::timestamptz),
      (${psy}::uuid, 'disagreement-1', 'disagreement', ${JSON.stringify({ reason: 'not ready', regionRefusesDischarge: true })}::jsonb, 'u-chief', 'area_chief', ${t2}::timestamptz)`);
    await db.execute(sql`insert into discharge_notes (case_id, key, kind, body, user_id, role, at) values
      (${hosp}::uuid, 'reroute_reason:upd-1', 'reroute_reason', 'social need — "quoted"', 'u-ass', 'needs_assessor', ${t3}::timestamptz),
      (${hosp}::uuid, 'holistic_assessment:upd-2', 'holistic_assessment', 'second note', 'u-ass', 'needs_assessor', ${t1}::timestamptz),
      (${orphan}::uuid, 'reroute_reason:upd-3', 'reroute_reason', 'a note without a case', 'u-ass', 'needs_assessor', ${t2}::timestamptz)`);

    await engine.migrate(migrationsFolder);

    const copied = await rows<{ case_id: string; key: string; kind: string; body: Record<string, unknown>; user_id: string; role: string; at: string }>(
      db,
      sql`select case_id, key, kind, body, user_id, role, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
          from decision_texts order by case_id, at, id`,
    );
    const of = (caseId: string) => copied.filter((r) => r.case_id === caseId).map(({ case_id: _c, ...r }) => r);
    expect(of(psy)).toEqual([
      { key: 'meeting-1', kind: 'status_meeting', body: { heldOn: '2027-01-05', decision: 'wait — æøå' }, user_id: 'u-psy', role: 'psychiatry', at: t1 },
      { key: 'disagreement-1', kind: 'disagreement', body: { reason: 'not ready', regionRefusesDischarge: true }, user_id: 'u-chief', role: 'area_chief', at: t2 },
    ]);
    expect(of(hosp)).toEqual([
      { key: 'holistic_assessment:upd-2', kind: 'holistic_assessment', body: { text: 'second note' }, user_id: 'u-ass', role: 'needs_assessor', at: t1 },
      { key: 'reroute_reason:upd-1', kind: 'reroute_reason', body: { text: 'social need — "quoted"' }, user_id: 'u-ass', role: 'needs_assessor', at: t3 },
    ]);
    // the note whose case does not exist cannot satisfy the foreign key: not copied, and the migration ran
    expect(copied).toHaveLength(4);

    const left = await rows<{ name: string | null }>(
      db,
      sql`select to_regclass('public.psychiatric_records')::text as name union all select to_regclass('public.discharge_notes')::text`,
    );
    expect(left.map((r) => r.name)).toEqual([null, null]);

    // the queries read the copied rows in their old shapes
    expect((await psychiatricRecordsOf(db, psy)).map((r) => [r.key, r.body])).toEqual([
      ['meeting-1', { heldOn: '2027-01-05', decision: 'wait — æøå' }],
      ['disagreement-1', { reason: 'not ready', regionRefusesDischarge: true }],
    ]);
    expect((await caseNotes(db, hosp)).map((n) => [n.kind, n.body, n.userId, n.role, n.at.toISOString()])).toEqual([
      ['holistic_assessment', 'second note', 'u-ass', 'needs_assessor', t1],
      ['reroute_reason', 'social need — "quoted"', 'u-ass', 'needs_assessor', t3],
    ]);
    expect(await regionRefusalRecords(db, [psy])).toEqual([
      { caseId: psy, kind: 'disagreement', at: new Date(t2), regionRefusesDischarge: true },
    ]);
    // new texts get ids after the copied ones
    expect(await insertDecisionTextOnce(db, { caseId: hosp, key: 'follow_up_note:upd-4', kind: 'follow_up_note', body: { text: 'later' }, userId: 'u', role: 'needs_assessor' })).toBe(true);
  });
});

describe.each([
  ['PostgreSQL', testDatabase],
  ['PGlite', pgliteDatabase],
] as const)('decision texts on %s', (_engine, open) => {
  let database: Database;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function newCase(): Promise<string> {
    const citizenId = await upsertCitizen(database.db, fakeCpr(), '1970-01-01');
    const caseId = randomUUID();
    await insertCaseOnce(database.db, { caseId, type: 'psychiatric_discharge', citizenId, workflowId: `case-${caseId}`, step: 'open', details: {}, openedAt: new Date() });
    return caseId;
  }

  it('writes a text once per (case, key), however often it is repeated', async () => {
    const caseId = await newCase();
    const text = { caseId, key: 'meeting-1', kind: 'status_meeting', body: { decision: 'first' }, userId: 'u1', role: 'psychiatry' };
    expect(await insertDecisionTextOnce(database.db, text)).toBe(true);
    expect(await insertDecisionTextOnce(database.db, { ...text, body: { decision: 'second' }, userId: 'u2' })).toBe(false);
    const texts = await decisionTextsOf(database.db, caseId);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ caseId, key: 'meeting-1', kind: 'status_meeting', body: { decision: 'first' }, userId: 'u1', role: 'psychiatry' });
    // concurrent repeats: still one row, exactly one of them wrote it
    const again = { ...text, key: 'meeting-2' };
    const wrote = await Promise.all([1, 2, 3].map(() => insertDecisionTextOnce(database.db, again)));
    expect(wrote.filter(Boolean)).toHaveLength(1);
    expect(await decisionTextsOf(database.db, caseId)).toHaveLength(2);
  });

  it('reads a case’s texts oldest first, of the given kinds', async () => {
    const caseId = await newCase();
    const other = await newCase();
    const base = { userId: 'u', role: 'psychiatry' };
    await insertDecisionTextOnce(database.db, { ...base, caseId, key: 'a', kind: 'involvement', body: { wish: 'near family' } });
    await insertDecisionTextOnce(database.db, { ...base, caseId, key: 'b', kind: 'disagreement', body: { reason: 'r' } });
    await insertDecisionTextOnce(database.db, { ...base, caseId, key: 'c', kind: 'involvement', body: { wish: 'second' } });
    await insertDecisionTextOnce(database.db, { ...base, caseId: other, key: 'a', kind: 'involvement', body: { wish: 'other case' } });
    expect((await decisionTextsOf(database.db, caseId)).map((t) => t.key)).toEqual(['a', 'b', 'c']);
    expect((await decisionTextsOf(database.db, caseId, ['involvement'])).map((t) => t.key)).toEqual(['a', 'c']);
    expect(await decisionTextsOf(database.db, caseId, [])).toEqual([]);
    // a text needs its case
    await expect(insertDecisionTextOnce(database.db, { ...base, caseId: randomUUID(), key: 'x', kind: 'involvement', body: {} })).rejects.toThrow();
  });
});
