/**
 * `npm run build:workflows [out]`: bundles the workflow code once (webpack, ~3–4 s) and writes
 * it to `.build/workflow-bundle.js`; a worker started with WORKER_WORKFLOW_BUNDLE pointing at it
 * skips the bundling at every start (the Docker image does this at build time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config/index.js';
import { bundleWorkflows } from '../worker/bundle.js';

const out = path.resolve(process.argv[2] ?? path.join(projectRoot, '.build', 'workflow-bundle.js'));
const t0 = Date.now();
const { code } = await bundleWorkflows();
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${path.relative(process.cwd(), out)} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - t0} ms)`);
