import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomToken } from '../platform/ids.js';
import { DATA_CENTERS, ENVIRONMENTS, findDataCenter, type DataCenter, type EnvironmentId } from '../topology/data-centers.js';

/**
 * Everything a Meridian process needs to know, from the environment. Defaults give the
 * embedded default: every environment and data center in one process, SQLite under ./data.
 */
export interface MeridianConfig {
  dataDir: string;
  host: string;
  /** 0 = every listener on an ephemeral port (tests). */
  basePort: number;
  environments: EnvironmentId[];
  regions: DataCenter[];
  /** Where the parts this process does not host are reached (separate deployments). */
  identityUrls: Partial<Record<EnvironmentId, string>>;
  regionUrls: Record<string, string>;
  global: boolean;
  databaseUrl?: string | undefined;
  postgresSchemaPrefix: string;
  redisUrl?: string | undefined;
  plainHttp: boolean;
  tlsCertFile?: string | undefined;
  tlsKeyFile?: string | undefined;
  /** CA that signed the other parts' certificates, when it is not a public one. */
  caCertFile?: string | undefined;
  adminKey: string;
  pagingSecret: string;
  demo: boolean;
  logLevel: string;
  /** Requests per minute per app per tenant at each region (0 = off). */
  rateLimitPerMinute: number;
  /** Tokens issued per minute per authenticated client, and identity admin requests per minute per address (0 = off). */
  tokenRateLimitPerMinute: number;
  /** Refused token requests per minute from one address, whatever client they name (0 = off). */
  tokenFailuresPerMinutePerAddress: number;
  /** Refused token requests per minute from one address naming one client (0 = off). */
  tokenFailuresPerMinutePerClient: number;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env, overrides: Partial<MeridianConfig> = {}): MeridianConfig {
  const dataDir = resolve(overrides.dataDir ?? env.MERIDIAN_DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const regions = overrides.regions ?? parseRegions(env.MERIDIAN_REGIONS);
  const environments = overrides.environments ?? parseEnvironments(env.MERIDIAN_IDENTITIES, regions);
  return {
    dataDir,
    host: env.MERIDIAN_HOST ?? '127.0.0.1',
    basePort: parsePort(env.MERIDIAN_BASE_PORT ?? '7400'),
    environments,
    regions,
    global: env.MERIDIAN_GLOBAL !== '0',
    databaseUrl: env.MERIDIAN_DATABASE_URL || undefined,
    postgresSchemaPrefix: env.MERIDIAN_PG_SCHEMA_PREFIX ?? 'meridian',
    redisUrl: env.MERIDIAN_REDIS_URL || undefined,
    identityUrls: Object.fromEntries(
      ENVIRONMENTS.flatMap((e) => (env[`MERIDIAN_IDENTITY_URL_${e.id.toUpperCase()}`] ? [[e.id, trimUrl(env[`MERIDIAN_IDENTITY_URL_${e.id.toUpperCase()}`]!)]] : [])),
    ),
    regionUrls: Object.fromEntries(
      DATA_CENTERS.flatMap((dc) => {
        const url = env[`MERIDIAN_REGION_URL_${dc.code.toUpperCase().replace(/-/g, '_')}`];
        return url ? [[dc.code, trimUrl(url)]] : [];
      }),
    ),
    plainHttp: env.MERIDIAN_PLAIN_HTTP === '1' || env.MERIDIAN_PLAIN_HTTP === 'true',
    tlsCertFile: env.MERIDIAN_TLS_CERT || undefined,
    tlsKeyFile: env.MERIDIAN_TLS_KEY || undefined,
    caCertFile: env.MERIDIAN_CA_CERT || undefined,
    adminKey: env.MERIDIAN_ADMIN_KEY || persistentSecret(join(dataDir, 'admin-key')),
    pagingSecret: env.MERIDIAN_PAGING_SECRET || persistentSecret(join(dataDir, 'paging-secret')),
    demo: env.MERIDIAN_DEMO !== '0',
    logLevel: env.MERIDIAN_LOG_LEVEL ?? 'info',
    rateLimitPerMinute: parseCount('MERIDIAN_RATE_LIMIT_PER_MINUTE', env.MERIDIAN_RATE_LIMIT_PER_MINUTE ?? '12000'),
    tokenRateLimitPerMinute: parseCount('MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE', env.MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE ?? '6000'),
    tokenFailuresPerMinutePerAddress: parseCount('MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_ADDRESS', env.MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_ADDRESS ?? '300'),
    tokenFailuresPerMinutePerClient: parseCount('MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_CLIENT', env.MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_CLIENT ?? '60'),
    ...overrides,
  };
}

const trimUrl = (url: string) => url.trim().replace(/\/+$/, '');

function parseEnvironments(value: string | undefined, regions: DataCenter[]): EnvironmentId[] {
  const order = (a: EnvironmentId, b: EnvironmentId) => ENVIRONMENTS.findIndex((e) => e.id === a) - ENVIRONMENTS.findIndex((e) => e.id === b);
  if (!value || value.trim() === '') return [...new Set(regions.map((dc) => dc.environment))].sort(order);
  if (value.trim() === 'none') return [];
  if (value.trim() === 'all') return ENVIRONMENTS.map((e) => e.id);
  return value.split(',').map((id) => {
    const environment = ENVIRONMENTS.find((e) => e.id === id.trim().toLowerCase());
    if (!environment) throw new Error(`MERIDIAN_IDENTITIES names an unknown environment '${id.trim()}'; known: ${ENVIRONMENTS.map((e) => e.id).join(', ')}`);
    return environment.id;
  });
}

function parseRegions(value: string | undefined): DataCenter[] {
  if (!value || value.trim() === '' || value.trim() === 'all') return [...DATA_CENTERS];
  if (value.trim() === 'none') return [];
  return value.split(',').map((code) => {
    const dc = findDataCenter(code);
    if (!dc) throw new Error(`MERIDIAN_REGIONS names an unknown data center '${code.trim()}'; known: ${DATA_CENTERS.map((d) => d.code).join(', ')}`);
    return dc;
  });
}

function parseCount(name: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new Error(`${name} must be a whole number (0 turns it off), not '${value}'`);
  return count;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65000) throw new Error(`MERIDIAN_BASE_PORT must be a port number, not '${value}'`);
  return port;
}

/** A secret made once and kept in the data directory, readable by its owner only. */
function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomToken(32);
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/** Listener ports derive from the base port: identities first, then global, then regions. */
export function portFor(config: MeridianConfig, role: { identity: EnvironmentId } | { global: true } | { region: string }): number {
  if (config.basePort === 0) return 0;
  if ('identity' in role) return config.basePort + ENVIRONMENTS.findIndex((env) => env.id === role.identity);
  if ('global' in role) return config.basePort + 4;
  return config.basePort + 10 + DATA_CENTERS.findIndex((dc) => dc.code === role.region);
}
