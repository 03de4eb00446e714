import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { CuttableProxy } from '../support/cuttable-proxy.js';
import { POSTGRES_URL, postgresAvailable } from '../support/services.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { POSTGRES_CONNECT_TIMEOUT_MS } from '../../src/storage/database.js';
import { REDIS_COMMAND_TIMEOUT_MS } from '../../src/runtime/meridian.js';
import { READINESS_TIMEOUT_MS } from '../../src/platform/operations.js';

/**
 * A node that loses PostgreSQL or Redis: PostgreSQL behind a proxy the test cuts (refused,
 * then black-holed), and a Redis of the test's own on a spare port, killed and started
 * again. The node answers 503 with Retry-After within the stated bounds, never a 500, tells
 * /ready from /health, and recovers by itself.
 */
const SLACK_MS = 2000;

describe.runIf(postgresAvailable)('a node that loses PostgreSQL or Redis', () => {
  let harness: Harness;
  let postgres: CuttableProxy;
  let redis: OwnRedis;
  let app: TestApp;
  /** An app no token was asked for yet: identity has to read it from PostgreSQL. */
  let unread: TestApp;
  let certApp: TestApp;
  let certificate: ClientCertificate;
  let token: string;

  beforeAll(async () => {
    const target = new URL(POSTGRES_URL);
    postgres = await CuttableProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(POSTGRES_URL);
    proxied.host = `127.0.0.1:${postgres.port}`;
    redis = await OwnRedis.start();
    harness = await Harness.start({ engine: 'postgres', regions: ['us'], config: { databaseUrl: proxied.toString(), redisUrl: `redis://127.0.0.1:${redis.port}` } });
    app = await harness.tenantWithApp(['audit.read.all']);
    token = await harness.token(app);
    unread = await harness.tenantWithApp(['audit.read.all']);
    certificate = await makeClientCertificate();
    certApp = await harness.tenantWithApp(['audit.read.all']);
    await harness.meridian.identities.get('commercial')!.directory.addCertificate(certApp.clientId, certificate.certPem, { name: 'test' });
  }, 180_000);
  afterAll(async () => {
    await postgres?.forward();
    await harness?.close();
    await postgres?.close();
    await redis?.stop();
  }, 60_000);

  const audit = () => harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, token);
  const ready = (base: string) => harness.get(`${base}/ready`);
  const assertionForm = async () => ({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await signAssertion(certificate, { clientId: certApp.clientId, audience: `${harness.identityUrl()}/connect/token` }),
  });
  const timed = async <T>(call: () => Promise<T>) => {
    const started = Date.now();
    const value = await call();
    return { value, ms: Date.now() - started };
  };

  it('is ready while its stores answer', async () => {
    for (const base of [harness.regionUrl('us'), harness.identityUrl()]) {
      const result = await ready(base);
      expect(result.status).toBe(200);
      expect(result.body.checks).toEqual({ database: 'ok', redis: 'ok' });
    }
    expect((await audit()).status).toBe(200);
  });

  it('answers 503 with Retry-After while PostgreSQL refuses connections, stays live, and recovers when it returns', async () => {
    await postgres.refuse();
    try {
      const { value: refused, ms } = await timed(audit);
      expect(refused.status, refused.text).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ statusCode: 503, traceId: expect.any(String) });
      expect(refused.text).not.toMatch(/ECONNREFUSED|at .*\.ts/);
      expect(ms).toBeLessThan(POSTGRES_CONNECT_TIMEOUT_MS + SLACK_MS);
      const token503 = await harness.requestToken({ grant_type: 'client_credentials', client_id: unread.clientId, client_secret: unread.clientSecret });
      expect(token503.status).toBe(503);
      expect(token503.body.error).toBe('temporarily_unavailable');
      expect(token503.headers.get('retry-after')).toBeTruthy();
      // A client the node has cached still gets tokens: no change of it can be committed while the node cannot see one.
      const cached = await harness.requestToken({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
      expect(cached.status).toBe(200);
      const notReady = await ready(harness.regionUrl('us'));
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks).toEqual({ database: 'unreachable', redis: 'ok' });
      expect((await harness.get(`${harness.regionUrl('us')}/health`)).status).toBe(200);
    } finally {
      await postgres.forward();
    }
    await waitFor(async () => (await audit()).status === 200);
    expect((await ready(harness.regionUrl('us'))).status).toBe(200);
    expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret })).status).toBe(200);
  }, 60_000);

  it('answers 503 within the connect timeout when PostgreSQL stops answering (a cut network), not a hang', async () => {
    await postgres.blackhole();
    try {
      const { value: cut, ms } = await timed(audit);
      expect(cut.status, cut.text).toBe(503);
      expect(cut.headers.get('retry-after')).toBeTruthy();
      expect(ms).toBeLessThan(POSTGRES_CONNECT_TIMEOUT_MS + SLACK_MS);
      const { value: probe, ms: probeMs } = await timed(() => ready(harness.regionUrl('us')));
      expect(probe.status).toBe(503);
      expect(probeMs).toBeLessThan(READINESS_TIMEOUT_MS + SLACK_MS);
    } finally {
      await postgres.forward();
    }
    await waitFor(async () => (await audit()).status === 200);
  }, 60_000);

  it('answers 503 where Redis is needed while it is down, reports not ready, and reconnects by itself', async () => {
    await redis.kill();
    try {
      const { value: refused, ms } = await timed(async () => harness.requestToken(await assertionForm()));
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect(ms).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + SLACK_MS);
      const notReady = await ready(harness.identityUrl());
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks).toEqual({ database: 'ok', redis: 'unreachable' });
      // The rate limit fails open: a region read needs PostgreSQL only.
      expect((await audit()).status).toBe(200);
    } finally {
      await redis.restart();
    }
    await waitFor(async () => (await ready(harness.identityUrl())).status === 200);
    expect((await harness.requestToken(await assertionForm())).status).toBe(200);
  }, 60_000);
});

/** A redis-server of the test's own on a spare port, without persistence. */
class OwnRedis {
  private process: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const redis = new OwnRedis(port);
    await redis.restart();
    return redis;
  }

  async restart(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = net.connect({ host: '127.0.0.1', port: this.port });
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
    );
  }

  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
