/**
 * Names and codes the Opus pages define, kept as data:
 * main/services-and-features/opus/useconnector/*.md and restorearchiveddata/*.md.
 */

/** The audit log's product type for Opus (main/services-and-features/aos/aos.md, productTypes). */
export const OPUS_PRODUCT_TYPE = 'AvePointRecords';

/** The permission every documented Opus endpoint needs. */
export const RECORDS_PERMISSION = 'records.readwrite.all';

/** submit-records.md: "You can submit up to 15 records"; destroy-records.md: "up to 15 records at a time". */
export const MAX_RECORDS_PER_CALL = 15;
/** retrieve-due-records.md: itemsPerPage "a number between 0 and 100". */
export const MAX_ITEMS_PER_PAGE = 100;

export const CONFLICT_OPTIONS = ['Overwrite', 'Skip'] as const;
export type ConflictOption = (typeof CONFLICT_OPTIONS)[number];

/** get-restore-job-status-and-progress.md, "Job Details" status. */
export const RESTORE_JOB_STATUS = {
  None: -1,
  Waiting: 0,
  InProgress: 1,
  Finished: 2,
  Failed: 3,
  FinishedWithException: 4,
  Stopped: 5,
  Skipped: 6,
  Stopping: 7,
  Calculating: 8,
  Pending: 9,
  TimedOut: 10,
} as const;
export const RESTORE_JOB_STATUS_CODES: readonly number[] = Object.values(RESTORE_JOB_STATUS);
/** A job in one of these has ended; nothing a late report says changes it again. */
export const FINAL_RESTORE_STATUSES: ReadonlySet<number> = new Set([
  RESTORE_JOB_STATUS.Finished,
  RESTORE_JOB_STATUS.Failed,
  RESTORE_JOB_STATUS.FinishedWithException,
  RESTORE_JOB_STATUS.Stopped,
  RESTORE_JOB_STATUS.Skipped,
  RESTORE_JOB_STATUS.TimedOut,
]);

/** restore-*.md conflictResolution and appsConflictResolution. */
export const CONFLICT_RESOLUTIONS = { Overwrite: 0, Skip: 1, Append: 2 } as const;

/** The two kinds of archived scope: a site collection by URL, a Team/Group by its group email. */
export const SCOPE_TYPES = ['SiteCollection', 'TeamsGroup'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

/** set-grace-period-*.md: deleteArchivedDataDaysAfterRestore "(0–365)". */
export const MAX_GRACE_DAYS = 365;
