import { SeededRandom } from '../platform/random.js';
import { SCAN_JOB_STATES } from './catalogue.js';
import type { ProducedAuditRecord } from './audit/audit-schemas.js';
import type { ProducedScanJob } from './jobs/scan-job-schemas.js';

/**
 * Realistic, deterministic AvePoint Online Services activity: who did what in which
 * product, spread over working hours of the last `days` days. Same seed, same history.
 */
interface Activity {
  productType: ProducedAuditRecord['productType'];
  actionName: string;
  controllerName: string;
  objectType: string | null;
  operationType: string | null;
  module: string | null;
  functionality: string | null;
}

const ACTIVITIES: Activity[] = [
  { productType: 'Portal', actionName: 'Sign In', controllerName: 'AccountController', objectType: null, operationType: null, module: 'Login', functionality: null },
  { productType: 'Portal', actionName: 'Session Timeout', controllerName: 'AccountController', objectType: null, operationType: null, module: null, functionality: null },
  { productType: 'Portal', actionName: 'Update user role', controllerName: 'UserController', objectType: 'User', operationType: 'Update', module: 'User management', functionality: 'Users' },
  { productType: 'Portal', actionName: 'Create app profile', controllerName: 'AppProfileController', objectType: 'App profile', operationType: 'Create', module: 'App management', functionality: 'App profiles' },
  { productType: 'Office365Backup', actionName: 'Run backup job', controllerName: 'BackupJobController', objectType: 'Backup job', operationType: 'Run', module: 'Backup', functionality: 'Job monitor' },
  { productType: 'Office365Backup', actionName: 'Restore items', controllerName: 'RestoreController', objectType: 'Restore job', operationType: 'Create', module: 'Restore', functionality: 'Restore' },
  { productType: 'Office365Backup', actionName: 'Export data', controllerName: 'ExportController', objectType: 'Export job', operationType: 'Create', module: 'Restore', functionality: 'Export' },
  { productType: 'GovernanceAutomation', actionName: 'Submit request', controllerName: 'RequestController', objectType: 'Request', operationType: 'Create', module: 'Requests', functionality: 'Service requests' },
  { productType: 'Office365Management', actionName: 'Change permissions', controllerName: 'PermissionController', objectType: 'Site', operationType: 'Update', module: 'Permission management', functionality: 'Permissions' },
  { productType: 'PolicyEnforcer', actionName: 'Apply policy', controllerName: 'PolicyController', objectType: 'Policy', operationType: 'Update', module: 'Policies', functionality: 'Policy rules' },
  { productType: 'CPManagement', actionName: 'Export report', controllerName: 'ReportController', objectType: 'Report', operationType: 'Export', module: 'Reports', functionality: 'Permission reports' },
  { productType: 'SMP', actionName: 'Update mailbox settings', controllerName: 'MailboxController', objectType: 'Mailbox', operationType: 'Update', module: 'Exchange', functionality: 'Mailboxes' },
  { productType: 'VDR', actionName: 'Share document', controllerName: 'SharingController', objectType: 'Document', operationType: 'Share', module: 'Sharing', functionality: 'External sharing' },
  { productType: 'AvePointRecords', actionName: 'Declare record', controllerName: 'RecordController', objectType: 'Record', operationType: 'Create', module: 'Records', functionality: 'Declaration' },
  { productType: 'GsuiteBackup', actionName: 'Run backup job', controllerName: 'GoogleBackupController', objectType: 'Backup job', operationType: 'Run', module: 'Backup', functionality: 'Job monitor' },
  { productType: 'CRMBackup', actionName: 'Restore records', controllerName: 'DynamicsRestoreController', objectType: 'Restore job', operationType: 'Create', module: 'Restore', functionality: 'Restore' },
];

const FIRST = ['alex', 'maria', 'chen', 'fatima', 'john', 'li', 'sven', 'aiko', 'omar', 'priya', 'lucas', 'emma'];
const LAST = ['smith', 'garcia', 'wang', 'khan', 'mueller', 'tanaka', 'silva', 'novak', 'patel', 'brown'];
const OBJECTS = ['Finance', 'HR Portal', 'Project Phoenix', 'Sales Team', 'Legal Hold', 'Marketing', 'Engineering Wiki', 'Board Documents'];
const GEOS = ['NAM', 'EUR', 'APC', 'GBR', 'JPN'] as const;

export interface AuditHistoryOptions {
  tenantId: string;
  tenantDomain: string;
  count: number;
  days: number;
  endMs: number;
  multiGeo?: boolean;
  seed?: string;
}

/** Yields records oldest first, in batches, so any size streams without building it in memory. */
export function* simulateAuditRecords(options: AuditHistoryOptions, batchSize = 1000): Generator<ProducedAuditRecord[]> {
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:audit:${options.tenantId}`);
  const spanMs = options.days * 24 * 60 * 60 * 1000;
  const startMs = options.endMs - spanMs;
  const step = spanMs / Math.max(1, options.count);
  let batch: ProducedAuditRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const activity = random.pick(ACTIVITIES);
    const user = `${random.pick(FIRST)}.${random.pick(LAST)}@${options.tenantDomain}`;
    const at = Math.floor((startMs + i * step + random.next() * step) / 1000) * 1000;
    const object = activity.objectType ? random.pick(OBJECTS) : null;
    const failed = random.chance(0.03);
    batch.push({
      // The seed is part of the id: histories of two seeds (e.g. the demo's sample windows) add up.
      id: `sim-${options.tenantId.slice(0, 8)}-${options.seed && options.seed !== 'meridian' ? `${options.seed}-` : ''}${i}`,
      actionTime: new Date(at).toISOString(),
      productType: activity.productType,
      geoLocation: options.multiGeo ? random.pick(GEOS) : null,
      actionName: activity.actionName,
      actionUser: user,
      actionParameters: object ? JSON.stringify({ target: object }) : 'null',
      controllerName: activity.controllerName,
      previousValue: activity.operationType === 'Update' ? 'Read' : null,
      currentValue: activity.operationType === 'Update' ? random.pick(['Contribute', 'Full Control', 'Edit']) : null,
      partnerTenantOwner: null,
      status: failed ? 'Failed' : 'Successful',
      comment: failed ? 'The operation timed out and was retried.' : null,
      objectType: activity.objectType,
      operationType: activity.operationType,
      module: activity.module,
      functionality: activity.functionality,
      objectName: object,
      action: activity.productType === 'GovernanceAutomation' ? 'Submit' : null,
      clientIP: `${random.int(20, 220)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
      additionalDetails: activity.productType === 'VDR' ? { sharedWith: `partner@contoso.com`, expiresInDays: 30 } : {},
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const PROFILES = [
  { name: 'scan sharepoint sites', category: 0, type: 0 },
  { name: 'scan power platform', category: 1, type: 0 },
  { name: 'scan active directory', category: 2, type: 0 },
  { name: 'scan google drive', category: 3, type: 10 },
  { name: 'batch import objects', category: 0, type: 11 },
] as const;

/** Scan jobs: each profile scanned daily, most finish, some fail or finish with exceptions, the newest may still run. */
export function simulateScanJobs(options: { tenantId: string; days: number; endMs: number; seed?: string }): ProducedScanJob[] {
  const random = new SeededRandom(`${options.seed ?? 'meridian'}:scan:${options.tenantId}`);
  const jobs: ProducedScanJob[] = [];
  const dayMs = 24 * 60 * 60 * 1000;
  for (let day = options.days - 1; day >= 0; day--) {
    for (const profile of PROFILES) {
      const start = options.endMs - day * dayMs - random.int(1, 20) * 60 * 60 * 1000;
      if (start > options.endMs) continue;
      const duration = random.int(20, 1800) * 1000;
      const roll = random.next();
      const running = start + duration > options.endMs;
      const state = running ? SCAN_JOB_STATES.Running : roll < 0.85 ? SCAN_JOB_STATES.Finished : roll < 0.92 ? SCAN_JOB_STATES.FinishedWithException : roll < 0.97 ? SCAN_JOB_STATES.Failed : SCAN_JOB_STATES.Skipped;
      const stamp = new Date(start).toISOString().replace(/[-:TZ.]/g, '');
      jobs.push({
        id: `Scan${stamp}${random.int(100, 999)}`,
        type: profile.type,
        state,
        startTime: new Date(start).toISOString(),
        finishTime: running ? null : new Date(start + duration).toISOString(),
        scanProfileName: profile.name,
        category: profile.category,
      });
    }
  }
  return jobs;
}
