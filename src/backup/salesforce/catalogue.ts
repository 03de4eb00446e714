/** Cloud Backup for Salesforce values (main/services-and-features/salesforcebackup). */
export const SALESFORCE_JOB_TYPES = {
  1: 'Backup',
  2: 'On-demand backup',
  3: 'Restore',
  4: 'Pre restore',
  5: 'Compare',
  6: 'Archive',
  7: 'Simulation',
  8: 'Inactive data analysis',
  9: 'Retention',
  10: 'Discovery',
  11: 'Backup export',
  12: 'On-demand export',
  13: 'Auto export',
  14: 'Data cleanup',
  15: 'Sandbox seeding',
  16: 'Generate recovery point',
  17: 'Continuous data protection',
  18: 'Data service',
  19: 'On-demand data service',
  20: 'Audit log backup',
  21: 'Audit log export',
  22: 'Audit log auto export',
} as const;
export const SALESFORCE_JOB_TYPE_VALUES = Object.keys(SALESFORCE_JOB_TYPES).map(Number);
export const SALESFORCE_STATUSES = { InProgress: 1, Finished: 2, FinishedWithException: 3, Failed: 4, Paused: 5, Stopped: 6, Skipped: 7 } as const;
export const SALESFORCE_STATUS_VALUES = Object.values(SALESFORCE_STATUSES);
/** A paused job resumes, so it is still running. */
export const SALESFORCE_RUNNING_STATES: readonly number[] = [SALESFORCE_STATUSES.InProgress, SALESFORCE_STATUSES.Paused];
export const SALESFORCE_LEVELS = { Organization: 1, Object: 2, Record: 3, Field: 4, Metadata: 5, NotApplicable: 6 } as const;
export const SALESFORCE_LEVEL_VALUES = Object.values(SALESFORCE_LEVELS);
/** monitor-alerts.md's `alertType` has no documented numbers: 0 all, 1 Data, 2 Metadata (or the names). */
export const SALESFORCE_ALERT_TYPES = ['Data', 'Metadata'] as const;
export const SALESFORCE_OPERATIONS = { Added: 0, Modified: 1, Removed: 2 } as const;
