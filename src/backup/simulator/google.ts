import { SeededRandom } from '../../platform/random.js';
import { GOOGLE_JOB_TYPES, GOOGLE_STATUSES } from '../google/catalogue.js';
import type { ProductSimulationOptions } from './d365.js';
import { iso, outcome, pad, reports, slots, stamp, type Schedule, type SimulatedJob } from './timeline.js';

/** Cloud Backup for Google Workspace: each app backed up daily by System, retention daily, restores and exports by admins and (ReCenter) users. */
interface Spec {
  appType: number;
  jobType: number;
  dataSource: 1 | 2;
  minutes: number;
}

const SCHEDULES: Schedule<Spec>[] = [
  ...[1, 2, 4, 8, 64, 256, 512, 4096].map((appType) => ({ perDay: appType === 1 || appType === 2 ? 2 : 1, spec: { appType, jobType: GOOGLE_JOB_TYPES.Backup, dataSource: 1 as const, minutes: appType === 2 ? 50 : 20 } })),
  { perDay: 1, spec: { appType: 1, jobType: GOOGLE_JOB_TYPES.Retention, dataSource: 1, minutes: 15 } },
  { perDay: 1, spec: { appType: 2, jobType: GOOGLE_JOB_TYPES.Retention, dataSource: 1, minutes: 15 } },
  { perDay: 0.2, spec: { appType: 2, jobType: GOOGLE_JOB_TYPES.Restore, dataSource: 1, minutes: 10 } },
  { perDay: 0.2, spec: { appType: 1, jobType: GOOGLE_JOB_TYPES.Restore, dataSource: 2, minutes: 5 } },
  { perDay: 0.1, spec: { appType: 2, jobType: GOOGLE_JOB_TYPES.Export, dataSource: 1, minutes: 20 } },
  { perDay: 0.05, spec: { appType: 1, jobType: GOOGLE_JOB_TYPES.GenerateReport, dataSource: 1, minutes: 3 } },
];

const ADMINS = ['admin', 'it.ops', 'helpdesk'];

export function* simulateGoogleJobs(options: ProductSimulationOptions & { domain: string }): Generator<Array<Record<string, unknown>>> {
  const random = new SeededRandom(`${options.seed}:backup:google:${options.tenantId}`);
  const jobs = function* (): Generator<SimulatedJob<Record<string, unknown>>> {
    for (const slot of slots(SCHEDULES, options, random, options.jobs)) {
      const spec = slot.spec;
      const result = outcome(random);
      const durationMs = Math.round(spec.minutes * (0.5 + random.next()) * 60_000) + random.int(0, 999);
      const operator = spec.jobType === GOOGLE_JOB_TYPES.Backup || spec.jobType === GOOGLE_JOB_TYPES.Retention ? 'System' : `${random.pick(ADMINS)}@${options.domain}`;
      const base = { jobId: `GD${spec.jobType === 1 ? 'IB' : spec.jobType === 5 ? 'IG' : 'RS'}${stamp(slot.atMs)}${pad(slot.index, 6)}`, appType: spec.appType, jobType: spec.jobType, dataSource: spec.dataSource, startTime: iso(slot.atMs), operator };
      const status = result === 'finished' ? GOOGLE_STATUSES.Finished : result === 'failed' ? GOOGLE_STATUSES.Failed : GOOGLE_STATUSES.FinishedWithException;
      yield {
        startMs: slot.atMs,
        finishMs: slot.atMs + durationMs,
        started: { ...base, status: GOOGLE_STATUSES.InProgress, progress: 0 },
        finished: { ...base, status, progress: 100, finishTime: iso(slot.atMs + durationMs) },
      };
    }
  };
  yield* reports(jobs(), options.endMs);
}
