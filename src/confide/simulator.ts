import { SeededRandom } from '../platform/random.js';
import type { WorldUser } from '../simulator/world.js';
import { PRIVILEGES, type PrivilegeName, type Privileges } from './privileges.js';

export interface ReportedPrivilegedUser extends Privileges {
  email: string;
  invitedTime?: string;
}

/** How often each permission is granted: links are common, coordinators and scan exemptions rare. */
const GRANT_RATES: Record<PrivilegeName, number> = {
  isShareCoordinator: 0.15,
  canConfigureScan: 0.05,
  canGenerateAccessCodeLinkInShareCenter: 0.35,
  canShareLink: 0.6,
  canGenerateUploadLink: 0.4,
  canGenerateDownloadLinkInShareCenter: 0.5,
  canGenerateUploadLinkInShareCenter: 0.3,
};

/**
 * The share center's privileged users: the first `count` enabled people of the tenant's world,
 * each with a permission set and, for most, the invitation they were sent when added. Same
 * world and seed, same users; yields batches for the producer route.
 */
export function* simulatePrivilegedUsers(options: { tenantId: string; users: readonly WorldUser[]; count: number; seed?: string }, batchSize = 500): Generator<ReportedPrivilegedUser[]> {
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:confide:${options.tenantId}`);
  const people = options.users.filter((user) => user.accountEnabled).slice(0, options.count);
  let batch: ReportedPrivilegedUser[] = [];
  for (const person of people) {
    const user: ReportedPrivilegedUser = { email: person.mail };
    for (const { property } of PRIVILEGES) user[property] = random.chance(GRANT_RATES[property]);
    if (random.chance(0.7)) user.invitedTime = new Date(person.createdMs + random.int(1, 30) * 24 * 3_600_000).toISOString();
    batch.push(user);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
