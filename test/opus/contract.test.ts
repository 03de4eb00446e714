import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { FAR_FUTURE, OpusFixture, record } from './fixture.js';

const OPUS = 'main/services-and-features/opus';

/** Each Opus endpoint's response held against its page's response sample, field by field. */
describe('opus contract', () => {
  let f: OpusFixture;
  let connectionId: string;
  let jobId: string;
  const SITE = 'https://contoso.sharepoint.com/sites/Finance';
  const GROUP = 'finance-team@contoso.com';
  const restore = (method: string, path: string, body?: unknown) =>
    method === 'GET' ? f.harness.get(`${f.base}/api/restore/${path}`, f.token) : f.harness.send(method, `${f.base}/api/restore/${path}`, f.token, body);

  beforeAll(async () => {
    f = await OpusFixture.start('sqlite');
    connectionId = (await f.connection('Connector')).id;
    await f.term('Connector/Connector-termset/Connector-term', { retainDays: 1, after: 'created' });
    await f.admin('POST', '/producer/opus/archived-data', {
      value: [
        { scopeType: 'SiteCollection', scope: SITE, hasArchivedData: true },
        { scopeType: 'TeamsGroup', scope: GROUP, hasArchivedData: true },
      ],
    });
  });
  afterAll(() => f?.close());

  it('POST /records/connector/records matches useconnector/submit-records.md (201)', async () => {
    const sample = responseSample(`${OPUS}/useconnector/submit-records.md`);
    const data = ['test_connector_0006', 'test_connector_0007'].map((key) => record(key, { term: 'Connector/Connector-termset/Connector-term', ageDays: 30 }));
    const result = await f.submit({ id: connectionId, conflictOption: 'Overwrite', data });
    expect(result.status).toBe(sample.statusCode);
    expectMatchesSample(result.body, sample);
    expect(result.body).toEqual(sample);
  });

  it('POST with failures keeps the documented fields and adds failedItems (418)', async () => {
    const sample = responseSample(`${OPUS}/useconnector/submit-records.md`);
    const result = await f.submit({ id: connectionId, conflictOption: 'Overwrite', data: [{ rowKey: 'broken' }] });
    expect(result.status).toBe(418);
    expectMatchesSample(result.body, sample, '$', { allowExtraKeys: ['failedItems'] });
    expect(Array.isArray(result.body.failedItems)).toBe(true);
  });

  it('GET /records/connector/records matches useconnector/retrieve-due-records.md (200)', async () => {
    const sample = responseSample(`${OPUS}/useconnector/retrieve-due-records.md`);
    const result = await f.due(`id=${connectionId}&disposalDueDate=${FAR_FUTURE}&startIndex=&itemsPerpage=10`);
    expect(result.status).toBe(sample.statusCode);
    // `message` is in the page's response table though not in its sample; Meridian sends both.
    expectMatchesSample(result.body, sample, '$', { allowExtraKeys: ['message'] });
    expect(result.body.startIndex).toBeNull();
    expect(result.body.queriedItems).toHaveLength(2);
    const [item] = result.body.queriedItems;
    expect(Object.keys(item)).toEqual(Object.keys(sample.queriedItems[0]));
    expect(item.termFullPath).toBe(sample.queriedItems[0].termFullPath);
    expect(item.timeCreated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(item.timeCreated).toBe(item.timeCreated.trim());
  });

  it('DELETE /records/connector/records matches useconnector/destroy-records.md (200)', async () => {
    const sample = responseSample(`${OPUS}/useconnector/destroy-records.md`);
    const result = await f.destroy({ disposalIds: ['test_connector_0006', 'test_connector_0007'] });
    expect(result.status).toBe(sample.statusCode);
    expectMatchesSample(result.body, sample);
    expect(result.body).toEqual(sample);
    const partial = await f.destroy({ disposalIds: ['test_connector_0099'] });
    expect(partial.status).toBe(418);
    expectMatchesSample(partial.body, sample, '$', { allowExtraKeys: ['failedItems'] });
  });

  it('GET /api/restore/HasArchivedSiteCollectionData matches has-archived-site-collection-data.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/has-archived-site-collection-data.md`);
    const result = await restore('GET', `HasArchivedSiteCollectionData?scope=${sample.scope}`);
    expect(result.status).toBe(200);
    expectMatchesSample(result.body, sample);
    expect(result.body).toEqual(sample);
  });

  it('GET /api/restore/HasArchivedTeamsGroupData matches has-archived-team-or-group-data.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/has-archived-team-or-group-data.md`);
    const result = await restore('GET', `HasArchivedTeamsGroupData?scope=nobody-${sample.scope}`);
    expect(result.status).toBe(200);
    expectMatchesSample(result.body, sample);
    expect(result.body.hasArchivedData).toBe(false);
  });

  it('POST /api/restore/RestoreSiteCollection matches restore-site-collection.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/restore-site-collection.md`);
    const result = await restore('POST', 'RestoreSiteCollection', { scope: SITE, conflictResolution: 1, appsConflictResolution: 1, includeWorkflowDefinition: false, includeSharingLink: false, siteAdministratorUserPrincipalName: 'admin@contoso.com' });
    expect(result.status).toBe(200);
    expectMatchesSample(result.body, sample);
    jobId = result.body.jobId;
  });

  it('POST /api/restore/RestoreTeamsGroup matches restore-team-or-group.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/restore-team-or-group.md`);
    const result = await restore('POST', 'RestoreTeamsGroup', { scope: GROUP, conflictResolution: 1, appsConflictResolution: 1, includeWorkflowDefinition: false, includeSharingLink: false, siteAdministratorUserPrincipalName: 'admin@contoso.com' });
    expect(result.status).toBe(200);
    expectMatchesSample(result.body, sample);
  });

  it('GET /api/restore/GetRestoreJobStatus matches get-restore-job-status-and-progress.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/get-restore-job-status-and-progress.md`);
    await f.admin('POST', `/producer/opus/restore-jobs/${jobId}`, { status: 1, progress: 75 });
    const result = await restore('GET', `GetRestoreJobStatus?jobId=${jobId}`);
    expect(result.status).toBe(200);
    expectMatchesSample(result.body, sample);
    expect(Object.keys(result.body.job)).toEqual(Object.keys(sample.job));
    expect(result.body.job.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(result.body.job.finishTime).toBeNull();
  });

  it('POST /api/restore/SetRestoreGracePeriodSiteCollection matches set-grace-period-for-deleting-archived-site-collection-data.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/set-grace-period-for-deleting-archived-site-collection-data.md`);
    const result = await restore('POST', 'SetRestoreGracePeriodSiteCollection', { scope: SITE, deleteArchivedDataDaysAfterRestore: 30 });
    expect(result.status).toBe(200);
    expect(result.body).toEqual(sample);
  });

  it('POST /api/restore/SetRestoreGracePeriodTeamsGroup matches set-grace-period-for-deleting-archived-team-or-group-data.md', async () => {
    const sample = responseSample(`${OPUS}/restorearchiveddata/set-grace-period-for-deleting-archived-team-or-group-data.md`);
    const result = await restore('POST', 'SetRestoreGracePeriodTeamsGroup', { scope: GROUP, deleteArchivedDataDaysAfterRestore: 30 });
    expect(result.status).toBe(200);
    expect(result.body).toEqual(sample);
  });

  it('publishes every Opus endpoint in the OpenAPI document', async () => {
    const doc = await f.harness.get(`${f.base}/openapi.json`);
    const paths = doc.body.paths;
    expect(Object.keys(paths['/records/connector/records']).sort()).toEqual(['delete', 'get', 'post']);
    for (const path of ['HasArchivedSiteCollectionData', 'HasArchivedTeamsGroupData', 'GetRestoreJobStatus']) expect(paths[`/api/restore/${path}`].get).toBeDefined();
    for (const path of ['RestoreSiteCollection', 'RestoreTeamsGroup', 'SetRestoreGracePeriodSiteCollection', 'SetRestoreGracePeriodTeamsGroup']) expect(paths[`/api/restore/${path}`].post).toBeDefined();
    expect(paths['/records/connector/records'].post.responses['418']).toBeDefined();
  });
});
