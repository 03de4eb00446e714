import { Harness, type TestApp } from '../support/harness.js';
import { fixedClock } from '../../src/platform/clock.js';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { seedPartner, type SeededCustomer } from '../../src/elements/simulator.js';
import { ELEMENTS_PERMISSIONS } from '../../src/elements/catalogue.js';
import type { TestEngine } from '../support/services.js';

export const CUSTOMER_DATA_CENTERS = ['us', 'we', 'gcp-jp'];

export interface ElementsFixture {
  h: Harness;
  clock: ReturnType<typeof fixedClock>;
  global: string;
  partner: TestApp & { name: string };
  customers: SeededCustomer[];
  token: (permissions?: string[], scope?: string) => Promise<string>;
  post: (path: string, token: string, body?: unknown) => Promise<{ status: number; headers: Headers; body: any; text: string }>;
  get: (path: string, token: string) => Promise<{ status: number; headers: Headers; body: any; text: string }>;
  admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
}

/**
 * A partner homed in `us` with six simulated customers spread over three data centers
 * (Azure and GCP), the second without tenants, seeded through the producer path.
 */
export async function startElements(engine: TestEngine, options: { premium?: (customerIndex: number) => boolean } = {}): Promise<ElementsFixture> {
  const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const h = await Harness.start({ engine, regions: ['us', 'we', 'gcp-jp', 'gcp-us'], clock });
  const global = h.meridian.global!.url;
  const name = `ops@partner-${Math.random().toString(16).slice(2, 8)}.example.com`;
  const app = await h.tenantWithApp(ELEMENTS_PERMISSIONS as string[], 'us', name);
  const identity = h.meridian.identities.get('commercial')!;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await h.send(method, `${h.identityUrl()}/admin${path}`, h.meridian.config.adminKey, body);
    return { status: response.status, body: response.body };
  };
  const { customers } = await seedPartner(
    {
      global: httpProducerClient(h.fetch, global, () => h.producerToken(app.tenantId, 'us')),
      customer: (id, dc) => httpProducerClient(h.fetch, h.regionUrl(dc), () => h.producerToken(id, dc)),
    },
    { partnerName: name, customers: 6, dataCenters: CUSTOMER_DATA_CENTERS, days: 3, endMs: clock.nowMs(), seed: 'elements-test', usersPerTenant: 12, ...(options.premium ? { premium: options.premium } : {}) },
  );
  /** A token of an app of the partner with these permissions and customer scope. */
  const token = async (permissions: string[] = ELEMENTS_PERMISSIONS as string[], scope?: string) => {
    if (!scope && permissions === ELEMENTS_PERMISSIONS) return h.token(app);
    const { app: created, clientSecret } = await identity.directory.createApp(app.tenantId, { name: 'scoped', permissions, secretYears: 1 }, { name: 'test' });
    if (scope) {
      const set = await admin('PUT', `/apps/${created.clientId}/customer-scope`, { customerScope: scope });
      if (set.status !== 200) throw new Error(`customer scope refused: ${JSON.stringify(set.body)}`);
    }
    return h.token({ tenantId: app.tenantId, clientId: created.clientId, clientSecret: clientSecret! });
  };
  return {
    h,
    clock,
    global,
    partner: { ...app, name },
    customers,
    token,
    post: (path, t, body) => h.send('POST', `${global}${path}`, t, body ?? {}),
    get: (path, t) => h.get(`${global}${path}`, t),
    admin,
  };
}
