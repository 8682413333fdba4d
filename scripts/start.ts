/**
 * `npm start`: the whole system on embedded defaults, in one command.
 *  1. the Temporal dev server (persistent SQLite under .data/, Web UI on :8233) with the
 *     project's search attributes — unless TEMPORAL_ADDRESS names a server to use instead;
 *  2. the database (PGlite under .data/pglite, or DATABASE_URL), migrated;
 *  3. the worker and the API (:3000) in this process.
 * Ctrl-C stops all of it; a second start finds every case and pending timer again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, projectRoot } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { createApiFromConfig } from '../api/server.js';
import { createWorkerFromConfig } from '../worker/worker.js';
import { searchAttributeArgs } from '../api/search-attributes.js';
import { waitForPort } from './ports.js';
import { createLogger } from '../config/logging.js';
import { installRuntime } from '../worker/runtime.js';
import { temporalCliPath } from './temporal-bin.js';
import { ensureDevKeyFile } from '../codec/index.js';

const UI_PORT = 8233;
/** The launcher's own lines; the banner below is for the developer's eyes and stays plain text. */
const log = createLogger('overgang');

async function main(): Promise<void> {
  const startedEnv = { ...process.env };
  const ownTemporal = !process.env.TEMPORAL_ADDRESS;
  const config = loadConfig(startedEnv);
  // payload encryption: the development key set under .data/, made on first run (docs/encryption.md)
  if (!config.PAYLOAD_KEYS_FILE && !config.PAYLOAD_KEYS) {
    const keys = ensureDevKeyFile(path.join(projectRoot, '.data', 'payload-keys.json'));
    if (keys.created) console.log(`[overgang] made a development payload key in ${path.relative(projectRoot, keys.file)}`);
    config.PAYLOAD_KEYS_FILE = keys.file;
  }
  // the dev server's Web UI has no login and forwards no token: its codec calls act as the dev supervisor
  if (!config.CODEC_DEVELOPMENT_TOKEN && !startedEnv.AUTH_TOKENS_FILE) config.CODEC_DEVELOPMENT_TOKEN = 'dev-supervisor';
  const apiUrl = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;
  let temporalChild: ChildProcess | undefined;
  let stopping = false;
  let shutdown: (() => Promise<void>) | undefined;
  async function stop(code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    await shutdown?.().catch(() => {});
    if (temporalChild && temporalChild.exitCode === null) {
      const exited = new Promise((r) => temporalChild!.once('exit', r));
      temporalChild.kill('SIGTERM');
      const timer = setTimeout(() => temporalChild!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.info('stopped');
    process.exit(code);
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  if (ownTemporal) {
    const cli = temporalCliPath();
    const dataDir = path.join(projectRoot, '.data');
    mkdirSync(dataDir, { recursive: true });
    const [host, port] = config.TEMPORAL_ADDRESS.split(':') as [string, string];
    temporalChild = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--db-filename',
        path.join(dataDir, 'temporal.sqlite'),
        '--ip',
        host === 'localhost' ? '127.0.0.1' : host,
        '--port',
        port,
        '--ui-port',
        String(UI_PORT),
        '--namespace',
        config.TEMPORAL_NAMESPACE,
        '--log-level',
        'error',
        '--ui-disable-news-fetch',
        // the Web UI decodes histories through the API's codec endpoint (api/codec/routes.ts)
        '--ui-codec-endpoint',
        `${apiUrl}/codec`,
        ...searchAttributeArgs(),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], detached: false },
    );
    temporalChild.once('exit', (code, signal) => {
      if (!stopping) {
        log.error({ exit: signal ?? code }, 'Temporal dev server exited; stopping');
        void stop(1);
      }
    });
    await waitForPort(Number(port), host, 60_000);
  }

  installRuntime(config, createLogger('worker', config.LOG_LEVEL));
  const database = await openDatabase(config);
  const { worker, connection } = await createWorkerFromConfig(config, database, { disableFile: ownTemporal });
  const workerRun = worker.run();
  const { app, connection: clientConnection } = await createApiFromConfig(config, database, { disableFile: ownTemporal });
  await app.listen({ host: config.HOST, port: config.PORT });

  console.log(`
overgang is running
  API            ${apiUrl}          (GET /health, docs at ${apiUrl}/docs)
  Temporal       ${config.TEMPORAL_ADDRESS}  namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}
  Web UI         ${ownTemporal ? `http://localhost:${UI_PORT}` : '(the server at TEMPORAL_ADDRESS)'}  (codec endpoint ${apiUrl}/codec)
  Payload keys   ${config.PAYLOAD_KEYS_FILE ? path.relative(projectRoot, config.PAYLOAD_KEYS_FILE) : 'PAYLOAD_KEYS'}  (payloads encrypted, AES-256-GCM)
  Database       ${database.engine === 'pglite' ? `PGlite in ${path.relative(projectRoot, config.PGLITE_DIR)}` : 'PostgreSQL (DATABASE_URL)'}
  Metrics        ${config.WORKER_METRICS_PORT ? `http://${config.HOST}:${config.WORKER_METRICS_PORT}/metrics (worker)` : 'worker: off'}  ${config.API_METRICS_PORT ? `http://${config.HOST}:${config.API_METRICS_PORT}/metrics (API)` : 'API: off'}
  Dev tokens     ${path.relative(projectRoot, config.AUTH_TOKENS_FILE)}  (e.g. Authorization: Bearer dev-psychiatry)
Press Ctrl-C to stop.
`);

  shutdown = async () => {
    await app.close().catch(() => {});
    worker.shutdown();
    await workerRun.catch(() => {});
    await clientConnection.close().catch(() => {});
    await connection.close().catch(() => {});
    await database.close().catch(() => {});
  };
}

main().catch((err) => {
  if (err instanceof ConfigError) log.fatal({ kind: 'configuration' }, err.message);
  else log.fatal({ err }, 'stopped by an error');
  log.flush();
  setTimeout(() => process.exit(1), 100);
});
