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
  /**
   * The global endpoint's public URL (MERIDIAN_GLOBAL_URL). Like the identity and region
   * URLs, it names the part's one address behind a load balancer when this node hosts it.
   */
  globalUrl?: string | undefined;
  /** The one listener's port (MERIDIAN_PORT) on a node that hosts a single part; wins over basePort. */
  port?: number | undefined;
  /**
   * A region-only node's own credential at identity (MERIDIAN_SERVICE_CLIENT_ID and
   * MERIDIAN_SERVICE_CLIENT_SECRET), scoped to the producer path of named data centers.
   */
  serviceCredential?: { clientId: string; clientSecret: string } | undefined;
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
  /** Whether the shared secrets were given (settings) or generated into this node's data directory. */
  secretsGiven: { adminKey: boolean; pagingSecret: boolean };
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
  /**
   * Proxies whose X-Forwarded-For the identity believes (MERIDIAN_TRUST_PROXY: addresses or CIDRs,
   * comma-separated): behind one, every caller would otherwise share the proxy's address, and the
   * token endpoint's per-address limits with it.
   */
  trustProxy?: string | undefined;
  /** How long an identity node may keep a client it read without a change message (MERIDIAN_CLIENT_CACHE_MS; 0 = off; needs Redis). */
  clientCacheMs: number;
  /** How long identity nodes cache signing keys (MERIDIAN_SIGNING_KEY_CACHE_MS). */
  signingKeyCacheMs: number;
  /**
   * How long a rotated key is published before it signs (MERIDIAN_SIGNING_KEY_LEAD_MS). By
   * default 0 on a lone node and the cache time plus 5 s behind a public URL (several nodes).
   */
  signingKeyLeadMs?: number | undefined;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env, overrides: Partial<MeridianConfig> = {}): MeridianConfig {
  const dataDir = resolve(overrides.dataDir ?? env.MERIDIAN_DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const regions = overrides.regions ?? parseRegions(env.MERIDIAN_REGIONS);
  const environments = overrides.environments ?? parseEnvironments(env.MERIDIAN_IDENTITIES, regions);
  return {
    dataDir,
    host: env.MERIDIAN_HOST ?? '127.0.0.1',
    basePort: parsePort('MERIDIAN_BASE_PORT', env.MERIDIAN_BASE_PORT ?? '7400'),
    environments,
    regions,
    global: env.MERIDIAN_GLOBAL !== '0',
    globalUrl: env.MERIDIAN_GLOBAL_URL ? trimUrl(env.MERIDIAN_GLOBAL_URL) : undefined,
    port: env.MERIDIAN_PORT ? parsePort('MERIDIAN_PORT', env.MERIDIAN_PORT) : undefined,
    serviceCredential: serviceCredentialFrom(env),
    databaseUrl: env.MERIDIAN_DATABASE_URL || undefined,
    postgresSchemaPrefix: env.MERIDIAN_PG_SCHEMA_PREFIX ?? 'meridian',
    redisUrl: env.MERIDIAN_REDIS_URL || undefined,
    identityUrls: Object.fromEntries(
      ENVIRONMENTS.flatMap((e) => (env[`MERIDIAN_IDENTITY_URL_${e.id.toUpperCase()}`] ? [[e.id, trimUrl(env[`MERIDIAN_IDENTITY_URL_${e.id.toUpperCase()}`]!)]] : [])),
    ),
    // Every MERIDIAN_REGION_URL_<DC>, known or not: a misspelt data center is named at start-up, not ignored.
    regionUrls: Object.fromEntries(
      Object.entries(env).flatMap(([name, url]) => {
        const code = /^MERIDIAN_REGION_URL_([A-Z0-9_]+)$/.exec(name)?.[1];
        return code && url ? [[code.toLowerCase().replace(/_/g, '-'), trimUrl(url)]] : [];
      }),
    ),
    plainHttp: env.MERIDIAN_PLAIN_HTTP === '1' || env.MERIDIAN_PLAIN_HTTP === 'true',
    tlsCertFile: env.MERIDIAN_TLS_CERT || undefined,
    tlsKeyFile: env.MERIDIAN_TLS_KEY || undefined,
    caCertFile: env.MERIDIAN_CA_CERT || undefined,
    adminKey: env.MERIDIAN_ADMIN_KEY || persistentSecret(join(dataDir, 'admin-key')),
    pagingSecret: env.MERIDIAN_PAGING_SECRET || persistentSecret(join(dataDir, 'paging-secret')),
    secretsGiven: { adminKey: Boolean(overrides.adminKey || env.MERIDIAN_ADMIN_KEY), pagingSecret: Boolean(overrides.pagingSecret || env.MERIDIAN_PAGING_SECRET) },
    demo: env.MERIDIAN_DEMO !== '0',
    logLevel: env.MERIDIAN_LOG_LEVEL ?? 'info',
    rateLimitPerMinute: parseCount('MERIDIAN_RATE_LIMIT_PER_MINUTE', env.MERIDIAN_RATE_LIMIT_PER_MINUTE ?? '12000'),
    tokenRateLimitPerMinute: parseCount('MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE', env.MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE ?? '6000'),
    tokenFailuresPerMinutePerAddress: parseCount('MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_ADDRESS', env.MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_ADDRESS ?? '300'),
    tokenFailuresPerMinutePerClient: parseCount('MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_CLIENT', env.MERIDIAN_TOKEN_FAILURES_PER_MINUTE_PER_CLIENT ?? '60'),
    trustProxy: env.MERIDIAN_TRUST_PROXY?.trim() || undefined,
    clientCacheMs: parseCount('MERIDIAN_CLIENT_CACHE_MS', env.MERIDIAN_CLIENT_CACHE_MS ?? '60000'),
    signingKeyCacheMs: parseCount('MERIDIAN_SIGNING_KEY_CACHE_MS', env.MERIDIAN_SIGNING_KEY_CACHE_MS ?? '30000'),
    signingKeyLeadMs: env.MERIDIAN_SIGNING_KEY_LEAD_MS ? parseCount('MERIDIAN_SIGNING_KEY_LEAD_MS', env.MERIDIAN_SIGNING_KEY_LEAD_MS) : undefined,
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

function parsePort(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, not '${value}'`);
  return port;
}

function serviceCredentialFrom(env: NodeJS.ProcessEnv): MeridianConfig['serviceCredential'] {
  const clientId = env.MERIDIAN_SERVICE_CLIENT_ID?.trim();
  const clientSecret = env.MERIDIAN_SERVICE_CLIENT_SECRET?.trim();
  if (!clientId && !clientSecret) return undefined;
  if (!clientId || !clientSecret) throw new Error('MERIDIAN_SERVICE_CLIENT_ID and MERIDIAN_SERVICE_CLIENT_SECRET are set together or not at all');
  return { clientId, clientSecret };
}

/** A secret made once and kept in the data directory, readable by its owner only. */
function persistentSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomToken(32);
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/** The signing-key lead a node uses: see MeridianConfig.signingKeyLeadMs. */
export function signingKeyLeadMs(config: MeridianConfig, environment: EnvironmentId): number {
  if (config.signingKeyLeadMs !== undefined) return config.signingKeyLeadMs;
  return config.identityUrls[environment] ? config.signingKeyCacheMs + 5000 : 0;
}

/** Listener ports derive from the base port: identities first, then global, then regions. */
export function portFor(config: MeridianConfig, role: { identity: EnvironmentId } | { global: true } | { region: string }): number {
  if (config.port !== undefined) return config.port;
  if (config.basePort === 0) return 0;
  if ('identity' in role) return config.basePort + ENVIRONMENTS.findIndex((env) => env.id === role.identity);
  if ('global' in role) return config.basePort + 4;
  return config.basePort + 10 + DATA_CENTERS.findIndex((dc) => dc.code === role.region);
}
