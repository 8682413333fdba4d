/**
 * `npm run build`, after `tsc -p tsconfig.build.json` has compiled the code to dist/: copies what
 * the compiled code reads at run time and prebuilds the workflow bundle, so that
 * `node dist/worker/main.js` and `node dist/api/main.js` run with production dependencies only.
 *   dist/db/migrations/        the SQL migrations (applied at start, and `node dist/db/migrate-cli.js`)
 *   dist/web/                  the pages' script and style (served by api/pages/ as files)
 *   dist/config/dev-tokens.json the development tokens, when present (refused when
 *                              NODE_ENV=production; the Docker build context leaves them out)
 *   dist/workflow-bundle.js    the workflow code, bundled once (the worker finds it beside itself;
 *                              in production it refuses to bundle at start)
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '../config/logging.js';
import { projectRoot } from '../config/index.js';
import { bundleWorkflows } from '../worker/bundle.js';

const log = createLogger('overgang');
const dist = path.join(projectRoot, 'dist');
if (!existsSync(path.join(dist, 'worker', 'main.js'))) {
  log.fatal('dist/ has no compiled code: run `npm run build` (tsc -p tsconfig.build.json first)');
  process.exit(1);
}
cpSync(path.join(projectRoot, 'db', 'migrations'), path.join(dist, 'db', 'migrations'), { recursive: true });
cpSync(path.join(projectRoot, 'web'), path.join(dist, 'web'), { recursive: true });
// absent from the Docker build context (.dockerignore): the image never holds them
const devTokens = path.join(projectRoot, 'config', 'dev-tokens.json');
if (existsSync(devTokens)) cpSync(devTokens, path.join(dist, 'config', 'dev-tokens.json'));
const t0 = Date.now();
const { code } = await bundleWorkflows();
writeFileSync(path.join(dist, 'workflow-bundle.js'), code);
log.info({ bundleKiB: Math.round(code.length / 1024), bundleMs: Date.now() - t0 }, 'built dist/ (compiled code, migrations, workflow bundle)');
