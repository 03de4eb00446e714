import { randomUUID } from 'node:crypto';
import { Harness } from '../support/harness.js';
import type { TestEngine } from '../support/services.js';
import { productRow } from '../../src/elements/services/service-routes.js';
import { seedTenantDirectory, simulateDirectory, type DirectorySimulation } from '../../src/elements/tenant-directory/directory-simulator.js';

/**
 * A data center with one partner and one customer whose Microsoft 365 tenant has a simulated
 * directory, built through the same routes production uses: the global endpoint's internal
 * customer write (service token naming the partner), then the customer's producer routes.
 */
export interface GovernanceWorld {
  harness: Harness;
  region: string;
  partnerId: string;
  customerId: string;
  tenantId: string;
  /** The service token the global endpoint calls this region with, for the partner. */
  serviceToken: string;
  customerToken: string;
  simulation: DirectorySimulation;
  /** `/internal/elements/<area>/customers/{customer}/tenants/{tenant}` for one area (bm, rm, um, wm). */
  base(area: 'bm' | 'rm' | 'um' | 'wm'): string;
  call(method: string, path: string, body?: unknown, token?: string): ReturnType<Harness['send']>;
}

export const END_MS = Date.UTC(2026, 11, 1, 12);
/** Baseline, Workspace, and User and device management (add-service.md). */
const PREMIUM_PRODUCTS = [40, 42, 49];

export async function governanceWorld(engine: TestEngine, options: { users?: number } = {}): Promise<GovernanceWorld> {
  const region = 'us';
  const harness = await Harness.start({ engine, regions: [region] });
  const partner = await harness.tenantWithApp(['audit.read.all'], region, 'Contoso Partner');
  const customer = await harness.tenantWithApp(['audit.read.all'], region, 'Fabrikam');
  const partnerId = partner.tenantId;
  const customerId = customer.tenantId;
  const tenantId = randomUUID();
  const serviceToken = await harness.producerToken(partnerId, region);
  const customerToken = await harness.producerToken(customerId, region);
  const url = harness.regionUrl(region);
  const put = await harness.send('PUT', `${url}/internal/elements/customers/${customerId}`, serviceToken, {
    partnerId, organization: 'Fabrikam', ownerEmail: 'admin@fabrikam.example', firstName: 'Ada', lastName: 'Admin', countryCode: 'US', managementMode: 0, tags: [],
  });
  if (put.status !== 200) throw new Error(`customer write failed: ${put.status} ${put.text}`);
  const tenants = await harness.send('POST', `${url}/internal/elements/customers/${customerId}/tenants`, serviceToken, {
    value: [{ id: tenantId, name: 'fabrikam.onmicrosoft.com', type: 0, domain: 'fabrikam.onmicrosoft.com', aadEnvironment: 0, platformEnvironmentType: 0, consentedApps: ['PartnerTenantSettingManagement', 'PartnerWorkspaceOnboarding'] }],
  });
  if (tenants.status !== 200) throw new Error(`tenant write failed: ${tenants.status} ${tenants.text}`);
  // The premium modules' subscriptions (both service apps are consented above).
  const subscriptions = await harness.send('POST', `${url}/producer/elements/subscriptions`, customerToken, { value: PREMIUM_PRODUCTS.map((product) => ({ product, userSeats: 10, row: productRow({ product, licenseType: 0 }, undefined) })) });
  if (subscriptions.status !== 200) throw new Error(`subscription write failed: ${subscriptions.status} ${subscriptions.text}`);
  const simulation = simulateDirectory({ tenantId, tenantName: 'Fabrikam', seed: 'governance-test', users: options.users ?? 80, endMs: END_MS });
  await seedTenantDirectory(
    {
      post: async (path, body) => {
        const result = await harness.send('POST', `${url}${path}`, customerToken, body);
        if (result.status !== 200) throw new Error(`${path}: ${result.status} ${result.text}`);
        return result.body;
      },
    },
    tenantId,
    simulation,
  );
  return {
    harness, region, partnerId, customerId, tenantId, serviceToken, customerToken, simulation,
    base: (area) => `/internal/elements/${area}/customers/${customerId}/tenants/${tenantId}`,
    call: (method, path, body, token = serviceToken) => harness.send(method, `${url}${path}`, token, body),
  };
}

import { startElements, type ElementsFixture } from '../elements/fixture.js';
import type { SeededCustomer } from '../../src/elements/simulator.js';

/** Every governance permission, and an Elements partner (six customers over three data centers) calling the global endpoint. */
export const GOVERNANCE_PERMISSIONS = [
  'elements.bm.baseline.read.all', 'elements.bm.baseline.readwrite.all', 'elements.bm.tenant.read.all', 'elements.bm.tenant.readwrite.all',
  'elements.rm.read.all', 'elements.um.user.read.all', 'elements.um.user.readwrite.all', 'elements.wm.read.all',
];

export interface GovernanceFixture extends ElementsFixture {
  /** A partner token holding every governance permission. */
  all: string;
  /** The seeded customers that have a Microsoft 365 tenant with a directory and every premium module. */
  withTenants: SeededCustomer[];
  /** The customer (in gcp-jp) whose tenant has a directory but no premium module. */
  standard: SeededCustomer;
  /** `/partner/external/v3/<area>/customers/{customer}/tenants/{tenant}`. */
  path(area: 'bm' | 'rm' | 'um' | 'wm', customer: SeededCustomer): string;
  put: (path: string, token: string, body: unknown) => ReturnType<ElementsFixture['post']>;
}

export async function startGovernance(engine: TestEngine): Promise<GovernanceFixture> {
  // The last customer (gcp-jp) is the one without the premium modules.
  const fixture = await startElements(engine, { premium: (index) => index !== 5 });
  const all = await fixture.token(GOVERNANCE_PERMISSIONS);
  return {
    ...fixture,
    all,
    withTenants: fixture.customers.filter((customer) => customer.tenantIds.length > 0 && customer.premium),
    standard: fixture.customers[5]!,
    path: (area, customer) => `/partner/external/v3/${area}/customers/${customer.id}/tenants/${customer.tenantIds[0]}`,
    put: (path, token, body) => fixture.h.send('PUT', `${fixture.global}${path}`, token, body),
  };
}
