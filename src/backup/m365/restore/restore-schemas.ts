import { Type, type Static } from 'typebox';
import { NullableString } from '../../../platform/schema.js';
import { M365_LOCATIONS } from '../catalogue.js';

/** POST /backup/m365/restore/jobs (m365/jobs/perform-restore-job.md). */
export const RestoreQuery = Type.Object({
  location: Type.Optional(Type.String({ description: `Multi-Geo location whose backup data is used: ${M365_LOCATIONS.join(', ')}. Absent: the central location.` })),
});

/** `null` is accepted where a client leaves an optional array or object empty. */
const NullableArray = <T>(items: T, options: Record<string, unknown> = {}) => Type.Unsafe<Array<Static<T & object>> | null>({ ...options, type: ['array', 'null'], items });

const RestoreTargetPath = Type.Object({ relativePath: Type.String({ description: 'Path of the file or folder within the library; not empty.' }) });

const RestoreTarget = Type.Object({
  libraryName: Type.String({ description: 'The library that contains the items.' }),
  files: Type.Optional(NullableArray(RestoreTargetPath, { description: 'Files to restore; files or folders, at least one.' })),
  folders: Type.Optional(NullableArray(RestoreTargetPath, { description: 'Folders to restore; files or folders, at least one.' })),
});

const scope = (keyName: string, keyDescription: string) =>
  Type.Unsafe<Record<string, unknown> | null>({
    type: ['object', 'null'],
    properties: {
      [keyName]: Type.String({ description: keyDescription }),
      restoreTargets: NullableArray(RestoreTarget, { description: 'Restore target groups; at most 20 file and folder paths in all, no parent with its child.' }),
    },
  });

export const RestoreBody = Type.Object({
  serviceType: Type.Integer({ enum: [1, 2, 3, 6], description: '1 SharePoint Online, 2 OneDrive, 3 Microsoft 365 Groups, 6 Teams.' }),
  recoveryDateTime: Type.String({ description: 'Upper bound of the recovery point, yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.fffffffZ.' }),
  siteRestoreScope: Type.Optional(scope('siteUrl', 'Site or subsite URL used to locate the backup content.')),
  oneDriveRestoreScope: Type.Optional(scope('oneDriveUpn', 'User principal name of the OneDrive account.')),
});

export interface RestoreTargetInput {
  libraryName?: unknown;
  files?: Array<{ relativePath?: unknown }> | null;
  folders?: Array<{ relativePath?: unknown }> | null;
}

export interface RestoreBodyInput {
  serviceType: 1 | 2 | 3 | 6;
  recoveryDateTime: string;
  siteRestoreScope?: { siteUrl?: unknown; restoreTargets?: RestoreTargetInput[] | null } | null;
  oneDriveRestoreScope?: { oneDriveUpn?: unknown; restoreTargets?: RestoreTargetInput[] | null } | null;
}

export const RestoreResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Object({ jobId: Type.String() }),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

/** What Cloud Backup for Microsoft 365 protects, reported so restores can be checked. */
export const ProducedProtectedObject = Type.Object(
  {
    serviceType: Type.Integer({ enum: [1, 2, 3, 6], description: '1 SharePoint Online, 2 OneDrive, 3 Microsoft 365 Groups, 6 Teams.' }),
    siteUrl: Type.Optional(Type.String({ maxLength: 2000, description: 'Site collection URL (serviceType 1, 3, 6).' })),
    oneDriveUpn: Type.Optional(Type.String({ maxLength: 500, description: 'OneDrive owner (serviceType 2).' })),
    displayName: Type.Optional(NullableString({ maxLength: 500 })),
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null] })),
    libraries: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 500 }),
    firstBackupTime: Type.String({ description: 'ISO 8601: the oldest recovery point.' }),
    removed: Type.Optional(Type.Boolean({ description: 'The object no longer exists at the source (a restore to it fails).' })),
  },
  { additionalProperties: false },
);
export type ProducedProtectedObject = Static<typeof ProducedProtectedObject>;
export const ProducedProtectedObjectBatch = Type.Object({ value: Type.Array(ProducedProtectedObject, { minItems: 1, maxItems: 1000 }) });
