import { SeededRandom } from '../../platform/random.js';
import { D365_JOB_STATUSES, D365_JOB_TYPES } from '../d365/catalogue.js';
import { counts, iso, outcome, pad, reports, slots, stamp, type Schedule, type SimulatedJob } from './timeline.js';

/** Cloud Backup for Dynamics 365: two organizations, daily backups and audit backups, the odd restore, export and dry run. */
export interface ProductSimulationOptions {
  tenantId: string;
  tenantName: string;
  startMs: number;
  endMs: number;
  seed: string;
  jobs?: number;
}

interface Organization {
  id: string;
  name: string;
}

/** The organizationId of d365.md's request sample. */
export const DOC_SAMPLE_ORGANIZATION_ID = '69cb1ecc-f8e8-439b-8077-a4b7fd45e87f';

export function organizationsOf(random: SeededRandom, tenantName: string): Organization[] {
  const guid = () => `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-${(8 + random.int(0, 3)).toString(16)}${random.hex(3)}-${random.hex(12)}`;
  const slug = tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12) || 'org';
  return [
    { id: guid(), name: `${slug}prod` },
    { id: guid(), name: `${slug}uat` },
  ];
}

interface Spec {
  type: number;
  module: string;
  org: number;
  entities: number;
  records: number;
  minutes: number;
}

const SCHEDULES: Schedule<Spec>[] = [
  { perDay: 2, spec: { type: D365_JOB_TYPES.Backup, module: 'Customer Engagement', org: 0, entities: 180, records: 40_000, minutes: 35 } },
  { perDay: 1, spec: { type: D365_JOB_TYPES.Backup, module: 'Customer Engagement', org: 1, entities: 120, records: 6_000, minutes: 15 } },
  { perDay: 1, spec: { type: D365_JOB_TYPES.Backup, module: 'Power Platform', org: 0, entities: 30, records: 900, minutes: 8 } },
  { perDay: 1, spec: { type: D365_JOB_TYPES.AuditBackup, module: 'Customer Engagement', org: 0, entities: 1, records: 12_000, minutes: 10 } },
  { perDay: 1, spec: { type: D365_JOB_TYPES.Retention, module: 'Customer Engagement', org: 0, entities: 180, records: 3_000, minutes: 12 } },
  { perDay: 0.2, spec: { type: D365_JOB_TYPES.Restore, module: 'Customer Engagement', org: 0, entities: 4, records: 350, minutes: 9 } },
  { perDay: 0.1, spec: { type: D365_JOB_TYPES.Dryrun, module: 'Customer Engagement', org: 1, entities: 4, records: 350, minutes: 4 } },
  { perDay: 0.1, spec: { type: D365_JOB_TYPES.Export, module: 'Customer Engagement', org: 0, entities: 10, records: 2_500, minutes: 7 } },
];

const PREFIX: Record<number, string> = { 1: 'DCIB', 2: 'DCRS', 4: 'DCDR', 8: 'DCRT', 16: 'DCAB', 32: 'DCEX' };

export function* simulateD365Jobs(options: ProductSimulationOptions): Generator<Array<Record<string, unknown>>> {
  const random = new SeededRandom(`${options.seed}:backup:d365:${options.tenantId}`);
  const organizations = organizationsOf(random, options.tenantName);
  // The demo's production organization is the one the docs' request sample names.
  if (options.seed.startsWith('demo')) organizations[0] = { ...organizations[0]!, id: DOC_SAMPLE_ORGANIZATION_ID };
  const jobs = function* (): Generator<SimulatedJob<Record<string, unknown>>> {
    for (const slot of slots(SCHEDULES, options, random, options.jobs)) {
      const spec = slot.spec;
      const org = organizations[spec.org]!;
      const result = outcome(random);
      const entities = counts(random, result === 'partial' ? 'exception' : result, spec.entities);
      const records = counts(random, result === 'partial' ? 'exception' : result, spec.records);
      const warnings = result === 'exception' ? random.int(1, 5) : 0;
      const durationMs = Math.round(spec.minutes * (0.5 + random.next()) * 60_000);
      const base = {
        jobId: `${PREFIX[spec.type]}${stamp(slot.atMs)}${pad(slot.atMs, 3)}${pad(slot.index, 7)}`,
        module: spec.module,
        type: spec.type,
        startTime: iso(slot.atMs),
        organizationId: org.id,
        organizationName: org.name,
      };
      const status = result === 'finished' ? D365_JOB_STATUSES.Finished : result === 'failed' ? D365_JOB_STATUSES.Failed : D365_JOB_STATUSES.FinishedWithException;
      yield {
        startMs: slot.atMs,
        finishMs: slot.atMs + durationMs,
        started: { ...base, status: D365_JOB_STATUSES.InProgress, totalEntity: entities.total, totalRecord: records.total },
        finished: {
          ...base,
          status,
          finishTime: iso(slot.atMs + durationMs),
          successfulEntity: entities.successful,
          failedEntity: entities.failed,
          skippedEntity: entities.skipped,
          warningEntity: warnings,
          totalEntity: entities.total,
          successfulRecord: records.successful,
          failedRecord: records.failed,
          skippedRecord: records.skipped,
          warningRecord: warnings * 7,
          totalRecord: records.total,
          backupSize: spec.type === D365_JOB_TYPES.Backup || spec.type === D365_JOB_TYPES.AuditBackup ? records.successful * random.int(90, 190) : 0,
        },
      };
    }
  };
  yield* reports(jobs(), options.endMs);
}
