import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, type ClusterNode } from '../../src/cluster/cluster.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { POSTGRES_URL, REDIS_URL, postgresAvailable, redisAvailable } from '../support/services.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CACHE = 'identity-commercial-clients';

/**
 * Two identity nodes (separate processes) on one PostgreSQL and Redis, each caching the
 * clients it reads for the token endpoint. Every change is made at node A and the very next
 * request goes to node B, whose cache holds the client from before the change: B must answer
 * as the database does now — a removed secret or certificate refused, a new one accepted.
 */
describe.runIf(postgresAvailable && redisAvailable)('the per-node client cache across two identity nodes', () => {
  let cluster: LocalCluster;
  let dir: string;
  let nodeA: ClusterNode;
  let nodeB: ClusterNode;
  let tenantId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-client-cache-'));
    cluster = await LocalCluster.start({ dir, databaseUrl: POSTGRES_URL, redisUrl: REDIS_URL, identityNodes: 2, regions: { us: 1 }, globalNodes: 0 });
    [nodeA, nodeB] = cluster.nodesOf('identity') as [ClusterNode, ClusterNode];
    tenantId = (await cluster.admin<{ id: string }>('POST', '/tenants', { name: `cache-${randomBytes(4).toString('hex')}`, region: 'us' })).id;
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop({ dropSchemas: true });
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** An admin call at one node, not through the load balancer. */
  const adminAt = async <T>(node: ClusterNode, method: string, path: string, body?: unknown): Promise<T> => {
    const response = await cluster.fetch(`${node.url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${cluster.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status, text).toBeLessThan(300);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const tokenAt = async (node: ClusterNode, form: Record<string, string>) => {
    const response = await cluster.fetch(`${node.url}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };
  const withSecret = (clientId: string, secret: string) => ({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const withAssertion = async (clientId: string, certificate: ClientCertificate) => ({
    grant_type: 'client_credentials',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await signAssertion(certificate, { clientId, audience: `${cluster.urls.identity}/connect/token` }),
  });
  const cacheHits = async (node: ClusterNode) => {
    const text = await (await cluster.fetch(`${node.url}/metrics`)).text();
    const line = text.split('\n').find((row) => row.startsWith('meridian_cache_lookups_total{') && row.includes(`cache="${CACHE}"`) && row.includes('result="hit"'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  /** Token requests at B until its cache serves the client (the subscription comes up just after start). */
  const warmAtB = async (form: () => Promise<Record<string, string>> | Record<string, string>) => {
    const before = await cacheHits(nodeB);
    for (let attempt = 0; attempt < 50 && (await cacheHits(nodeB)) <= before; attempt++) {
      const answer = await tokenAt(nodeB, await form());
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await cacheHits(nodeB), `node B serves the client from its cache; its log:\n${nodeB.logTail()}`).toBeGreaterThan(before);
  };

  it('accepts a secret added at A, and refuses a secret removed at A, at B at once', async () => {
    const created = await adminAt<{ clientId: string; clientSecret: string; app: { secrets: Array<{ id: string }> } }>(nodeA, 'POST', `/tenants/${tenantId}/apps`, { name: 'cached', permissions: ['audit.read.all'], secretYears: 1 });
    const first = { secret: created.clientSecret, id: created.app.secrets[0]!.id };
    await warmAtB(() => withSecret(created.clientId, first.secret));

    const added = await adminAt<{ clientSecret: string; secret: { id: string } }>(nodeA, 'POST', `/apps/${created.clientId}/secrets`, { years: 1 });
    expect((await tokenAt(nodeB, withSecret(created.clientId, added.clientSecret))).status).toBe(200);

    await warmAtB(() => withSecret(created.clientId, first.secret));
    await adminAt(nodeA, 'DELETE', `/apps/${created.clientId}/secrets/${first.id}`);
    const removed = await tokenAt(nodeB, withSecret(created.clientId, first.secret));
    expect(removed.status).toBe(401);
    expect(removed.body.error).toBe('invalid_client');
    expect((await tokenAt(nodeB, withSecret(created.clientId, added.clientSecret))).status).toBe(200);

    // Rotation the other way round, and then the app itself deleted at A.
    const rotated = await adminAt<{ clientSecret: string; secret: { id: string } }>(nodeA, 'POST', `/apps/${created.clientId}/secrets`, { years: 2 });
    await adminAt(nodeA, 'DELETE', `/apps/${created.clientId}/secrets/${added.secret.id}`);
    expect((await tokenAt(nodeB, withSecret(created.clientId, added.clientSecret))).status).toBe(401);
    expect((await tokenAt(nodeB, withSecret(created.clientId, rotated.clientSecret))).status).toBe(200);
    await adminAt(nodeA, 'DELETE', `/apps/${created.clientId}`);
    expect((await tokenAt(nodeB, withSecret(created.clientId, rotated.clientSecret))).status).toBe(401);
  }, 60_000);

  it('accepts a certificate uploaded at A, and refuses one removed at A, at B at once', async () => {
    const [oldCertificate, newCertificate] = await Promise.all([makeClientCertificate(), makeClientCertificate()]);
    const created = await adminAt<{ clientId: string }>(nodeA, 'POST', `/tenants/${tenantId}/apps`, { name: 'cached certificate', permissions: ['audit.read.all'], certificate: oldCertificate.certPem });
    await warmAtB(() => withAssertion(created.clientId, oldCertificate));

    const uploaded = await adminAt<{ id: string }>(nodeA, 'POST', `/apps/${created.clientId}/certificates`, { certificate: newCertificate.certPem });
    expect((await tokenAt(nodeB, await withAssertion(created.clientId, newCertificate))).status).toBe(200);

    await warmAtB(() => withAssertion(created.clientId, oldCertificate));
    await adminAt(nodeA, 'DELETE', `/apps/${created.clientId}/certificates/${oldCertificate.thumbprintSha1}`);
    const removed = await tokenAt(nodeB, await withAssertion(created.clientId, oldCertificate));
    expect(removed.status).toBe(401);
    expect(removed.body.error).toBe('invalid_client');
    expect((await tokenAt(nodeB, await withAssertion(created.clientId, newCertificate))).status).toBe(200);
    await adminAt(nodeA, 'DELETE', `/apps/${created.clientId}/certificates/${uploaded.id}`);
    expect((await tokenAt(nodeB, await withAssertion(created.clientId, newCertificate))).status).toBe(401);
  }, 60_000);
});
