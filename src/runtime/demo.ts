import { DOCUMENTED_PERMISSION_NAMES } from '../identity/permissions.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { httpProducerClient, seedTenant } from '../simulator/seed.js';
import type { Meridian } from './meridian.js';

export const DEMO_TENANT_NAME = 'meridian-demo';
export const DEMO_TENANT_REGION = 'us';

/**
 * The windows of the docs' request samples (aos audit 2024-10-10..14, Salesforce and Microsoft
 * 365 jobs from 2024-10-24, Google Workspace 2024-12-12, Dynamics 365 until 2024-09-22, the
 * IaaS + PaaS jobs of 2024-08..11, unusual activities of 2024), each given a few days of the
 * same simulated history. Sizes are small: the point is that a sample finds data.
 */
const DOC_SAMPLE_WINDOWS: Array<{ end: string; days: number; counts: Record<string, number> }> = [
  { end: '2024-10-14T17:00:00Z', days: 5, counts: { auditEvents: 600, scanJobDays: 0, opusRecords: 0 } },
  { end: '2024-10-27T00:00:00Z', days: 3, counts: { auditEvents: 0, scanJobDays: 0, opusRecords: 0 } },
  { end: '2024-12-13T00:00:00Z', days: 2, counts: { auditEvents: 0, scanJobDays: 0, opusRecords: 0 } },
  { end: '2024-09-22T11:00:00Z', days: 2, counts: { auditEvents: 0, scanJobDays: 0, opusRecords: 0 } },
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
  const seeded = await seedTenant(producer, { tenantId: tenant.id, tenantName: tenant.name, days: 30, endMs: meridian.clock.nowMs(), counts: {}, demo: true, seed: 'demo' });
  // The docs' request samples ask for their own dates (2024-2025): the demo has a history there too.
  for (const window of DOC_SAMPLE_WINDOWS) {
    const more = await seedTenant(producer, { tenantId: tenant.id, tenantName: tenant.name, days: window.days, endMs: Date.parse(window.end), counts: window.counts, demo: true, seed: `demo-${window.end.slice(0, 10)}` });
    for (const [kind, count] of Object.entries(more)) seeded[kind] = (seeded[kind] ?? 0) + count;
  }
  return { tenantId: tenant.id, tenantName: tenant.name, clientId: app.clientId, ...(clientSecret ? { clientSecret } : {}), created: true, seeded };
}
