import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { OpusFixture, eventually } from './fixture.js';

const SITE = 'https://contoso.sharepoint.com/sites/Finance';
const GROUP = 'finance-team@contoso.com';

describe.each(ENGINES)('restore archived data on %s', (engine) => {
  let f: OpusFixture;
  const api = (method: string, path: string, body?: unknown, token = f.token) =>
    method === 'GET' ? f.harness.get(`${f.base}/api/restore/${path}`, token) : f.harness.send(method, `${f.base}/api/restore/${path}`, token, body);
  const producer = (method: string, path: string, body?: unknown) => f.admin(method, `/producer/opus/${path}`, body);

  beforeAll(async () => {
    f = await OpusFixture.start(engine);
    const reported = await producer('POST', 'archived-data', {
      value: [
        { scopeType: 'SiteCollection', scope: SITE, hasArchivedData: true },
        { scopeType: 'SiteCollection', scope: 'https://contoso.sharepoint.com/sites/Empty', hasArchivedData: false },
        { scopeType: 'TeamsGroup', scope: GROUP, hasArchivedData: true },
        { scopeType: 'TeamsGroup', scope: 'purged@contoso.com', hasArchivedData: true, deletionStarted: true },
      ],
    });
    expect(reported.status, reported.text).toBe(200);
  });
  afterAll(() => f?.close());

  it('says whether archived data exists, comparing scopes as SharePoint and email do', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['HasArchivedSiteCollectionData', SITE, true],
      ['HasArchivedSiteCollectionData', 'https://CONTOSO.sharepoint.com/sites/finance/', true],
      ['HasArchivedSiteCollectionData', 'https://contoso.sharepoint.com/sites/Empty', false],
      ['HasArchivedSiteCollectionData', 'https://contoso.sharepoint.com/sites/Unknown', false],
      ['HasArchivedTeamsGroupData', GROUP, true],
      ['HasArchivedTeamsGroupData', 'Finance-Team@Contoso.com', true],
      ['HasArchivedTeamsGroupData', 'other@contoso.com', false],
    ];
    for (const [path, scope, expected] of cases) {
      const result = await api('GET', `${path}?scope=${encodeURIComponent(scope)}`);
      expect(result.status, scope).toBe(200);
      expect(result.body).toEqual({ success: true, message: null, hasArchivedData: expected, scope });
    }
    const missing = await api('GET', 'HasArchivedSiteCollectionData');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ success: false, message: expect.stringMatching(/scope/) });
    expect((await api('GET', 'HasArchivedSiteCollectionData?scope=finance')).status).toBe(400);
    expect((await api('GET', 'HasArchivedTeamsGroupData?scope=https%3A%2F%2Fcontoso.sharepoint.com')).status).toBe(400);
  });

  it('restores a site collection as an asynchronous job whose status and progress the archive reports', async () => {
    const started = await api('POST', 'RestoreSiteCollection', { scope: SITE, conflictResolution: 0, appsConflictResolution: 2, includeWorkflowDefinition: true, includeSharingLink: false, siteAdministratorUserPrincipalName: 'admin@contoso.com' });
    expect(started.status, started.text).toBe(200);
    expect(started.body).toEqual({ success: true, message: null, jobId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const jobId = started.body.jobId;
    const status = async () => (await api('GET', `GetRestoreJobStatus?jobId=${jobId}`)).body;
    expect(await status()).toMatchObject({ success: true, job: { id: jobId, status: 0, progress: 0, startTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/), finishTime: null } });

    // The archive side picks it up from the queue of waiting jobs, with the options asked for.
    const queue = await producer('GET', 'restore-jobs?status=0');
    expect(queue.body.value.find((job: any) => job.id === jobId)).toMatchObject({ scopeType: 'SiteCollection', scope: SITE, conflictResolution: 0, appsConflictResolution: 2, includeWorkflowDefinition: true, includeSharingLink: false, siteAdministratorUserPrincipalName: 'admin@contoso.com', requestedBy: f.app.clientId });
    expect((await producer('POST', `restore-jobs/${jobId}`, { status: 8 })).body.applied).toBe(true);
    expect((await producer('POST', `restore-jobs/${jobId}`, { status: 1, progress: 40 })).body.job.progress).toBe(40);
    // Late or repeated reports never move progress back.
    expect((await producer('POST', `restore-jobs/${jobId}`, { status: 1, progress: 25 })).body.job.progress).toBe(40);
    expect(await status()).toMatchObject({ job: { status: 1, progress: 40, finishTime: null } });
    const finished = await producer('POST', `restore-jobs/${jobId}`, { status: 2 });
    expect(finished.body.job).toMatchObject({ status: 2, progress: 100 });
    const done = await status();
    expect(done.job.finishTime).toMatch(/Z$/);
    // An ended job stays as it ended.
    const late = await producer('POST', `restore-jobs/${jobId}`, { status: 1, progress: 50 });
    expect(late.body).toMatchObject({ applied: false, job: { status: 2, progress: 100 } });
    expect((await producer('POST', 'restore-jobs/00000000-0000-4000-8000-000000000000', { status: 1 })).status).toBe(404);
    expect((await producer('POST', `restore-jobs/${jobId}`, { status: 42 })).status).toBe(400);
  });

  it('restores a Team/Group; a retry while the job runs returns the same job, other options are refused', async () => {
    const body = { scope: GROUP, conflictResolution: 1 };
    const first = await api('POST', 'RestoreTeamsGroup', body);
    expect(first.status, first.text).toBe(200);
    const retry = await api('POST', 'RestoreTeamsGroup', { Scope: GROUP.toUpperCase(), ConflictResolution: 1 });
    expect(retry.status).toBe(200);
    expect(retry.body.jobId).toBe(first.body.jobId);
    const other = await api('POST', 'RestoreTeamsGroup', { scope: GROUP, conflictResolution: 0 });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ success: false, message: expect.stringContaining(first.body.jobId) });
    await producer('POST', `restore-jobs/${first.body.jobId}`, { status: 3, message: 'The group was deleted in Microsoft 365.' });
    const failed = await api('GET', `GetRestoreJobStatus?jobId=${first.body.jobId}`);
    expect(failed.body).toMatchObject({ success: true, message: 'The group was deleted in Microsoft 365.', job: { status: 3 } });
    // After the job ended, a new restore is a new job.
    const again = await api('POST', 'RestoreTeamsGroup', { scope: GROUP });
    expect(again.body.jobId).not.toBe(first.body.jobId);
  });

  it('refuses restores of scopes without archived data and malformed requests', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['RestoreSiteCollection', { scope: 'https://contoso.sharepoint.com/sites/Empty' }, /no archived data/],
      ['RestoreSiteCollection', { scope: 'https://contoso.sharepoint.com/sites/Unknown' }, /no archived data/],
      ['RestoreSiteCollection', { scope: 'not a url' }, /scope/],
      ['RestoreSiteCollection', {}, /scope/],
      ['RestoreSiteCollection', { scope: SITE, conflictResolution: 3 }, /conflictResolution/],
      ['RestoreSiteCollection', { scope: SITE, siteAdministratorUserPrincipalName: 'admin' }, /siteAdministratorUserPrincipalName/],
      ['RestoreSiteCollection', { scope: SITE, unknown: true }, /unknown/],
      ['RestoreTeamsGroup', { scope: SITE }, /email/],
      ['RestoreTeamsGroup', { scope: 'other@contoso.com' }, /no archived data/],
    ];
    for (const [path, body, pattern] of cases) {
      const result = await api('POST', path, body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.body.success).toBe(false);
      expect(result.body.message, JSON.stringify(body)).toMatch(pattern);
    }
    const unknown = await api('GET', 'GetRestoreJobStatus?jobId=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, message: expect.stringMatching(/nope/) });
    expect((await api('GET', 'GetRestoreJobStatus')).status).toBe(400);
  });

  it('sets the grace period for deleting restored data, once: not after the deletion job started', async () => {
    const set = await api('POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE, deleteArchivedDataDaysAfterRestore: 30 });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ success: true, message: null });
    expect((await api('POST', 'SetRestoreGracePeriodTeamsGroup', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 0 })).status).toBe(200);
    const scopes = (await producer('GET', 'archived-data')).body.value;
    expect(scopes.find((scope: any) => scope.scope === SITE)).toMatchObject({ deleteArchivedDataDaysAfterRestore: 30, deletionStartedAt: null });
    expect(scopes.find((scope: any) => scope.scope === GROUP)).toMatchObject({ deleteArchivedDataDaysAfterRestore: 0 });

    for (const days of [-1, 366, 'thirty']) {
      const result = await api('POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE, deleteArchivedDataDaysAfterRestore: days });
      expect(result.status, String(days)).toBe(400);
      expect(result.body.message).toMatch(/deleteArchivedDataDaysAfterRestore/);
    }
    expect((await api('POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE })).status).toBe(400);
    expect((await api('POST', 'SetRestoreGracePeriodSiteCollection', { scope: 'https://contoso.sharepoint.com/sites/Unknown', deleteArchivedDataDaysAfterRestore: 5 })).status).toBe(400);

    const spent = await api('POST', 'SetRestoreGracePeriodTeamsGroup', { scope: 'purged@contoso.com', deleteArchivedDataDaysAfterRestore: 10 });
    expect(spent.status).toBe(400);
    expect(spent.body.message).toMatch(/started/);
    // The archive starts deleting the site's restored data: the period it was given is kept, later ones are refused.
    await producer('POST', 'archived-data', { value: [{ scopeType: 'SiteCollection', scope: SITE, hasArchivedData: true, deletionStarted: true }] });
    expect((await api('POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE, deleteArchivedDataDaysAfterRestore: 60 })).status).toBe(400);
    const after = (await producer('GET', 'archived-data?scopeType=SiteCollection')).body.value.find((scope: any) => scope.scope === SITE);
    expect(after.deleteArchivedDataDaysAfterRestore).toBe(30);
    expect(after.deletionStartedAt).not.toBeNull();
  });

  it("answers the grace-period sample's cut-short path (…TeamsGrou) as the documented one, which alone is in the OpenAPI document", async () => {
    const set = await api('POST', 'SetRestoreGracePeriodTeamsGrou', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 45 });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ success: true, message: null });
    const scopes = (await producer('GET', 'archived-data?scopeType=TeamsGroup')).body.value;
    expect(scopes.find((scope: any) => scope.scope === GROUP)).toMatchObject({ deleteArchivedDataDaysAfterRestore: 45 });
    // The same route: the same checks and the same envelope.
    const refused = await api('POST', 'SetRestoreGracePeriodTeamsGrou', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 366 });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ success: false, message: expect.stringMatching(/deleteArchivedDataDaysAfterRestore/) });
    const reader = await f.harness.token(await f.harness.tenantWithApp(['audit.read.all']));
    expect((await api('POST', 'SetRestoreGracePeriodTeamsGrou', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 1 }, reader)).status).toBe(403);
    // Only the Team/Group path has a cut-short twin.
    expect((await api('POST', 'SetRestoreGracePeriodSiteCollectio', { scope: SITE, deleteArchivedDataDaysAfterRestore: 1 })).status).toBe(404);
    const doc = await f.harness.get(`${f.base}/openapi.json`);
    expect(doc.body.paths['/api/restore/SetRestoreGracePeriodTeamsGroup'].post.operationId).toBe('setArchivedDataRetentionPeriodAfterTeamGroupRestore');
    expect(doc.body.paths['/api/restore/SetRestoreGracePeriodTeamsGrou']).toBeUndefined();
  });

  it('serves restores the archive started itself, and audits restores and grace periods as Opus', async () => {
    const registered = await producer('POST', 'restore-jobs', { id: 'B3693DD0-0000-4000-8000-48F71D88DC7E', scopeType: 'TeamsGroup', scope: GROUP, requestedBy: 'maria@contoso.com', status: 1, progress: 10 });
    expect(registered.status, registered.text).toBe(200);
    const status = await api('GET', 'GetRestoreJobStatus?jobId=b3693dd0-0000-4000-8000-48f71d88dc7e');
    expect(status.body.job).toMatchObject({ id: 'b3693dd0-0000-4000-8000-48f71d88dc7e', status: 1, progress: 10 });
    const other = await f.otherTenant();
    expect((await f.harness.get(`${f.base}/api/restore/GetRestoreJobStatus?jobId=b3693dd0-0000-4000-8000-48f71d88dc7e`, other.token)).status).toBe(404);

    const audit = await eventually(async () => {
      const page = await f.harness.get(`${f.base}/aos/audit?startTime=${new Date(Date.now() - 300_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=AvePointRecords`, f.token);
      const names = new Set(page.body.data.map((item: any) => item.actionName));
      return names.has('Restore site collection') && names.has('Restore Team/Group') && names.has('Set archived data retention period after restore') ? page.body.data : undefined;
    });
    expect(audit.every((item: any) => item.product === 'Opus')).toBe(true);
  });

  it('needs records.readwrite.all for every restore endpoint', async () => {
    const reader = await f.harness.tenantWithApp(['audit.read.all']);
    const token = await f.harness.token(reader);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `HasArchivedSiteCollectionData?scope=${encodeURIComponent(SITE)}`],
      ['GET', `HasArchivedTeamsGroupData?scope=${GROUP}`],
      ['POST', 'RestoreSiteCollection', { scope: SITE }],
      ['POST', 'RestoreTeamsGroup', { scope: GROUP }],
      ['GET', 'GetRestoreJobStatus?jobId=x'],
      ['POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE, deleteArchivedDataDaysAfterRestore: 1 }],
      ['POST', 'SetRestoreGracePeriodTeamsGroup', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 1 }],
    ];
    for (const [method, path, body] of calls) {
      const result = await api(method, path, body, token);
      expect(result.status, path).toBe(403);
      expect(result.body).toEqual({ success: false, message: expect.stringMatching(/records\.readwrite\.all/) });
    }
    // The producer routes need the producer permission.
    expect((await f.harness.get(`${f.base}/producer/opus/restore-jobs`, f.token)).status).toBe(403);
  });
});
