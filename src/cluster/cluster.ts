import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createHttpClient } from '../platform/http-client.js';
import { randomHex, randomToken } from '../platform/ids.js';
import { ensureLocalTls } from '../platform/tls/local-ca.js';
import { findDataCenter } from '../topology/data-centers.js';
import { regionVariable } from '../runtime/config-checks.js';
import { freePort, TcpLoadBalancer } from './load-balancer.js';

/**
 * The local recipe of a production deployment: identity, data centers and the global
 * endpoint as separate node processes on one PostgreSQL database and one Redis, several
 * nodes of a part behind one TCP load balancer (its public URL), sharing the paging secret and
 * one certificate; identity nodes share the admin key, the others hold service credentials. `meridian cluster`, the cluster tests and the cluster
 * benchmark all start it from here.
 */
export interface ClusterOptions {
  /** Data directories, the certificate and every node's log. */
  dir: string;
  databaseUrl: string;
  redisUrl: string;
  /** PostgreSQL schemas of this cluster start with it (a fresh one per run by default). */
  schemaPrefix?: string;
  identityNodes?: number;
  /** Nodes per data center; the recipe: 2 of us, 1 of we. */
  regions?: Record<string, number>;
  globalNodes?: number;
  /** Settings every node gets besides the recipe's (rate limits, log level...). */
  env?: Record<string, string>;
  /** How long a node may take to answer /ready. */
  startTimeoutMs?: number;
}

export type ClusterPart = 'identity' | 'global' | { region: string };

const BIN = resolve(fileURLToPath(new URL('../../bin/meridian.mjs', import.meta.url)));

export class ClusterNode {
  process: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly name: string,
    readonly part: ClusterPart,
    readonly port: number,
    /** Its settings; a node started again (after a kill) starts with them. */
    readonly env: Record<string, string>,
    readonly logFile: string,
    private readonly http: typeof globalThis.fetch,
  ) {}

  /** This node's own address (not its part's load balancer). */
  get url(): string {
    return `https://localhost:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async start(timeoutMs: number): Promise<void> {
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'start'], { env: { PATH: process.env.PATH ?? '', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.process = child;
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`Node ${this.name} exited with ${exitCode} while starting:\n${this.logTail()}`);
      try {
        const response = await this.http(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Node ${this.name} was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  /** kill -9: no shutdown hook runs, leases and connections are left as a crash leaves them. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill(signal);
    await this.exited;
  }

  /** A graceful stop (SIGTERM), cut with SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.log?.end();
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export class LocalCluster {
  private constructor(
    readonly options: ClusterOptions,
    readonly schemaPrefix: string,
    readonly adminKey: string,
    readonly caPem: string,
    readonly fetch: typeof globalThis.fetch,
    /** Each part's public URL: its load balancer. */
    readonly urls: { identity: string; global: string | undefined; regions: Record<string, string> },
    readonly nodes: ClusterNode[],
    private readonly balancers: TcpLoadBalancer[],
  ) {}

  static async start(options: ClusterOptions): Promise<LocalCluster> {
    const dir = resolve(options.dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tls = await ensureLocalTls(join(dir, 'tls'), ['localhost', '127.0.0.1']);
    const fetch = createHttpClient(tls.caPem);
    const schemaPrefix = options.schemaPrefix ?? `c${randomHex(5)}`;
    const adminKey = randomToken(32);
    const regions = options.regions ?? { us: 2, we: 1 };
    for (const code of Object.keys(regions)) if (!findDataCenter(code)) throw new Error(`Unknown data center '${code}'`);

    const parts: Array<{ part: ClusterPart; key: string; count: number }> = [
      { part: 'identity', key: 'identity', count: options.identityNodes ?? 2 },
      ...Object.entries(regions).map(([code, count]) => ({ part: { region: code } as ClusterPart, key: code, count })),
      { part: 'global', key: 'global', count: options.globalNodes ?? 1 },
    ];
    const publicPorts: Record<string, number> = {};
    for (const { key, count } of parts) if (count > 0) publicPorts[key] = await freePort();
    const publicUrl = (key: string) => `https://localhost:${publicPorts[key]}`;
    const shared: Record<string, string> = {
      MERIDIAN_HOST: '127.0.0.1',
      MERIDIAN_DATABASE_URL: options.databaseUrl,
      MERIDIAN_PG_SCHEMA_PREFIX: schemaPrefix,
      MERIDIAN_REDIS_URL: options.redisUrl,
      MERIDIAN_TLS_CERT: join(dir, 'tls', 'server.pem'),
      MERIDIAN_TLS_KEY: join(dir, 'tls', 'server-key.pem'),
      MERIDIAN_CA_CERT: tls.caCertPath,
      MERIDIAN_PAGING_SECRET: randomToken(32),
      MERIDIAN_IDENTITY_URL_COMMERCIAL: publicUrl('identity'),
      MERIDIAN_DEMO: '0',
      MERIDIAN_LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.keys(regions).map((code) => [regionVariable(code), publicUrl(code)])),
      ...(publicPorts.global ? { MERIDIAN_GLOBAL_URL: publicUrl('global') } : {}),
      ...options.env,
    };

    const nodes: ClusterNode[] = [];
    const balancers: TcpLoadBalancer[] = [];
    const cluster = new LocalCluster(
      options,
      schemaPrefix,
      adminKey,
      tls.caPem,
      fetch,
      { identity: publicUrl('identity'), global: publicPorts.global ? publicUrl('global') : undefined, regions: Object.fromEntries(Object.keys(regions).map((code) => [code, publicUrl(code)])) },
      nodes,
      balancers,
    );
    try {
      const byKey = new Map<string, ClusterNode[]>();
      for (const { part, key, count } of parts) {
        const group: ClusterNode[] = [];
        for (let index = 1; index <= count; index++) {
          const name = `${key}-${index}`;
          const port = await freePort();
          const env: Record<string, string> = {
            ...shared,
            MERIDIAN_DATA_DIR: join(dir, name),
            MERIDIAN_PORT: String(port),
            MERIDIAN_IDENTITIES: part === 'identity' ? 'commercial' : 'none',
            MERIDIAN_REGIONS: typeof part === 'object' ? part.region : 'none',
            MERIDIAN_GLOBAL: part === 'global' ? '1' : '0',
            // The admin key stays with identity; the other parts hold service credentials of their own.
            ...(part === 'identity' ? { MERIDIAN_ADMIN_KEY: adminKey } : {}),
          };
          group.push(new ClusterNode(name, part, port, env, join(dir, `${name}.log`), fetch));
        }
        byKey.set(key, group);
        nodes.push(...group);
        if (count > 0) balancers.push(await TcpLoadBalancer.start(publicPorts[key]!, group.map((node) => node.port)));
      }
      const timeout = options.startTimeoutMs ?? 90_000;
      // Identity first: the other nodes verify its tokens and hold a service credential of it.
      await Promise.all(byKey.get('identity')!.map((node) => node.start(timeout)));
      const credentials = {
        regions: await cluster.admin<{ clientId: string; clientSecret: string }>('POST', '/service-credentials', { name: 'cluster regions', dataCenters: Object.keys(regions), roles: ['producer'] }),
        global: await cluster.admin<{ clientId: string; clientSecret: string }>('POST', '/service-credentials', { name: 'cluster global endpoint', dataCenters: Object.keys(regions), roles: ['global'] }),
      };
      for (const node of nodes) {
        if (node.part === 'identity') continue;
        const credential = node.part === 'global' ? credentials.global : credentials.regions;
        Object.assign(node.env, { MERIDIAN_SERVICE_CLIENT_ID: credential.clientId, MERIDIAN_SERVICE_CLIENT_SECRET: credential.clientSecret });
      }
      await Promise.all(nodes.filter((node) => node.part !== 'identity').map((node) => node.start(timeout)));
      return cluster;
    } catch (error) {
      await cluster.stop({ dropSchemas: true });
      throw error;
    }
  }

  /** The nodes of a part: `identity`, `global` or a data center code. */
  nodesOf(key: string): ClusterNode[] {
    return this.nodes.filter((node) => (typeof node.part === 'object' ? node.part.region : node.part) === key);
  }

  /** Calls identity's admin API through its load balancer. */
  async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetch(`${this.urls.identity}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Admin ${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async stop(options: { dropSchemas?: boolean } = {}): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop().catch(() => undefined)));
    for (const balancer of this.balancers) await balancer.close().catch(() => undefined);
    if (options.dropSchemas) await dropSchemasWithPrefix(this.options.databaseUrl, this.schemaPrefix);
  }
}

export async function dropSchemasWithPrefix(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
    for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
  } finally {
    await client.end();
  }
}
