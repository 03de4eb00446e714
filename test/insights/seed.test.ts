import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightsModule } from '../../src/insights/index.js';
import type { ProducerClient } from '../../src/platform/product-module.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { PERMISSION } from './support.js';

describe.each(ENGINES)('the Insights seeder on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let report: Record<string, number>;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    app = await harness.tenantWithApp([PERMISSION], 'us', 'contoso');
    const producerToken = await harness.producerToken(app.tenantId);
    const producer: ProducerClient = {
      async post(path, body) {
        const result = await harness.send('POST', `${harness.regionUrl('us')}${path}`, producerToken, body);
        if (result.status !== 200) throw new Error(`${path}: ${result.text}`);
        return result.body;
      },
    };
    report = await insightsModule.seed!(producer, { tenantId: app.tenantId, tenantName: 'contoso', days: 30, endMs: Date.UTC(2025, 5, 1), counts: {}, demo: true, seed: 'demo' });
  });
  afterAll(() => harness?.close());

  it('gives the demo tenant a little of everything, Microsoft 365 and Google, through the producer API', async () => {
    for (const feed of ['insightsUsers', 'insightsGroups', 'insightsWorkspaces', 'insightsObjects', 'insightsPermissions', 'insightsSharingLinks', 'insightsActivities']) expect(report[feed], feed).toBeGreaterThan(0);
    const token = await harness.token(app, PERMISSION);
    const base = harness.regionUrl('us');
    const users = await harness.get(`${base}/insights/users/summary?startPage=1&pageSize=100`, token);
    expect(users.body.results.length).toBeGreaterThan(10);
    expect(users.body.results.some((user: any) => user.loginName.includes('#EXT#'))).toBe(true);
    const overview = await harness.send('POST', `${base}/insights/sites/overview`, token, { riskLevel: [1, 2, 3] });
    expect(overview.body.values.length).toBeGreaterThan(0);
    const started = await harness.get(`${base}/insights/google/sharingLinks/export?exportLinkType=301&startTime=2000-01-01T00:00:00&finishTime=2030-01-01T00:00:00`, token);
    expect(started.status, started.text).toBe(200);
  });

  it('takes a repeated report as the same item, and refuses an edge to nothing without writing any of its batch', async () => {
    const token = await harness.token(app, PERMISSION);
    const producer = await harness.producerToken(app.tenantId);
    const base = harness.regionUrl('us');
    const summary = async () => (await harness.get(`${base}/insights/users/summary?startPage=1&pageSize=100`, token)).body.results;
    const before = await summary();
    const again = await harness.send('POST', `${base}/producer/insights/users`, producer, { value: [{ id: 'repeat-user', loginName: 'repeat@contoso.com', displayName: 'Repeat' }] });
    expect(again.status, again.text).toBe(200);
    await harness.send('POST', `${base}/producer/insights/users`, producer, { value: [{ id: 'repeat-user', loginName: 'repeat@contoso.com', displayName: 'Repeat, renamed' }] });
    const after = await summary();
    expect(after).toHaveLength(before.length + 1);
    expect(after[after.length - 1]).toMatchObject({ loginName: 'repeat@contoso.com', displayName: 'Repeat, renamed' });

    const access = async () => (await harness.send('POST', `${base}/insights/users/access`, token, { emails: ['repeat@contoso.com'] })).body.values;
    const siteUrl = (await harness.send('POST', `${base}/insights/sites/overview`, token, { pageSize: 1 })).body.values[0].siteUrl;
    const siteId = (await harness.get(`${base}/insights/sites/${encodeURIComponent(siteUrl)}/siteId`, token)).body.values[0];
    const objectId = (await harness.send('POST', `${base}/insights/sites/detailRecords`, token, { siteId, pageSize: 1 })).body.values[0].id;
    // A new member already reaches what Everyone except external users may read.
    const baseline = await access();
    const grant = { id: 'repeat-grant', objectId, principalKind: 'user', principalId: 'repeat-user', permission: 'Read' };
    const refused = await harness.send('POST', `${base}/producer/insights/permissions`, producer, { value: [grant, { ...grant, id: 'to-nothing', objectId: 'no-such-object' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/value\[1\]\.objectId 'no-such-object'/);
    const ghost = await harness.send('POST', `${base}/producer/insights/permissions`, producer, { value: [{ ...grant, principalId: 'ghost' }] });
    expect(ghost.body.message).toMatch(/ghost/);
    expect(await access()).toEqual(baseline);
    for (let round = 0; round < 2; round++) expect((await harness.send('POST', `${base}/producer/insights/permissions`, producer, { value: [grant] })).status).toBe(200);
    const now = await access();
    expect(now).toHaveLength(baseline.length + 1);
    expect(now.filter((row: any) => row.isDirect)).toEqual([expect.objectContaining({ permission: 'Read', location: siteUrl, inheritedFrom: '' })]);
  });
});
