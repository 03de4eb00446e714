import type { GraphClient } from './graph-client.js';
import type { CallOptions } from './operation-types.js';
import type { OperationId, Operations } from './generated/operations.js';
import { WaitTimeoutError } from './wait-timeout.js';

/** The Insights operations that start an export job (`GET …/export`, answering `{ jobId }`). */
export type ExportOperationId = Extract<OperationId, `export${string}`>;

export type ExportProgress =
  | { phase: 'started'; jobId: string }
  | { phase: 'running'; jobId: string; polls: number }
  | { phase: 'downloading'; jobId: string; receivedBytes: number; totalBytes: number | undefined }
  | { phase: 'done'; jobId: string; bytes: number };

export interface ExportOptions extends CallOptions {
  /** Between two status reads; default 1 s. */
  pollMs?: number;
  /** How long to wait for the job to finish (then WaitTimeoutError); default 30 minutes. */
  timeoutMs?: number;
  onProgress?: (progress: ExportProgress) => void;
}

export class ExportFailedError extends Error {
  constructor(
    readonly jobId: string,
    message: string,
  ) {
    super(`Insights export ${jobId} failed: ${message}`);
  }
}

/**
 * An Insights report, start to file: starts the export, reads `exportstatus` until the job is
 * finished (2) or failed (3, thrown with its reason), then downloads the ZIP from `exportfile`
 * with progress. The long-running-operation pattern of the docs' export pages, in one call.
 */
export async function exportReport<K extends ExportOperationId>(
  client: GraphClient,
  operationId: K,
  request: Operations[K]['request'],
  options: ExportOptions = {},
): Promise<{ jobId: string; file: Buffer }> {
  const start = client[operationId] as unknown as (request: Operations[K]['request'], options?: CallOptions) => Promise<{ jobId: string }>;
  const { jobId } = await start.call(client, request, options);
  options.onProgress?.({ phase: 'started', jobId });
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    const status = await client.getExportJobStatus({ jobId: Number(jobId) }, options);
    if (status.jobStatus === 2) break;
    if (status.jobStatus === 3) throw new ExportFailedError(jobId, status.message || 'no reason given');
    if (Date.now() > deadline) throw new WaitTimeoutError(jobId, timeoutMs);
    options.onProgress?.({ phase: 'running', jobId, polls });
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
  const file = await client.download(`/insights/job/${encodeURIComponent(jobId)}/exportfile`, {
    ...options,
    onBytes: (receivedBytes, totalBytes) => options.onProgress?.({ phase: 'downloading', jobId, receivedBytes, totalBytes }),
  });
  options.onProgress?.({ phase: 'done', jobId, bytes: file.length });
  return { jobId, file };
}
