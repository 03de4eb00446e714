import { SeededRandom } from '../../platform/random.js';
import { IAAS_JOB_TYPES, IAAS_STATUSES } from '../iaas-paas/catalogue.js';
import type { ProductSimulationOptions } from './d365.js';
import { counts, iso, outcome, pad, reports, slots, stamp, type Schedule, type SimulatedJob } from './timeline.js';

/** Cloud Backup for IaaS + PaaS: Azure, AWS and Google Cloud resources backed up daily, with restores and exports now and then. */
interface Spec {
  jobType: number;
  objects: number;
  minutes: number;
}

const job = (jobType: number, perDay: number, objects: number, minutes: number): Schedule<Spec> => ({ perDay, spec: { jobType, objects, minutes } });

const SCHEDULES: Schedule<Spec>[] = [
  job(1, 2, 45, 240), // Azure Virtual Machine backup
  job(128, 1, 1200, 20), // Microsoft Entra ID backup
  job(1024, 1, 30, 90), // Azure Storage backup
  job(20016, 1, 12, 45), // Azure SQL Database backup
  job(20014, 1, 8, 30), // Azure DevOps backup
  job(20009, 1, 20, 120), // Amazon EC2 backup
  job(90110, 1, 15, 60), // Amazon S3 backup
  job(40000, 0.5, 1, 10), // AWS Platform Configurations backup
  job(20022, 1, 6, 90), // Google VM instance backup
  job(64, 1, 40, 15), // Data Retention
  job(33, 0.3, 10, 30), // Azure VM index generation
  job(2, 0.15, 1, 50), // Azure VM restore
  job(20018, 0.15, 3, 10), // Azure VM file restore
  job(256, 0.1, 5, 5), // Entra ID restore
  job(20010, 0.1, 1, 60), // EC2 restore
  job(4, 0.1, 20, 20), // Azure VM file-level export
];

const COMMENTS = ['', '', '', 'Scheduled backup', 'Triggered by policy', 'Run now by admin'];

export function* simulateIaasJobs(options: ProductSimulationOptions): Generator<Array<Record<string, unknown>>> {
  const random = new SeededRandom(`${options.seed}:backup:iaas:${options.tenantId}`);
  const jobs = function* (): Generator<SimulatedJob<Record<string, unknown>>> {
    for (const slot of slots(SCHEDULES, options, random, options.jobs)) {
      const spec = slot.spec;
      const info = IAAS_JOB_TYPES[spec.jobType]!;
      const result = outcome(random);
      const count = counts(random, result === 'partial' ? 'exception' : result, spec.objects);
      const durationMs = Math.round(spec.minutes * (0.3 + random.next() * 1.4) * 60_000) + random.int(0, 59) * 1000;
      const prefix = info.kind === 'restore' ? 'RS' : info.kind === 'export' ? 'EX' : slot.run === 0 ? 'FB' : 'IB';
      const base = { jobId: `${prefix}${stamp(slot.atMs)}${pad(slot.index, 6)}`, serviceType: info.serviceType, jobType: spec.jobType, startTime: iso(slot.atMs), comments: random.pick(COMMENTS) };
      const status = result === 'finished' ? IAAS_STATUSES.Successful : result === 'failed' ? IAAS_STATUSES.Failed : IAAS_STATUSES.Exception;
      yield {
        startMs: slot.atMs,
        finishMs: slot.atMs + durationMs,
        started: { ...base, status: IAAS_STATUSES.InProgress, totalCount: count.total },
        finished: { ...base, status, finishTime: iso(slot.atMs + durationMs), failedCount: count.failed, successfulCount: count.successful, skippedCount: count.skipped, totalCount: count.total },
      };
    }
  };
  yield* reports(jobs(), options.endMs);
}
