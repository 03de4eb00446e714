import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import { DAY_MS, isoSeconds } from '../../shared/format.js';
import { producerRouteOptions, tenantOf } from '../../shared/producer.js';
import type { SettingsStore } from '../../shared/settings-store.js';
import { CENTRAL_LOCATION, M365_LOCATIONS, M365_SERVICE_TYPE_VALUES, parseLocation } from '../catalogue.js';

export const SETTINGS_PERMISSION = 'microsoft365backup.settings.read.all';
const KIND = 'backup-frequency';

export const BackupFrequency = Type.Object({
  serviceType: Type.Integer(),
  frequency: Type.Integer(),
  backupStartTime: Type.Array(Type.String()),
});

export const BackupFrequencyResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Array(BackupFrequency),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

/** A service's schedule: `frequency` runs a day, evenly spaced from `firstStartTime` (UTC time of day). */
const ProducedSchedule = Type.Object(
  {
    serviceType: Type.Integer({ enum: M365_SERVICE_TYPE_VALUES }),
    frequency: Type.Integer({ minimum: 1, maximum: 96 }),
    firstStartTime: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$', description: 'HH:mm[:ss], UTC.' }),
  },
  { additionalProperties: false },
);
type ProducedSchedule = Static<typeof ProducedSchedule>;

const ProducedFrequency = Type.Object(
  {
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null], description: 'Absent: the central location.' })),
    value: Type.Array(ProducedSchedule, { maxItems: 15, description: 'Every active service; a service left out is no longer backed up.' }),
  },
  { additionalProperties: false },
);

export function registerBackupFrequencyRoutes(app: FastifyInstance, context: RegionContext, settings: SettingsStore): void {
  app.get(
    '/backup/m365/settings/backup/frequency',
    {
      schema: {
        operationId: 'retrieveBackupFrequency',
        summary: 'Retrieve backup frequency',
        description: "Each active service's backups per day and today's start times, UTC (m365/backup-frequency.md).",
        tags: ['Cloud Backup for Microsoft 365'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ location: Type.Optional(Type.String({ description: `Multi-Geo location: ${M365_LOCATIONS.join(', ')}. Absent: the central location.` })) }),
        response: { 200: BackupFrequencyResult, ...errorResponses(GraphError) },
      },
      config: { permission: SETTINGS_PERMISSION },
    },
    async (request) => {
      const location = parseLocation((request.query as { location?: string }).location) ?? CENTRAL_LOCATION;
      const schedules = (await settings.get<ProducedSchedule[]>(tenantOf(request), 'm365', KIND, location)) ?? [];
      const today = Math.floor(context.clock.nowMs() / DAY_MS) * DAY_MS;
      return graphResult(
        request,
        context.clock,
        schedules.map((schedule) => ({ serviceType: schedule.serviceType, frequency: schedule.frequency, backupStartTime: startTimesOn(today, schedule) })),
      );
    },
  );

  app.post(
    '/producer/backup/m365/settings/backup-frequency',
    producerRouteOptions({
      summary: 'Report Microsoft 365 backup schedules (producer API)',
      description: 'Replaces the backup frequency of every active service in one location.',
      body: ProducedFrequency,
      errorResponse: GraphError,
    }),
    async (request) => {
      const body = request.body as { location?: string | null; value: ProducedSchedule[] };
      const unique = [...new Map(body.value.map((schedule) => [schedule.serviceType, schedule])).values()].sort((a, b) => a.serviceType - b.serviceType);
      const changed = await settings.put(tenantOf(request), 'm365', KIND, body.location ?? CENTRAL_LOCATION, unique, context.clock.nowMs());
      return { received: body.value.length, applied: changed ? unique.length : 0, ignored: changed ? body.value.length - unique.length : body.value.length };
    },
  );
}

/** The day's start times: every 24 h / frequency from the first, wrapped into the day, ascending. */
export function startTimesOn(dayStartMs: number, schedule: ProducedSchedule): string[] {
  const [hours, minutes, seconds] = schedule.firstStartTime.split(':').map(Number) as [number, number, number?];
  const first = ((hours * 60 + minutes) * 60 + (seconds ?? 0)) * 1000;
  const step = DAY_MS / schedule.frequency;
  return Array.from({ length: schedule.frequency }, (_, k) => Math.floor(first + k * step) % DAY_MS)
    .sort((a, b) => a - b)
    .map((offset) => isoSeconds(dayStartMs + offset));
}
