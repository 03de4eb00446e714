/** Cloud Backup for Dynamics 365 values (main/services-and-features/d365/d365.md). */
export const D365_JOB_TYPES = { Backup: 1, Restore: 2, Dryrun: 4, Retention: 8, AuditBackup: 16, Export: 32 } as const;
export const D365_JOB_TYPE_VALUES = Object.values(D365_JOB_TYPES);
export const D365_JOB_STATUSES = { InProgress: 2, Finished: 3, Failed: 4, FinishedWithException: 7 } as const;
export const D365_STATUS_VALUES = Object.values(D365_JOB_STATUSES);
export const D365_RUNNING_STATES: readonly number[] = [D365_JOB_STATUSES.InProgress];
/** The sample's `module`; Cloud Backup for Dynamics 365 protects these apps. */
export const D365_MODULES = ['Customer Engagement', 'Finance and Operations', 'Power Platform'] as const;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
