/**
 * The Elements partner API on the global endpoint against the data it is routed to.
 *
 * 1. The partner-wide customers batch (POST /partner/external/v3/general/customers/batch,
 *    50 a page) over 10,000 customers in 5 data centers, against the same page size of one
 *    data center's customers read directly from that region's internal Elements route.
 * 2. A customer's jobs batch (jobType 7, jobModule 302) through the global endpoint against
 *    the regional list it is read from (GET /backup/m365/cloudbackupjobs as the customer).
 *
 * Target: the routed call ≥ 70 % of the direct one. The customers come from the Elements
 * simulator through the producer path (bench/.data is not reused: onboarding is the write path).
 */
import { httpProducerClient } from '../src/simulator/seed.js';
import { seedPartner } from '../src/elements/simulator.js';
import { ELEMENTS_PERMISSIONS } from '../src/elements/catalogue.js';
import { PRODUCER_PERMISSION } from '../src/platform/producer.js';
import { cpuNote, fmt, loopbackOrigin, measureSides, ratioOf, startBenchMeridian, UNREACHABLE_RATE_LIMIT, type BenchOptions, type BenchResult, type RequestSpec } from './lib.js';

const DATA_CENTERS = ['us', 'we', 'de', 'gcp-us', 'gcp-jp'];
const PAGE_SIZE = 50;
const TARGET = 0.7;

export async function benchElements(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const customers = options.quick ? 250 : 10_000;
  const timing = options.quick ? { warmupMs: 500, durationMs: 2000, rounds: 1, retries: 0, quietWaitMs: 500 } : { warmupMs: 2000, durationMs: 8000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const concurrency = 8;
  const bench = await startBenchMeridian({ regions: DATA_CENTERS, config: { rateLimitPerMinute: UNREACHABLE_RATE_LIMIT } });
  try {
    const meridian = bench.meridian;
    const identity = meridian.identities.get('commercial')!;
    const global = meridian.global!.url;
    const partner = await bench.tenantWithApp(ELEMENTS_PERMISSIONS as string[], 'us', 'bench@partner.example.com');
    const producer = async (tenantId: string, region: string) => (await identity.issuer.issue({ clientId: 'bench', appName: 'bench', tenantId, tenantRegion: region, scopes: [PRODUCER_PERMISSION] }, 3600)).access_token;
    const seeding = Date.now();
    const { customers: seeded } = await seedPartner(
      {
        global: httpProducerClient(meridian.fetch, global, () => producer(partner.tenantId, 'us')),
        customer: (id, dc) => httpProducerClient(meridian.fetch, bench.regionUrl(dc), () => producer(id, dc)),
      },
      { partnerName: partner.tenantName, customers, dataCenters: DATA_CENTERS, detailedCustomers: DATA_CENTERS.length, days: 30, endMs: Date.now(), seed: 'bench', usersPerTenant: 20 },
    );
    log(`elements: ${seeded.length} customers over ${DATA_CENTERS.length} data centers seeded in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);

    const partnerToken = await bench.token(partner);
    const direct = await producer(partner.tenantId, 'us');
    const pages = Math.max(1, Math.floor(customers / DATA_CENTERS.length / PAGE_SIZE));
    const routedRequests: RequestSpec[] = [];
    const directRequests: RequestSpec[] = [];
    for (let k = 0; k < Math.min(pages, 40); k++) {
      const pageIndex = 1 + Math.floor((k * pages) / Math.min(pages, 40));
      routedRequests.push({ method: 'POST', path: `/partner/external/v3/general/customers/batch?pageIndex=${pageIndex}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${partnerToken}`, 'content-type': 'application/json' }, body: '{}' });
      directRequests.push({ path: `/internal/elements/customers?pageIndex=${pageIndex}&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${direct}` } });
    }
    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs };
    log(`elements: customers batch, routed over ${DATA_CENTERS.length} data centers / one data center direct`);
    const list = await measureSides(
      { direct: { ...base, origin: loopbackOrigin(bench.regionUrl('us')), requests: directRequests, expectBodyIncludes: '"items":[' }, routed: { ...base, origin: loopbackOrigin(global), requests: routedRequests, expectBodyIncludes: '"data":[' } },
      { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'elements customers' },
    );

    // A detailed customer in its own data center; its own app reads the regional list directly.
    const customer = seeded.find((c) => c.tenantIds.length > 0 && c.dataCenter !== 'us') ?? seeded[0]!;
    const own = await identity.directory.createApp(customer.id, { name: 'bench own', permissions: ['microsoft365backup.jobInfo.read.all'], secretYears: 1 }, { name: 'bench' });
    const customerToken = await bench.token({ clientId: own.app.clientId, clientSecret: own.clientSecret! });
    const jobsRouted: RequestSpec[] = [{ method: 'POST', path: `/partner/external/v3/general/customers/${customer.id}/avpt-products/jobs/batch?pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${partnerToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ jobType: 7, jobModule: 302 }) }];
    const jobsDirect: RequestSpec[] = [{ path: `/backup/m365/cloudbackupjobs?objectType=2&jobType=1&pageIndex=1&pageSize=${PAGE_SIZE}`, headers: { authorization: `Bearer ${customerToken}` } }];
    log(`elements: a customer's jobs batch through the global endpoint / the regional list (${customer.dataCenter})`);
    const jobs = await measureSides(
      { direct: { ...base, origin: loopbackOrigin(bench.regionUrl(customer.dataCenter)), requests: jobsDirect, expectBodyIncludes: '"data":[' }, routed: { ...base, origin: loopbackOrigin(global), requests: jobsRouted, expectBodyIncludes: '"data":[' } },
      { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'elements jobs' },
    );

    const result = (name: string, measured: typeof list, labels: BenchResult['labels'], notes: string[]): BenchResult => {
      const ratio = ratioOf(measured.routed.stats, measured.direct.stats);
      return { name, labels, baseline: measured.direct.stats, subject: measured.routed.stats, ratio, target: { description: `≥ ${TARGET * 100} % of the direct read`, met: ratio >= TARGET }, notes: [...notes, cpuNote(measured)] };
    };
    return [
      result(
        `elements customers batch: ${customers} customers in ${DATA_CENTERS.length} data centers`,
        list,
        { baseline: `GET /internal/elements/customers of one data center (us), ${PAGE_SIZE} a page`, subject: `POST /partner/external/v3/general/customers/batch on the global endpoint, ${PAGE_SIZE} a page across ${DATA_CENTERS.length} data centers` },
        [`${routedRequests.length} pages spread over the list; each routed page reads the partner directory, then every data center of the page once, in parallel.`],
      ),
      result(
        'elements customer jobs batch through the global endpoint',
        jobs,
        { baseline: `GET /backup/m365/cloudbackupjobs (objectType 2, ${PAGE_SIZE} a page) in ${customer.dataCenter}, as the customer`, subject: 'POST …/customers/{id}/avpt-products/jobs/batch (jobType 7, jobModule 302) on the global endpoint' },
        [`The routed call reads the same regional list with a cached service token, then re-serializes it (${fmt(jobs.routed.stats.p50)} ms p50 routed).`],
      ),
    ];
  } finally {
    await bench.close();
  }
}
