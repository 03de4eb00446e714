import type { ProducedM365Job } from '../m365/jobs/job-schemas.js';
import type { ProducedProtectedObject } from '../m365/restore/restore-schemas.js';
import { DOC_SAMPLE_OBJECTS } from '../../simulator/doc-samples.js';

/**
 * The objects the docs' request samples name, for the demo tenant: a sample sent as its page
 * shows it finds them. (Most dates and Multi-Geo locations come from the simulated history;
 * what a sample names exactly, an id, an object, a recovery point, is written down here.)
 */

/** retrieve-job-details.md asks for this job at Location=NAM; its counts are the sample's. */
export const DOC_SAMPLE_M365_JOB: ProducedM365Job = {
  id: 'IB20260423083407021666',
  jobType: 1,
  serviceType: 1,
  state: 'Finished',
  startTime: '2026-04-23T08:34:07Z',
  finishTime: '2026-04-23T08:34:46Z',
  location: 'NAM',
  backupDetails: { totalCount: 16, failedCount: 0, successfulCount: 14, skippedCount: 2 },
  jobErrors: [],
};

/**
 * google.md asks for the day's finished Gmail backups (apptype=1, jobtype=1, status=2,
 * 2024-12-12): the simulated history has two or three such runs that day, and each fails now
 * and then (1 tenant id in about 70 draws none finished), so the sample's day has this one.
 */
export const DOC_SAMPLE_GOOGLE_JOB = {
  jobId: 'GDIB20241212020500000001',
  appType: 1,
  jobType: 1,
  dataSource: 1,
  status: 2,
  progress: 100,
  startTime: '2024-12-12T02:05:00Z',
  finishTime: '2024-12-12T02:24:41Z',
  operator: 'System',
};

/**
 * perform-restore-job.md restores Contoso's Finance site and alexw's OneDrive (library
 * Documents) as they were before 2026-02-27T03:54:22Z, at Location=NAM. Both are protected
 * there since a full backup of 2025-03-02, their oldest recovery point; the recovery point the
 * sample asks for is the incremental backup of that night.
 */
const FIRST_BACKUP = '2025-03-02T01:10:00Z';
export const DOC_SAMPLE_M365_PROTECTED: ProducedProtectedObject[] = [
  { serviceType: 1, siteUrl: DOC_SAMPLE_OBJECTS.contoso.financeSite, displayName: 'Finance', location: 'NAM', libraries: ['Documents', 'Site Assets'], firstBackupTime: FIRST_BACKUP },
  { serviceType: 2, oneDriveUpn: DOC_SAMPLE_OBJECTS.contoso.oneDriveUpn, displayName: DOC_SAMPLE_OBJECTS.contoso.oneDriveUpn, location: 'NAM', libraries: ['Documents'], firstBackupTime: FIRST_BACKUP },
];

const backupJob = (id: string, serviceType: number, startTime: string, finishTime: string, total: number, skipped: number): ProducedM365Job => ({
  id,
  jobType: 1,
  serviceType,
  state: 'Finished',
  startTime,
  finishTime,
  location: 'NAM',
  backupDetails: { totalCount: total, failedCount: 0, successfulCount: total - skipped, skippedCount: skipped },
  jobErrors: [],
});

/** The NAM backups those restores come from: the full backups that began the objects' history, and the night's incremental ones. */
export const DOC_SAMPLE_M365_RESTORE_POINT_JOBS: ProducedM365Job[] = [
  backupJob('FB20250302011000000001', 1, FIRST_BACKUP, '2025-03-02T01:52:31Z', 1240, 6),
  backupJob('FB20250302011000000002', 2, FIRST_BACKUP, '2025-03-02T01:47:09Z', 860, 3),
  backupJob('IB20260227021500000001', 1, '2026-02-27T02:15:00Z', '2026-02-27T02:38:44Z', 52, 1),
  backupJob('IB20260227021500000002', 2, '2026-02-27T02:15:00Z', '2026-02-27T02:31:17Z', 37, 0),
];
