/** Cloud Backup for Google Workspace values (main/services-and-features/google/google.md). */
export const GOOGLE_APP_TYPES = {
  1: 'Gmail',
  2: 'Drive',
  4: 'Calendar',
  8: 'Contacts',
  64: 'Shared drives',
  128: 'Classroom',
  256: 'Users',
  512: 'Groups',
  4096: 'Chat',
  8192: 'Gmail (Vault)',
  16384: 'Drive (Vault)',
  32768: 'Shared drives (Vault)',
} as const;
export const GOOGLE_APP_TYPE_VALUES = Object.keys(GOOGLE_APP_TYPES).map(Number);
export const GOOGLE_JOB_TYPES = { Backup: 1, Restore: 2, Export: 3, Delete: 4, Retention: 5, GenerateReport: 6 } as const;
export const GOOGLE_JOB_TYPE_VALUES = Object.values(GOOGLE_JOB_TYPES);
export const GOOGLE_DATA_SOURCES = { Admin: 1, ReCenter: 2 } as const;
export const GOOGLE_STATUSES = { InProgress: 0, Finished: 2, Failed: 3, FinishedWithException: 7 } as const;
export const GOOGLE_STATUS_VALUES = Object.values(GOOGLE_STATUSES);
export const GOOGLE_RUNNING_STATES: readonly number[] = [GOOGLE_STATUSES.InProgress];
