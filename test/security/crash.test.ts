import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portFor, type MeridianConfig } from '../../src/runtime/config.js';
import { ENGINES } from '../support/services.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { record } from '../opus/fixture.js';
import { MeridianProcess } from './meridian-process.js';

/**
 * kill -9 during the writes of every module that writes, cycle after cycle: Opus submissions
 * and destructions, backup producer upserts, restore jobs, identity admin changes, and client
 * assertions (whose single use is a write too). Every write acknowledged before the kill must be
 * there after the restart, and every store must open again.
 */
const CYCLES = Number(process.env.MERIDIAN_CRASH_CYCLES ?? 10);
/** Acknowledgements of each kind to wait for before the kill, or this long. A tenant runs at most 3 restores at once. */
const ACKS_BEFORE_KILL = 3;
const RESTORES_BEFORE_KILL = 1;
const MAX_WRITE_MS = 4000;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const JOBS = '/backup/m365/cloudbackupjobs';
const PERMISSIONS = ['records.readwrite.all', 'microsoft365backup.jobInfo.read.all', 'microsoft365backup.restore.readwrite.all'];
const SITE = 'https://contoso.sharepoint.com/sites/Finance';

type Kind = 'opus submit' | 'opus destroy' | 'backup upsert' | 'restore' | 'identity admin';
const KINDS: Kind[] = ['opus submit', 'opus destroy', 'backup upsert', 'restore', 'identity admin'];

interface Acknowledged {
  kind: Kind;
  key: string;
  cycle: number;
  /** Whether the write is there now. */
  present: () => Promise<boolean>;
}

/** A base port whose identity and `us` region ports are free now: the listeners keep their URLs (and assertion audiences) across restarts. */
async function freeBasePort(): Promise<number> {
  const regionOffset = portFor({ basePort: 1 } as MeridianConfig, { region: 'us' }) - 1;
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = net.createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    if (port + regionOffset < 65000 && (await free(port)) && (await free(port + regionOffset))) return port;
  }
  throw new Error('no free base port');
}

describe.each(ENGINES)('kill -9 during writes on %s', (engine) => {
  let server: MeridianProcess;
  let tenantId: string;
  let app: { clientId: string; clientSecret: string };
  let connectionId: string;
  let certificate: ClientCertificate;
  const acknowledged: Acknowledged[] = [];
  const tally = { cycles: 0, failedOpens: 0, lost: [] as string[], replaysAccepted: 0 };

  // Minted once per life of the process: verification must cost lookups, not signatures.
  let session: { app?: Promise<string>; producer?: Promise<string> } = {};
  const appToken = () => (session.app ??= mintAppToken());
  const producerToken = () => (session.producer ??= mintProducerToken());
  const mintAppToken = async () => {
    const answer = await server.token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
    expect(answer.status, answer.text).toBe(200);
    return answer.body.access_token as string;
  };
  const mintProducerToken = async () => (await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/producer-token`, server.adminKey())).body.access_token as string;
  const assertionForm = async () => ({
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER,
    client_assertion: await signAssertion(certificate, { clientId: app.clientId, audience: `${server.identity}/connect/token` }),
  });

  beforeAll(async () => {
    server = new MeridianProcess(engine, { MERIDIAN_BASE_PORT: String(await freeBasePort()) });
    await server.start();
    const admin = server.adminKey();
    const tenant = await server.call('POST', `${server.identity}/admin/tenants`, admin, { name: 'Crash', region: 'us' });
    expect(tenant.status, tenant.text).toBe(201);
    tenantId = tenant.body.id;
    const created = await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/apps`, admin, { name: 'writer', permissions: PERMISSIONS, secretYears: 1 });
    expect(created.status, created.text).toBe(201);
    app = { clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    certificate = await makeClientCertificate();
    expect((await server.call('POST', `${server.identity}/admin/apps/${app.clientId}/certificates`, admin, { certificate: certificate.certPem })).status).toBe(201);
    const producer = await producerToken();
    connectionId = (await server.call('POST', `${server.region}/admin/opus/connections`, producer, { name: 'Crash', columns: [] })).body.id;
    expect((await server.call('POST', `${server.region}/admin/opus/terms`, producer, { path: 'Keep/Short', retainDays: 1, after: 'created' })).status).toBe(201);
    const objects = await server.call('POST', `${server.region}/producer/backup/m365/protected-objects`, producer, { value: [{ serviceType: 1, siteUrl: SITE, libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' }] });
    expect(objects.status, objects.text).toBe(200);
  }, 180_000);

  afterAll(() => server?.dispose());

  /** One writer per kind, each looping until stopped; a write counts once its success status is in. */
  function writers(cycle: number, token: string, producer: string, stopped: () => boolean): Promise<void>[] {
    const lookup = async (rowKey: string) => (await server.call('GET', `${server.region}/admin/opus/records?connectionId=${connectionId}&rowKey=${rowKey}`, await producerToken())).body;
    const jobPresent = (id: string) => async () => (await server.call('GET', `${server.region}${JOBS}/${id}`, await appToken())).body?.data?.id === id;
    const loop = async (write: (i: number) => Promise<void>) => {
      for (let i = 0; !stopped(); i++) await write(i).catch(() => undefined);
    };
    const ack = (kind: Kind, key: string, present: () => Promise<boolean>) => acknowledged.push({ kind, key, cycle, present });
    return [
      loop(async (i) => {
        const keys = Array.from({ length: 5 }, (_, j) => `c${cycle}-s${i}-${j}`);
        const answer = await server.call('POST', `${server.region}/records/connector/records`, token, { id: connectionId, conflictOption: 'Overwrite', data: keys.map((key) => record(key, { term: 'Keep/Short' })) });
        if (answer.status === 201) for (const key of keys) ack('opus submit', key, async () => (await lookup(key))?.record?.rowKey === key);
      }),
      loop(async (i) => {
        const key = `c${cycle}-d${i}`;
        const submitted = await server.call('POST', `${server.region}/records/connector/records`, token, { id: connectionId, conflictOption: 'Overwrite', data: [record(key, { term: 'Keep/Short' })] });
        if (submitted.status !== 201) return;
        const destroyed = await server.call('DELETE', `${server.region}/records/connector/records`, token, { disposalIds: [key] });
        if (destroyed.status === 200) ack('opus destroy', key, async () => (await lookup(key))?.status === 'Destroyed');
      }),
      loop(async (i) => {
        const id = `CR${cycle}X${i}`;
        const startTime = new Date(Date.now() - 3_600_000).toISOString();
        const job = { id, jobType: 1, serviceType: 1, state: 'Finished', startTime, finishTime: new Date().toISOString(), location: 'PrimaryGeoLocation', backupDetails: { totalCount: 1, failedCount: 0, successfulCount: 1, skippedCount: 0 }, jobErrors: [] };
        const answer = await server.call('POST', `${server.region}/producer/backup/m365/jobs`, producer, { value: [job] });
        if (answer.status === 200) ack('backup upsert', id, jobPresent(id));
      }),
      loop(async () => {
        const answer = await server.call('POST', `${server.region}/backup/m365/restore/jobs`, token, { serviceType: 1, recoveryDateTime: '2026-02-27T03:54:22Z', siteRestoreScope: { siteUrl: SITE, restoreTargets: [{ libraryName: 'Documents', files: [{ relativePath: 'Shared/Budget.xlsx' }] }] } });
        if (answer.status !== 200 && process.env.MERIDIAN_CRASH_DEBUG) console.log(answer.status, answer.text);
        if (answer.status === 200) ack('restore', answer.body.data.jobId, jobPresent(answer.body.data.jobId));
      }),
      loop(async (i) => {
        const answer = await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/apps`, server.adminKey(), { name: `crash ${cycle}-${i}`, permissions: ['records.readwrite.all'], secretYears: 1 });
        if (answer.status !== 201) return;
        const { clientId, clientSecret } = answer.body as { clientId: string; clientSecret: string };
        // Acknowledged means usable: the app and its secret both.
        ack('identity admin', clientId, async () => (await server.token({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })).status === 200);
      }),
    ];
  }

  it(`loses no acknowledged write and no store in ${CYCLES} kill -9 cycles`, async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const token = await appToken();
      const producer = await producerToken();
      // Single use is a write too: an assertion used in this life must stay used in the next.
      const used = await assertionForm();
      expect((await server.token(used)).status).toBe(200);

      const before = acknowledged.length;
      let stop = false;
      const running = writers(cycle, token, producer, () => stop);
      const until = Date.now() + MAX_WRITE_MS;
      const thisCycle = () => acknowledged.slice(before);
      const enough = (kind: Kind) => thisCycle().filter((ack) => ack.kind === kind).length >= (kind === 'restore' ? RESTORES_BEFORE_KILL : ACKS_BEFORE_KILL);
      while (Date.now() < until && !KINDS.every(enough)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // SIGKILL with writes of every kind in flight.
      await server.kill();
      stop = true;
      await Promise.all(running);
      tally.cycles++;

      try {
        session = {};
        await server.start();
      } catch (error) {
        tally.failedOpens++;
        throw error;
      }
      const replay = await server.token(used);
      if (replay.status === 200) tally.replaysAccepted++;
      else expect(replay.body.error_description).toMatch(/already used/);
      expect((await server.token(await assertionForm())).status).toBe(200);
      for (const ack of thisCycle()) if (!(await ack.present())) tally.lost.push(`${ack.kind} ${ack.key} (cycle ${ack.cycle})`);
    }
    // Later crashes must not take back what earlier ones kept.
    for (const ack of acknowledged) if (!(await ack.present())) tally.lost.push(`${ack.kind} ${ack.key} (cycle ${ack.cycle}, at the end)`);

    const counts = Object.fromEntries(KINDS.map((kind) => [kind, acknowledged.filter((ack) => ack.kind === kind).length]));
    console.log(`crash suite on ${engine}: ${tally.cycles} cycles, acknowledged ${JSON.stringify(counts)}, lost ${tally.lost.length}, stores that failed to open ${tally.failedOpens}, replays accepted ${tally.replaysAccepted}`);
    expect(tally.cycles).toBe(CYCLES);
    expect(tally.lost).toEqual([]);
    expect(tally.failedOpens).toBe(0);
    expect(tally.replaysAccepted).toBe(0);
    for (const kind of KINDS) expect(counts[kind], kind).toBeGreaterThan(0);
  }, 600_000);
});
