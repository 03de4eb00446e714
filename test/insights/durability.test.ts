import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';
import { collectPosted, download, PERMISSION, readReport, seedInsightsTenant, waitForExport } from './support.js';

/**
 * Restarts of the server: a finished report is downloaded by the next process, and a report
 * cut off half-way by a shutdown is written again by the next process, from the start.
 */
describe.each(ENGINES)('Insights exports across restarts on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-insights-restart-'));
  const prefix = `r${randomBytes(5).toString('hex')}`;
  const config = engine === 'postgres' ? { dataDir, databaseUrl: POSTGRES_URL, postgresSchemaPrefix: prefix } : { dataDir };
  let harness: Harness;
  let app: TestApp;
  let userMail: string;

  const restart = async () => {
    await harness.close();
    harness = await Harness.start({ engine, regions: ['us'], config });
  };
  const token = () => harness.token(app, PERMISSION);
  const base = () => harness.regionUrl('us');
  const kernelJob = (id: string) => (harness.meridian.regions.get('us')!.context.db as Kysely<any>).selectFrom('kernel_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  const runnerJobOf = async (jobId: string) => (await (harness.meridian.regions.get('us')!.context.db as Kysely<any>).selectFrom('insights_export_jobs').select('runner_job_id').where('seq', '=', Number(jobId)).executeTakeFirstOrThrow()).runner_job_id as string;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'], config });
    app = await harness.tenantWithApp([PERMISSION]);
    // The first user reaches every object through six reviewer groups: a report long enough to be cut off.
    const world = await seedInsightsTenant(harness, app.tenantId, { objects: 1200, reviewerGroups: 6, activities: 0, googleObjects: 0 });
    userMail = world.users[0]!.mail;
  }, 180_000);

  afterAll(async () => {
    await harness?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${prefix}\\_%`]);
        for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
      } finally {
        await client.end();
      }
    }
  });

  it('serves a finished report after the server restarted between finish and download', async () => {
    const started = await harness.get(`${base()}/insights/users/${encodeURIComponent(userMail)}/access/export?dataSources=OneDrive`, await token());
    expect((await waitForExport(harness, base(), await token(), started.body.jobId)).jobStatus).toBe(2);
    const before = await download(harness, base(), await token(), started.body.jobId);
    await restart();
    const after = await download(harness, base(), await token(), started.body.jobId);
    expect(after.status).toBe(200);
    expect(Number(after.headers.get('content-length'))).toBe(before.bytes.length);
    expect(after.bytes.equals(before.bytes)).toBe(true);
  }, 120_000);

  it('writes a report again after a shutdown cut it off, with every row and no file left half-written', async () => {
    const all = 'dataSources=Microsoft%20Teams&dataSources=SharePoint%20Online&dataSources=OneDrive&dataSources=Microsoft%20365%20Group';
    const started = await harness.get(`${base()}/insights/users/${encodeURIComponent(userMail)}/access/export?${all}`, await token());
    expect(started.status, started.text).toBe(200);
    const runnerId = await runnerJobOf(started.body.jobId);
    const until = Date.now() + 30_000;
    while ((await kernelJob(runnerId))?.state !== 'running') {
      if (Date.now() > until) throw new Error('the export never started');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await restart();
    // Handed back by the shutdown: queued again (or already taken up again by the new process), never finished by the old one.
    expect((await waitForExport(harness, base(), await token(), started.body.jobId)).jobStatus).toBe(2);
    const file = await download(harness, base(), await token(), started.body.jobId);
    const report = await readReport(file.bytes);
    const direct = await collectPosted(harness, `${base()}/insights/users/access`, await token(), { emails: [userMail] });
    expect(report.sheets.get('User Access')!.rows.length).toBe(direct.rows.length);
    expect(direct.rows.length).toBeGreaterThan(7_000);
    const db = harness.meridian.regions.get('us')!.context.db as Kysely<any>;
    const exportsWithFiles = await db.selectFrom('insights_export_jobs').select('blob_id').where('blob_id', 'is not', null).execute();
    const stored = await db.selectFrom('blob_objects').select(['blob_id', 'size']).execute();
    expect(stored.map((blob: any) => blob.blob_id).sort()).toEqual(exportsWithFiles.map((row: any) => row.blob_id).sort());
  }, 180_000);
});
