import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/platform/http-client.js';
import type { Endpoints } from '../../src/runtime/meridian.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';
import { record } from './fixture.js';

const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

/**
 * A real Meridian process, killed with SIGKILL straight after it acknowledged a write:
 * whatever it acknowledged must be there when it starts again.
 */
class Server {
  private child: ChildProcess | undefined;
  endpoints!: Endpoints;
  fetch!: typeof fetch;
  private output = '';

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    const file = join(this.dataDir, 'endpoints.json');
    rmSync(file, { force: true });
    this.output = '';
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, MERIDIAN_DATA_DIR: this.dataDir, MERIDIAN_BASE_PORT: '0', MERIDIAN_REGIONS: 'us', MERIDIAN_DEMO: '0', MERIDIAN_GLOBAL: '0', MERIDIAN_LOG_LEVEL: 'warn', MERIDIAN_ADMIN_KEY: '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    const until = Date.now() + 60_000;
    while (!existsSync(file) || !/Meridian is running/.test(this.output)) {
      if (child.exitCode !== null) throw new Error(`Meridian exited: ${this.output}`);
      if (Date.now() > until) throw new Error(`Meridian did not start: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    this.fetch = createHttpClient(readFileSync(this.endpoints.caCertificate!, 'utf8'));
  }

  /** No shutdown, no flush: the process is gone the instant the signal lands. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  get region(): string {
    return this.endpoints.regions.us!;
  }

  get identity(): string {
    return this.endpoints.identity!;
  }

  async call(method: string, url: string, token: string | undefined, body?: unknown) {
    const response = await this.fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined, text };
  }

  adminKey(): string {
    return readFileSync(join(this.dataDir, 'admin-key'), 'utf8').trim();
  }
}

describe.each(ENGINES)('acknowledged Opus writes survive kill -9 on %s', (engine) => {
  let server: Server;
  let dataDir: string;
  let schemaPrefix: string | undefined;
  let tenantId: string;
  let app: { clientId: string; clientSecret: string };
  let connectionId: string;

  const token = async () => {
    const response = await server.fetch(`${server.identity}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString(),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const producerToken = async () => (await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/producer-token`, server.adminKey())).body.access_token as string;
  const lookup = async (rowKey: string) => (await server.call('GET', `${server.region}/admin/opus/records?connectionId=${connectionId}&rowKey=${rowKey}`, await producerToken())).body;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meridian-opus-kill-'));
    schemaPrefix = engine === 'postgres' ? `k${randomBytes(5).toString('hex')}` : undefined;
    server = new Server(dataDir, schemaPrefix ? { MERIDIAN_DATABASE_URL: POSTGRES_URL, MERIDIAN_PG_SCHEMA_PREFIX: schemaPrefix } : {});
    await server.start();
    const tenant = await server.call('POST', `${server.identity}/admin/tenants`, server.adminKey(), { name: 'Durable', region: 'us' });
    expect(tenant.status, tenant.text).toBe(201);
    tenantId = tenant.body.id;
    const created = await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/apps`, server.adminKey(), { name: 'connector', permissions: ['records.readwrite.all', 'audit.read.all'], secretYears: 1 });
    expect(created.status, created.text).toBe(201);
    app = { clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    const producer = await producerToken();
    connectionId = (await server.call('POST', `${server.region}/admin/opus/connections`, producer, { name: 'Durable', columns: [{ name: 'Amount', type: 'Number' }] })).body.id;
    expect((await server.call('POST', `${server.region}/admin/opus/terms`, producer, { path: 'Keep/Short', retainDays: 1, after: 'created' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    if (schemaPrefix) {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${schemaPrefix}\\_%`]);
        for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
      } finally {
        await client.end();
      }
    }
  });

  it('keeps every record acknowledged with 201, even with other submissions in flight', async () => {
    const bearer = await token();
    const acknowledged: string[] = [];
    let killed = false;
    const submissions = Array.from({ length: 24 }, (_, batch) =>
      server
        .call('POST', `${server.region}/records/connector/records`, bearer, {
          id: connectionId,
          conflictOption: 'Overwrite',
          data: Array.from({ length: 15 }, (_, i) => record(`k-${batch}-${i}`, { term: 'Keep/Short', extra: { _Amount: batch * 100 + i } })),
        })
        .then(async (result) => {
          if (result.status === 201) acknowledged.push(...Array.from({ length: 15 }, (_, i) => `k-${batch}-${i}`));
          // SIGKILL the moment the sixth acknowledgement is in, whatever else is in flight.
          if (acknowledged.length >= 6 * 15 && !killed) {
            killed = true;
            await server.kill();
          }
        })
        .catch(() => undefined),
    );
    await Promise.all(submissions);
    expect(killed).toBe(true);
    const snapshot = [...acknowledged];
    await server.start();
    const bearerAfter = await token();
    const found = new Set<string>();
    let startIndex = '';
    for (;;) {
      const page = await server.call('GET', `${server.region}/records/connector/records?id=${connectionId}&disposalDueDate=2999-01-01&itemsPerPage=100&startIndex=${encodeURIComponent(startIndex)}`, bearerAfter);
      expect(page.status, page.text).toBe(200);
      for (const item of page.body.queriedItems) found.add(item.rowKey);
      if (!page.body.startIndex) break;
      startIndex = page.body.startIndex;
    }
    const missing = snapshot.filter((key) => !found.has(key));
    expect(missing).toEqual([]);
    expect(snapshot.length).toBeGreaterThanOrEqual(90);
    const one = await lookup(snapshot[0]!);
    expect(one.record.customValues._Amount).toEqual(expect.any(Number));
  }, 180_000);

  it('keeps a destruction acknowledged with 200: the tombstone and its audit record', async () => {
    const bearer = await token();
    expect((await server.call('POST', `${server.region}/records/connector/records`, bearer, { id: connectionId, conflictOption: 'Overwrite', data: [record('gone-1', { term: 'Keep/Short' })] })).status).toBe(201);
    const destroyed = await server.call('DELETE', `${server.region}/records/connector/records`, bearer, { disposalIds: ['gone-1'] });
    expect(destroyed.status).toBe(200);
    await server.kill();
    await server.start();
    const found = await lookup('gone-1');
    expect(found).toMatchObject({ status: 'Destroyed', tombstone: { rowKey: 'gone-1', destroyedBy: app.clientId } });
    // The audit record was committed with the destruction; the outbox delivers it after the restart.
    const bearerAfter = await token();
    const until = Date.now() + 30_000;
    for (;;) {
      const page = await server.call('GET', `${server.region}/aos/audit?startTime=${new Date(Date.now() - 600_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=AvePointRecords`, bearerAfter);
      if (page.body?.data?.some((item: any) => item.actionName === 'Destroy record' && item.objectName === 'gone-1')) break;
      if (Date.now() > until) throw new Error(`no audit record: ${page.text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  it('keeps a hold, a review decision and a restore job acknowledged just before the kill', async () => {
    const producer = await producerToken();
    const hold = await server.call('POST', `${server.region}/admin/opus/holds`, producer, { name: 'Kept', connectionId, rowKeys: ['k-0-0'] });
    expect(hold.status).toBe(201);
    await server.kill();
    await server.start();
    expect((await lookup('k-0-0')).record.onHold).toBe(true);

    const bearer = await token();
    expect((await server.call('POST', `${server.region}/admin/opus/terms`, await producerToken(), { path: 'Keep/Reviewed', retainDays: 1, after: 'created', approval: true })).status).toBe(201);
    expect((await server.call('POST', `${server.region}/records/connector/records`, bearer, { id: connectionId, conflictOption: 'Overwrite', data: [record('reviewed-1', { term: 'Keep/Reviewed' })] })).status).toBe(201);
    const decided = await server.call('POST', `${server.region}/admin/opus/reviews`, await producerToken(), { connectionId, rowKeys: ['reviewed-1'], decision: 'approve', reviewer: 'maria@contoso.com' });
    expect(decided.body.value[0].decision).toBe('approved');
    await server.kill();
    await server.start();
    expect((await lookup('reviewed-1')).record).toMatchObject({ reviewDecision: 'approved', reviewedBy: 'maria@contoso.com' });

    await server.call('POST', `${server.region}/producer/opus/archived-data`, await producerToken(), { value: [{ scopeType: 'SiteCollection', scope: 'https://contoso.sharepoint.com/sites/Kept', hasArchivedData: true }] });
    const started = await server.call('POST', `${server.region}/api/restore/RestoreSiteCollection`, await token(), { scope: 'https://contoso.sharepoint.com/sites/Kept' });
    expect(started.status).toBe(200);
    await server.kill();
    await server.start();
    const status = await server.call('GET', `${server.region}/api/restore/GetRestoreJobStatus?jobId=${started.body.jobId}`, await token());
    expect(status.body).toMatchObject({ success: true, job: { id: started.body.jobId, status: 0 } });
  }, 180_000);
});
