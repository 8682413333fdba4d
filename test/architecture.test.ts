/**
 * The house rules of the code base: no import circle among the project's files, and no loop
 * among its folders (type imports count: a folder that only borrows another's types still
 * depends on it); domain/ (rules, calendar, bed-day pricing, CPR) imports no other folder; db/ and
 * activities/ import nothing from workflows/ (the workflows use their types, never the other
 * way round); the API imports nothing from scripts/; workflows import no I/O.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../config/index.js';

const FOLDERS = ['domain', 'workflows', 'activities', 'api', 'db', 'worker', 'codec'];
/** Every folder of source code (the folder graph). */
const ALL_FOLDERS = [...FOLDERS, 'config', 'scripts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function offenders(folder: string, forbidden: (resolved: string, spec: string) => boolean): string[] {
  return tsFiles(path.join(projectRoot, folder)).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden(spec.startsWith('.') ? path.relative(projectRoot, path.resolve(path.dirname(file), spec)) : spec, spec))
      .map((spec) => `${path.relative(projectRoot, file)} → ${spec}`),
  );
}

describe('architecture', () => {
  it('has no import circle', async () => {
    const res = await madge(FOLDERS.map((f) => path.join(projectRoot, f)), {
      fileExtensions: ['ts'],
      detectiveOptions: { ts: { skipTypeImports: false } },
    });
    expect(res.circular()).toEqual([]);
  }, 60_000);

  it('has no loop among its folders (type imports included)', () => {
    const edges = new Map<string, Set<string>>(ALL_FOLDERS.map((f) => [f, new Set<string>()]));
    for (const folder of ALL_FOLDERS) {
      for (const file of tsFiles(path.join(projectRoot, folder))) {
        for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
          const to = path.relative(projectRoot, path.resolve(path.dirname(file), spec)).split(path.sep)[0]!;
          if (to !== folder && edges.has(to)) edges.get(folder)!.add(to);
        }
      }
    }
    const loops: string[] = [];
    const walk = (at: string, trail: string[]) => {
      for (const next of edges.get(at)!) {
        if (next === trail[0]) loops.push([...trail, next].join(' → '));
        else if (!trail.includes(next) && next > trail[0]!) walk(next, [...trail, next]);
      }
    };
    for (const start of ALL_FOLDERS) walk(start, [start]);
    expect(loops).toEqual([]);
    expect([...edges.get('domain')!]).toEqual([]);
  });

  it('db/ and activities/ import nothing from workflows/', () => {
    const intoWorkflows = (resolved: string) => resolved.startsWith('workflows/');
    expect([...offenders('db', intoWorkflows), ...offenders('activities', intoWorkflows)]).toEqual([]);
  });

  it('the API imports nothing from scripts/', () => {
    expect(offenders('api', (resolved) => resolved.startsWith('scripts/'))).toEqual([]);
  });

  it('workflows import no database, HTTP or file-system module', () => {
    const io = (resolved: string, spec: string) =>
      /^(node:|fs$|path$|postgres$|drizzle-orm|@electric-sql|fastify|@temporalio\/(client|worker|activity))/.test(spec) ||
      (resolved.startsWith('db/') && !resolved.startsWith('db/queries/')) ||
      resolved.startsWith('api/');
    // db/queries/* and activities/* are imported for their types only (checked by the bundle: it has no drizzle)
    const typeOnly = tsFiles(path.join(projectRoot, 'workflows')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"](\.\.?\/[^'"]*(?:db|activities)\/[^'"]+)['"]/gm)].map(
        (m) => `${path.relative(projectRoot, file)} → ${m[1]}`,
      ),
    );
    expect([...offenders('workflows', io), ...typeOnly]).toEqual([]);
  });
});
