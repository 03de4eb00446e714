import type { ProducerClient } from '../../platform/product-module.js';
import { SeededRandom } from '../../platform/random.js';
import { worldId } from '../../simulator/world.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export interface ProductJobsRequest {
  customerId: string;
  organization: string;
  days: number;
  endMs: number;
  seed: string;
}

/** The Google Workspace services a customer backs up daily (google.md appType). */
const GOOGLE_APPS = [1, 2, 4, 8, 64, 256];
/** IaaS + PaaS services and their backup job types (iaas-paas.md): Azure VM, Entra ID, Azure Storage. */
const IAAS_SERVICES = [
  { serviceType: 1, jobType: 1 },
  { serviceType: 2, jobType: 128 },
  { serviceType: 4, jobType: 1024 },
];
const D365_MODULES = ['Customer Engagement', 'Finance and Operations'];

/**
 * Each day's jobs of every Cloud Backup product beyond Microsoft 365 for one customer, through each
 * product's producer route in the customer's data center (Google Workspace scan and backup,
 * IaaS + PaaS, Salesforce, Dynamics 365), so the customer's own regional lists — and the
 * partner's jobs batch reading them — have them. Its own random stream, so the other facts
 * the simulator draws do not move.
 */
export async function seedProductJobs(producer: ProducerClient, request: ProductJobsRequest): Promise<{ backupJobs: number; scanJobs: number }> {
  const random = new SeededRandom(`${request.seed}:${request.customerId}:product-jobs`);
  const short = request.customerId.replace(/-/g, '').slice(0, 8).toUpperCase();
  const dayStart = (day: number, minutes: number) => request.endMs - (day + 1) * DAY_MS + minutes * 60_000;
  const outcome = () => (random.chance(0.08) ? 'failed' : random.chance(0.06) ? 'exception' : 'finished');
  const google = [];
  const scans = [];
  const iaas = [];
  const salesforce = [];
  const d365 = [];
  const organizationId = worldId(request.customerId, 'd365-organization', 0);
  for (let day = 0; day < request.days; day++) {
    const suffix = String(day).padStart(4, '0');
    const scanStart = dayStart(day, 100);
    scans.push({ id: `GS${short}${suffix}`, type: 10, state: random.chance(0.05) ? 3 : 2, startTime: iso(scanStart), finishTime: iso(scanStart + random.int(300, 2400) * 1000), scanProfileName: 'Default Google Workspace Scan Profile', category: 3 });
    for (const appType of GOOGLE_APPS) {
      const start = dayStart(day, 120 + GOOGLE_APPS.indexOf(appType) * 5);
      const state = outcome();
      google.push({ jobId: `GW${short}${appType}${suffix}`, appType, jobType: 1, dataSource: 1, status: state === 'failed' ? 3 : state === 'exception' ? 7 : 2, progress: 100, startTime: iso(start), finishTime: iso(start + random.int(60, 3600) * 1000), operator: 'System' });
    }
    for (const { serviceType, jobType } of IAAS_SERVICES) {
      const start = dayStart(day, 180 + serviceType);
      const state = outcome();
      const total = random.int(2, 60);
      const failed = state === 'finished' ? 0 : random.int(1, total);
      iaas.push({ jobId: `IP${short}${serviceType}${suffix}`, serviceType, jobType, status: state === 'failed' ? 16 : state === 'exception' ? 8 : 2, totalCount: total, failedCount: failed, successfulCount: total - failed, skippedCount: 0, startTime: iso(start), finishTime: iso(start + random.int(120, 5400) * 1000), comments: '' });
    }
    const sfStart = dayStart(day, 240);
    const sfState = outcome();
    const objects = random.int(40, 400);
    const failedObjects = sfState === 'finished' ? 0 : random.int(1, 10);
    const records = objects * random.int(50, 500);
    salesforce.push({
      jobId: `SF${short}${suffix}`, type: 1, state: sfState === 'failed' ? 4 : sfState === 'exception' ? 3 : 2, level: 1, startTime: iso(sfStart), finishTime: iso(sfStart + random.int(300, 7200) * 1000),
      totalObjects: objects, successfulObjects: objects - failedObjects, failedObjects, skippedObjects: 0,
      totalRecords: records, successfulRecords: records - failedObjects * 10, failedRecords: failedObjects * 10, skippedRecords: 0,
      totalMetadata: 12, successfulMetadata: 12, failedMetadata: 0, dataSize: records * 2, apiCalls: random.int(100, 2000), organizationId: `00D${short}`,
    });
    for (const module of D365_MODULES) {
      const start = dayStart(day, 300 + D365_MODULES.indexOf(module) * 10);
      const state = outcome();
      const entities = random.int(20, 300);
      const failed = state === 'finished' ? 0 : random.int(1, 5);
      const warning = state === 'exception' ? random.int(1, 5) : 0;
      d365.push({
        jobId: `DY${short}${D365_MODULES.indexOf(module)}${suffix}`, module, type: 1, status: state === 'failed' ? 4 : state === 'exception' ? 7 : 3, startTime: iso(start), finishTime: iso(start + random.int(300, 5400) * 1000),
        totalEntity: entities, successfulEntity: entities - failed - warning, failedEntity: failed, skippedEntity: 0, warningEntity: warning,
        totalRecord: entities * 40, successfulRecord: entities * 40 - failed, failedRecord: failed, skippedRecord: 0, warningRecord: 0,
        backupSize: entities * random.int(100_000, 5_000_000), organizationId, organizationName: `${request.organization} CRM`,
      });
    }
  }
  // Today's Gmail and Azure VM backups are still running.
  google.unshift({ jobId: `GW${short}1RUN`, appType: 1, jobType: 1, dataSource: 1, status: 0, progress: 40, startTime: iso(request.endMs - 20 * 60_000), finishTime: null, operator: 'System' });
  iaas.unshift({ jobId: `IP${short}1RUN`, serviceType: 1, jobType: 1, status: 1, totalCount: 0, failedCount: 0, successfulCount: 0, skippedCount: 0, startTime: iso(request.endMs - 15 * 60_000), finishTime: null, comments: '' });
  const post = async (path: string, items: unknown[]) => {
    for (let i = 0; i < items.length; i += 1000) await producer.post(path, { value: items.slice(i, i + 1000) });
  };
  await post('/producer/aos/scan-jobs', scans);
  await post('/producer/backup/google/jobs', google);
  await post('/producer/backup/iaas-paas/jobs', iaas);
  await post('/producer/backup/salesforce/jobs', salesforce);
  await post('/producer/backup/d365/jobs', d365);
  return { backupJobs: google.length + iaas.length + salesforce.length + d365.length, scanJobs: scans.length };
}
