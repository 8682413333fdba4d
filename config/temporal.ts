/**
 * The one place that says how overgang connects to Temporal (client and worker alike), through
 * Temporal's environment configuration (`@temporalio/envconfig`): a profile from a TOML file
 * (`TEMPORAL_CONFIG_FILE`, else the CLI's default `~/.config/temporalio/temporal.toml`) overridden
 * by the standard variables — `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
 * `TEMPORAL_TLS*` (client certificate and key, server CA, server name), `TEMPORAL_GRPC_META_*`.
 * Without any of them: the plain local connection to `localhost:7233`, namespace `default`.
 * docs/configuration.md ("Temporal connection") has examples for a TLS cluster and Temporal Cloud.
 */
import { existsSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type AppConfig } from './index.js';

/** The variables `@temporalio/envconfig` reads (besides TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, declared in config/index.ts). */
export const temporalConnectionVariables = [
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_PROFILE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
] as const;

export interface TemporalConnectConfig {
  /** For `Connection.connect` (client) and `NativeConnection.connect` (worker). */
  connectionOptions: NativeConnectionOptions & { address: string };
  namespace: string;
  /** What may be logged about the connection (never the key or a certificate). */
  summary: { address: string; namespace: string; profile: string; tls: boolean; clientCertificate: boolean; usesApiKey: boolean };
}

export interface TemporalConnectOptions {
  /** The environment (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Ignore the TOML file (`npm start` with its own dev server: a developer's CLI profile must not redirect it). */
  disableFile?: boolean;
}

function describeSource(source: ConfigDataSource | undefined): string | undefined {
  return source && 'path' in source ? source.path : undefined;
}

/** Refuses at start what would otherwise fail at the first connection, naming the setting. */
function checkProfile(profile: ClientConfigProfile): void {
  const tls = profile.tls;
  if (!tls || tls.disabled) return;
  const problems: string[] = [];
  for (const [name, source] of [
    ['client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH)', tls.clientCert],
    ['client key (TEMPORAL_TLS_CLIENT_KEY_PATH)', tls.clientKey],
    ['server CA certificate (TEMPORAL_TLS_SERVER_CA_CERT_PATH)', tls.serverCACert],
  ] as const) {
    const file = describeSource(source);
    if (file !== undefined && !existsSync(file)) problems.push(`  ${name}: no such file: ${file}`);
  }
  if (Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    problems.push('  TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH: a client certificate needs its key and the key its certificate');
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

/**
 * The connection options and namespace for Temporal: envconfig's profile and variables, with
 * overgang's validated defaults (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE in config/index.ts) where
 * neither names one.
 */
export function temporalConnectConfig(
  config: Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>,
  opts: TemporalConnectOptions = {},
): TemporalConnectConfig {
  const env = opts.env ?? process.env;
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars, disableFile: opts.disableFile });
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  Temporal connection (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE / TEMPORAL_TLS*): ${(err as Error).message}`);
  }
  checkProfile(profile);
  let connect;
  try {
    connect = toClientOptions(profile);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  Temporal TLS files: ${(err as Error).message}`);
  }
  const address = connect.connectionOptions.address ?? config.TEMPORAL_ADDRESS;
  const namespace = connect.namespace ?? config.TEMPORAL_NAMESPACE;
  const tls = connect.connectionOptions.tls;
  return {
    connectionOptions: { ...connect.connectionOptions, address },
    namespace,
    summary: {
      address,
      namespace,
      profile: overrideEnvVars.TEMPORAL_PROFILE ?? 'default',
      tls: Boolean(tls),
      clientCertificate: typeof tls === 'object' && tls !== null && Boolean(tls.clientCertPair),
      usesApiKey: connect.connectionOptions.apiKey !== undefined,
    },
  };
}
