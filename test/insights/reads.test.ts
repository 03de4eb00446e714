import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { M365World } from '../../src/simulator/world.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { collectPosted, contractSample, DOCS, PERMISSION, seedInsightsTenant } from './support.js';

const SIZES = { objects: 150, reviewerGroups: 1, activities: 100, googleObjects: 20 };

describe.each(ENGINES)('Insights direct reads on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let base: string;
  let world: M365World;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    app = await harness.tenantWithApp([PERMISSION]);
    token = await harness.token(app, PERMISSION);
    base = harness.regionUrl('us');
    world = await seedInsightsTenant(harness, app.tenantId, SIZES);
  });
  afterAll(() => harness?.close());

  const firstUser = () => world.users[0]!;
  const guest = () => world.users.find((user) => user.userType === 'Guest')!;
  const site = () => world.sites.find((candidate) => candidate.kind === 'Team site')!;

  it('POST /insights/users/access pages a user\'s access exactly once, whatever the page size, and holds the sample', async () => {
    const body = { emails: [firstUser().userPrincipalName] };
    const small = await collectPosted(harness, `${base}/insights/users/access`, token, { ...body, pageSize: 7 });
    const large = await collectPosted(harness, `${base}/insights/users/access`, token, body);
    expect(small.pages).toBeGreaterThan(large.pages);
    expect(small.rows).toEqual(large.rows);
    // The reviewer group reaches every site, its library and every file: one row each, inherited from the group.
    const viaReviewers = large.rows.filter((row) => row.inheritedFrom === 'Insights Reviewers 1');
    expect(viaReviewers).toHaveLength(2 * world.sites.length + SIZES.objects);
    expect(viaReviewers.every((row) => row.isDirect === false && row.permission === 'Read')).toBe(true);
    const sample = responseSample(`${DOCS}/users/userPermissions.md`);
    const first = await harness.send('POST', `${base}/insights/users/access`, token, { ...body, pageSize: 1 });
    expectMatchesSample(first.body, sample);
    expect(first.body.status).toBe(200);
    expect(typeof first.body.nextLink).toBe('string');
  });

  it('POST /insights/users/access stays exact while entries are added between pages, and narrows to siteUrls', async () => {
    const user = firstUser();
    const body = { emails: [user.mail.toUpperCase()], pageSize: 10 };
    const first = await harness.send('POST', `${base}/insights/users/access`, token, body);
    expect(first.status, first.text).toBe(200);
    const producer = await harness.producerToken(app.tenantId);
    const target = world.sites[1]!;
    const added = await harness.send('POST', `${base}/producer/insights/permissions`, producer, {
      value: [{ id: `late-grant-${engine}`, objectId: `${target.id}:library`, principalKind: 'user', principalId: user.id, permission: 'Contribute' }],
    });
    expect(added.status, added.text).toBe(200);
    const rest = await collectPosted(harness, `${base}/insights/users/access`, token, { ...body, nextLink: first.body.nextLink });
    const all = [...first.body.values, ...rest.rows];
    const whole = await collectPosted(harness, `${base}/insights/users/access`, token, { emails: [user.mail], pageSize: 100 });
    expect(all).toEqual(whole.rows);
    expect(all.filter((row) => row.isDirect && row.permission === 'Contribute' && row.location === `${target.url}/shared documents`)).toHaveLength(1);

    const narrowed = await collectPosted(harness, `${base}/insights/users/access`, token, { emails: [user.mail], siteUrls: [target.url] });
    expect(narrowed.rows.length).toBeGreaterThan(0);
    expect(narrowed.rows.every((row) => row.location.startsWith(target.url))).toBe(true);
  });

  it('POST /insights/users/access refuses what it cannot answer, naming the parameter', async () => {
    const url = `${base}/insights/users/access`;
    const unknown = await harness.send('POST', url, token, { emails: ['nobody@nowhere.example'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ status: 404, message: expect.stringContaining('nobody@nowhere.example') });
    expect((await harness.send('POST', url, token, {})).body.message).toMatch(/emails/);
    expect((await harness.send('POST', url, token, { emails: [firstUser().mail], pageSize: 101 })).status).toBe(400);
    // The request sample's placeholder token, an altered token and another request's token.
    const sampleToken = await harness.send('POST', url, token, { emails: [firstUser().mail], nextLink: '1231' });
    expect(sampleToken.status).toBe(400);
    expect(sampleToken.body.message).toMatch(/nextLink/);
    const page = await harness.send('POST', url, token, { emails: [firstUser().mail], pageSize: 2 });
    const altered = `${page.body.nextLink.slice(0, -3)}AAA`;
    expect((await harness.send('POST', url, token, { emails: [firstUser().mail], nextLink: altered })).status).toBe(400);
    expect((await harness.send('POST', url, token, { emails: [guest().userPrincipalName], nextLink: page.body.nextLink })).body.message).toMatch(/another request/);
  });

  it('reads a guest by its #EXT# login name or its email, in any case', async () => {
    const byLogin = await harness.send('POST', `${base}/insights/users/access`, token, { emails: [guest().userPrincipalName.toLowerCase()] });
    const byMail = await harness.send('POST', `${base}/insights/users/access`, token, { emails: [guest().mail] });
    expect(byLogin.status, byLogin.text).toBe(200);
    expect(byMail.body.values).toEqual(byLogin.body.values);
  });

  it('GET /insights/users/summary pages every user once with startPage/pageSize and holds the sample', async () => {
    const seen: any[] = [];
    let url: string | null = `${base}/insights/users/summary?startPage=1&pageSize=25`;
    while (url) {
      const page = await harness.get(url, token);
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.results);
      url = page.body.nextLink;
    }
    expect(seen.map((user) => user.loginName)).toEqual(world.users.map((user) => user.userPrincipalName));
    const first = await harness.get(`${base}/insights/users/summary?StartPage=1&PageSize=5`, token);
    expectMatchesSample(first.body, responseSample(`${DOCS}/users/userSummary.md`));
    const guestRow = seen.find((row) => row.loginName === guest().userPrincipalName);
    expect(guestRow.email).toBe(guest().mail);
    // OneDrive owners hold their own site collection directly.
    const owner = world.sites.find((candidate) => candidate.kind === 'OneDrive')!.ownerIds[0]!;
    expect(seen.find((row) => row.loginName === world.users.find((user) => user.id === owner)!.userPrincipalName).sitesWithDirectAccess).toBeGreaterThan(0);
    expect((await harness.get(`${base}/insights/users/summary?pageSize=5`, token)).body).toEqual({ status: 400, message: expect.stringMatching(/startPage/) });
    expect((await harness.get(`${base}/insights/users/summary?startPage=1&pageSize=500`, token)).status).toBe(400);
  });

  it('GET /insights/groups/summary lists directory groups with their external members and holds the sample', async () => {
    const page = await harness.get(`${base}/insights/groups/summary?startPage=1&pageSize=100`, token);
    expect(page.status, page.text).toBe(200);
    expectMatchesSample(page.body, responseSample(`${DOCS}/groups/groupSummary.md`));
    expect(page.body.values.map((group: any) => group.groupId)).toEqual([...world.groups.map((group) => group.id), expect.any(String)]);
    const guests = new Set(world.users.filter((user) => user.userType === 'Guest').map((user) => user.id));
    // A nested group's members are members too (counted once): the world nests groups two deep.
    const people = (groupId: string, seen = new Set<string>()): string[] => {
      if (seen.has(groupId)) return [];
      seen.add(groupId);
      const group = world.groups.find((candidate) => candidate.id === groupId)!;
      return [...group.memberIds, ...group.memberGroupIds.flatMap((inner) => people(inner, seen))];
    };
    expect(world.groups.some((group) => group.memberGroupIds.length > 0)).toBe(true);
    for (const group of world.groups) {
      const row = page.body.values.find((candidate: any) => candidate.groupId === group.id);
      expect(row.externalMemberCount).toBe(new Set(people(group.id).filter((id) => guests.has(id))).size);
    }
  });

  it('POST /insights/sharingLinks/summary lists one site\'s links of one type and holds the sample', async () => {
    const target = site();
    const producer = await harness.producerToken(app.tenantId);
    const shared = await harness.send('POST', `${base}/producer/insights/sharing-links`, producer, {
      value: [1, 2].map((n) => ({ id: `test-link-${n}`, objectId: `${target.id}:library`, linkType: 32, createdTime: '2025-03-01T10:00:00Z', shareBy: 'user01', linkUrl: `${target.url}/:f:/s/x${n}`, permission: 'Edit', memberIds: [guest().id] })),
    });
    expect(shared.status, shared.text).toBe(200);
    let found = 0;
    for (const candidate of world.sites) {
      for (const linkType of [32, 64, 128]) {
        const { rows } = await collectPosted(harness, `${base}/insights/sharingLinks/summary`, token, { siteUrl: candidate.url, linkType, pageSize: 3 });
        for (const row of rows) {
          expect(row.siteId).toBe(candidate.id);
          expect(row.logonName).toBe(`sharinglinks.${row.linkId}.flexible.${row.selfId}`);
          expect(row.linkType).toBe({ 32: 'Links for Specific External Users', 64: 'Organization Links', 128: 'Anyone Links' }[linkType]);
        }
        found += rows.length;
      }
    }
    expect(found).toBeGreaterThan(2);
    const page = await harness.send('POST', `${base}/insights/sharingLinks/summary`, token, { siteUrl: target.url, linkType: 32, pageSize: 1 });
    expectMatchesSample(page.body, contractSample(`${DOCS}/sharingLinks/linkSummary.md`));
    expect((await harness.send('POST', `${base}/insights/sharingLinks/summary`, token, { siteUrl: target.url, linkType: 16 })).status).toBe(400);
  });

  it('POST /insights/sites/permission pages two sites\' entries in order and holds the sample', async () => {
    const [a, b] = [world.sites[0]!, site()];
    const { rows } = await collectPosted(harness, `${base}/insights/sites/permission`, token, { siteUrls: [a.url, b.url], pageSize: 9 });
    const firstOfB = rows.findIndex((row) => row.url.startsWith(b.url));
    expect(firstOfB).toBeGreaterThan(0);
    expect(rows.slice(firstOfB).every((row) => row.url.startsWith(b.url))).toBe(true);
    const owners = rows.find((row) => row.principalName === `${b.title} Owners` && row.objectType === 'Site Collection');
    expect(owners).toMatchObject({ principalType: 'SharePoint Group', permission: 'Full Control', numberOfMembers: b.ownerIds.length, isExternalUser: false, linkGivingAccessTo: null });
    const page = await harness.send('POST', `${base}/insights/sites/permission`, token, { siteUrls: [b.url], pageSize: 1 });
    expectMatchesSample(page.body, responseSample(`${DOCS}/sites/sitePermissionsGet.md`));
    expect((await harness.send('POST', `${base}/insights/sites/permission`, token, { siteUrls: ['https://nowhere.example/sites/x'] })).status).toBe(404);
  });

  it('POST /insights/sites/overview counts risky, sensitive and exposed objects per site, filtered by risk level', async () => {
    const all = await collectPosted(harness, `${base}/insights/sites/overview`, token, { pageSize: 4 });
    expect(all.rows.map((row) => row.siteUrl)).toEqual(world.sites.map((candidate) => candidate.url));
    const high = await collectPosted(harness, `${base}/insights/sites/overview`, token, { riskLevel: [3] });
    expect(high.rows.length).toBeGreaterThan(0);
    expect(high.rows.length).toBeLessThan(all.rows.length);
    expect(high.rows.every((row) => row.riskItemCount > 0)).toBe(true);
    const scalar = await harness.send('POST', `${base}/insights/sites/overview`, token, { riskLevel: 3 });
    expect(scalar.body.values).toEqual(high.rows);
    expectMatchesSample(scalar.body, responseSample(`${DOCS}/sites/siteOverview.md`));
    expect((await harness.send('POST', `${base}/insights/sites/overview`, token, { riskLevel: [7] })).status).toBe(400);
  });

  it('GET /insights/sites/{siteUrl}/siteId reads an encoded URL, in the documented and the sample\'s spelling', async () => {
    const encoded = encodeURIComponent(site().url);
    const documented = await harness.get(`${base}/insights/sites/${encoded}/siteId`, token);
    expect(documented.status, documented.text).toBe(200);
    expect(documented.body.values).toEqual([site().id]);
    expectMatchesSample(documented.body, responseSample(`${DOCS}/sites/siteId.md`));
    const sampleSpelling = await harness.get(`${base}/insights/sites/${encodeURIComponent(encoded)}/siteid`, token);
    expect(sampleSpelling.body.values).toEqual([site().id]);
    expect((await harness.get(`${base}/insights/sites/${encodeURIComponent('https://nowhere.example/sites/x')}/siteId`, token)).status).toBe(404);
  });

  it('POST /insights/sites/detailRecords pages a site\'s objects; PATCH settag shows in them', async () => {
    const target = site();
    const producer = await harness.producerToken(app.tenantId);
    const labelled = await harness.send('POST', `${base}/producer/insights/objects`, producer, {
      value: [{ id: 'test-labelled', workspaceId: target.id, url: `${target.url}/shared documents/7583.xlsx`, name: '7583.xlsx', objectType: 'File', createdBy: 'user08', creatorEmail: 'user08@contoso.com', createdTime: '2024-02-22T02:28:40Z', modifiedTime: '2024-02-22T02:28:40Z', scannedTime: '2024-11-11T02:46:58Z', channelName: 'General', privacy: 'Private', sensitivityLevel: 'Low', exposureLevel: 'Low', riskLevel: 'Low', dataTypes: ['Mi CR 2'], sensitivityLabel: 'Confidential', trainableClassifier: 'Agreements', inheritType: 'Unique' }],
    });
    expect(labelled.status, labelled.text).toBe(200);
    const { rows } = await collectPosted(harness, `${base}/insights/sites/detailrecords`, token, { siteId: target.id, pageSize: 5 });
    expect(rows[0]).toMatchObject({ objectType: 'Site Collection', location: target.url, tagName: '' });
    expect(rows.every((row) => row.webUrl === target.url)).toBe(true);
    const page = await harness.send('POST', `${base}/insights/sites/detailRecords`, token, { siteId: target.id, pageSize: 2 });
    // The sample's first record is a labelled, classified file: held against one of ours that is too.
    expectMatchesSample({ ...page.body, values: [rows.find((row) => row.id === 'test-labelled')] }, contractSample(`${DOCS}/sites/siteDetailRecords.md`));

    const file = rows.find((row) => row.objectType === 'File')!;
    const tag = await harness.send('PATCH', `${base}/insights/sites/${target.id}/${encodeURIComponent(encodeURIComponent(file.location))}/settag?tagName=FalsePositive`, token);
    expect(tag.status, tag.text).toBe(200);
    expectMatchesSample(tag.body, responseSample(`${DOCS}/objects/setTag.md`));
    const rootTag = await harness.send('PATCH', `${base}/insights/sites/${target.id}/${encodeURIComponent(target.url)}/settag?TagName=Reviewed`, token);
    expect(rootTag.status, rootTag.text).toBe(200);
    const after = await collectPosted(harness, `${base}/insights/sites/detailRecords`, token, { siteId: target.id });
    expect(after.rows.find((row) => row.id === file.id).tagName).toBe('FalsePositive');
    expect(after.rows[0].tagName).toBe('Reviewed');
    expect((await harness.send('PATCH', `${base}/insights/sites/${target.id}/${encodeURIComponent(`${target.url}/nothing.docx`)}/settag?tagName=X`, token)).status).toBe(404);
    expect((await harness.send('PATCH', `${base}/insights/sites/${target.id}/${encodeURIComponent(target.url)}/settag`, token)).body.message).toMatch(/tagName/);
    expect((await harness.send('POST', `${base}/insights/sites/detailRecords`, token, { siteId: 'no-such-site' })).status).toBe(404);
  });

  it('answers 403 on every Insights route to a token without insights.graph.readwrite.all', async () => {
    const other = await harness.tenantWithApp(['audit.read.all']);
    const without = await harness.token(other, 'audit.read.all');
    const encoded = encodeURIComponent(site().url);
    const bodies: Record<string, unknown> = {
      '/insights/users/access': { emails: ['x@y.com'] },
      '/insights/sharingLinks/summary': { siteUrl: site().url, linkType: 32 },
      '/insights/sites/permission': { siteUrls: [site().url] },
      '/insights/sites/overview': {},
      '/insights/sites/detailRecords': { siteId: site().id },
    };
    const calls: [string, string][] = [
      ['POST', '/insights/users/access'],
      ['GET', '/insights/users/summary?startPage=1&pageSize=5'],
      ['GET', '/insights/groups/summary?startPage=1&pageSize=5'],
      ['POST', '/insights/sharingLinks/summary'],
      ['POST', '/insights/sites/permission'],
      ['POST', '/insights/sites/overview'],
      ['GET', `/insights/sites/${encoded}/siteId`],
      ['POST', '/insights/sites/detailRecords'],
      ['PATCH', `/insights/sites/x/${encoded}/settag?tagName=x`],
      ['GET', `/insights/activities/object/${encoded}/export`],
      ['GET', '/insights/google/activities/object/x/export'],
      ['GET', '/insights/users/x%40y.com/activities/export'],
      ['GET', '/insights/users/x%40y.com/access/export?dataSources=OneDrive'],
      ['GET', '/insights/google/users/x%40y.com/activities/export'],
      ['GET', '/insights/google/users/x%40y.com/access/export?dataSources=User%20Drive'],
      ['GET', '/insights/groups/x/access/export?exportOptionType=3&dataSources=OneDrive'],
      ['GET', '/insights/google/groups/x/access/export?exportOptionType=3&dataSources=User%20Drive'],
      ['GET', `/insights/sites/permission/export?siteUrls=${encoded}`],
      ['GET', '/insights/sharingLinks/export?exportLinkType=32&startTime=2024-01-01T00:00:00&finishTime=2024-02-01T00:00:00'],
      ['GET', '/insights/google/sharingLinks/export?exportLinkType=303&startTime=2024-01-01T00:00:00&finishTime=2024-02-01T00:00:00'],
      ['GET', '/insights/google/drives/permission/export?driveIds=x'],
      ['GET', '/insights/job/1/exportstatus'],
      ['GET', '/insights/job/1/exportfile'],
    ];
    for (const [method, path] of calls) {
      const result = await harness.send(method, `${base}${path}`, without, method === 'POST' ? bodies[path] : undefined);
      expect(result.status, `${method} ${path}`).toBe(403);
      expect(result.body).toEqual({ status: 403, message: expect.stringContaining('insights.graph.readwrite.all') });
    }
  });
});
