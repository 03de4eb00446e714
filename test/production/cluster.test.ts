import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type ClusterNode } from '../../src/cluster/cluster.js';
import { M365_RESTORE_LEASE_MS } from '../../src/backup/m365/restore/restore-job.js';
import { makeClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { POSTGRES_URL, REDIS_URL, postgresAvailable, redisAvailable } from '../support/services.js';

/**
 * The production shape with real processes: the local recipe of docs/deployment.md (2
 * identity nodes, 2 nodes of us, 1 of we, 1 global) on one PostgreSQL and one Redis, each
 * part behind its load balancer. Tests call a node directly where it matters which node
 * answers, and the part's public URL where it must not.
 */
const TOKEN_LIMIT = 40;
const REGION_LIMIT = 60;
const KEY_CACHE_MS = 2000;

describe.runIf(postgresAvailable && redisAvailable)('a cluster of separate node processes on one PostgreSQL and Redis', () => {
  let cluster: LocalCluster;
  let dir: string;
  let identity1: ClusterNode;
  let identity2: ClusterNode;
  let us1: ClusterNode;
  let us2: ClusterNode;
  const secrets: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-cluster-'));
    cluster = await LocalCluster.start({
      dir,
      databaseUrl: POSTGRES_URL,
      redisUrl: REDIS_URL,
      env: {
        MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE: String(TOKEN_LIMIT),
        MERIDIAN_RATE_LIMIT_PER_MINUTE: String(REGION_LIMIT),
        MERIDIAN_SIGNING_KEY_CACHE_MS: String(KEY_CACHE_MS),
        // Every request's line is logged, so the test can read what the logs hold.
        MERIDIAN_LOG_LEVEL: 'debug',
      },
    });
    [identity1, identity2] = cluster.nodesOf('identity') as [ClusterNode, ClusterNode];
    [us1, us2] = cluster.nodesOf('us') as [ClusterNode, ClusterNode];
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop({ dropSchemas: true });
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const http = (url: string, init: RequestInit = {}) => cluster.fetch(url, init);
  const get = async (url: string, token: string) => {
    const response = await http(url, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
  };
  const tokenAt = async (base: string, form: Record<string, string>) => {
    const response = await http(`${base}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const secretToken = async (base: string, app: App) => {
    const result = await tokenAt(base, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return result.body.access_token!;
  };
  interface App {
    tenantId: string;
    clientId: string;
    clientSecret: string;
  }
  const tenantWithApp = async (permissions: string[], region = 'us', certificate?: string): Promise<App> => {
    const tenant = await cluster.admin<{ id: string }>('POST', '/tenants', { name: `cluster-${randomBytes(4).toString('hex')}`, region });
    const created = await cluster.admin<{ clientId: string; clientSecret?: string }>('POST', `/tenants/${tenant.id}/apps`, { name: 'cluster app', permissions, ...(certificate ? { certificate } : { secretYears: 1 }) });
    if (created.clientSecret) secrets.push(created.clientSecret);
    return { tenantId: tenant.id, clientId: created.clientId, clientSecret: created.clientSecret ?? '' };
  };
  const producerToken = async (tenantId: string) => (await cluster.admin<{ access_token: string }>('POST', `/tenants/${tenantId}/producer-token`)).access_token;
  const produce = async (base: string, token: string, path: string, value: unknown[]) => {
    const response = await http(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
    expect(response.status, await response.clone().text()).toBe(200);
  };
  const window = () => `startTime=${new Date(Date.now() - 86_400_000).toISOString()}&endTime=${new Date(Date.now() + 86_400_000).toISOString()}`;
  const auditUrl = (base: string) => `${base}/aos/audit?${window()}`;

  it('accepts a token from either identity node at every node of the data center, issued under the public identity URL', async () => {
    const app = await tenantWithApp(['audit.read.all']);
    for (const issuingNode of [identity1, identity2]) {
      const token = await secretToken(issuingNode.url, app);
      expect(decodeJwt(token).iss).toBe(cluster.urls.identity);
      for (const base of [us1.url, us2.url, cluster.urls.regions.us!, cluster.urls.global!]) {
        const result = await get(auditUrl(base), token);
        expect(result.status, `${issuingNode.name} → ${base}: ${result.text}`).toBe(200);
      }
    }
    const discovery = await (await http(`${identity2.url}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({ issuer: cluster.urls.identity, token_endpoint: `${cluster.urls.identity}/connect/token` });
  });

  it('refuses at one identity node an assertion already used at the other', async () => {
    const certificate = await makeClientCertificate();
    const app = await tenantWithApp(['audit.read.all'], 'us', certificate.certPem);
    const assertion = await signAssertion(certificate, { clientId: app.clientId, audience: `${cluster.urls.identity}/connect/token` });
    const form = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    expect((await tokenAt(identity1.url, form)).status).toBe(200);
    const replayed = await tokenAt(identity2.url, form);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error).toBe('invalid_client');
  });

  it('shares the token rate limit across identity nodes: the 429 comes at the same count wherever requests land', async () => {
    const app = await tenantWithApp(['audit.read.all']);
    const refusedBefore = await sumOver([identity1, identity2], 'meridian_rate_limit_refusals_total', { route: '/connect/token' });
    const statuses: number[] = [];
    for (let index = 0; index < TOKEN_LIMIT + 2; index++) {
      const node = index % 2 === 0 ? identity1 : identity2;
      statuses.push((await tokenAt(node.url, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret })).status);
    }
    expect(statuses.slice(0, TOKEN_LIMIT)).toEqual(Array(TOKEN_LIMIT).fill(200));
    expect(statuses.slice(TOKEN_LIMIT)).toEqual([429, 429]);
    expect((await sumOver([identity1, identity2], 'meridian_rate_limit_refusals_total', { route: '/connect/token' })) - refusedBefore).toBe(2);
  });

  it('shares the per-app limit of a data center across its nodes', async () => {
    const app = await tenantWithApp(['audit.read.all']);
    const token = await secretToken(cluster.urls.identity, app);
    const statuses: number[] = [];
    for (let index = 0; index < REGION_LIMIT + 2; index++) statuses.push((await get(auditUrl(index % 2 === 0 ? us1.url : us2.url), token)).status);
    expect(statuses.slice(0, REGION_LIMIT)).toEqual(Array(REGION_LIMIT).fill(200));
    const refused = await get(auditUrl(us1.url), token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.slice(REGION_LIMIT)).toEqual([429, 429]);
  });

  it('reads at once at one node what another acknowledged, and continues its nextLinks and paging tokens', async () => {
    const app = await tenantWithApp(['audit.read.all']);
    const token = await secretToken(cluster.urls.identity, app);
    const producer = await producerToken(app.tenantId);
    const at = Date.now() - 60_000;
    const records = Array.from({ length: 230 }, (_, index) => ({ id: `cluster-${index}`, actionTime: new Date(at + index).toISOString(), productType: 'Portal', actionName: `Cluster action ${index}` }));
    await produce(us1.url, producer, '/producer/aos/audit-records', records.slice(0, 229));
    await produce(us1.url, producer, '/producer/aos/audit-records', records.slice(229));
    const first = await get(auditUrl(us2.url), token);
    expect(first.status).toBe(200);
    expect(first.body.data.map((record: { actionName: string }) => record.actionName)).toContain('Cluster action 0');
    // nextLinks name the part's public URL, not the node that built them.
    expect(first.body.nextLink.startsWith(`${cluster.urls.regions.us}/aos/audit?`)).toBe(true);
    const names = new Set<string>(first.body.data.map((record: { actionName: string }) => record.actionName));
    let link: string | null = first.body.nextLink;
    let hop = 0;
    while (link) {
      // Alternate the node that follows the link: us-1, then us-2, then the load balancer.
      const base = [us1.url, us2.url, cluster.urls.regions.us!][hop++ % 3]!;
      const page = await get(link.replace(cluster.urls.regions.us!, base), token);
      expect(page.status, page.text).toBe(200);
      for (const record of page.body.data) names.add(record.actionName);
      link = page.body.nextLink;
    }
    expect(hop).toBeGreaterThanOrEqual(2);
    for (const record of records) expect(names.has(record.actionName)).toBe(true);
  });

  it('publishes a key rotated at one identity node before it signs, so no region node refuses a token meanwhile', async () => {
    const apps = [await tenantWithApp(['audit.read.all']), await tenantWithApp(['audit.read.all'])];
    const before = await secretToken(identity1.url, apps[0]!);
    const oldKid = decodeProtectedHeader(before).kid;
    const rotated = (await (await http(`${identity1.url}/admin/signing-keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${cluster.adminKey}` } })).json()) as { kid: string; activatesAt: string };
    const activatesAt = Date.parse(rotated.activatesAt);
    expect(rotated.kid).not.toBe(oldKid);
    expect(activatesAt - Date.now()).toBeGreaterThan(KEY_CACHE_MS);
    const kids = new Set<string>();
    let published = false;
    for (let index = 0; Date.now() < activatesAt + KEY_CACHE_MS + 1500; index++) {
      const token = await secretToken(index % 2 === 0 ? identity1.url : identity2.url, apps[index % 2]!);
      const kid = decodeProtectedHeader(token).kid!;
      kids.add(kid);
      if (kid === rotated.kid && !published) {
        // The first token the new key signed: every identity node already publishes the key.
        for (const node of [identity1, identity2]) {
          const jwks = (await (await http(`${node.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
          expect(jwks.keys.map((key) => key.kid)).toContain(rotated.kid);
        }
        published = true;
      }
      const result = await get(auditUrl(index % 2 === 0 ? us2.url : us1.url), token);
      expect(result.status, `token signed by ${kid}: ${result.text}`).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect([...kids]).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    for (const node of [identity1, identity2]) expect(decodeProtectedHeader(await secretToken(node.url, apps[1]!)).kid).toBe(rotated.kid);
    for (const node of [us1, us2]) expect((await get(auditUrl(node.url), before)).status).toBe(200);
  }, 60_000);

  it('counts requests, tokens and refusals on /metrics, and logs request and trace ids without secrets', async () => {
    const app = await tenantWithApp(['audit.read.all']);
    const token = await secretToken(identity2.url, app);
    const labels = { service: 'region-us', route: '/aos/audit', method: 'GET', status: '200' };
    const servedBefore = metric(await scrape(us1), 'meridian_http_request_duration_seconds_count', labels);
    for (let index = 0; index < 5; index++) expect((await get(auditUrl(us1.url), token)).status).toBe(200);
    const after = await scrape(us1);
    expect(metric(after, 'meridian_http_request_duration_seconds_count', labels) - servedBefore).toBe(5);
    expect(metric(after, 'meridian_db_pool_connections', { store: `${cluster.schemaPrefix}_region_us`, state: 'total' })).toBeGreaterThan(0);
    expect(after).toMatch(/^meridian_jobs\{service="region-us",state="queued"\} \d+/m);
    expect(after).toMatch(/^meridian_jobs_oldest_queued_age_seconds\{service="region-us"\} [\d.]+/m);

    const identityBefore = await scrape(identity1);
    const issuedBefore = metric(identityBefore, 'meridian_tokens_issued_total', { service: 'identity-commercial' });
    const refusedBefore = metric(identityBefore, 'meridian_tokens_refused_total', { service: 'identity-commercial', reason: 'invalid_client' });
    for (let index = 0; index < 3; index++) await secretToken(identity1.url, app);
    for (let index = 0; index < 2; index++) expect((await tokenAt(identity1.url, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: 'wrong' })).status).toBe(401);
    const identityAfter = await scrape(identity1);
    expect(metric(identityAfter, 'meridian_tokens_issued_total', { service: 'identity-commercial' }) - issuedBefore).toBe(3);
    expect(metric(identityAfter, 'meridian_tokens_refused_total', { service: 'identity-commercial', reason: 'invalid_client' }) - refusedBefore).toBe(2);

    const traced = await http(auditUrl(us1.url), { headers: { authorization: `Bearer ${token}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    const requestId = traced.headers.get('request-id')!;
    await traced.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const line = readFileSync(us1.logFile, 'utf8').split('\n').find((entry) => entry.includes(requestId) && entry.includes('request completed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ reqId: requestId, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', route: '/aos/audit', status: 200 });
    for (const node of cluster.nodes) {
      const log = readFileSync(node.logFile, 'utf8');
      expect(log.includes(cluster.adminKey), `${node.name} logged the admin key`).toBe(false);
      for (const secret of secrets) expect(log.includes(secret), `${node.name} logged a client secret`).toBe(false);
      expect(log.includes(token), `${node.name} logged an access token`).toBe(false);
    }
  });

  it('hands a restore job of a node killed with kill -9 to another node, which finishes it once', async () => {
    const app = await tenantWithApp(['microsoft365backup.restore.readwrite.all', 'microsoft365backup.jobInfo.read.all', 'audit.read.all']);
    const token = await secretToken(cluster.urls.identity, app);
    await produce(us1.url, await producerToken(app.tenantId), '/producer/backup/m365/protected-objects', [
      { serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Failover', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' },
    ]);
    const folders = Array.from({ length: 20 }, (_, index) => ({ relativePath: `Failover/Folder-${index}` }));
    const jobIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      const body = {
        serviceType: 1,
        recoveryDateTime: '2026-02-27T03:54:22Z',
        siteRestoreScope: { siteUrl: 'https://contoso.sharepoint.com/sites/Failover', restoreTargets: [{ libraryName: 'Documents', folders: folders.map((folder) => ({ relativePath: `${folder.relativePath}-${index}` })) }] },
      };
      const response = await http(`${cluster.urls.regions.us}/backup/m365/restore/jobs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      jobIds.push(JSON.parse(text).data.jobId);
    }
    const db = new pg.Client({ connectionString: POSTGRES_URL });
    await db.connect();
    const jobsTable = `"${cluster.schemaPrefix}_region_us".kernel_jobs`;
    const jobsOf = async () =>
      (await db.query<{ id: string; state: string; attempt: number; lease_owner: string | null; job_id: string }>(`select id, state, attempt, lease_owner, payload::json->>'jobId' as job_id from ${jobsTable} where tenant_id = $1`, [app.tenantId])).rows;
    const pidOf = (owner: string | null) => (owner ? Number(owner.split('-')[0]) : undefined);
    const usPids = new Set([us1.pid, us2.pid]);
    try {
      const running = await waitFor(async () => (await jobsOf()).find((job) => job.state === 'running' && job.lease_owner), 20_000);
      const victim = [us1, us2].find((node) => node.pid === pidOf(running.lease_owner))!;
      expect(victim).toBeDefined();
      const survivor = victim === us1 ? us2 : us1;
      const victimsJobs = (await jobsOf()).filter((job) => pidOf(job.lease_owner) === victim.pid).map((job) => job.id);
      await victim.kill('SIGKILL');
      const killedAt = Date.now();
      // Taken over within the lease plus a poll; allowed twice that on this loaded machine.
      const handedOver = await waitFor(async () => {
        const job = (await jobsOf()).find((row) => row.id === running.id)!;
        return pidOf(job.lease_owner) === survivor.pid || job.state === 'succeeded' ? job : undefined;
      }, 2 * (M365_RESTORE_LEASE_MS + 1000));
      const handoverMs = Date.now() - killedAt;
      console.info(`restore job ${running.job_id} handed from ${victim.name} to ${survivor.name} in ${handoverMs} ms (lease ${M365_RESTORE_LEASE_MS} ms)`);
      expect(handedOver).toBeDefined();
      const finished = await waitFor(async () => {
        const jobs = await jobsOf();
        for (const job of jobs) if (job.lease_owner) expect(usPids.has(pidOf(job.lease_owner))).toBe(true);
        return jobs.length === 3 && jobs.every((job) => job.state === 'succeeded') ? jobs : undefined;
      }, 90_000);
      for (const job of finished) expect(job.attempt).toBe(victimsJobs.includes(job.id) ? 2 : 1);
      // Finished once each: the job list says Finished and the audit trail has one "finished" record per restore.
      for (const jobId of jobIds) {
        const listed = await get(`${cluster.urls.regions.us}/backup/m365/cloudbackupjobs/${jobId}`, token);
        expect(listed.body.data.state).toBe('Finished');
      }
      const audit = await waitFor(async () => {
        const page = await get(`${auditUrl(cluster.urls.regions.us!)}&productTypes=Office365Backup`, token);
        const ended = page.body.data.filter((record: { objectName: string; actionName: string }) => jobIds.includes(record.objectName) && /finish|complet/i.test(`${record.actionName}`));
        return ended.length >= 3 ? ended : undefined;
      }, 20_000);
      expect(audit.map((record: { objectName: string }) => record.objectName).sort()).toEqual([...jobIds].sort());
    } finally {
      await db.end();
      await cluster.nodesOf('us').find((node) => node.process?.exitCode !== null || node.process?.signalCode !== null)?.start(90_000);
    }
  }, 180_000);

  async function scrape(node: ClusterNode): Promise<string> {
    return (await http(`${node.url}/metrics`)).text();
  }

  async function sumOver(nodes: ClusterNode[], name: string, labels: Record<string, string>): Promise<number> {
    let sum = 0;
    for (const node of nodes) sum += metric(await scrape(node), name, labels);
    return sum;
  }
});

/** The sum of a metric's samples whose labels include `labels` (0 when none). */
function metric(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split('}')[0] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
