import { DOCUMENTED_PERMISSION_NAMES } from '../identity/permissions.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { httpProducerClient, seedTenant } from '../simulator/seed.js';
import type { Meridian } from './meridian.js';

export const DEMO_TENANT_NAME = 'meridian-demo';
export const DEMO_TENANT_REGION = 'us';

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
  const seeded = await seedTenant(httpProducerClient(meridian.fetch, region.url, token), {
    tenantId: tenant.id,
    tenantName: tenant.name,
    days: 30,
    endMs: meridian.clock.nowMs(),
    counts: {},
    demo: true,
    seed: 'demo',
  });
  return { tenantId: tenant.id, tenantName: tenant.name, clientId: app.clientId, ...(clientSecret ? { clientSecret } : {}), created: true, seeded };
}
