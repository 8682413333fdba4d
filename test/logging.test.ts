/**
 * One log format: the code that runs in the API and the worker writes through pino
 * (config/logging.ts), never through the console. (What the lines hold, and that no CPR or free
 * text reaches them, is checked on the running processes: test/production-build.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config/index.js';
import { logOptions } from '../config/logging.js';

const RUNTIME_FOLDERS = ['api', 'worker', 'activities', 'workflows', 'db', 'config', 'domain'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('logging', () => {
  it('no console.* in the code the API and the worker run', () => {
    const offenders = RUNTIME_FOLDERS.flatMap((f) => tsFiles(path.join(projectRoot, f)))
      .filter((file) => /\bconsole\.(log|info|warn|error|debug|trace)\(/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(projectRoot, file));
    expect(offenders).toEqual([]);
  });

  it('requests are logged by route pattern, never by URL (ids, query strings)', () => {
    const req = (logOptions('api', 'info').serializers!.req as (r: unknown) => Record<string, unknown>)({
      method: 'GET',
      url: '/cases/PSY-2026-000042?citizen=x',
      id: 'req-1',
      routeOptions: { url: '/cases/:id' },
      headers: { authorization: 'Bearer dev-supervisor' },
    });
    expect(req).toEqual({ method: 'GET', route: '/cases/:id', reqId: 'req-1' });
  });
});
