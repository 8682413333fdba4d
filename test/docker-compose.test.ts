/**
 * No Docker engine runs here, so the production-like stack is checked against the code:
 * services, ports, commands, search attributes and every environment variable the code reads.
 * The configuration table in docs/configuration.md is checked against the same variables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envVariableNames, loadConfig, projectRoot } from '../config/index.js';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributeDefinitions } from '../workflows/shared/search-attributes.js';

const compose = parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[] | string; ports?: string[]; environment?: Record<string, string>; depends_on?: unknown }>;
};
const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const services = compose.services;

describe('docker-compose.yml matches the code', () => {
  it('has the production-like services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'api']));
    expect(services.worker!.build).toBeDefined();
    expect(services.api!.build).toBeDefined();
    expect(readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:(20|22|24)[-\w]*/m);
  });

  it('publishes the ports the README and docs/operations.md promise', () => {
    expect(services.api!.ports).toContain('3000:3000');
    expect(services.temporal!.ports).toContain('7233:7233');
    expect(services['temporal-ui']!.ports).toContain('8233:8080');
  });

  it('runs the worker and the API with the package scripts', () => {
    expect(services.worker!.command).toEqual(['npm', 'run', 'worker']);
    expect(services.api!.command).toEqual(['npm', 'run', 'api']);
    expect(pkg.scripts.worker).toMatch(/worker\/main\.ts/);
    expect(pkg.scripts.api).toMatch(/api\/main\.ts/);
  });

  it.each(['worker', 'api'])('%s sets every environment variable the config module reads, each valid', (name) => {
    const env = services[name]!.environment!;
    for (const v of envVariableNames) expect(env, `${name} lacks ${v}`).toHaveProperty(v);
    for (const k of Object.keys(env)) expect(envVariableNames, `${name} sets ${k}, which the code never reads`).toContain(k);
    // the values parse with the real config schema
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('points the app at the compose services', () => {
    const env = services.api!.environment!;
    const temporalHost = env.TEMPORAL_ADDRESS!.split(':')[0]!;
    expect(services).toHaveProperty(temporalHost);
    const db = new URL(env.DATABASE_URL!);
    expect(services).toHaveProperty(db.hostname);
    const pgEnv = services[db.hostname]!.environment!;
    expect(db.username).toBe(pgEnv.POSTGRES_USER);
    expect(db.password).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(db.pathname.slice(1)).toBe(pgEnv.POSTGRES_DB);
    expect(env.HOST).toBe('0.0.0.0');
    expect(services.api!.ports).toContain(`${env.PORT}:${env.PORT}`);
    expect(services.temporal!.environment!.POSTGRES_SEEDS).toBe(db.hostname);
  });

  it('registers every custom search attribute the workflows set', () => {
    const script = JSON.stringify(services['temporal-admin']);
    for (const key of searchAttributeDefinitions) {
      expect(script).toContain(`--name ${key.name} --type ${TypedSearchAttributes.toMetadataType(key.type)}`);
    }
  });
});

/** Tools read these outside config/index.ts (Temporal binaries, the tests' and benchmarks' database, CPU profiles). */
const TOOL_VARIABLES = ['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'TEST_DATABASE_ADMIN_URL', 'BENCH_CPU_PROF'];

describe('docs/configuration.md matches the config module', () => {
  const doc = readFileSync(path.join(projectRoot, 'docs', 'configuration.md'), 'utf8');
  const rows = new Map(
    doc
      .split('\n')
      .filter((l) => /^\| `[A-Z][A-Z0-9_]*` \|/.test(l))
      .map((l) => [l.match(/^\| `([A-Z0-9_]+)`/)![1]!, l.split('|').map((c) => c.trim())] as const),
  );
  const defaults = loadConfig({}) as Record<string, unknown>;

  it('has one table with a row for every variable the code reads, and no other', () => {
    expect(doc.match(/^\| variable \|/gm)).toHaveLength(1);
    for (const v of envVariableNames) expect(rows.has(v), `no row for ${v}`).toBe(true);
    for (const v of rows.keys()) expect([...envVariableNames, ...TOOL_VARIABLES], `${v} is not read by the code`).toContain(v);
  });

  it.each(envVariableNames)('%s: the default the table states is the one the config module applies', (v) => {
    const cell = rows.get(v)![2]!;
    const value = defaults[v];
    if (value === undefined) expect(cell).toMatch(/^\(unset/);
    else if (typeof value === 'string' && path.isAbsolute(value)) expect(cell).toBe(`\`${path.relative(projectRoot, value)}\``);
    else expect(cell).toBe(`\`${String(value)}\``);
  });
});
