import type { ModuleSeeder, ProducerClient } from '../../platform/product-module.js';
import { simulateD365Jobs } from './d365.js';
import { simulateGoogleJobs } from './google.js';
import { simulateIaasJobs } from './iaas-paas.js';
import { M365_SCHEDULES, m365BackupFrequency, m365LicenseConsumption, m365ProtectedObjects, m365RetentionPolicies, m365UnusualActivities, simulateM365Jobs } from './m365.js';
import { DOC_SAMPLE_GOOGLE_JOB, DOC_SAMPLE_M365_JOB, DOC_SAMPLE_M365_PROTECTED, DOC_SAMPLE_M365_RESTORE_POINT_JOBS } from './doc-samples.js';
import { salesforceMonitorAlerts, salesforceUnusualActivities, simulateSalesforceJobs } from './salesforce.js';

const DAY_MS = 86_400_000;

/**
 * The backup module's part of the simulator, through the producer API only. `--backup-jobs N`
 * makes N jobs for each of the five products (and their settings, protected objects, unusual
 * activities and alerts); the first-start demo makes each product's schedules run for the
 * demo's days. Nothing is made otherwise.
 */
export const seedBackup: ModuleSeeder = async (producer, request) => {
  const wanted = request.counts.backupJobs;
  if (wanted === undefined && !request.demo) return {};
  const endMs = request.endMs;
  const startMs = endMs - request.days * DAY_MS;
  const domain = `${request.tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'tenant'}.onmicrosoft.com`;
  const common = { tenantId: request.tenantId, tenantName: request.tenantName, startMs, endMs, seed: request.seed, ...(wanted === undefined ? {} : { jobs: wanted }) };
  const report: Record<string, number> = {};

  report.m365BackupJobs = await sendJobs(producer, '/producer/backup/m365/jobs', simulateM365Jobs({ ...common, domain }), (job) => job.id);
  if (request.demo) report.m365BackupJobs += await sendJobs(producer, '/producer/backup/m365/jobs', [[DOC_SAMPLE_M365_JOB]], (job) => job.id);
  const m365 = { ...common, domain };
  if (request.docSamples) report.m365BackupJobs += await sendJobs(producer, '/producer/backup/m365/jobs', [DOC_SAMPLE_M365_RESTORE_POINT_JOBS], (job) => job.id);
  // The docs' restore sample names Contoso's objects: with docSamples the demo protects them beside its own.
  const objects = [...m365ProtectedObjects(m365), ...(request.docSamples ? DOC_SAMPLE_M365_PROTECTED : [])];
  await producer.post('/producer/backup/m365/protected-objects', { value: objects });
  report.m365ProtectedObjects = objects.length;
  const scale = wanted === undefined ? 1 : wanted / Math.max(1, M365_SCHEDULES.reduce((sum, schedule) => sum + schedule.perDay, 0) * request.days);
  for (const frequency of m365BackupFrequency(scale)) await producer.post('/producer/backup/m365/settings/backup-frequency', frequency);
  for (const policy of m365RetentionPolicies()) await producer.post('/producer/backup/m365/settings/retention-policy', policy);
  for (const license of m365LicenseConsumption()) await producer.post('/producer/backup/m365/license-consumption', license);
  const unusual = m365UnusualActivities(m365);
  await producer.post('/producer/backup/m365/unusual-activities', { value: unusual });
  report.m365UnusualActivities = unusual.length;

  report.d365BackupJobs = await sendJobs(producer, '/producer/backup/d365/jobs', simulateD365Jobs(common), (job) => String(job.jobId));
  report.iaasPaasBackupJobs = await sendJobs(producer, '/producer/backup/iaas-paas/jobs', simulateIaasJobs(common), (job) => String(job.jobId));
  report.googleBackupJobs = await sendJobs(producer, '/producer/backup/google/jobs', simulateGoogleJobs({ ...common, domain: domain.replace('.onmicrosoft.com', '.com') }), (job) => String(job.jobId));
  if (request.docSamples) report.googleBackupJobs += await sendJobs(producer, '/producer/backup/google/jobs', [[DOC_SAMPLE_GOOGLE_JOB]], (job) => job.jobId);
  report.salesforceBackupJobs = await sendJobs(producer, '/producer/backup/salesforce/jobs', simulateSalesforceJobs(common), (job) => String(job.jobId));
  const alerts = salesforceMonitorAlerts(common);
  for (let i = 0; i < alerts.length; i += 1000) await producer.post('/producer/backup/salesforce/monitor-alerts', { value: alerts.slice(i, i + 1000) });
  report.salesforceMonitorAlerts = alerts.length;
  const findings = salesforceUnusualActivities(common);
  if (findings.length > 0) await producer.post('/producer/backup/salesforce/unusual-activities', { value: findings });
  report.salesforceUnusualActivities = findings.length;
  return report;
};

/** Sends a product's job reports batch by batch; returns how many distinct jobs they described. */
async function sendJobs<P>(producer: ProducerClient, path: string, batches: Iterable<P[]>, idOf: (job: P) => string): Promise<number> {
  const ids = new Set<string>();
  for (const batch of batches) {
    await producer.post(path, { value: batch });
    for (const job of batch) ids.add(idOf(job));
  }
  return ids.size;
}
