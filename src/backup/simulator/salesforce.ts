import { SeededRandom } from '../../platform/random.js';
import { SALESFORCE_LEVELS, SALESFORCE_STATUSES } from '../salesforce/catalogue.js';
import type { ProductSimulationOptions } from './d365.js';
import { counts, iso, outcome, pad, reports, slots, stamp, type Schedule, type SimulatedJob } from './timeline.js';

/**
 * Cloud Backup for Salesforce: two organizations backed up daily with continuous data
 * protection between, audit log backups, occasional restores and exports; the monitor's
 * data and metadata alerts every six hours and a daily unusual-activity scan.
 */
interface Spec {
  type: number;
  level: number;
  org: number;
  records: number;
  objects: number;
  minutes: number;
}

const SCHEDULES: Schedule<Spec>[] = [
  { perDay: 1, spec: { type: 1, level: SALESFORCE_LEVELS.Organization, org: 0, records: 250_000, objects: 420, minutes: 70 } },
  { perDay: 1, spec: { type: 1, level: SALESFORCE_LEVELS.Organization, org: 1, records: 30_000, objects: 380, minutes: 20 } },
  { perDay: 6, spec: { type: 17, level: SALESFORCE_LEVELS.Record, org: 0, records: 1_800, objects: 40, minutes: 4 } },
  { perDay: 1, spec: { type: 20, level: SALESFORCE_LEVELS.NotApplicable, org: 0, records: 9_000, objects: 1, minutes: 6 } },
  { perDay: 1, spec: { type: 9, level: SALESFORCE_LEVELS.Organization, org: 0, records: 4_000, objects: 420, minutes: 10 } },
  { perDay: 0.3, spec: { type: 2, level: SALESFORCE_LEVELS.Object, org: 0, records: 12_000, objects: 3, minutes: 8 } },
  { perDay: 0.2, spec: { type: 3, level: SALESFORCE_LEVELS.Record, org: 0, records: 300, objects: 2, minutes: 6 } },
  { perDay: 0.1, spec: { type: 5, level: SALESFORCE_LEVELS.Metadata, org: 1, records: 0, objects: 60, minutes: 5 } },
  { perDay: 0.1, spec: { type: 12, level: SALESFORCE_LEVELS.Object, org: 0, records: 20_000, objects: 4, minutes: 9 } },
];

const OBJECT_TYPES = ['Account', 'Contact', 'Opportunity', 'Case', 'classes', 'content Versions', 'email', 'Lead', 'Task'];

export function salesforceOrganizations(random: SeededRandom, tenantName: string) {
  const id = () => `00D${random.hex(2)}0000${random.hex(7).toUpperCase()}EAU`.slice(0, 18);
  const name = tenantName.replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  return [
    { id: id(), name: `${name} Production` },
    { id: id(), name: `${name} Sandbox` },
  ];
}

export function* simulateSalesforceJobs(options: ProductSimulationOptions): Generator<Array<Record<string, unknown>>> {
  const random = new SeededRandom(`${options.seed}:backup:salesforce:${options.tenantId}`);
  const organizations = salesforceOrganizations(new SeededRandom(`${options.seed}:backup:salesforce-orgs:${options.tenantId}`), options.tenantName);
  const jobs = function* (): Generator<SimulatedJob<Record<string, unknown>>> {
    for (const slot of slots(SCHEDULES, options, random, options.jobs)) {
      const spec = slot.spec;
      const result = outcome(random);
      const records = counts(random, result === 'partial' ? 'exception' : result, Math.max(1, spec.records));
      const objects = counts(random, result === 'partial' ? 'exception' : result, spec.objects);
      const metadata = spec.level === SALESFORCE_LEVELS.Metadata || spec.type === 1 ? counts(random, 'finished', 900) : { total: 0, successful: 0, failed: 0, skipped: 0 };
      const durationMs = Math.round(spec.minutes * (0.5 + random.next()) * 60_000);
      const base = { jobId: `AI${stamp(slot.atMs)}${pad(slot.index, 8)}`, type: spec.type, level: spec.level, startTime: iso(slot.atMs), organizationId: organizations[spec.org]!.id };
      const state = result === 'finished' ? SALESFORCE_STATUSES.Finished : result === 'failed' ? SALESFORCE_STATUSES.Failed : SALESFORCE_STATUSES.FinishedWithException;
      yield {
        startMs: slot.atMs,
        finishMs: slot.atMs + durationMs,
        started: { ...base, state: SALESFORCE_STATUSES.InProgress, totalRecords: spec.records === 0 ? 0 : records.total, totalObjects: objects.total },
        finished: {
          ...base,
          state,
          finishTime: iso(slot.atMs + durationMs),
          successfulRecords: spec.records === 0 ? 0 : records.successful,
          skippedRecords: spec.records === 0 ? 0 : records.skipped,
          failedRecords: spec.records === 0 ? 0 : records.failed,
          totalRecords: spec.records === 0 ? 0 : records.total,
          successfulMetadata: metadata.successful,
          failedMetadata: metadata.failed,
          totalMetadata: metadata.total,
          successfulObjects: objects.successful,
          skippedObjects: objects.skipped,
          failedObjects: objects.failed,
          totalObjects: objects.total,
          dataSize: records.successful * random.int(1, 4),
          apiCalls: Math.ceil(records.total / 200) + objects.total,
        },
      };
    }
  };
  yield* reports(jobs(), options.endMs);
}

/** The monitor collects every six hours; each collection raises an alert or two per organization. */
export function salesforceMonitorAlerts(options: ProductSimulationOptions) {
  const random = new SeededRandom(`${options.seed}:backup:salesforce-alerts:${options.tenantId}`);
  const organizations = salesforceOrganizations(new SeededRandom(`${options.seed}:backup:salesforce-orgs:${options.tenantId}`), options.tenantName);
  const alerts: Array<Record<string, unknown>> = [];
  const step = 6 * 3_600_000;
  for (let at = Math.ceil(options.startMs / step) * step + 30 * 60_000; at < options.endMs; at += step) {
    for (const org of organizations) {
      for (let n = random.int(0, 2); n > 0; n--) {
        const metadata = random.chance(0.25);
        alerts.push({
          id: `sf-alert-${options.tenantId.slice(0, 8)}-${options.seed && options.seed !== 'meridian' ? `${options.seed}-` : ''}${alerts.length}`,
          organizationId: org.id,
          alertType: metadata ? 'Metadata' : 'Data',
          objectType: metadata ? random.pick(['classes', 'triggers', 'layouts', 'flows']) : random.pick(OBJECT_TYPES),
          operation: random.int(0, 2),
          recordNumber: random.int(50, 7000),
          collectTime: iso(at),
        });
      }
    }
  }
  return alerts;
}

/** The daily unusual-activity scan's findings, on the days it found something. */
export function salesforceUnusualActivities(options: ProductSimulationOptions) {
  const random = new SeededRandom(`${options.seed}:backup:salesforce-unusual:${options.tenantId}`);
  const organizations = salesforceOrganizations(new SeededRandom(`${options.seed}:backup:salesforce-orgs:${options.tenantId}`), options.tenantName);
  const findings: Array<Record<string, unknown>> = [];
  for (let day = Math.ceil(options.startMs / 86_400_000) * 86_400_000; day < options.endMs; day += 86_400_000) {
    for (const org of organizations) {
      if (!random.chance(0.3)) continue;
      findings.push({
        id: `sf-ua-${options.tenantId.slice(0, 8)}-${options.seed && options.seed !== 'meridian' ? `${options.seed}-` : ''}${findings.length}`,
        organizationId: org.id,
        organizationName: org.name,
        detectedTime: iso(day),
        suspiciousFiles: random.chance(0.2) ? random.int(1, 5) : 0,
        addedFiles: random.int(0, 12),
        modifiedFiles: random.int(0, 20),
        deletedFiles: random.chance(0.3) ? random.int(1, 8) : 0,
      });
    }
  }
  return findings;
}
