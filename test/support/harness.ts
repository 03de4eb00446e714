import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import pg from 'pg';
import { configFromEnvironment, type MeridianConfig } from '../../src/runtime/config.js';
import { Meridian } from '../../src/runtime/meridian.js';
import { findDataCenter } from '../../src/topology/data-centers.js';
import type { Clock } from '../../src/platform/clock.js';
import { PRODUCER_PERMISSION } from '../../src/platform/producer.js';
import { POSTGRES_URL, REDIS_URL, type TestEngine } from './services.js';

export interface HarnessOptions {
  engine?: TestEngine;
  regions?: string[];
  redis?: boolean;
  clock?: Clock;
  config?: Partial<MeridianConfig>;
}

export interface TestApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * A real Meridian for a test file: real HTTPS listeners on ephemeral ports, a real local
 * CA, SQLite files in a temporary directory or a fresh PostgreSQL schema set.
 */
export class Harness {
  private constructor(
    readonly meridian: Meridian,
    readonly dataDir: string,
    private readonly schemaPrefix: string | undefined,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const dataDir = mkdtempSync(join(tmpdir(), 'meridian-test-'));
    const engine = options.engine ?? 'sqlite';
    const schemaPrefix = engine === 'postgres' ? `t${randomBytes(5).toString('hex')}` : undefined;
    const regions = (options.regions ?? ['us', 'we', 'gov']).map((code) => findDataCenter(code)!);
    const config = configFromEnvironment(
      {},
      {
        dataDir,
        basePort: 0,
        regions,
        demo: false,
        logLevel: 'silent',
        ...(schemaPrefix ? { databaseUrl: POSTGRES_URL, postgresSchemaPrefix: schemaPrefix } : {}),
        ...(options.redis ? { redisUrl: REDIS_URL } : {}),
        ...options.config,
      },
    );
    const meridian = await Meridian.start(config, { logger: pino({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}) });
    return new Harness(meridian, dataDir, schemaPrefix);
  }

  get fetch(): typeof fetch {
    return this.meridian.fetch;
  }

  get caPem(): string {
    return readFileSync(this.meridian.caCertificatePath!, 'utf8');
  }

  identityUrl(environment: 'commercial' | 'gov' | 'aos2' | 'fedramp' = 'commercial'): string {
    return this.meridian.identities.get(environment)!.url;
  }

  regionUrl(code: string): string {
    return this.meridian.regions.get(code)!.url;
  }

  /** A tenant with an app holding `permissions` and a one-year secret, made through the directory. */
  /** `id` fixes the tenant id, and so the simulated world built from it, for a test that needs one particular draw. */
  async tenantWithApp(permissions: string[], region = 'us', name = `tenant-${randomBytes(4).toString('hex')}`, id?: string): Promise<TestApp> {
    const environment = findDataCenter(region)!.environment;
    const directory = this.meridian.identities.get(environment)!.directory;
    const tenant = await directory.createTenant({ name, region, id }, { name: 'test' });
    const { app, clientSecret } = await directory.createApp(tenant.id, { name: 'test app', permissions, secretYears: 1 }, { name: 'test' });
    return { tenantId: tenant.id, clientId: app.clientId, clientSecret: clientSecret! };
  }

  /** POST /connect/token with client_secret_post; returns status and parsed body. */
  async requestToken(form: Record<string, string>, environment: 'commercial' | 'gov' = 'commercial', headers: Record<string, string> = {}) {
    const response = await this.fetch(`${this.identityUrl(environment)}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async token(app: TestApp, scope?: string, environment: 'commercial' | 'gov' = 'commercial'): Promise<string> {
    const result = await this.requestToken(
      { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret, ...(scope ? { scope } : {}) },
      environment,
    );
    if (result.status !== 200) throw new Error(`token request failed: ${JSON.stringify(result.body)}`);
    return result.body.access_token as string;
  }

  /** A producer token for a tenant, as product services and the simulator use. */
  async producerToken(tenantId: string, region = 'us'): Promise<string> {
    const identity = this.meridian.identities.get(findDataCenter(region)!.environment)!;
    const token = await identity.issuer.issue({ clientId: 'test-producer', appName: 'test producer', tenantId, tenantRegion: region, scopes: [PRODUCER_PERMISSION] });
    return token.access_token;
  }

  async get(url: string, token?: string, headers: Record<string, string> = {}) {
    const response = await this.fetch(url, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined, text };
  }

  async send(method: string, url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
    const response = await this.fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  async close(): Promise<void> {
    await this.meridian.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.schemaPrefix) await dropPostgresSchemas(this.schemaPrefix);
  }
}

/** Drops every PostgreSQL schema a Meridian made with this prefix. */
export async function dropPostgresSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
    for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
  } finally {
    await client.end();
  }
}

/**
 * Storage that outlives one Harness: pass `config` to each Harness.start to test a restart on
 * the same data (SQLite files or PostgreSQL schemas); `remove` deletes it afterwards.
 */
export function durableStorage(engine: TestEngine): { config: Partial<MeridianConfig>; remove(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-durable-'));
  const schemaPrefix = `d${randomBytes(5).toString('hex')}`;
  return {
    config: { dataDir, ...(engine === 'postgres' ? { postgresSchemaPrefix: schemaPrefix } : {}) },
    async remove() {
      rmSync(dataDir, { recursive: true, force: true });
      if (engine === 'postgres') await dropPostgresSchemas(schemaPrefix);
    },
  };
}
