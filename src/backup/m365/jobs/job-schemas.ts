import { Type, type Static } from 'typebox';
import { NullableString } from '../../../platform/schema.js';
import { M365_LOCATIONS, M365_SERVICE_TYPE_VALUES, M365_STATE_NAMES } from '../catalogue.js';

/** GET /backup/m365/cloudbackupjobs query (m365/jobs/list-jobs.md, "Query Parameters"). */
export const M365JobQuery = Type.Object({
  startTime: Type.Optional(Type.String({ description: 'Start of the time range (UTC) the jobs started in, e.g. 2024-01-01.' })),
  finishTime: Type.Optional(Type.String({ description: 'End of the time range (UTC); a date alone includes that whole day.' })),
  jobType: Type.Optional(Type.Integer({ enum: [0, 1, 2, 3, 4, 5], description: '0 All, 1 Backup, 2 Restore, 3 Export, 4 Deletion, 5 Retention.' })),
  objectType: Type.Optional(
    Type.Integer({
      enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      description: '0 All, 1 Exchange Online, 2 SharePoint Online, 3 OneDrive, 4 Microsoft 365 Groups, 5 Project Online, 6 Public Folder, 7 Teams, 8 Viva Engage, 9 Teams Chat, 10 Power BI, 11 Power Automate, 12 Power Apps.',
    }),
  ),
  jobState: Type.Optional(Type.Integer({ enum: [0, 1, 2, 3, 4, 5], description: '0 All, 1 In Progress, 2 Finished, 3 Failed, 4 Finished with Exception, 5 Partially Finished.' })),
  location: Type.Optional(Type.String({ description: `Multi-Geo location: ${M365_LOCATIONS.join(', ')}. Absent: all locations.` })),
  pageIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Page number; 0 and 1 both mean the first page.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Jobs per page, 1 to 1000 (default 10).' })),
  skipToken: Type.Optional(Type.String({ description: 'Continuation from a nextLink (Meridian: exact paging while jobs are written).' })),
});

export const M365JobDetailQuery = Type.Object({
  location: Type.Optional(Type.String({ description: 'Multi-Geo location of the job. Absent: the central location.' })),
});

export const JobIdParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) });

export const M365JobError = Type.Object({
  isErrorCode: Type.Boolean(),
  value: Type.String(),
  url: Type.String(),
  number: Type.Integer(),
});

const jobFields = {
  id: Type.String(),
  state: Type.String({ enum: M365_STATE_NAMES }),
  startTime: Type.String(),
  finishTime: NullableString({ description: 'Null while the job runs.' }),
  duration: Type.String({ description: 'Hours, three decimals; for a running job, so far.' }),
};

/** list-jobs.md's sample counts are *Count; retrieve-job-details.md's are *Number. */
export const M365ListedJob = Type.Object({
  ...jobFields,
  backupDetails: Type.Object({ totalCount: Type.Integer(), failedCount: Type.Integer(), successfulCount: Type.Integer(), skippedCount: Type.Integer() }),
  jobErrors: Type.Array(M365JobError),
});

export const M365JobDetail = Type.Object({
  ...jobFields,
  backupDetails: Type.Object({ totalNumber: Type.Integer(), failedNumber: Type.Integer(), successfulNumber: Type.Integer(), skippedNumber: Type.Integer() }),
  jobErrors: Type.Array(M365JobError),
});

const envelope = { statusCode: Type.Integer(), message: Type.String() };
const trailer = { requestId: Type.String(), timestamp: Type.String() };

export const M365JobPage = Type.Object({
  ...envelope,
  data: Type.Array(M365ListedJob),
  ...trailer,
  metadata: Type.Object({ totalCount: Type.Integer(), nextLink: Type.String() }),
  traceId: Type.String(),
});

export const M365JobResult = Type.Object({ ...envelope, data: M365JobDetail, ...trailer, traceId: Type.String() });

const Count = Type.Integer({ minimum: 0 });

/** A job as Cloud Backup for Microsoft 365 reports it: the response fields plus the filter dimensions. */
export const ProducedM365Job = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, description: 'The job id clients see; a job is stored once per id.' }),
    jobType: Type.Integer({ enum: [1, 2, 3, 4, 5], description: '1 Backup, 2 Restore, 3 Export, 4 Deletion, 5 Retention.' }),
    serviceType: Type.Integer({ enum: M365_SERVICE_TYPE_VALUES, description: 'overview.md serviceType.' }),
    state: Type.String({ enum: M365_STATE_NAMES }),
    startTime: Type.String({ description: 'ISO 8601; kept from the first report.' }),
    finishTime: Type.Optional(NullableString({ description: 'ISO 8601; null while running.' })),
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null], description: 'Absent: the central location.' })),
    backupDetails: Type.Optional(
      Type.Object({ totalCount: Count, failedCount: Count, successfulCount: Count, skippedCount: Count }, { additionalProperties: false }),
    ),
    jobErrors: Type.Optional(
      Type.Array(
        Type.Object(
          { isErrorCode: Type.Boolean(), value: Type.String({ maxLength: 2000 }), url: Type.Optional(NullableString({ maxLength: 2000 })), number: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ProducedM365Job = Static<typeof ProducedM365Job>;

export interface M365JobDetails {
  counts: { total: number; failed: number; successful: number; skipped: number };
  jobErrors: Array<{ isErrorCode: boolean; value: string; url: string; number: number }>;
}
