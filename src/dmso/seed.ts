import type { ModuleSeeder } from '../platform/product-module.js';
import { DOC_SAMPLE_OBJECTS } from '../simulator/doc-samples.js';
import { buildWorld } from '../simulator/world.js';
import { simulateDmsoAudits } from './simulator.js';

const DEMO_AUDIT_RECORDS = 1500;

/** The DMSO part of the simulator: the tenant's world at work in DMS Online, through the producer route. */
export const seedDmso: ModuleSeeder = async (producer, request) => {
  const count = request.counts.dmsoAudits ?? (request.demo ? DEMO_AUDIT_RECORDS : 0);
  if (count === 0) return { dmsoAuditRecords: 0 };
  const world = buildWorld({ tenantId: request.tenantId, tenantName: request.tenantName, seed: request.seed, endMs: request.endMs });
  const users = world.users.filter((user) => user.accountEnabled && user.userType === 'Member');
  const siteUrls = world.sites.filter((site) => site.kind !== 'OneDrive').map((site) => site.url);
  let stored = 0;
  for (const batch of simulateDmsoAudits({ tenantId: request.tenantId, users, siteUrls, count, days: request.days, endMs: request.endMs, seed: request.seed, ...(request.docSamples ? { actions: DOC_SAMPLE_OBJECTS.dmso.actions } : {}) })) {
    await producer.post('/producer/dmso/audits', { value: batch });
    stored += batch.length;
  }
  return { dmsoAuditRecords: stored };
};
