import type { FastifyInstance } from 'fastify';
import type { RegionContext } from '../../../platform/product-module.js';
import { GraphError, errorResponses, graphResult, invalidField, rejectFields, type FieldError } from '../../shared/envelopes.js';
import { producerRouteOptions, tenantOf } from '../../shared/producer.js';
import { objectKey, type ProtectedObjectStore } from '../../shared/protected-object-store.js';
import { isoSeconds } from '../../shared/format.js';
import { parseIsoDate } from '../../../platform/query.js';
import { invalidParameter } from '../../../platform/errors.js';
import { CENTRAL_LOCATION, parseLocation } from '../catalogue.js';
import { readRestoreRequest, type RestoreRequest } from './restore-request.js';
import {
  ProducedProtectedObjectBatch,
  RestoreBody,
  RestoreQuery,
  RestoreResult,
  type ProducedProtectedObject,
  type RestoreBodyInput,
} from './restore-schemas.js';
import type { RestoreStore } from './restore-store.js';
import { enqueueRestoreJob } from './restore-job.js';

export const RESTORE_PERMISSION = 'microsoft365backup.restore.readwrite.all';

/** How long a restore runs on the region's clock: 1.5 s plus 20 ms an item, at most 30 s. */
export const restoreDurationMs = (items: number): number => Math.min(30_000, 1500 + 20 * items);

export function registerRestoreRoutes(app: FastifyInstance, context: RegionContext, restores: RestoreStore, objects: ProtectedObjectStore, audited: () => void): void {
  app.post(
    '/backup/m365/restore/jobs',
    {
      schema: {
        operationId: 'executeRestoreJob',
        summary: 'Perform restore job',
        description:
          'Restores files and folders of a site or OneDrive in place, from the latest backup before recoveryDateTime. ' +
          'The job runs asynchronously; follow it in the job list (jobType=2) or by id (m365/jobs/perform-restore-job.md).',
        tags: ['Cloud Backup for Microsoft 365'],
        security: [{ bearer: [] }],
        querystring: RestoreQuery,
        body: RestoreBody,
        response: { 200: RestoreResult, ...errorResponses(GraphError, 429) },
      },
      config: { permission: RESTORE_PERMISSION },
    },
    async (request) => {
      const location = parseLocation((request.query as { location?: string }).location) ?? CENTRAL_LOCATION;
      const { request: restore, errors } = readRestoreRequest(request.body as RestoreBodyInput);
      if (!restore) rejectFields(request, errors);
      const tenantId = tenantOf(request);
      const object = await objects.resolve(tenantId, 'm365', restore.serviceType, restore.scopeKey);
      const problems = object ? checkAgainstBackup(restore, object, location) : [invalidField(restore.scopeField, notProtected(restore))];
      if (problems.length > 0) rejectFields(request, problems);
      const total = restore.targets.reduce((sum, target) => sum + target.items, 0);
      const jobId = await restores.create(
        {
          tenantId,
          location,
          serviceType: restore.serviceType,
          objectKey: object!.key,
          objectName: restore.scopeText,
          request: request.body,
          targets: restore.targets,
          requestedBy: request.principal!.clientId,
          clientIp: request.ip ?? null,
        },
        context.clock.nowMs(),
        restoreDurationMs(total),
      );
      await enqueueRestoreJob(context, tenantId, jobId);
      audited();
      return graphResult(request, context.clock, { jobId });
    },
  );

  app.post(
    '/producer/backup/m365/protected-objects',
    producerRouteOptions({
      summary: 'Report protected sites and OneDrives (producer API)',
      description: 'What Cloud Backup for Microsoft 365 protects: the objects a restore may name, their libraries and their oldest recovery point. Upserts by service type and site URL or UPN.',
      body: ProducedProtectedObjectBatch,
      errorResponse: GraphError,
    }),
    async (request) => {
      const value = (request.body as { value: ProducedProtectedObject[] }).value;
      const reported = value.map((object, index) => {
        const at = `value[${index}]`;
        const key = object.serviceType === 2 ? object.oneDriveUpn : object.siteUrl;
        if (!key?.trim()) throw invalidParameter(`${at}.${object.serviceType === 2 ? 'oneDriveUpn' : 'siteUrl'}`, 'is required for this serviceType');
        const nowMs = context.clock.nowMs();
        return {
          serviceType: object.serviceType,
          key: objectKey(key),
          displayName: object.displayName ?? key.trim(),
          location: object.location ?? CENTRAL_LOCATION,
          libraries: object.libraries,
          firstBackupMs: parseIsoDate(`${at}.firstBackupTime`, object.firstBackupTime, true).getTime(),
          removedMs: object.removed ? nowMs : null,
        };
      });
      const applied = await objects.upsert(tenantOf(request), 'm365', reported, context.clock.nowMs());
      return { received: value.length, applied, ignored: value.length - applied };
    },
  );
}

const notProtected = (restore: RestoreRequest) =>
  `No backup data was found for ${restore.serviceType === 2 ? 'the OneDrive of' : 'site'} '${restore.scopeText}' in Cloud Backup for Microsoft 365.`;

/** The request against what is really backed up: location, destination, libraries, recovery point. */
function checkAgainstBackup(restore: RestoreRequest, object: { key: string; displayName: string; location: string; libraries: string[]; firstBackupMs: number; removedMs: number | null }, location: string): FieldError[] {
  const problems: FieldError[] = [];
  if (object.location !== location) {
    problems.push(invalidField(restore.scopeField, `'${restore.scopeText}' is backed up in location ${object.location}, not ${location}; send location=${object.location}.`));
    return problems;
  }
  if (object.removedMs !== null) problems.push(invalidField(restore.scopeField, `The restore destination '${restore.scopeText}' no longer exists.`));
  const libraries = new Set(object.libraries.map((name) => name.toLowerCase()));
  const reported = new Set<number>();
  for (const target of restore.targets) {
    if (libraries.has(target.libraryName.toLowerCase()) || reported.has(target.targetIndex)) continue;
    reported.add(target.targetIndex);
    problems.push(invalidField(`${restore.targetsField}[${target.targetIndex}].LibraryName`, `Library '${target.libraryName}' was not found in the backup of '${object.displayName}'.`));
  }
  if (restore.recoveryMs < object.firstBackupMs) {
    problems.push(invalidField('RecoveryDateTime', `No backup of '${object.displayName}' exists before ${isoSeconds(restore.recoveryMs)}; the oldest recovery point is ${isoSeconds(object.firstBackupMs)}.`));
  }
  return problems;
}
