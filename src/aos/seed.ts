import type { ModuleSeeder } from '../platform/product-module.js';
import { simulateAuditRecords, simulateScanJobs } from './simulator.js';

const DEMO_AUDIT_EVENTS = 2000;

export const seedAos: ModuleSeeder = async (producer, request) => {
  const auditEvents = request.counts.auditEvents ?? (request.demo ? DEMO_AUDIT_EVENTS : 0);
  const domain = `${request.tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.onmicrosoft.com`;
  let audit = 0;
  for (const batch of simulateAuditRecords({ tenantId: request.tenantId, tenantDomain: domain, count: auditEvents, days: request.days, endMs: request.endMs, seed: request.seed, multiGeo: request.demo })) {
    await producer.post('/producer/aos/audit-records', { value: batch });
    audit += batch.length;
  }
  let scanJobs = 0;
  const wantScanJobs = request.counts.scanJobDays ?? (request.demo ? request.days : 0);
  if (wantScanJobs > 0) {
    const jobs = simulateScanJobs({ tenantId: request.tenantId, days: wantScanJobs, endMs: request.endMs, seed: request.seed });
    for (let i = 0; i < jobs.length; i += 1000) await producer.post('/producer/aos/scan-jobs', { value: jobs.slice(i, i + 1000) });
    scanJobs = jobs.length;
  }
  return { auditRecords: audit, scanJobs };
};
