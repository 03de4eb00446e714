import type { ModuleSeeder, SeedRequest } from '../platform/product-module.js';
import { buildWorld, DEFAULT_WORLD_USERS, worldId, type M365World } from '../simulator/world.js';
import { simulateEvents, simulateInventory } from './simulator.js';

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
  const objects = request.counts.enPowerObjects ?? 0;
  const events = request.counts.enPowerEvents ?? (request.demo ? DEMO_EVENTS : objects * 5);
  const tenants = request.counts.enPowerTenants ?? (request.demo ? DEMO_TENANTS : 1);
  if (!request.demo && objects === 0 && request.counts.enPowerEvents === undefined && request.counts.enPowerTenants === undefined) return { enPowerObjects: 0, enPowerEvents: 0 };
  let storedObjects = 0;
  let storedEvents = 0;
  for (const world of enPowerWorlds(request, tenants, objects)) {
    const inventory = simulateInventory(world, { seed: request.seed, endMs: request.endMs, objects });
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
  return { enPowerObjects: storedObjects, enPowerEvents: storedEvents };
};
