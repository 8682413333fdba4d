/**
 * The bare Temporal limits in the bench's own process: a worker on its own task queue running
 * bare-workflow.ts (bundled on its own), with a `row` activity that writes one row to the bench
 * database — what a bare escalation storm is measured by.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { projectRoot } from '../../config/index.js';
import { pool, quantile, sleep } from './harness.js';

export const BARE_QUEUE = 'bench-bare';

export interface Bare {
  client: Client;
  /** N timers to one instant, each then writing one row; the rows' lags after the instant (ms). */
  storm(n: number, concurrency: number, leadMs: number): Promise<{ n: number; rows: number; lags: number[]; startS: number }>;
  stop(): Promise<void>;
}

export async function startBare(address: string, databaseUrl: string): Promise<Bare> {
  const sqlClient = postgres(databaseUrl, { max: 8, onnotice: () => {} });
  await sqlClient`create table if not exists bench_bare_rows (id text primary key, storm text not null, at timestamptz not null default clock_timestamp())`;
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot, 'test', 'bench', 'bare-workflow.ts'),
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } } }),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: BARE_QUEUE,
    workflowBundle: bundle,
    activities: {
      noop: async () => {},
      row: async (id: string) => void (await sqlClient`insert into bench_bare_rows (id, storm) values (${id}, ${id.split(':')[0]!}) on conflict do nothing`),
    },
    shutdownGraceTime: '1 second',
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    client,
    async storm(n, concurrency, leadMs) {
      const storm = `storm-${randomUUID().slice(0, 8)}`;
      const t0 = Date.now();
      const instant = t0 + leadMs;
      await pool(n, concurrency, async (i) => {
        await client.workflow.start('bareTimerWorkflow', { taskQueue: BARE_QUEUE, workflowId: `${storm}-${i}`, args: [instant, `${storm}:${i}`] });
      });
      const startS = (Date.now() - t0) / 1000;
      if (Date.now() >= instant) throw new Error(`bare storm: starting ${n} timers took past the instant (${startS.toFixed(0)} s): a longer lead`);
      const deadline = instant + 15 * 60_000;
      let rows = 0;
      while (Date.now() < deadline) {
        rows = Number((await sqlClient`select count(*)::int as n from bench_bare_rows where storm = ${storm}`)[0]!.n);
        if (rows >= n) break;
        await sleep(200);
      }
      const lags = (await sqlClient<{ ms: number }[]>`select (extract(epoch from at) * 1000)::float8 as ms from bench_bare_rows where storm = ${storm}`).map((r) => r.ms - instant);
      return { n, rows, lags, startS };
    },
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await sqlClient.end();
    },
  };
}

/** One line about a storm's lags after its instant. */
export const lagLine = (lags: number[]) =>
  `first ${(quantile(lags, 0) / 1000).toFixed(1)} s, p50 ${(quantile(lags, 0.5) / 1000).toFixed(1)} s, p99 ${(quantile(lags, 0.99) / 1000).toFixed(1)} s, last ${(quantile(lags, 1) / 1000).toFixed(1)} s`;
