import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { OutboxDispatcher } from '../../platform/outbox.js';
import type { RegionContext } from '../../platform/product-module.js';
import type { ElementsRegionTables } from '../schema.js';
import { registerBaselineCopyRoutes } from '../baseline-management/baseline-copy-routes.js';
import { registerBaselineProducerRoutes } from '../baseline-management/baseline-producer-routes.js';
import { BaselineJobs } from '../baseline-management/baseline-jobs.js';
import { BaselineStore, type SettingRecord } from '../baseline-management/baseline-store.js';
import { registerDirectoryProducerRoutes, tenantProducerRoute } from '../tenant-directory/directory-producer-routes.js';
import { GOVERNANCE_AUDIT_OUTBOX, type DirectoryTables } from '../tenant-directory/directory-schema.js';
import { DirectoryStore } from '../tenant-directory/directory-store.js';
import { GOVERNANCE_ENDPOINTS } from './catalogue.js';
import { mountOnRegion, type CustomerLookup } from './endpoint.js';


const SettingItem = Type.Object(
  {
    source: Type.String({ minLength: 1, maxLength: 64, description: 'Intune, Entra, Exchange, SharePoint, Teams …' }),
    configuration: Type.String({ minLength: 1, maxLength: 512 }),
    value: Type.String({ maxLength: 8000 }),
    retrievable: Type.Boolean(),
    writable: Type.Boolean(),
  },
  { additionalProperties: false },
);

const TenantStateItem = Type.Object(
  {
    status: Type.Integer({ minimum: 1, maximum: 17, description: 'query-tenant.md status: 1 Connected, 6 Expired, 11 Restoring, 16 Schedule restore …' }),
    autoAlignment: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A customer record of this data center (the module's own tables): its tenants with their consented apps, and its subscriptions' products. */
function customerLookup(db: Kysely<ElementsRegionTables>): CustomerLookup {
  return async (customerId) => {
    const id = customerId.toLowerCase();
    const [rows, subscriptions] = await Promise.all([
      db.selectFrom('elements_customers as c').leftJoin('elements_tenants as t', 't.customer_id', 'c.id').select(['c.partner_id', 't.tenant_id', 't.consented_apps']).where('c.id', '=', id).execute(),
      db.selectFrom('elements_subscriptions').select('product').where('customer_id', '=', id).execute(),
    ]);
    if (rows.length === 0) return undefined;
    const tenants = rows.flatMap((row) => (row.tenant_id ? [{ id: row.tenant_id, apps: JSON.parse(row.consented_apps ?? '[]') as string[] }] : []));
    return {
      partnerId: rows[0]!.partner_id,
      tenantIds: tenants.map((tenant) => tenant.id),
      consentedApps: Object.fromEntries(tenants.map((tenant) => [tenant.id, tenant.apps])),
      products: subscriptions.map((row) => row.product),
    };
  };
}

/**
 * Baseline, risk, user and workspace management in a data center: the tenant directory and
 * its producer routes, the baseline job kinds, the internal routes the global endpoint reads
 * through, and the audit delivery of user updates.
 */
export async function registerGovernance(app: FastifyInstance, context: RegionContext): Promise<void> {
  const now = () => context.clock.nowMs();
  const lookup = customerLookup(context.db as Kysely<ElementsRegionTables>);
  const directory = new DirectoryStore(context.db as Kysely<DirectoryTables>, now);
  const baselines = new BaselineStore(context.db as ConstructorParameters<typeof BaselineStore>[0], now);
  const jobs = new BaselineJobs(baselines, context.jobs);
  registerDirectoryProducerRoutes(app, lookup, directory);
  tenantProducerRoute(app, lookup, 'baseline/settings', "Report a tenant's configuration settings", SettingItem, 1000, (key, settings: SettingRecord[]) => baselines.upsertSettings(key, settings));
  tenantProducerRoute(app, lookup, 'baseline/tenant-state', "Report a tenant's state outside baseline management (expired, restoring …)", TenantStateItem, 1, (key, [state]: Array<{ status: number; autoAlignment: boolean }>) => baselines.reportTenantState(key, state!));
  registerBaselineProducerRoutes(app, lookup, baselines, jobs);
  mountOnRegion(app, GOVERNANCE_ENDPOINTS, { directory, baselines, jobs, lookup });
  registerBaselineCopyRoutes(app, baselines);
  // Baseline jobs stored by a process that stopped before queueing them.
  await jobs.queueStored();
  const audit = new OutboxDispatcher(context.db as unknown as Kysely<never>, GOVERNANCE_AUDIT_OUTBOX, (_destination, tenantId, records) => context.audit(tenantId, records), context.clock, context.logger.child({ module: 'elements-governance' }));
  app.addHook('onListen', async () => audit.start());
  app.addHook('onClose', async () => audit.stop());
  // A user update is audited as soon as it is committed, not on the dispatcher's next tick.
  app.addHook('onResponse', async (request) => {
    if (request.method === 'PUT' && request.url.startsWith('/internal/elements/um/')) audit.kick();
  });
}
