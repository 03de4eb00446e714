/**
 * Elements governance on a customer tenant with 100,000 users (2,000 with --quick).
 *
 * 1. User batch pages (POST …/um/…/users/batch, 100 a page, pages spread over the tenant) and
 * 2. the security users dashboard (GET …/um/…/overview/security/users, 100 a page, and the
 *    "MFA disabled" filter), each through the global endpoint and on the region's internal
 *    route, against a bare Fastify HTTPS route doing the same storage read (the page and its
 *    count, the statuses computed by the same SQL) with raw better-sqlite3 statements on the
 *    region's SQLite file. Target: the documented route ≥ 70 % of the bare route.
 * 3. The throughput of a user PUT (…/users/{id}/istest through the global endpoint, each a
 *    transaction with its audit record), recorded against the users batch page.
 *
 * The tenant's directory comes from the simulator through the producer routes.
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { httpProducerClient } from '../src/simulator/seed.js';
import { seedPartner } from '../src/elements/simulator.js';
import { seedTenantDirectory, simulateDirectory } from '../src/elements/tenant-directory/directory-simulator.js';
import { USER_STATUSES } from '../src/elements/tenant-directory/conditions.js';
import { PRODUCER_PERMISSION } from '../src/platform/producer.js';
import { cpuNote, createBaselineServer, loopbackOrigin, measureSides, ratioOf, startBenchMeridian, UNREACHABLE_RATE_LIMIT, type BenchOptions, type BenchResult, type RequestSpec, type SideMeasurement } from './lib.js';

const PAGE_SIZE = 100;
const TARGET = 0.7;
const PERMISSIONS = ['elements.um.user.read.all', 'elements.um.user.readwrite.all', 'elements.customers.read.all'];

/** The dashboard's status columns as raw SQL, the same conditions the route's query computes. */
function statusColumns(nowMs: number): string {
  const day = 86_400_000;
  const sqlOf: Record<number, string> = {
    0: 'mfa_enabled = 0',
    1: 'account_enabled = 0',
    2: `(password_never_expire = 0 and password_changed_ms < ${nowMs - 90 * day})`,
    3: 'risk_level = 2',
    4: 'risk_level = 1',
    5: 'compliant = 0',
    6: `(last_sign_in_ms is null or last_sign_in_ms < ${nowMs - 90 * day})`,
    7: 'pending_deletion = 1',
    8: 'is_test = 1',
  };
  if (USER_STATUSES.length !== Object.keys(sqlOf).length) throw new Error('the bench floor no longer mirrors USER_STATUSES');
  return USER_STATUSES.map((status) => `case when ${sqlOf[status.code]} then 1 else 0 end as s${status.code}`).join(', ');
}

export async function benchElementsGovernance(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const users = options.quick ? 2000 : 100_000;
  const timing = options.quick ? { warmupMs: 500, durationMs: 2000, rounds: 1, retries: 0, quietWaitMs: 500 } : { warmupMs: 2000, durationMs: 8000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const concurrency = 8;
  const bench = await startBenchMeridian({ regions: ['us'], config: { rateLimitPerMinute: UNREACHABLE_RATE_LIMIT } });
  const closers: Array<() => Promise<void>> = [];
  try {
    const meridian = bench.meridian;
    const identity = meridian.identities.get('commercial')!;
    const global = meridian.global!.url;
    const partner = await bench.tenantWithApp(PERMISSIONS, 'us', 'bench@governance.example.com');
    const producer = async (tenantId: string) => (await identity.issuer.issue({ clientId: 'bench', appName: 'bench', tenantId, tenantRegion: 'us', scopes: [PRODUCER_PERMISSION] }, 3600)).access_token;
    const seeding = Date.now();
    const endMs = Date.now();
    const { customers } = await seedPartner(
      { global: httpProducerClient(meridian.fetch, global, () => producer(partner.tenantId)), customer: (id) => httpProducerClient(meridian.fetch, bench.regionUrl('us'), () => producer(id)) },
      { partnerName: partner.tenantName, customers: 1, dataCenters: ['us'], days: 3, endMs, seed: 'bench', usersPerTenant: 20, premium: () => true },
    );
    const customer = customers[0]!;
    const tenantId = customer.tenantIds[0]!;
    // The tenant's full directory (its first users are the 20 the partner simulator wrote: ids are stable across sizes).
    const simulation = simulateDirectory({ tenantId, tenantName: customer.organization, seed: 'bench', users, endMs, activityPerUser: 0 });
    await seedTenantDirectory(httpProducerClient(meridian.fetch, bench.regionUrl('us'), () => producer(customer.id)), tenantId, simulation);
    log(`elements-governance: a tenant of ${users} users seeded in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);

    const partnerToken = await bench.token(partner);
    const service = await producer(partner.tenantId);
    const documented = `/partner/external/v3/um/customers/${customer.id}/tenants/${tenantId}`;
    const internal = `/internal/elements/um/customers/${customer.id}/tenants/${tenantId}`;
    const pages = Math.ceil(users / PAGE_SIZE);
    const sampled = Array.from({ length: Math.min(pages, 40) }, (_, k) => 1 + Math.floor((k * pages) / Math.min(pages, 40)));

    const db = new SQLite(join(bench.dataDir, 'region-us.sqlite'), { readonly: true, fileMustExist: true });
    closers.push(async () => {
      db.close();
    });
    const where = 'from elements_dir_users where customer_id = ? and tenant_id = ?';
    const batchPage = db.prepare(`select * ${where} order by seq limit ? offset ?`);
    const dashboardPage = db.prepare(`select *, ${statusColumns(endMs)} ${where} order by seq limit ? offset ?`);
    const mfaPage = db.prepare(`select *, ${statusColumns(endMs)} ${where} and mfa_enabled = 0 order by seq limit ? offset ?`);
    const count = db.prepare(`select count(*) as n ${where}`).pluck();
    const mfaCount = db.prepare(`select count(*) as n ${where} and mfa_enabled = 0`).pluck();
    const floor = await createBaselineServer({
      tls: bench.tls,
      routes: (app) => {
        const read = (page: SQLite.Statement, total: SQLite.Statement) => (request: { query: unknown }) => {
          const pageIndex = Number((request.query as { pageIndex?: string }).pageIndex ?? 1);
          return { data: page.all(customer.id, tenantId, PAGE_SIZE, (pageIndex - 1) * PAGE_SIZE), metadata: { pageIndex, pageSize: PAGE_SIZE, totalCount: total.get(customer.id, tenantId) } };
        };
        app.post('/batch', read(batchPage, count));
        app.get('/dashboard', read(dashboardPage, count));
        app.get('/mfa', read(mfaPage, mfaCount));
      },
    });
    closers.push(() => floor.close());

    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs };
    const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const measure = async (label: string, paths: { documented: (page: number) => RequestSpec; internal: (page: number) => RequestSpec; floor: (page: number) => RequestSpec }) => {
      log(`elements-governance: ${label}: global endpoint / region internal route / bare storage read`);
      return measureSides(
        {
          floor: { ...base, origin: floor.origin, requests: sampled.map(paths.floor), expectBodyIncludes: '"data":[' },
          internal: { ...base, origin: loopbackOrigin(bench.regionUrl('us')), requests: sampled.map(paths.internal), expectBodyIncludes: '"data":[' },
          documented: { ...base, origin: loopbackOrigin(global), requests: sampled.map(paths.documented), expectBodyIncludes: '"data":[' },
        },
        { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `elements-governance ${label}` },
      );
    };
    const batch = await measure('users batch', {
      documented: (page) => ({ method: 'POST', path: `${documented}/users/batch?pageIndex=${page}&pageSize=${PAGE_SIZE}`, headers: json(partnerToken), body: '{}' }),
      internal: (page) => ({ method: 'POST', path: `${internal}/users/batch?pageIndex=${page}&pageSize=${PAGE_SIZE}`, headers: json(service), body: '{}' }),
      floor: (page) => ({ method: 'POST', path: `/batch?pageIndex=${page}`, headers: { 'content-type': 'application/json' }, body: '{}' }),
    });
    const dashboard = await measure('security dashboard', {
      documented: (page) => ({ path: `${documented}/overview/security/users?pageIndex=${page}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${partnerToken}` } }),
      internal: (page) => ({ path: `${internal}/overview/security/users?pageIndex=${page}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${service}` } }),
      floor: (page) => ({ path: `/dashboard?pageIndex=${page}` }),
    });
    const mfaPages = Math.max(1, Math.floor(Number(mfaCount.get(customer.id, tenantId)) / PAGE_SIZE));
    const mfa = await measure('security dashboard, MFA disabled', {
      documented: (page) => ({ path: `${documented}/overview/security/users?status=0&pageIndex=${1 + (page % mfaPages)}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${partnerToken}` } }),
      internal: (page) => ({ path: `${internal}/overview/security/users?status=0&pageIndex=${1 + (page % mfaPages)}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${service}` } }),
      floor: (page) => ({ path: `/mfa?pageIndex=${1 + (page % mfaPages)}` }),
    });

    log('elements-governance: user PUT throughput (…/users/{id}/istest on the global endpoint)');
    const puts: RequestSpec[] = simulation.users.slice(0, 2000).map((user, index) => ({ method: 'PUT', path: `${documented}/users/${user.id}/istest`, headers: json(partnerToken), body: JSON.stringify({ isTestUser: index % 2 === 0 }) }));
    const writes = await measureSides(
      { batch: { ...base, origin: loopbackOrigin(global), requests: sampled.map((page) => ({ method: 'POST' as const, path: `${documented}/users/batch?pageIndex=${page}&pageSize=${PAGE_SIZE}`, headers: json(partnerToken), body: '{}' })), expectBodyIncludes: '"data":[' }, put: { ...base, origin: loopbackOrigin(global), requests: puts, expectStatus: 204 } },
      { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'elements-governance put' },
    );

    const result = (name: string, measured: Record<'floor' | 'internal' | 'documented', SideMeasurement>, subject: string): BenchResult[] => {
      const routed = ratioOf(measured.documented.stats, measured.floor.stats);
      const regional = ratioOf(measured.internal.stats, measured.floor.stats);
      return [
        {
          name: `elements governance ${name}: ${users} users, global endpoint`,
          labels: { baseline: 'bare Fastify HTTPS route: the same page and count from the same SQLite file (raw statements)', subject: `${subject} on the global endpoint (routed to the customer's data center)` },
          baseline: measured.floor.stats,
          subject: measured.documented.stats,
          ratio: routed,
          target: { description: `≥ ${TARGET * 100} % of the bare storage read`, met: routed >= TARGET },
          notes: [`${sampled.length} pages spread over the tenant, ${PAGE_SIZE} a page.`, cpuNote(measured)],
        },
        {
          name: `elements governance ${name}: ${users} users, region internal route`,
          labels: { baseline: 'bare Fastify HTTPS route: the same page and count from the same SQLite file (raw statements)', subject: `${subject} on the region's internal route (what the global endpoint calls)` },
          baseline: measured.floor.stats,
          subject: measured.internal.stats,
          ratio: regional,
          notes: ['Informational: the regional half of the routed call.'],
        },
      ];
    };
    return [
      ...result('users batch', batch, `POST …/users/batch`),
      ...result('security dashboard', dashboard, 'GET …/overview/security/users'),
      ...result('security dashboard (status=0)', mfa, 'GET …/overview/security/users?status=0'),
      {
        name: `elements governance user PUT: ${users} users`,
        labels: { baseline: 'POST …/users/batch pages on the global endpoint (reads, for scale)', subject: 'PUT …/users/{id}/istest on the global endpoint (a transaction with its audit record)' },
        baseline: writes.batch.stats,
        subject: writes.put.stats,
        ratio: ratioOf(writes.put.stats, writes.batch.stats),
        notes: ['Recorded, no target: each PUT updates one user and queues its audit record in the same transaction.', cpuNote(writes)],
      },
    ];
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await bench.close();
  }
}
