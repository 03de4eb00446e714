import type { ProducedM365Job } from '../m365/jobs/job-schemas.js';

/**
 * The objects the docs' request samples name, for the demo tenant: a sample sent as its page
 * shows it finds them. (Dates and Multi-Geo locations come from the simulated history; only
 * fixed ids need writing down.)
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
