import { scrapedGauge } from '../metrics.js';
import type { JobQueueStats } from './job-runner.js';

/** A region's job queue on /metrics: depth by state and the age of the oldest waiting job. */
export function jobQueueGauges(service: string, stats: () => Promise<JobQueueStats>): Array<() => void> {
  let last: Promise<JobQueueStats> | undefined;
  // One read of the queue per scrape feeds both gauges.
  const read = () => (last ??= stats().finally(() => setImmediate(() => (last = undefined))));
  return [
    scrapedGauge('meridian_jobs', 'Kernel jobs waiting (queued) and running, by listener', ['service', 'state'], async () => {
      const current = await read();
      return [
        { labels: { service, state: 'queued' }, value: current.queued },
        { labels: { service, state: 'running' }, value: current.running },
      ];
    }),
    scrapedGauge('meridian_jobs_oldest_queued_age_seconds', 'Age of the oldest kernel job waiting to run (0 when none waits)', ['service'], async () => [
      { labels: { service }, value: (await read()).oldestQueuedAgeMs / 1000 },
    ]),
  ];
}
