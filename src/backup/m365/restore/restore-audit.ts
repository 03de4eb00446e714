import { M365_SERVICE_TYPES } from '../catalogue.js';
import type { NewRestore, RestoreProgress } from './restore-store.js';

/** What a restore's audit record says: the request as stored, and when and how it stands. */
export type RestoreAuditFacts = NewRestore & {
  jobId: string;
  atMs: number;
  progress?: RestoreProgress;
};

/**
 * A restore in the tenant's audit log, as Cloud Backup for Microsoft 365 ("Office365Backup",
 * the aos productTypes value) records one: when it was submitted and when it ended.
 */
export function restoreAuditRecord(stage: 'submitted' | 'finished' | 'failed', facts: RestoreAuditFacts): { id: string } & Record<string, unknown> {
  const service = M365_SERVICE_TYPES[facts.serviceType as keyof typeof M365_SERVICE_TYPES] ?? String(facts.serviceType);
  const paths = facts.targets.map((target) => `${target.libraryName}/${target.path}`);
  return {
    id: `backup-m365-restore-${facts.tenantId.slice(0, 8)}-${facts.jobId}-${stage}`,
    actionTime: new Date(facts.atMs).toISOString(),
    productType: 'Office365Backup',
    geoLocation: facts.location,
    actionName: stage === 'submitted' ? 'Restore items' : stage === 'finished' ? 'Restore job finished' : 'Restore job failed',
    actionUser: facts.requestedBy,
    actionParameters: JSON.stringify(facts.request).slice(0, 8000),
    controllerName: 'RestoreController',
    previousValue: null,
    currentValue: stage === 'submitted' ? null : JSON.stringify({ successful: facts.progress?.successful, skipped: facts.progress?.skipped, failed: facts.progress?.failed }),
    partnerTenantOwner: null,
    status: stage === 'failed' ? 'Failed' : 'Successful',
    comment: stage === 'failed' ? (facts.progress?.jobErrors[0]?.value ?? 'The restore job failed.') : null,
    objectType: 'Restore job',
    operationType: stage === 'submitted' ? 'Create' : 'Update',
    module: 'Restore',
    functionality: 'Restore',
    objectName: facts.jobId,
    action: stage === 'submitted' ? 'Submit' : null,
    clientIP: facts.clientIp,
    additionalDetails: { jobId: facts.jobId, serviceType: service, scope: facts.objectName, paths },
  };
}
