/**
 * No Docker engine runs here (`docker build` and `docker compose up` are not run by the tests), so
 * the production-like stack is checked against the code and against its own promises: the
 * Dockerfile's stages, user, health check and what it copies; the compose file's services, images
 * (no `auto-setup`), schema setup, health checks and `depends_on` conditions, the ports it
 * publishes (never PostgreSQL), the Web UI's codec endpoint and read-only mode, the worker's heap
 * limit inside its container, the search attributes, and every environment variable the code reads.
 * That the compiled processes start with production dependencies only is proven by running them:
 * test/production-build.test.ts. The configuration table in docs/configuration.md is checked
 * against the same variables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envVariableNames, loadConfig, projectRoot } from '../config/index.js';
import { temporalConnectionVariables } from '../config/temporal.js';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributeDefinitions } from '../workflows/shared/search-attributes.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  mem_limit?: string;
  restart?: string;
}

/** Compose's `${VAR:-default}` → default (what `docker compose` uses when VAR is unset). */
const interpolate = (s: string) => s.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const raw = readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(interpolate(raw), { merge: true }) as { services: Record<string, Service>; secrets: Record<string, { file: string }> };
const services = compose.services;
const dockerfile = readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(projectRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
const mib = (limit: string) => Number(limit.replace(/[a-z]+$/i, '')) * (/g$/i.test(limit) ? 1024 : 1);

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ from: m[1]!, name: m[2] }));
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('is multi-stage on a Node image the engines field admits: build, production dependencies, runtime', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)[-\w.]*$/m);
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
  });

  it('installs from the lockfile; the runtime gets production dependencies only and the built dist/', () => {
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json \.\/\nRUN npm ci --no-audit --no-fund\n/);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev /);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(runtime).toContain('COPY --from=prod-deps /app/node_modules ./node_modules');
    expect(runtime).toContain('COPY --from=build /src/dist ./dist');
    // nothing else of the source tree reaches the runtime stage
    expect(runtime.match(/^COPY (?!--from)(.*)$/gm)).toEqual(['COPY package.json ./']);
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
  });

  it('keeps tests and the development tokens out of the build context and the image', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['test', 'config/dev-tokens.json', 'node_modules', '.data', '.git']));
    expect(dockerfile).not.toMatch(/^COPY (\. |test)/m);
    expect(dockerfile).toContain('test ! -e dist/config/dev-tokens.json');
  });

  it('runs as the non-root user, in production mode, with a health check', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD '));
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD \[.*\/health\/live/m);
    expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "dist\/api\/main\.js"\]$/m);
  });
});

describe('docker-compose.yml', () => {
  it('has the stack: PostgreSQL, schema setup, Temporal server, namespace setup, Web UI, worker, API', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
    expect(services.worker!.build).toBe('.');
    expect(services.api!.build).toBe('.');
  });

  it("runs Temporal's server image with the schema set up beforehand on PostgreSQL (no auto-setup)", () => {
    for (const s of Object.values(services)) expect(s.image ?? '').not.toContain('auto-setup');
    expect(services.temporal!.image).toMatch(/^temporalio\/server:1\.\d+\.\d+$/);
    const version = services.temporal!.image!.split(':')[1];
    expect(services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${version}`);
    expect(services['temporal-setup']!.image).toBe(`temporalio/admin-tools:${version}`);
    const schema = JSON.stringify(services['temporal-schema']!.command);
    for (const db of ['temporal', 'temporal_visibility']) {
      expect(schema).toContain(`--db ${db} setup-schema -v 0.0`);
      expect(schema).toMatch(new RegExp(`--db ${db} update-schema -d /etc/temporal/schema/postgresql/v12/${db === 'temporal' ? 'temporal' : 'visibility'}/versioned`));
    }
    expect(services.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    const env = services.temporal!.environment!;
    expect(env).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql', DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility' });
    expect(env.POSTGRES_USER).toBe(services.postgresql!.environment!.POSTGRES_USER);
    expect(env.POSTGRES_PWD).toBe(services.postgresql!.environment!.POSTGRES_PASSWORD);
  });

  it('never publishes PostgreSQL; publishes the API, the Web UI, and Temporal on the loopback only', () => {
    expect(services.postgresql!.ports).toBeUndefined();
    expect(services.api!.ports).toEqual(['3000:3000']);
    expect(services['temporal-ui']!.ports).toEqual(['8233:8080']);
    expect(services.temporal!.ports).toEqual(['127.0.0.1:7233:7233']);
    for (const name of ['worker', 'temporal-schema', 'temporal-setup']) expect(services[name]!.ports, name).toBeUndefined();
  });

  it('every long-running service has a health check, and every dependency waits on a condition', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-ui', 'worker', 'api']) {
      expect(services[name]!.healthcheck?.test, `${name} has no health check`).toBeDefined();
    }
    for (const [name, s] of Object.entries(services)) {
      if (name === 'postgresql') continue;
      expect(s.depends_on, `${name} depends on nothing`).toBeDefined();
      for (const [dep, { condition }] of Object.entries(s.depends_on!)) {
        expect(services, `${name} depends on unknown ${dep}`).toHaveProperty(dep);
        const oneShot = ['temporal-schema', 'temporal-setup'].includes(dep);
        expect(condition, `${name} → ${dep}`).toBe(oneShot ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    expect(JSON.stringify(services.api!.healthcheck)).toContain('/health/live');
    expect(JSON.stringify(services.worker!.healthcheck)).toContain(`:${services.worker!.environment!.WORKER_METRICS_PORT}/metrics`);
  });

  it("the Web UI is read-only and decodes payloads through the API's codec endpoint, as the browser reaches it", () => {
    const env = services['temporal-ui']!.environment!;
    expect(env.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
    const apiPort = services.api!.ports![0]!.split(':')[0];
    expect(env.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${apiPort}/codec`);
    expect(env.TEMPORAL_ADDRESS).toBe(services.api!.environment!.TEMPORAL_ADDRESS);
  });

  it('runs the compiled worker and API, the worker with a heap limit that fits its container', () => {
    expect(services.worker!.command).toEqual(expect.arrayContaining(['dist/worker/main.js']));
    expect(services.api!.command).toEqual(expect.arrayContaining(['dist/api/main.js']));
    for (const name of ['worker', 'api']) {
      const s = services[name]!;
      const heap = Number((s.command as string[]).find((a) => a.startsWith('--max-old-space-size='))!.split('=')[1]);
      expect(s.mem_limit, `${name} has no memory limit`).toBeDefined();
      // V8's heap plus the rest of the process (native SDK core, workflow thread, buffers) inside the limit
      expect(heap, name).toBeLessThanOrEqual(mib(s.mem_limit!) * 0.75);
    }
    expect(mib(services.worker!.mem_limit!)).toBeGreaterThanOrEqual(1024);
  });

  it('npm run start:worker / start:api run the compiled processes as the compose does (same node flags)', () => {
    for (const name of ['worker', 'api'] as const) {
      expect(pkg.scripts[`start:${name}`]!.split(' '), name).toEqual(services[name]!.command);
    }
  });

  it.each(['worker', 'api'])('%s sets every environment variable the config module reads, each valid, in production mode', (name) => {
    const env = services[name]!.environment!;
    for (const v of envVariableNames) expect(env, `${name} lacks ${v}`).toHaveProperty(v);
    for (const k of Object.keys(env)) expect([...envVariableNames, ...temporalConnectionVariables], `${name} sets ${k}, which the code never reads`).toContain(k);
    const config = loadConfig(env);
    expect(config.NODE_ENV).toBe('production');
    expect(config.AUTH_TOKENS_FILE).toBe('/run/secrets/overgang_tokens');
    expect(config.WORKER_WORKFLOW_BUNDLE).toBe('/app/dist/workflow-bundle.js');
  });

  it('points the app at the compose services', () => {
    const env = services.api!.environment!;
    expect(services).toHaveProperty(env.TEMPORAL_ADDRESS!.split(':')[0]!);
    const db = new URL(env.DATABASE_URL!);
    expect(services).toHaveProperty(db.hostname);
    const pgEnv = services[db.hostname]!.environment!;
    expect(db.username).toBe(pgEnv.POSTGRES_USER);
    expect(db.password).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(db.pathname.slice(1)).toBe(pgEnv.POSTGRES_DB);
    expect(env.HOST).toBe('0.0.0.0');
    expect(services.api!.ports).toContain(`${env.PORT}:${env.PORT}`);
    expect(services.temporal!.environment!.POSTGRES_SEEDS).toBe(db.hostname);
    // the password comes from the operator's environment when set
    expect(raw).toMatch(/DATABASE_URL: postgres:\/\/overgang:\$\{POSTGRES_PASSWORD:-overgang\}@/);
    expect(raw).toMatch(/file: \$\{OVERGANG_TOKENS_FILE:-/);
  });

  it('registers the namespace and every custom search attribute the workflows set', () => {
    const script = JSON.stringify(services['temporal-setup']!.command);
    expect(script).toMatch(/namespace create -n default --retention \d+h/);
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
    for (const v of [...envVariableNames, ...temporalConnectionVariables]) expect(rows.has(v), `no row for ${v}`).toBe(true);
    for (const v of rows.keys()) expect([...envVariableNames, ...temporalConnectionVariables, ...TOOL_VARIABLES], `${v} is not read by the code`).toContain(v);
  });

  it.each(envVariableNames)('%s: the default the table states is the one the config module applies', (v) => {
    const cell = rows.get(v)![2]!;
    const value = defaults[v];
    if (value === undefined) expect(cell).toMatch(/^\(unset/);
    else if (typeof value === 'string' && path.isAbsolute(value)) expect(cell).toBe(`\`${path.relative(projectRoot, value)}\``);
    else expect(cell).toBe(`\`${String(value)}\``);
  });
});
