import type { Kysely, Selectable } from 'kysely';
import type { InsightsTables } from '../schema.js';

export type ExportRow = Selectable<InsightsTables['insights_export_jobs']>;

/** The export jobs of the insights_export_jobs table: what was asked, its runner job, its file. */
export class ExportStore {
  constructor(private readonly db: Kysely<InsightsTables>) {}

  async create(tenantId: string, kind: string, params: unknown, nowMs: number): Promise<number> {
    const row = await this.db
      .insertInto('insights_export_jobs')
      .values({ tenant_id: tenantId, kind, params_json: JSON.stringify(params), runner_job_id: null, created_ms: nowMs, finished_ms: null, blob_id: null, file_name: null, row_count: null, expires_ms: null })
      .returning('seq')
      .executeTakeFirstOrThrow();
    return Number(row.seq);
  }

  async attachRunnerJob(id: number, runnerJobId: string): Promise<void> {
    await this.db.updateTable('insights_export_jobs').set({ runner_job_id: runnerJobId }).where('seq', '=', id).execute();
  }

  /** A tenant's export; another tenant's jobId is as unknown as one never issued. */
  async get(tenantId: string, id: number): Promise<ExportRow | undefined> {
    return this.db.selectFrom('insights_export_jobs').selectAll().where('seq', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
  }

  async finish(id: number, file: { blobId: string; fileName: string; rows: number; finishedMs: number; expiresMs: number }): Promise<string | null> {
    const previous = await this.db.selectFrom('insights_export_jobs').select('blob_id').where('seq', '=', id).executeTakeFirst();
    await this.db
      .updateTable('insights_export_jobs')
      .set({ blob_id: file.blobId, file_name: file.fileName, row_count: file.rows, finished_ms: file.finishedMs, expires_ms: file.expiresMs })
      .where('seq', '=', id)
      .execute();
    return previous?.blob_id ?? null;
  }
}
