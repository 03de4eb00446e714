import { DOCUMENTED_PERMISSION_NAMES } from '../identity/permissions.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { httpProducerClient, seedTenant } from '../simulator/seed.js';
import { seedPartner } from '../elements/simulator.js';
import { DOC_SAMPLE_OBJECTS, docSampleScopes, docSampleValues, type SampleScope } from '../simulator/doc-samples.js';
import { findDataCenter } from '../topology/data-centers.js';
import type { Meridian } from './meridian.js';

export const DEMO_TENANT_NAME = 'meridian-demo';
export const DEMO_TENANT_REGION = 'us';

/**
 * The windows of the docs' request samples (aos audit 2024-10-10..14, Salesforce and Microsoft
 * 365 jobs from 2024-10-24, Google Workspace 2024-12-12, Dynamics 365 until 2024-09-22, the
 * IaaS + PaaS jobs of 2024-08..11, unusual activities of 2024), each given a few days of the
 * same simulated history. Sizes are small: the point is that a sample finds data.
 */
/** The modules whose samples the windows serve (test/demo/doc-request-samples.test.ts walks them). */
const DOC_SAMPLE_MODULES = ['aos', 'backup', 'opus', 'dmso'];
const NONE = { auditEvents: 0, scanJobDays: 0, opusRecords: 0, dmsoAudits: 0 };
const DOC_SAMPLE_WINDOWS: Array<{ end: string; days: number; counts: Record<string, number> }> = [
  // aos and DMSO audit samples: 2024-10-10T08:00 to 2024-10-14T17:00.
  { end: '2024-10-14T17:00:00Z', days: 5, counts: { ...NONE, auditEvents: 600, dmsoAudits: 300 } },
  { end: '2024-10-27T00:00:00Z', days: 3, counts: NONE },
  { end: '2024-12-13T00:00:00Z', days: 2, counts: NONE },
  { end: '2024-09-22T11:00:00Z', days: 2, counts: NONE },
];

export interface DemoTenant {
  tenantId: string;
  tenantName: string;
  clientId: string;
  /** Only on the start that created the app: secrets are shown once. */
  clientSecret?: string;
  created: boolean;
  seeded?: Record<string, number>;
}

/** Where the demo partner's customers live: Azure and GCP data centers (those this process hosts). */
export const DEMO_CUSTOMER_DATA_CENTERS = ['us', 'we', 'gcp-us', 'gcp-jp', 'de', 'gcp-we'];
export const DEMO_CUSTOMER_GROUP = 'gold';

/** The values the demo gives the objects the docs' samples name (ids, names, URLs): what their masked values stand for. */
export const DEMO_SAMPLE_VALUES: readonly string[] = docSampleValues();
/** The same values where the samples' URLs name them (customers, their tenants, the tenants' users). */
export const DEMO_SAMPLE_SCOPES: SampleScope = docSampleScopes();

/**
 * The first start's demo: a tenant homed in `us` with an app holding every documented
 * permission, and a simulated history made through the producer API.
 */
export async function ensureDemoTenant(meridian: Meridian): Promise<DemoTenant | undefined> {
  const identity = meridian.identities.get('commercial');
  const region = meridian.regions.get(DEMO_TENANT_REGION);
  if (!identity || !region) return undefined;
  const actor = { name: 'meridian-setup' };
  const existing = await identity.directory.findTenant(DEMO_TENANT_NAME);
  if (existing) {
    const apps = await identity.directory.listApps(existing.id);
    return { tenantId: existing.id, tenantName: existing.name, clientId: apps[0]?.clientId ?? '(none)', created: false };
  }
  const tenant = await identity.directory.createTenant({ name: DEMO_TENANT_NAME, region: DEMO_TENANT_REGION }, actor);
  const { app, clientSecret } = await identity.directory.createApp(tenant.id, { name: 'Demo app', permissions: DOCUMENTED_PERMISSION_NAMES, secretYears: 1 }, actor);
  const token = async () =>
    (await identity.issuer.issue({ clientId: 'meridian-simulator', appName: 'Meridian simulator', tenantId: tenant.id, tenantRegion: tenant.homeRegion, scopes: [PRODUCER_PERMISSION] }, 600)).access_token;
  const producer = httpProducerClient(meridian.fetch, region.url, token);
  const seeded = await seedTenant(producer, { tenantId: tenant.id, tenantName: tenant.name, days: 30, endMs: meridian.clock.nowMs(), counts: {}, demo: true, docSamples: true, seed: 'demo' });
  // The docs' request samples ask for their own dates (2024-2025): the demo has a history there too.
  for (const window of DOC_SAMPLE_WINDOWS) {
    const more = await seedTenant(producer, { tenantId: tenant.id, tenantName: tenant.name, days: window.days, endMs: Date.parse(window.end), counts: window.counts, demo: true, docSamples: true, seed: `demo-${window.end.slice(0, 10)}` }, DOC_SAMPLE_MODULES);
    for (const [kind, count] of Object.entries(more)) seeded[kind] = (seeded[kind] ?? 0) + count;
  }
  const partner = await seedDemoPartner(meridian, tenant.id, tenant.name);
  return { tenantId: tenant.id, tenantName: tenant.name, clientId: app.clientId, ...(clientSecret ? { clientSecret } : {}), created: true, seeded: { ...seeded, ...partner } };
}

/**
 * The demo tenant is also an Elements partner: the customers the docs' samples name
 * (DOC_SAMPLE_OBJECTS.elements.customers) over Azure and GCP data centers, the first, second,
 * third, fifth and sixth with the premium modules (the governance pages' samples name all but
 * the third; the last three are the v2 scan-profile pages' customers),
 * then one more without tenants, still to be configured (clients meet such customers: `tenants`
 * is `[]`); and the customer group `gold` of the customers tagged so. Made through the producer
 * path like the rest of the demo.
 */
async function seedDemoPartner(meridian: Meridian, partnerId: string, partnerName: string): Promise<Record<string, number>> {
  const identity = meridian.identities.get('commercial')!;
  if (!meridian.global) return {};
  const dataCenters = DEMO_CUSTOMER_DATA_CENTERS.filter((code) => meridian.regions.has(code) && findDataCenter(code)?.environment === 'commercial');
  if (dataCenters.length === 0) return {};
  const producerToken = async (tenantId: string, region: string) =>
    (await identity.issuer.issue({ clientId: 'meridian-simulator', appName: 'Meridian simulator', tenantId, tenantRegion: region, scopes: [PRODUCER_PERMISSION] }, 600)).access_token;
  const { customers, report } = await seedPartner(
    {
      global: httpProducerClient(meridian.fetch, meridian.global.url, () => producerToken(partnerId, DEMO_TENANT_REGION)),
      customer: (customerId, dataCenter) => httpProducerClient(meridian.fetch, meridian.regions.get(dataCenter)!.url, () => producerToken(customerId, dataCenter)),
    },
    // Customers 0, 1, 2, 4 and 5 have every premium module (baseline, risk, user, workspace management), 3 and 6 to 9 none;
    // 0, 4 and 5 also the portal baselines the baseline-management samples name (their fixed ids), seeded once their jobs end.
    {
      partnerName,
      customers: DOC_SAMPLE_OBJECTS.elements.customers.length + 1,
      withoutTenants: DOC_SAMPLE_OBJECTS.elements.customers.length,
      dataCenters: dataCenters.slice(0, 4),
      days: 14,
      endMs: meridian.clock.nowMs(),
      seed: 'demo',
      fixedIds: DOC_SAMPLE_OBJECTS.elements.customers,
      premium: (index) => [0, 1, 2, 4, 5].includes(index),
    },
  );
  const group = await identity.customerScopes.createGroup(partnerId, DEMO_CUSTOMER_GROUP);
  await identity.customerScopes.addMembers(partnerId, group.name, customers.filter((_, index) => index % 3 === 0).map((customer) => customer.id));
  return { elementsCustomers: report.customers ?? 0, elementsCustomerGroups: 1 };
}
