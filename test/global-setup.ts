/**
 * Starts the real servers once for the whole test run:
 *  - the time-skipping test server binary, installed if needed (each test file starts its own
 *    server: time skipping is global to a server, and a workflow left behind by another file
 *    on a task queue nobody polls any more would hold its clock still);
 *  - one Temporal dev server (with the project's search attributes) for end-to-end tests;
 *  - a fresh PostgreSQL database on 127.0.0.1:5432, migrated, dropped at the end;
 *  - the workflow bundle, built once and shared by every test worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cprClaimsDirOf } from './fixtures.js';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { projectRoot } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { freePort, waitForPort } from '../scripts/ports.js';
import { searchAttributeArgs } from '../api/search-attributes.js';
import { temporalCliPath, temporalTestServerPath } from '../scripts/temporal-bin.js';
import { bundleWorkflows } from '../worker/bundle.js';
import { newKeySetJson } from '../codec/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    timeSkippingServerPath: string;
    devServerAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    /** The run's payload keys (JSON, codec/keys.ts): every client and worker of the tests encrypts. */
    payloadKeys: string;
  }
}

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const children: ChildProcess[] = [];

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d) => {
    err = (err + String(d)).slice(-4000);
  });
  child.once('exit', (code) => {
    if (code && code !== 0 && code !== 143) console.error(`${path.basename(cmd)} exited ${code}: ${err}`);
  });
  children.push(child);
  return child;
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const testServer = temporalTestServerPath();
  const cli = temporalCliPath();

  const devPort = await freePort();
  start(cli, [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(devPort),
    '--http-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--log-level',
    'error',
    ...searchAttributeArgs(),
  ]);

  const dbName = `overgang_test_${process.pid}_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const database = await openDatabase({ DATABASE_URL: databaseUrl, PGLITE_DIR: '' });
  await database.close();

  const bundleDir = path.join(projectRoot, '.data', 'test');
  mkdirSync(bundleDir, { recursive: true });
  const workflowBundlePath = path.join(bundleDir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(workflowBundlePath, (await bundleWorkflows()).code);

  await waitForPort(devPort);

  project.provide('timeSkippingServerPath', testServer);
  project.provide('devServerAddress', `127.0.0.1:${devPort}`);
  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('payloadKeys', newKeySetJson('test-run'));
  console.log(`[test setup] servers, database ${dbName} and workflow bundle ready in ${Date.now() - started} ms`);

  return async () => {
    for (const c of children) c.kill('SIGKILL');
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch((e) => console.error(e));
    rmSync(cprClaimsDirOf(databaseUrl), { recursive: true, force: true });
    await admin.end();
  };
}
