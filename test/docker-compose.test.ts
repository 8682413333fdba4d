/**
 * No Docker engine runs here, so the production-like stack is checked against the code:
 * services, ports, commands, search attributes and every environment variable the code reads.
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

  it('publishes the ports the README promises', () => {
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
