import type { ModuleSeeder, SeedRequest } from '../platform/product-module.js';
import { buildWorld, DEFAULT_WORLD_USERS, worldId, type M365World } from '../simulator/world.js';
import { DOC_SAMPLE_OBJECTS } from '../simulator/doc-samples.js';
import { CLOUD_FLOWS, DESKTOP_FLOWS } from './flows/flow-schemas.js';
import { BOTS } from './copilotstudio/agent-schemas.js';
import { POWER_PAGES } from './pages/page-schemas.js';
import { POWER_APPS } from './powerapps/powerapp-schemas.js';
import { simulateEvents, simulateInventory, type Inventory } from './simulator.js';

const DEMO_EVENTS = 2000;
const DEMO_TENANTS = 2;
const BATCH = 500;

/**
 * The organization's Microsoft 365 tenants: the first is the world every module draws from
 * (same tenant id, same users), the others are further tenants of the same organization.
 */
export function enPowerWorlds(request: Pick<SeedRequest, 'tenantId' | 'tenantName' | 'seed' | 'endMs'>, tenants: number, objects: number): M365World[] {
  const users = Math.max(DEFAULT_WORLD_USERS, Math.ceil(objects / 2));
  return Array.from({ length: Math.max(1, tenants) }, (_, index) =>
    buildWorld({
      tenantId: index === 0 ? request.tenantId : worldId(request.tenantId, 'enpower-m365-tenant', index),
      tenantName: index === 0 ? request.tenantName : `${request.tenantName}-${index + 1}`,
      seed: request.seed,
      users,
      endMs: request.endMs,
    }),
  );
}

/** `--enpower-objects N --enpower-events E --enpower-tenants T`; the demo gets two small tenants with a month of events. */
export const seedEnPower: ModuleSeeder = async (producer, request) => {
  const objects = request.counts.enpowerObjects ?? 0;
  const events = request.counts.enpowerEvents ?? (request.demo ? DEMO_EVENTS : objects * 5);
  const tenants = request.counts.enpowerTenants ?? (request.demo ? DEMO_TENANTS : 1);
  if (!request.demo && objects === 0 && request.counts.enpowerEvents === undefined && request.counts.enpowerTenants === undefined) return { enpowerObjects: 0, enpowerEvents: 0 };
  let storedObjects = 0;
  let storedEvents = 0;
  for (const [index, world] of enPowerWorlds(request, tenants, objects).entries()) {
    const inventory = simulateInventory(world, { seed: request.seed, endMs: request.endMs, objects });
    if (request.docSamples && index === 0) useDocSampleIds(inventory);
    for (const [spec, documents] of inventory) {
      for (let i = 0; i < documents.length; i += BATCH) await producer.post(`/producer/enpower/${spec.producerPath}`, { value: documents.slice(i, i + BATCH) });
      storedObjects += documents.length;
    }
    const perTenant = Math.ceil(events / Math.max(1, tenants));
    for (const { spec, records } of simulateEvents(world, inventory, { seed: request.seed, endMs: request.endMs, days: request.days, count: perTenant, batchSize: BATCH })) {
      await producer.post(`/producer/enpower/events/${spec.producerPath}`, { value: records });
      storedEvents += records.length;
    }
  }
  return { enpowerObjects: storedObjects, enpowerEvents: storedEvents };
};

/**
 * The drill-down samples name one id (an app's launches, a flow's runs, an agent's
 * activities, …): the demo's first app, cloud and desktop flow, agent and Power Pages site
 * take it before their events are drawn, so the events are theirs.
 */
function useDocSampleIds(inventory: Inventory): void {
  const id = DOC_SAMPLE_OBJECTS.enpower.objectId;
  const first = (spec: Parameters<Inventory['get']>[0]) => inventory.get(spec)?.[0];
  const app = first(POWER_APPS);
  if (app) Object.assign(app, { id: `${id}_${String(app.environment)}`, appId: id });
  for (const spec of [CLOUD_FLOWS, DESKTOP_FLOWS]) {
    const flow = first(spec);
    if (flow) flow.flowId = id;
  }
  const bot = first(BOTS);
  if (bot) bot.botId = id;
  const page = first(POWER_PAGES);
  if (page) page.id = id;
}
