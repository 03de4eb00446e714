import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, POSTGRES_URL } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, expectNamed, holdableClock, sleep, waitFor, type BackupTenant } from './support.js';

const RESTORE = '/backup/m365/restore/jobs';
const OBJECTS = '/producer/backup/m365/protected-objects';
const LIST = '/backup/m365/cloudbackupjobs';

const PROTECTED = [
  { serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Finance', libraries: ['Documents', 'Shared Documents'], firstBackupTime: '2025-06-01T00:00:00Z' },
  { serviceType: 2, oneDriveUpn: 'alexw@contoso.onmicrosoft.com', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' },
  { serviceType: 6, siteUrl: 'https://contoso.sharepoint.com/sites/Phoenix', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' },
  { serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Paris', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z', location: 'EUR' },
  { serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Gone', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z', removed: true },
  { serviceType: 1, siteUrl: 'https://contoso.sharepoint.com/sites/Doomed', libraries: ['Documents'], firstBackupTime: '2025-06-01T00:00:00Z' },
];

/** perform-restore-job.md's SharePoint Online sample body. */
const SHAREPOINT = {
  serviceType: 1,
  recoveryDateTime: '2026-02-27T03:54:22Z',
  siteRestoreScope: {
    siteUrl: 'https://contoso.sharepoint.com/sites/Finance',
    restoreTargets: [{ libraryName: 'Documents', folders: [{ relativePath: 'Shared/Reports/2026' }], files: [{ relativePath: 'Shared/Budget.xlsx' }] }],
  },
};

/** Its OneDrive sample, without the stray brace the page has. */
const ONEDRIVE = {
  serviceType: 2,
  recoveryDateTime: '2026-02-27T03:54:22Z',
  oneDriveRestoreScope: { oneDriveUpn: 'alexw@contoso.onmicrosoft.com', restoreTargets: [{ libraryName: 'Documents', folders: [{ relativePath: 'Shared/Reports/2026' }] }] },
};

const site = (siteUrl: string, extra: Record<string, unknown> = {}) => ({ ...SHAREPOINT, siteRestoreScope: { ...SHAREPOINT.siteRestoreScope, siteUrl }, ...extra });

async function restoreJobs(b: BackupHarness, t: BackupTenant): Promise<any[]> {
  return (await b.get(`${LIST}?jobType=2&pageSize=1000`, t.token)).body.data;
}

async function auditOf(b: BackupHarness, t: BackupTenant, jobId: string): Promise<any[]> {
  const now = Date.now();
  const window = `startTime=${new Date(now - 3 * 86_400_000).toISOString()}&endTime=${new Date(now + 3 * 86_400_000).toISOString()}&productTypes=Office365Backup`;
  const page = await b.get(`/aos/audit?${window}`, t.token);
  expect(page.status, page.text).toBe(200);
  return page.body.data.filter((record: any) => record.objectName === jobId);
}

describe.each(ENGINES)('POST /backup/m365/restore/jobs on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce(OBJECTS, t.producer, PROTECTED);
  });
  afterAll(() => b?.close());

  it('creates a restore job that progresses, finishes, lists as a Restore job and is audited', async () => {
    const result = await b.post(RESTORE, t.token, SHAREPOINT);
    expect(result.status, result.text).toBe(200);
    const { jobId } = result.body.data;
    expect(jobId).toMatch(/^RS\d{18}$/);
    const listed = (await restoreJobs(b, t)).find((job) => job.id === jobId);
    expect(listed).toBeDefined();
    const done = await waitFor(async () => {
      const job = await b.get(`${LIST}/${jobId}`, t.token);
      return job.body.data.state === 'Finished' ? job.body.data : undefined;
    }, 20_000, 'the restore to finish');
    const details = done.backupDetails;
    expect(details.totalNumber).toBeGreaterThanOrEqual(3);
    expect(details.successfulNumber + details.skippedNumber).toBe(details.totalNumber);
    expect(details.failedNumber).toBe(0);
    expect(done.finishTime).not.toBeNull();
    expect((await b.get(`${LIST}?jobType=2&jobState=2&objectType=2&pageSize=1000`, t.token)).body.data.map((job: any) => job.id)).toContain(jobId);
    const audit = await waitFor(async () => {
      const records = await auditOf(b, t, jobId);
      return records.length === 2 ? records : undefined;
    }, 20_000, 'the audit records');
    expect(audit.map((record) => record.actionName).sort()).toEqual(['Restore items', 'Restore job finished']);
    for (const record of audit) {
      expect(record.product).toBe('Cloud Backup for Microsoft 365');
      expect(record.objectType).toBe('Restore job');
      expect(record.status).toBe('Successful');
    }
    expect(JSON.parse(audit.find((record) => record.actionName === 'Restore items').actionParameters)).toEqual(SHAREPOINT);
  });

  it('restores OneDrive files, team sites and subsites, counting on from the same second', async () => {
    const ids: string[] = [];
    for (const body of [ONEDRIVE, site('https://contoso.sharepoint.com/sites/Finance/APAC'), { ...site('https://contoso.sharepoint.com/sites/Phoenix'), serviceType: 6 }]) {
      const result = await b.post(RESTORE, t.token, body);
      expect(result.status, result.text).toBe(200);
      ids.push(result.body.data.jobId);
    }
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) await waitFor(async () => (await b.get(`${LIST}/${id}`, t.token)).body.data.state === 'Finished', 20_000, id);
  });

  it('uses the backup of the location named, and says which location holds the site', async () => {
    const central = await b.post(RESTORE, t.token, site('https://contoso.sharepoint.com/sites/Paris'));
    expectNamed(central, 'SiteRestoreScope.SiteUrl');
    expect(central.body.errors[0].message).toContain('location=EUR');
    const eur = await b.post(`${RESTORE}?Location=EUR`, t.token, site('https://contoso.sharepoint.com/sites/Paris'));
    expect(eur.status, eur.text).toBe(200);
    const job = await b.get(`${LIST}/${eur.body.data.jobId}?location=EUR`, t.token);
    expect(job.status).toBe(200);
    expectNamed(await b.post(`${RESTORE}?location=MARS`, t.token, SHAREPOINT), 'location');
  });

  it('refuses a request without a scope exactly as the 400 sample shows', async () => {
    const result = await b.post(RESTORE, t.token, { serviceType: 1, recoveryDateTime: '2026-02-27T03:54:22Z' });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      statusCode: 400,
      message: 'Bad Request',
      errors: [{ code: 'InvalidParameter', field: 'SiteRestoreScope', message: "'Site Restore Scope' must not be empty." }],
    });
    expect(Object.keys(result.body).sort()).toEqual(['errors', 'message', 'requestId', 'statusCode', 'timestamp', 'traceId']);
  });

  it.each([
    ['no serviceType', { recoveryDateTime: SHAREPOINT.recoveryDateTime, siteRestoreScope: SHAREPOINT.siteRestoreScope }, 'ServiceType'],
    ['an unsupported serviceType', { ...SHAREPOINT, serviceType: 0 }, 'ServiceType'],
    ['a recoveryDateTime without Z', { ...SHAREPOINT, recoveryDateTime: '2026-02-27T03:54:22' }, 'RecoveryDateTime'],
    ['a date-only recoveryDateTime', { ...SHAREPOINT, recoveryDateTime: '2026-02-27' }, 'RecoveryDateTime'],
    ['a recovery point before the first backup', { ...SHAREPOINT, recoveryDateTime: '2025-01-01T00:00:00Z' }, 'RecoveryDateTime'],
    ['OneDrive with only a site scope', { ...SHAREPOINT, serviceType: 2 }, 'OneDriveRestoreScope'],
    ['an empty siteUrl', site(''), 'SiteRestoreScope.SiteUrl'],
    ['a siteUrl that is not a URL', site('Finance'), 'SiteRestoreScope.SiteUrl'],
    ['an unknown site', site('https://contoso.sharepoint.com/sites/Nowhere'), 'SiteRestoreScope.SiteUrl'],
    ['a removed destination', site('https://contoso.sharepoint.com/sites/Gone'), 'SiteRestoreScope.SiteUrl'],
    ['a OneDrive that is not protected', { ...ONEDRIVE, oneDriveRestoreScope: { ...ONEDRIVE.oneDriveRestoreScope, oneDriveUpn: 'nobody@contoso.onmicrosoft.com' } }, 'OneDriveRestoreScope.OneDriveUpn'],
    ['an unknown library', site('https://contoso.sharepoint.com/sites/Finance', { siteRestoreScope: { siteUrl: 'https://contoso.sharepoint.com/sites/Finance', restoreTargets: [{ libraryName: 'Pictures', files: [{ relativePath: 'a.png' }] }] } }), 'RestoreTargets[0].LibraryName'],
    ['no restore targets', { ...SHAREPOINT, siteRestoreScope: { siteUrl: SHAREPOINT.siteRestoreScope.siteUrl, restoreTargets: [] } }, 'SiteRestoreScope.RestoreTargets'],
    ['a target with neither files nor folders', { ...SHAREPOINT, siteRestoreScope: { siteUrl: SHAREPOINT.siteRestoreScope.siteUrl, restoreTargets: [{ libraryName: 'Documents', files: null }] } }, 'RestoreTargets[0]'],
    ['an empty relativePath', { ...SHAREPOINT, siteRestoreScope: { siteUrl: SHAREPOINT.siteRestoreScope.siteUrl, restoreTargets: [{ libraryName: 'Documents', files: [{ relativePath: ' ' }] }] } }, 'Files[0].RelativePath'],
    ['21 paths', { ...SHAREPOINT, siteRestoreScope: { siteUrl: SHAREPOINT.siteRestoreScope.siteUrl, restoreTargets: [{ libraryName: 'Documents', files: Array.from({ length: 21 }, (_, i) => ({ relativePath: `f${i}.docx` })) }] } }, 'cannot exceed 20'],
    ['a parent with its child', { ...SHAREPOINT, siteRestoreScope: { siteUrl: SHAREPOINT.siteRestoreScope.siteUrl, restoreTargets: [{ libraryName: 'Documents', folders: [{ relativePath: 'Shared' }], files: [{ relativePath: 'Shared/Budget.xlsx' }] }] } }, 'Parent and child'],
    ['a string body', 'restore everything', 'body'],
  ])('refuses %s with a 400 naming it, and creates nothing', async (_, body, name) => {
    const before = (await restoreJobs(b, t)).length;
    const result = await b.post(RESTORE, t.token, body);
    expectNamed(result, name);
    expect(result.body.statusCode).toBe(400);
    expect(result.body.errors.length).toBeGreaterThan(0);
    expect((await restoreJobs(b, t)).length).toBe(before);
  });

  it('lists every problem of a request at once', async () => {
    const result = await b.post(RESTORE, t.token, {
      serviceType: 1,
      recoveryDateTime: 'soon',
      siteRestoreScope: { siteUrl: '', restoreTargets: [{ libraryName: '', files: [{ relativePath: '' }] }] },
    });
    expect(result.status).toBe(400);
    expect(result.body.errors.map((error: any) => error.field)).toEqual([
      'RecoveryDateTime',
      'SiteRestoreScope.SiteUrl',
      'SiteRestoreScope.RestoreTargets[0].LibraryName',
      'SiteRestoreScope.RestoreTargets[0].Files[0].RelativePath',
    ]);
  });

  it('refuses malformed JSON with a 400', async () => {
    const result = await b.harness.send('POST', `${b.base}${RESTORE}`, t.token, '{"serviceType": 1,', { 'content-type': 'application/json' });
    expect(result.status).toBe(400);
    expect(result.body.statusCode).toBe(400);
  });

  it('needs microsoft365backup.restore.readwrite.all', async () => {
    const readOnly = await b.tenant([BACKUP_PERMISSIONS.jobInfo]);
    await b.produce(OBJECTS, readOnly.producer, PROTECTED);
    const result = await b.post(RESTORE, readOnly.token, SHAREPOINT);
    expect(result.status).toBe(403);
    expect(result.body.statusCode).toBe(403);
    expect((await b.post(RESTORE, readOnly.producer, SHAREPOINT)).status).toBe(403);
    expect((await b.get(`${LIST}?jobType=2`, readOnly.token)).body.metadata.totalCount).toBe(0);
    expect((await b.post(OBJECTS, t.token, { value: PROTECTED })).status).toBe(403);
  });
});

describe.each(ENGINES)('restore jobs on a held clock on %s', (engine) => {
  const clock = holdableClock();
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine, clock });
    t = await b.tenant();
    await b.produce(OBJECTS, t.producer, PROTECTED);
  });
  afterAll(() => b?.close());

  it('runs at most three restore or export jobs at once, answering the 429 of the page', async () => {
    clock.hold();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await b.post(RESTORE, t.token, site('https://contoso.sharepoint.com/sites/Finance', { siteRestoreScope: { siteUrl: 'https://contoso.sharepoint.com/sites/Finance', restoreTargets: [{ libraryName: 'Documents', files: [{ relativePath: `file-${i}.docx` }] }] } }));
      expect(result.status, result.text).toBe(200);
      ids.push(result.body.data.jobId);
    }
    const refused = await b.post(RESTORE, t.token, SHAREPOINT);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe('There are already 3 restore/export jobs running, cannot start new restore job.');
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await restoreJobs(b, t)).length).toBe(3);
    // Time passes on the region's clock: the three finish and make room.
    await sleep(2000);
    clock.release();
    for (const id of ids) await waitFor(async () => (await b.get(`${LIST}/${id}`, t.token)).body.data.state === 'Finished', 15_000, id);
    expect((await b.post(RESTORE, t.token, SHAREPOINT)).status).toBe(200);
  });

  it('fails a restore whose destination disappears while it runs, with a job error and an audit record', async () => {
    clock.hold();
    const result = await b.post(RESTORE, t.token, site('https://contoso.sharepoint.com/sites/Doomed'));
    expect(result.status, result.text).toBe(200);
    const { jobId } = result.body.data;
    await b.produce(OBJECTS, t.producer, [{ ...PROTECTED[5], removed: true }]);
    await sleep(2000);
    clock.release();
    const failed = await waitFor(async () => {
      const job = (await b.get(`${LIST}/${jobId}`, t.token)).body.data;
      return job.state === 'Failed' ? job : undefined;
    }, 15_000, 'the restore to fail');
    expect(failed.jobErrors).toHaveLength(1);
    expect(failed.jobErrors[0].value).toContain('no longer exists');
    expect(failed.backupDetails.failedNumber).toBe(failed.backupDetails.totalNumber);
    const audit = await waitFor(async () => {
      const records = await auditOf(b, t, jobId);
      return records.length === 2 ? records : undefined;
    }, 15_000, 'the audit records');
    expect(audit.find((record) => record.actionName === 'Restore job failed')?.status).toBe('Failed');
  });
});

describe.each(ENGINES)('a restore across a restart on %s', (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-restore-'));
  const schemaPrefix = `r${randomBytes(5).toString('hex')}`;
  const config = { dataDir, ...(engine === 'postgres' ? { postgresSchemaPrefix: schemaPrefix } : {}) };

  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (engine !== 'postgres') return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${schemaPrefix}\\_%`]);
      for (const row of rows) await client.query(`drop schema if exists "${row.nspname}" cascade`);
    } finally {
      await client.end();
    }
  });

  it('resumes an unfinished restore when the region starts again', async () => {
    const clock = holdableClock();
    clock.hold();
    const first = await BackupHarness.start({ engine, clock, config });
    let jobId: string;
    let tenant: BackupTenant;
    try {
      tenant = await first.tenant();
      await first.produce(OBJECTS, tenant.producer, PROTECTED);
      const result = await first.post(RESTORE, tenant.token, SHAREPOINT);
      expect(result.status, result.text).toBe(200);
      jobId = result.body.data.jobId;
      expect((await first.get(`${LIST}/${jobId}`, tenant.token)).body.data.state).toBe('In Progress');
    } finally {
      await first.close();
    }
    const second = await BackupHarness.start({ engine, config });
    try {
      // The identity listens on a new port, so it is a new issuer: the app asks for a new token.
      const token = await second.harness.token(tenant!.app);
      const done = await waitFor(async () => {
        const job = (await second.get(`${LIST}/${jobId!}`, token)).body.data;
        return job?.state === 'Finished' ? job : undefined;
      }, 20_000, 'the resumed restore');
      expect(done.backupDetails.successfulNumber + done.backupDetails.skippedNumber).toBe(done.backupDetails.totalNumber);
      const audit = await waitFor(async () => {
        const records = await auditOf(second, { ...tenant!, token }, jobId!);
        return records.length === 2 ? records : undefined;
      }, 20_000, 'both audit records');
      expect(audit.map((record) => record.actionName).sort()).toEqual(['Restore items', 'Restore job finished']);
    } finally {
      await second.close();
    }
  });
});
