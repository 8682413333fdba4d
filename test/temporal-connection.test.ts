/**
 * The Temporal connection (config/temporal.ts) through Temporal's environment configuration:
 * variables and a TOML profile become the client's and the worker's connection options, bad
 * settings are refused at start naming the setting, and a client and a worker really connect
 * over TLS with a client certificate (mutual TLS) — through a TLS terminator in front of the
 * run's dev server, which itself speaks plain gRPC.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newKeySetJson } from '../codec/keys.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { temporalConnectConfig } from '../config/temporal.js';
import { randomUUID } from 'node:crypto';
import { createApiFromConfig } from '../api/server.js';
import { createWorkerFromConfig } from '../worker/worker.js';
import { eventually, quietRuntime, testDatabase } from './helpers.js';

const defaults = loadConfig({});
const dir = mkdtempSync(path.join(os.tmpdir(), 'overgang-tls-'));
const file = (name: string) => path.join(dir, name);

/** A CA, a server certificate for localhost and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=overgang test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who === 'server' ? 'localhost' : 'overgang-worker'}`, '-keyout', `${who}.key`, '-out', `${who}.csr`);
    writeFileSync(file(`${who}.ext`), who === 'server' ? 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${who}.ext`, '-out', `${who}.pem`);
  }
}

describe('connection options from the environment', () => {
  beforeAll(makeCertificates);

  it('without any setting: the plain local connection and overgang defaults', () => {
    const c = temporalConnectConfig(defaults, { env: {}, disableFile: true });
    expect(c.connectionOptions.address).toBe('localhost:7233');
    expect(c.namespace).toBe('default');
    expect(c.connectionOptions.tls).toBeUndefined();
    expect(c.summary).toMatchObject({ tls: false, usesApiKey: false, clientCertificate: false });
  });

  it('TLS with a client certificate, server CA and server name from TEMPORAL_TLS_* variables', () => {
    const env = {
      TEMPORAL_ADDRESS: 'temporal.example.internal:7233',
      TEMPORAL_NAMESPACE: 'overgang-prod',
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    };
    const c = temporalConnectConfig(loadConfig(env), { env, disableFile: true });
    expect(c.connectionOptions.address).toBe('temporal.example.internal:7233');
    expect(c.namespace).toBe('overgang-prod');
    const t = c.connectionOptions.tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array }; serverRootCACertificate: Uint8Array; serverNameOverride: string };
    expect(Buffer.from(t.clientCertPair.crt).equals(readFileSync(file('client.pem')))).toBe(true);
    expect(Buffer.from(t.clientCertPair.key).equals(readFileSync(file('client.key')))).toBe(true);
    expect(Buffer.from(t.serverRootCACertificate).equals(readFileSync(file('ca.pem')))).toBe(true);
    expect(t.serverNameOverride).toBe('localhost');
    expect(c.summary).toEqual({ address: 'temporal.example.internal:7233', namespace: 'overgang-prod', profile: 'default', tls: true, clientCertificate: true, usesApiKey: false });
  });

  it('an API key (Temporal Cloud) turns TLS on; the summary says there is a key, never which', () => {
    const env = { TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'overgang.a1b2c', TEMPORAL_API_KEY: 'secret-key-value' };
    const c = temporalConnectConfig(loadConfig(env), { env, disableFile: true });
    expect(c.connectionOptions.apiKey).toBe('secret-key-value');
    expect(c.connectionOptions.tls).toBe(true);
    expect(JSON.stringify(c.summary)).not.toContain('secret-key-value');
    expect(c.summary).toMatchObject({ tls: true, usesApiKey: true });
  });

  it('a profile from a TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE); variables override it', () => {
    writeFileSync(
      file('temporal.toml'),
      `[profile.prod]\naddress = "temporal.prod.internal:7233"\nnamespace = "overgang"\n[profile.prod.tls]\nclient_cert_path = "${file('client.pem')}"\nclient_key_path = "${file('client.key')}"\n`,
    );
    const env = { TEMPORAL_CONFIG_FILE: file('temporal.toml'), TEMPORAL_PROFILE: 'prod' };
    const c = temporalConnectConfig(defaults, { env });
    expect(c.connectionOptions.address).toBe('temporal.prod.internal:7233');
    expect(c.namespace).toBe('overgang');
    expect(c.summary).toMatchObject({ profile: 'prod', tls: true, clientCertificate: true });
    const overridden = temporalConnectConfig(defaults, { env: { ...env, TEMPORAL_NAMESPACE: 'overgang-test' } });
    expect(overridden.namespace).toBe('overgang-test');
  });

  it.each([
    [{ TEMPORAL_TLS_CLIENT_CERT_PATH: '/nonexistent/client.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/nonexistent/client.key' }, /TEMPORAL_TLS_CLIENT_CERT_PATH\): no such file: \/nonexistent\/client.pem/],
    [{ TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem') }, /needs its key/],
    [{ TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', TEMPORAL_PROFILE: 'prod' }, /TEMPORAL_CONFIG_FILE/],
  ])('refuses %o at start, naming the setting', (env, message) => {
    expect(() => temporalConnectConfig(defaults, { env })).toThrow(ConfigError);
    expect(() => temporalConnectConfig(defaults, { env })).toThrow(message);
  });
});

describe('a real mutual-TLS connection', () => {
  let terminator: tls.Server;
  let port = 0;
  let handshakes = 0;
  beforeAll(async () => {
    quietRuntime();
    const [devHost, devPort] = inject('devServerAddress').split(':') as [string, string];
    // TLS in front of the dev server: demands a client certificate signed by the CA, speaks h2
    terminator = tls.createServer(
      { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
      (socket) => {
        handshakes++;
        const upstream = net.connect(Number(devPort), devHost);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    await new Promise<void>((r) => terminator.listen(0, '127.0.0.1', r));
    port = (terminator.address() as net.AddressInfo).port;
  });
  afterAll(() => terminator?.close());

  const env = () => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key'),
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem'),
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  });

  it('the client (Connection) and the worker (NativeConnection) both connect and are answered', async () => {
    const c = temporalConnectConfig(loadConfig(env()), { env: env(), disableFile: true });
    const client = await Connection.connect(c.connectionOptions);
    const info = await client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/\d+\.\d+/);
    await client.close();
    const native = await NativeConnection.connect(c.connectionOptions);
    const health = await native.healthService.check({});
    expect(health.status).toBe(1); // SERVING
    await native.close();
    expect(handshakes).toBeGreaterThanOrEqual(2);
  });

  it('the worker and the API as production builds them (config/temporal.ts) run over it: the API sees the worker polling', async () => {
    const taskQueue = `tls-${randomUUID()}`;
    const all = { ...env(), PAYLOAD_KEYS: newKeySetJson('tls-test'), TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: inject('databaseUrl'), WORKER_WORKFLOW_BUNDLE: inject('workflowBundlePath'), API_METRICS_PORT: '0', LOG_LEVEL: 'silent' };
    const config = loadConfig(all);
    const database = await testDatabase();
    const before = handshakes;
    const { worker, connection } = await createWorkerFromConfig(config, database, { env: all, disableFile: true });
    const running = worker.run();
    const { app, connection: clientConnection } = await createApiFromConfig(config, database, { env: all, disableFile: true });
    try {
      const ready = await eventually(async () => {
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        return res.statusCode === 200 ? (res.json() as { worker: unknown }) : undefined;
      }, 30_000);
      expect(ready.worker).toEqual({ ok: true, taskQueue });
      expect(handshakes - before).toBeGreaterThanOrEqual(2); // the worker's and the API's connections
    } finally {
      await app.close();
      worker.shutdown();
      await running;
      await clientConnection.close();
      await connection.close();
      await database.close();
    }
  });

  it('without the client certificate the server refuses the connection', async () => {
    const { TEMPORAL_TLS_CLIENT_CERT_PATH: _c, TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...noCert } = env();
    const c = temporalConnectConfig(loadConfig(noCert), { env: noCert, disableFile: true });
    await expect(Connection.connect({ ...c.connectionOptions, connectTimeout: '3s' }).then((conn) => conn.workflowService.getSystemInfo({}))).rejects.toThrow();
  });
});
