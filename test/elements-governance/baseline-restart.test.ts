import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productRow } from '../../src/elements/services/service-routes.js';
import { MeridianProcess } from '../security/meridian-process.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

/** Enough settings that capturing or deploying them takes a while: the kill lands inside the job. */
const SETTINGS = 10_000;
const BATCH = 1000;

/**
 * Reads a region's baseline job rows from outside the process, as it runs: the API cannot show
 * a job mid-way on SQLite (its one connection is busy with the job's transaction), the file can
 * (WAL lets a reader beside the writer).
 */
interface JobPeek {
  /** The newest job of a type: its id and status. */
  latest(type: number): Promise<{ job_id: string; status: number } | undefined>;
  /** Writes a job row as a process that stopped before queueing it would have left it. */
  insertStoredJob(row: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

async function peek(server: MeridianProcess): Promise<JobPeek> {
  if (server.engine === 'sqlite') {
    const db = new SQLite(join(server.dataDir, 'region-us.sqlite'), { fileMustExist: true });
    const read = db.prepare('select job_id, status from elements_bm_jobs where type = ? order by seq desc limit 1');
    return {
      latest: async (type) => read.get(type) as { job_id: string; status: number } | undefined,
      insertStoredJob: async (row) => {
        const columns = Object.keys(row);
        db.prepare(`insert into elements_bm_jobs (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`).run(...Object.values(row));
      },
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const table = `"${server.schemaPrefix}_region_us".elements_bm_jobs`;
  return {
    latest: async (type) => (await client.query<{ job_id: string; status: number }>(`select job_id, status from ${table} where type = $1 order by seq desc limit 1`, [type])).rows[0],
    insertStoredJob: async (row) => {
      const columns = Object.keys(row);
      await client.query(`insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(row));
    },
    close: () => client.end(),
  };
}

describe.each(ENGINES)('baseline jobs of a Meridian process killed with kill -9 on %s', (engine) => {
  const server = new MeridianProcess(engine);
  let partnerId: string;
  let customerId: string;
  const tenantId = randomUUID();

  const admin = (method: string, path: string, body?: unknown) => server.call(method, `${server.identity}/admin${path}`, server.adminKey(), body);
  const producerToken = async (tenant: string) => {
    const answer = await admin('POST', `/tenants/${tenant}/producer-token`);
    expect(answer.status, answer.text).toBe(200);
    return answer.body.access_token as string;
  };
  /** The global endpoint's call into the region, with the partner's service credential. */
  const internal = async (method: string, path: string, body?: unknown) => server.call(method, `${server.region}/internal/elements${path}`, await producerToken(partnerId), body);
  const bm = (path: string) => `/bm/customers/${customerId}/tenants/${tenantId}${path}`;
  const jobs = async () => (await internal('POST', bm('/process-center/jobs/batch?pageIndex=1&pageSize=100'), {})).body.data as Array<{ jobId: string; type: number; status: number }>;
  const tenantState = async () => (await internal('POST', '/bm/tenants/batch?pageIndex=1&pageSize=10', {})).body.data[0];
  const baseline = async (id: string) => (await internal('POST', '/bm/baselines/batch?pageIndex=1&pageSize=10', { baselineIds: [id] })).body.data[0];
  /** Polls the process center until the job ends, as a client does (retrying a call that fails while the node is busy); it must end. */
  const finished = async (jobId: string) => {
    let last: unknown;
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      try {
        const job = (await jobs()).find((candidate) => candidate.jobId === jobId);
        if (job && job.status > 1) return job;
        last = job;
      } catch (error) {
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`job ${jobId} never ended: ${String(last)}`);
  };
  /**
   * Starts a job and kills the process the moment the job is In progress (watched in storage:
   * on SQLite an API read would wait for the job's transaction), then starts it again on the
   * same storage. Resolves with the job's id.
   */
  const killMidJob = async (type: number, start: () => Promise<void>) => {
    const storage = await peek(server);
    try {
      const before = (await storage.latest(type))?.job_id;
      await start();
      let job: { job_id: string; status: number } | undefined;
      for (const until = Date.now() + 60_000; Date.now() < until; ) {
        job = await storage.latest(type);
        if (job && job.job_id !== before && job.status >= 1) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(job?.status, 'the job was to be caught In progress').toBe(1);
      await server.kill();
      // What the kill left: the job In progress, its work not committed.
      expect(await storage.latest(type)).toEqual(job);
      await server.start();
      return job!.job_id;
    } finally {
      await storage.close();
    }
  };

  beforeAll(async () => {
    await server.start();
    const made = async (name: string) => {
      const tenant = await admin('POST', '/tenants', { name, region: 'us' });
      expect(tenant.status, tenant.text).toBe(201);
      return tenant.body.id as string;
    };
    partnerId = await made('Contoso Partner');
    customerId = await made('Fabrikam');
    const customer = await internal('PUT', `/customers/${customerId}`, { partnerId, organization: 'Fabrikam', ownerEmail: 'admin@fabrikam.example', firstName: 'Ada', lastName: 'Admin', countryCode: 'US', managementMode: 0, tags: [] });
    expect(customer.status, customer.text).toBe(200);
    const customerToken = await producerToken(customerId);
    const produce = async (path: string, body: unknown) => {
      const answer = await server.call('POST', `${server.region}/producer/elements/${path}`, customerToken, body);
      expect(answer.status, answer.text).toBe(200);
    };
    const tenant = await internal('POST', `/customers/${customerId}/tenants`, { value: [{ id: tenantId, name: 'fabrikam.onmicrosoft.com', type: 0, domain: 'fabrikam.onmicrosoft.com', aadEnvironment: 0, platformEnvironmentType: 0, consentedApps: ['PartnerTenantSettingManagement'] }] });
    expect(tenant.status, tenant.text).toBe(200);
    await produce('subscriptions', { value: [{ product: 40, userSeats: 10, row: productRow({ product: 40, licenseType: 0 }, undefined) }] });
    // Every tenth setting cannot be read by the service app: the capture ends "with exception".
    for (let start = 0; start < SETTINGS; start += BATCH) {
      const value = Array.from({ length: BATCH }, (_, i) => ({ source: ['Intune', 'Entra', 'Exchange', 'SharePoint', 'Teams'][(start + i) % 5]!, configuration: `Setting ${start + i}`, value: `{"v":${start + i}}`, retrievable: (start + i) % 10 !== 9, writable: true }));
      await produce('baseline/settings', { tenantId, value });
    }
  }, 300_000);
  afterAll(() => server.dispose());

  let baselineId: string;

  it('a capture killed mid-way is taken over after the restart and captures every setting once', async () => {
    const jobId = await killMidJob(3, async () => {
      const created = await internal('POST', '/bm/baselines', { name: 'Golden', color: 2, customerId, tenantId });
      expect(created.status, created.text).toBe(201);
      baselineId = created.body.baselineId;
    });

    expect(await finished(jobId)).toEqual({ jobId, type: 3, status: 5 });
    expect(await baseline(baselineId)).toMatchObject({ baselineName: 'Golden', status: 5 });
    const reports = await internal('GET', `/bm/baselines/${baselineId}/reports?pageIndex=1&pageSize=1`);
    expect(reports.body.metadata.totalCount).toBe(SETTINGS);
    const failed = await internal('GET', `/bm/baselines/${baselineId}/reports?pageIndex=10&pageSize=1`);
    expect(failed.body.data).toEqual([{ source: 'Teams', configuration: 'Setting 9', status: 'Failed', details: expect.any(String) }]);
    // The source tenant is back to Connected, and there is still one job.
    expect((await tenantState()).status).toBe(1);
    expect(await jobs()).toHaveLength(1);
  }, 240_000);

  it('a deployment killed mid-way is taken over after the restart and deploys once', async () => {
    let accepted: string | undefined;
    const jobId = await killMidJob(1, async () => {
      const action = await internal('POST', bm('/actions'), { actionType: 1, data: [{ baselineId, rankingOrder: 1 }] });
      expect(action.status, action.text).toBe(200);
      accepted = action.body.jobId;
    });
    expect(jobId).toBe(accepted);

    expect(await finished(jobId)).toEqual({ jobId, type: 1, status: 2 });
    const state = await tenantState();
    expect(state).toMatchObject({ status: 7, driftDetected: 0, appliedBaselines: [{ baselineId, baselineName: 'Golden', version: '1' }] });
    expect(state.lastDeployedTime).toEqual(expect.any(String));
    expect((await baseline(baselineId)).status).toBe(3);
    expect((await jobs()).map((job) => job.type)).toEqual([3, 1]);
  }, 240_000);

  it('a job a process stored and died before queueing is queued when the region starts, and ends', async () => {
    await server.kill();
    const storage = await peek(server);
    const jobId = randomUUID();
    try {
      await storage.insertStoredJob({ job_id: jobId, partner_id: partnerId, customer_id: customerId, tenant_id: tenantId, type: 1, status: 0, kernel_job_id: null, created_ms: Date.now(), finished_ms: null, payload: JSON.stringify({ baselines: [{ baselineId, rankingOrder: 1 }] }) });
    } finally {
      await storage.close();
    }
    await server.start();
    expect(await finished(jobId)).toEqual({ jobId, type: 1, status: 2 });
    expect((await tenantState()).appliedBaselines).toEqual([{ baselineId, baselineName: 'Golden', version: '1' }]);
  }, 240_000);
});
