/**
 * One drizzle schema, two engines: PostgreSQL through postgres.js when DATABASE_URL is set,
 * otherwise embedded PGlite persisted under PGLITE_DIR. Migrations run on open.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { projectRoot } from '../config/index.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  engine: 'postgres' | 'pglite';
  /** Cheap round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Rows of `db.execute`: postgres.js answers an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export const migrationsFolder = path.join(projectRoot, 'db', 'migrations');

export interface DatabaseOptions {
  DATABASE_URL?: string;
  PGLITE_DIR: string;
  /** Run migrations when opening (default true). */
  migrate?: boolean;
  /** Max connections for postgres.js (default 10). */
  maxConnections?: number;
  /** A server that does not answer within this time fails the query (ms, default 5 s; DEPENDENCY_TIMEOUT_MS). */
  DEPENDENCY_TIMEOUT_MS?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const runMigrations = opts.migrate ?? true;
  if (opts.DATABASE_URL) {
    const client = postgres(opts.DATABASE_URL, {
      max: opts.maxConnections ?? 10,
      connect_timeout: Math.max(1, Math.ceil((opts.DEPENDENCY_TIMEOUT_MS ?? 5_000) / 1000)),
      onnotice: () => {},
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    if (runMigrations) {
      await withMigrationLock(db, () => migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder }));
    }
    return {
      db,
      engine: 'postgres',
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  mkdirSync(opts.PGLITE_DIR, { recursive: true });
  const client = await PGlite.create(opts.PGLITE_DIR);
  const pg = drizzlePglite(client, { schema });
  if (runMigrations) await migratePglite(pg, { migrationsFolder });
  const db = pg as unknown as Db;
  return {
    db,
    engine: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Worker and API may start together against one PostgreSQL: only one of them migrates at a time. */
async function withMigrationLock(db: Db, run: () => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727274)`);
    await run();
  });
}
