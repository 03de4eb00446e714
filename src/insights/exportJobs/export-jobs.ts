import type { Readable } from 'node:stream';
import type { RegionContext } from '../../platform/product-module.js';
import { EXPORT_FILE_TTL_MS } from '../catalogue.js';
import type { GraphStore } from '../graph/graph-store.js';
import { EXPORT_KINDS, type ExportPayload } from './export-kinds.js';
import type { ExportStore } from './export-store.js';
import { writeReport } from './report-writer.js';

export const EXPORT_JOB_KIND = 'insights.export';
/** A heartbeat (which renews the job's lease) at most this often while rows are written. */
const PROGRESS_EVERY_MS = 2_000;

export type ExportFile =
  | { state: 'unknown' }
  | { state: 'pending' }
  | { state: 'failed'; message: string }
  | { state: 'expired'; expiredMs: number }
  | { state: 'ready'; fileName: string; size: number; stream(): Readable };

/**
 * Export jobs on the kernel's job runner: a start stores what was asked and enqueues it; the
 * handler computes the report from the graph, streams it into a blob, and records the file.
 * A job cut off by a shutdown or a crash is run again from the start by whichever node takes
 * it over (its half-written blob is removed or expires); after three failed runs it is failed
 * with the reason. The file is kept for EXPORT_FILE_TTL_MS after the job finished.
 */
export class ExportJobs {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: RegionContext,
    private readonly graph: GraphStore,
    private readonly store: ExportStore,
  ) {}

  define(): void {
    this.context.jobs.define<{ exportId: number }>(EXPORT_JOB_KIND, (job) => this.run(job.tenantId, job.payload.exportId, job.signal, (value) => job.progress(value)), { maxAttempts: 3, leaseMs: 30_000 });
  }

  async start(tenantId: string, kind: string, payload: ExportPayload): Promise<number> {
    const id = await this.store.create(tenantId, kind, payload, this.context.clock.nowMs());
    await this.enqueue(tenantId, id);
    return id;
  }

  /** The idempotency key makes this safe to repeat: a start cut off between its two writes is completed by the next status read. */
  private async enqueue(tenantId: string, id: number): Promise<string> {
    const job = await this.context.jobs.enqueue(EXPORT_JOB_KIND, { tenantId, payload: { exportId: id }, idempotencyKey: `export-${id}` });
    await this.store.attachRunnerJob(id, job.id);
    return job.id;
  }

  async status(tenantId: string, id: number): Promise<{ jobStatus: 1 | 2 | 3; message: string } | undefined> {
    const row = await this.store.get(tenantId, id);
    if (!row) return undefined;
    const job = await this.context.jobs.get(row.runner_job_id ?? (await this.enqueue(tenantId, id)));
    if (job?.state === 'succeeded') return { jobStatus: 2, message: '' };
    if (job?.state === 'failed') return { jobStatus: 3, message: job.error ?? 'The export failed.' };
    return { jobStatus: 1, message: '' };
  }

  async file(tenantId: string, id: number): Promise<ExportFile> {
    const row = await this.store.get(tenantId, id);
    if (!row) return { state: 'unknown' };
    const job = row.runner_job_id ? await this.context.jobs.get(row.runner_job_id) : undefined;
    if (job?.state === 'failed') return { state: 'failed', message: job.error ?? 'The export failed.' };
    if (job?.state !== 'succeeded' || !row.blob_id) return { state: 'pending' };
    if (row.expires_ms !== null && Number(row.expires_ms) <= this.context.clock.nowMs()) return { state: 'expired', expiredMs: Number(row.expires_ms) };
    const blob = await this.context.blobs.open(row.blob_id);
    if (!blob) return { state: 'expired', expiredMs: Number(row.expires_ms ?? 0) };
    return { state: 'ready', fileName: row.file_name ?? `InsightsReport_${id}.zip`, size: blob.size, stream: () => blob.stream() };
  }

  private async run(tenantId: string, id: number, signal: AbortSignal, progress: (value: unknown) => Promise<void>): Promise<unknown> {
    const row = await this.store.get(tenantId, id);
    if (!row) throw new Error(`Export ${id} is not stored in this region.`);
    const kind = EXPORT_KINDS.find((candidate) => candidate.kind === row.kind);
    if (!kind) throw new Error(`Export kind '${row.kind}' is not known to this version of Meridian.`);
    const report = await kind.report(JSON.parse(row.params_json) as ExportPayload, this.graph, tenantId);
    const { clock, blobs } = this.context;
    const out = blobs.createWriteStream({ tenantId, contentType: 'application/zip', expiresMs: clock.nowMs() + EXPORT_FILE_TTL_MS });
    let lastProgress = Date.now();
    const rows = await writeReport(report.sheets, `${report.title}_${id}.xlsx`, out, {
      signal,
      onProgress: async (written) => {
        if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        await progress({ rows: written });
      },
    });
    const blob = out.blob!;
    const finishedMs = clock.nowMs();
    const expiresMs = finishedMs + EXPORT_FILE_TTL_MS;
    await blobs.setExpiry(blob.id, expiresMs);
    const replaced = await this.store.finish(id, { blobId: blob.id, fileName: `${report.title}_${id}.zip`, rows, finishedMs, expiresMs });
    // A run that finished on a node which then lost the job leaves a file nobody points to.
    if (replaced && replaced !== blob.id) await blobs.delete(replaced);
    return { rows, bytes: blob.size };
  }

  /** Removes expired files now and every hour while the region runs. */
  startSweeping(): void {
    const sweep = () => void this.context.blobs.deleteExpired(500).catch((error: unknown) => this.context.logger.warn({ err: error }, 'insights: sweeping expired export files failed'));
    sweep();
    this.sweeper = setInterval(sweep, 60 * 60 * 1000);
    this.sweeper.unref();
  }

  stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
