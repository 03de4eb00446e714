import type { ModuleSeeder } from '../platform/product-module.js';
import { buildWorld, DEFAULT_WORLD_USERS } from '../simulator/world.js';
import { simulatePrivilegedUsers } from './simulator.js';

const DEMO_PRIVILEGED_USERS = 12;

/** The Confide part of the simulator: privileged users of the share center, through the producer route. */
export const seedConfide: ModuleSeeder = async (producer, request) => {
  const count = request.counts.confideUsers ?? (request.demo ? DEMO_PRIVILEGED_USERS : 0);
  if (count === 0) return { confidePrivilegedUsers: 0 };
  // A world at least as large as asked for: its users are the same people at any size.
  const world = buildWorld({ tenantId: request.tenantId, tenantName: request.tenantName, seed: request.seed, users: Math.max(DEFAULT_WORLD_USERS, Math.ceil(count * 1.2)), endMs: request.endMs });
  let reported = 0;
  for (const batch of simulatePrivilegedUsers({ tenantId: request.tenantId, users: world.users, count, seed: request.seed })) {
    await producer.post('/producer/confide/privileged-users', { value: batch });
    reported += batch.length;
  }
  return { confidePrivilegedUsers: reported };
};
