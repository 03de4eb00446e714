import { Type } from 'typebox';
import { NullableBoolean, NullableInteger, NullableString } from '../../platform/schema.js';
import { MAX_GRACE_DAYS, RESTORE_JOB_STATUS_CODES, SCOPE_TYPES } from '../catalogue.js';

/** The restore pages' envelope (success, message), used for their refusals too. */
export const RestoreError = Type.Object({ success: Type.Boolean(), message: Type.String() });

export const ScopeQuery = Type.Object({ scope: Type.Optional(Type.String({ description: 'Required.' })) });

/** has-archived-*.md, "Response". */
export const HasArchivedResult = Type.Object({
  success: Type.Boolean(),
  message: NullableString(),
  hasArchivedData: Type.Boolean(),
  scope: Type.String(),
});

const resolution = (what: string) => Type.Optional(NullableInteger({ minimum: 0, maximum: 2, description: `Conflict resolution for ${what}: 0 Overwrite, 1 Skip (default), 2 Append.` }));

/** restore-site-collection.md and restore-team-or-group.md, "Request Parameters". */
export const RestoreBody = (scopeDescription: string, adminDescription: string) =>
  Type.Object(
    {
      scope: Type.String({ description: scopeDescription }),
      conflictResolution: resolution('primary content'),
      appsConflictResolution: resolution('apps data'),
      includeWorkflowDefinition: Type.Optional(NullableBoolean({ description: 'Default false.' })),
      includeSharingLink: Type.Optional(NullableBoolean({ description: 'Default false.' })),
      siteAdministratorUserPrincipalName: Type.Optional(NullableString({ maxLength: 320, description: adminDescription })),
    },
    { additionalProperties: false },
  );

export const RestoreResult = Type.Object({ success: Type.Boolean(), message: NullableString(), jobId: Type.String() });

export const JobStatusQuery = Type.Object({ jobId: Type.Optional(Type.String({ description: 'Required.' })) });

/** get-restore-job-status-and-progress.md, "Job Details". */
export const RestoreJobDetails = Type.Object({
  id: Type.String(),
  status: Type.Integer(),
  progress: Type.Integer(),
  startTime: NullableString(),
  finishTime: NullableString(),
});
export const JobStatusResult = Type.Object({ success: Type.Boolean(), message: NullableString(), job: RestoreJobDetails });

/** set-grace-period-*.md, "Request Parameters". */
export const GraceBody = (scopeDescription: string) =>
  Type.Object(
    {
      scope: Type.String({ description: scopeDescription }),
      deleteArchivedDataDaysAfterRestore: Type.Integer({ minimum: 0, maximum: MAX_GRACE_DAYS, description: 'Days (0–365) to keep restored data in archive storage.' }),
    },
    { additionalProperties: false },
  );
export const GraceResult = Type.Object({ success: Type.Boolean(), message: NullableString() });

// ---- producer API

export const ArchivedScopeReport = Type.Object(
  {
    scopeType: Type.String({ enum: [...SCOPE_TYPES] }),
    scope: Type.String({ minLength: 1, maxLength: 2000 }),
    hasArchivedData: Type.Boolean(),
    deletionStarted: Type.Optional(Type.Boolean({ description: 'The archive started deleting this scope\'s restored data: its grace period is spent.' })),
  },
  { additionalProperties: false },
);
export const ArchivedScopeBatch = Type.Object({ value: Type.Array(ArchivedScopeReport, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });

export const ArchivedScope = Type.Object({
  scopeType: Type.String(),
  scope: Type.String(),
  hasArchivedData: Type.Boolean(),
  deleteArchivedDataDaysAfterRestore: NullableInteger(),
  gracePeriodSetAt: NullableString(),
  deletionStartedAt: NullableString(),
});

export const ProducerJobsQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'Comma-separated status codes, e.g. 0,1,8,9 (default: every status).' })),
  after: Type.Optional(Type.String({ description: 'Continuation from the previous page.' })),
});

export const ProducerJob = Type.Object({
  id: Type.String(),
  scopeType: Type.String(),
  scope: Type.String(),
  status: Type.Integer(),
  progress: Type.Integer(),
  startTime: Type.String(),
  finishTime: NullableString(),
  message: NullableString(),
  requestedBy: Type.String(),
  conflictResolution: Type.Integer(),
  appsConflictResolution: Type.Integer(),
  includeWorkflowDefinition: Type.Boolean(),
  includeSharingLink: Type.Boolean(),
  siteAdministratorUserPrincipalName: NullableString(),
  deleteArchivedDataDaysAfterRestore: NullableInteger(),
});

export const ProgressBody = Type.Object(
  {
    status: Type.Integer({ enum: [...RESTORE_JOB_STATUS_CODES] }),
    progress: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    startTime: Type.Optional(Type.String({ description: 'ISO 8601' })),
    finishTime: Type.Optional(Type.String({ description: 'ISO 8601; defaults to now when the status ends the job.' })),
    message: Type.Optional(NullableString({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** A restore the archive started itself (e.g. from the Opus UI), with its current status. */
export const RegisteredJobBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    scopeType: Type.String({ enum: [...SCOPE_TYPES] }),
    scope: Type.String({ minLength: 1, maxLength: 2000 }),
    requestedBy: Type.String({ minLength: 1, maxLength: 320 }),
    conflictResolution: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    appsConflictResolution: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    includeWorkflowDefinition: Type.Optional(Type.Boolean()),
    includeSharingLink: Type.Optional(Type.Boolean()),
    siteAdministratorUserPrincipalName: Type.Optional(NullableString({ maxLength: 320 })),
    status: Type.Integer({ enum: [...RESTORE_JOB_STATUS_CODES] }),
    progress: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    startTime: Type.Optional(Type.String()),
    finishTime: Type.Optional(Type.String()),
    message: Type.Optional(NullableString({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
