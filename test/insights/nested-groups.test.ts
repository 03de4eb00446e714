import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_COLUMNS } from '../../src/insights/exportJobs/export-kinds.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { collectPosted, exportReport, PERMISSION, seedInsightsTenant } from './support.js';

const SITE = 'https://contoso.sharepoint.com/sites/finance';
const FILE = `${SITE}/shared documents/budget.xlsx`;
const USERS = [
  { id: 'u-bea', loginName: 'bea@contoso.com', displayName: 'Bea Team' },
  { id: 'u-cy', loginName: 'cy@contoso.com', displayName: 'Cy Intern' },
  { id: 'u-guest', loginName: 'gus_fabrikam.com#ext#@contoso.onmicrosoft.com', email: 'gus@fabrikam.com', displayName: 'Gus Guest', external: true },
  { id: 'u-none', loginName: 'nobody@contoso.com', displayName: 'No Groups' },
];
// A holds B, B holds C: C's members reach what A and B were granted. Bea is in B and in C.
const A = { id: 'grp-a', displayName: 'Finance Readers', groupType: 'Security Group', memberIds: [], memberGroupIds: ['grp-b'] };
const B = { id: 'grp-b', displayName: 'Finance Team', groupType: 'Distribution group', memberIds: ['u-bea'], memberGroupIds: ['grp-c'] };
const C = { id: 'grp-c', displayName: 'Finance Interns', groupType: 'Security Group', memberIds: ['u-cy', 'u-guest', 'u-bea'], memberGroupIds: [] as string[] };

describe.each(ENGINES)('Insights access through nested groups on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let producer: string;
  let base: string;

  const produce = async (feed: string, value: unknown[]) => harness.send('POST', `${base}/producer/insights/${feed}`, producer, { value });
  const produced = async (feed: string, value: unknown[]) => {
    const result = await produce(feed, value);
    expect(result.status, result.text).toBe(200);
  };
  /** A user's access as (permission, object name, inherited from), in the order the read pages it. */
  const accessOf = async (email: string) => (await collectPosted(harness, `${base}/insights/users/access`, token, { emails: [email], pageSize: 1 })).rows;
  const brief = (rows: any[]) => rows.map((row) => [row.permission, row.name, row.inheritedFrom, row.isDirect]);
  const sitePermissions = async () => Object.fromEntries((await collectPosted(harness, `${base}/insights/sites/permission`, token, { siteUrls: [SITE] })).rows.map((row) => [row.principalName, row]));

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    app = await harness.tenantWithApp([PERMISSION]);
    token = await harness.token(app, PERMISSION);
    producer = await harness.producerToken(app.tenantId);
    base = harness.regionUrl('us');
    await produced('users', USERS);
    await produced('groups', [A, B, C]);
    await produced('workspaces', [{ id: 'site-finance', url: SITE, title: 'Finance', module: 'SharePoint Online' }]);
    await produced('objects', [
      { id: 'obj-root', workspaceId: 'site-finance', url: SITE, name: 'Finance', objectType: 'Site Collection', inheritType: 'Unique' },
      { id: 'obj-budget', workspaceId: 'site-finance', url: FILE, name: 'budget.xlsx', objectType: 'File', inheritType: 'Unique' },
    ]);
    await produced('permissions', [
      { id: 'p-a-root', objectId: 'obj-root', principalKind: 'group', principalId: A.id, permission: 'Read' },
      { id: 'p-b-budget', objectId: 'obj-budget', principalKind: 'group', principalId: B.id, permission: 'Edit' },
    ]);
  });
  afterAll(() => harness?.close());

  it('gives a member of a nested group the access of every group holding it, inherited from the group that was granted it', async () => {
    // Cy is only in C, which is in B, which is in A.
    expect(brief(await accessOf('cy@contoso.com'))).toEqual([
      ['Read', 'Finance', 'Finance Readers', false],
      ['Edit', 'budget.xlsx', 'Finance Team', false],
    ]);
    expect(brief(await accessOf('gus_fabrikam.com%23ext%23@contoso.onmicrosoft.com'))).toEqual(brief(await accessOf('cy@contoso.com')));
    expect(await accessOf('nobody@contoso.com')).toEqual([]);
    // Bea is in B directly and in C: each entry once.
    expect(brief(await accessOf('bea@contoso.com'))).toEqual(brief(await accessOf('cy@contoso.com')));
  });

  it('counts a group\'s members as the distinct people it gives access to, nested groups\' members included', async () => {
    const entries = await sitePermissions();
    expect(entries['Finance Readers']).toMatchObject({ principalType: 'Security Group', objectType: 'Site Collection', permission: 'Read', numberOfMembers: 3, linkGivingAccessTo: null });
    expect(entries['Finance Team']).toMatchObject({ principalType: 'Distribution group', objectType: 'File', permission: 'Edit', numberOfMembers: 3 });
    const summary = await harness.get(`${base}/insights/groups/summary?startPage=1&pageSize=10`, token);
    expect(summary.status, summary.text).toBe(200);
    expect(Object.fromEntries(summary.body.values.map((group: any) => [group.groupId, group.externalMemberCount]))).toEqual({ 'grp-a': 1, 'grp-b': 1, 'grp-c': 1 });
  });

  it('exports the same nested access: a member\'s report and the nested group\'s own report', async () => {
    const direct = await accessOf('cy@contoso.com');
    const user = await exportReport(harness, base, token, `/insights/users/${encodeURIComponent('cy@contoso.com')}/access/export?dataSources=SharePoint%20Online`);
    expect(user.report.sheets.get('User Access')!.rows).toEqual(direct.map((row) => Object.fromEntries(ACCESS_COLUMNS.map(({ key, header }) => [header, row[key] === '' ? null : row[key]]))));
    const group = await exportReport(harness, base, token, `/insights/groups/${C.id}/access/export?exportOptionType=2&dataSources=SharePoint%20Online`);
    expect(group.report.sheets.get('Summary')!.rows).toEqual([expect.objectContaining({ 'Group ID': C.id, Members: 3, 'External Members': 1 })]);
    expect(group.report.sheets.get('Object Access')!.rows.map((row) => [row.Permission, row.Name, row['Inherited From']])).toEqual([
      ['Read', 'Finance', 'Finance Readers'],
      ['Edit', 'budget.xlsx', 'Finance Team'],
    ]);
  });

  it('walks a cycle of groups once, and follows a membership when it is replaced', async () => {
    // C now holds A as well: A in C in B in A.
    await produced('groups', [{ ...C, memberGroupIds: [A.id] }]);
    await produced('permissions', [{ id: 'p-c-budget', objectId: 'obj-budget', principalKind: 'group', principalId: C.id, permission: 'Contribute' }]);
    const everything = [
      ['Read', 'Finance', 'Finance Readers', false],
      ['Edit', 'budget.xlsx', 'Finance Team', false],
      ['Contribute', 'budget.xlsx', 'Finance Interns', false],
    ];
    expect(brief(await accessOf('cy@contoso.com'))).toEqual(everything);
    expect(brief(await accessOf('bea@contoso.com'))).toEqual(everything);
    expect((await sitePermissions())['Finance Readers'].numberOfMembers).toBe(3);
    const group = await exportReport(harness, base, token, `/insights/groups/${A.id}/access/export?exportOptionType=2&dataSources=SharePoint%20Online`);
    expect(group.report.sheets.get('Summary')!.rows).toEqual([expect.objectContaining({ Members: 3 })]);
    expect(group.report.sheets.get('Object Access')!.rows.map((row) => row['Inherited From'])).toEqual(['Finance Readers', 'Finance Team', 'Finance Interns']);

    // B lets go of C: Cy (only in C) keeps C's own grant; Bea is still in B, which A holds.
    await produced('groups', [{ ...B, memberGroupIds: [] }]);
    expect(brief(await accessOf('cy@contoso.com'))).toEqual([['Contribute', 'budget.xlsx', 'Finance Interns', false]]);
    expect(brief(await accessOf('bea@contoso.com'))).toEqual(everything);
    const entries = await sitePermissions();
    expect(entries['Finance Readers'].numberOfMembers).toBe(1);
  });

  it('passes access through nested Google groups too, in the Google user access report', async () => {
    const google = { platform: 'google' };
    await produced('users', [{ ...google, id: 'g-ada', loginName: 'ada@contoso.com', email: 'ada@contoso.com', displayName: 'Ada Drive' }]);
    await produced('groups', [
      { ...google, id: 'g-inner', displayName: 'Drive Interns', email: 'interns@contoso.com', groupType: 'Google Group', memberIds: ['g-ada'] },
      { ...google, id: 'g-outer', displayName: 'Drive Editors', email: 'editors@contoso.com', groupType: 'Google Group', memberGroupIds: ['g-inner'] },
    ]);
    await produced('workspaces', [{ ...google, id: '0AdriveX', url: 'https://drive.google.com/drive/folders/0AdriveX', title: 'Projects', module: 'Shared Drive' }]);
    await produced('objects', [{ ...google, id: '0AdriveX:root', workspaceId: '0AdriveX', url: 'https://drive.google.com/drive/folders/0AdriveX', name: 'Projects', objectType: 'Drive', inheritType: 'Unique' }]);
    await produced('permissions', [{ ...google, id: 'gp-outer', objectId: '0AdriveX:root', principalKind: 'group', principalId: 'g-outer', permission: 'Content manager' }]);
    const report = await exportReport(harness, base, token, `/insights/google/users/${encodeURIComponent('ada@contoso.com')}/access/export?dataSources=Shared%20Drive`);
    expect(report.report.sheets.get('User Access')!.rows.map((row) => [row.Permission, row.Name, row['Is Direct'], row['Inherited From']])).toEqual([['Content manager', 'Projects', false, 'Drive Editors']]);
  });

  it('refuses a group in itself or a member group it does not know, naming the item, and writes none of the batch', async () => {
    const before = await accessOf('bea@contoso.com');
    const itself = await produce('groups', [{ id: 'grp-d', displayName: 'Loop', groupType: 'Security Group', memberGroupIds: ['grp-d'] }]);
    expect(itself.status).toBe(400);
    expect(itself.body).toEqual({ status: 400, message: expect.stringMatching(/value\[0\]\.memberGroupIds\[0\].*itself/) });
    const unknown = await produce('groups', [{ ...A, memberGroupIds: [] }, { id: 'grp-e', displayName: 'E', groupType: 'Security Group', memberGroupIds: [C.id, 'no-such-group'] }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/value\[1\]\.memberGroupIds\[1\] 'no-such-group' is no Microsoft 365 group/);
    // A still holds B, so Bea still reads the site through A.
    expect(await accessOf('bea@contoso.com')).toEqual(before);
    const summary = await harness.get(`${base}/insights/groups/summary?startPage=1&pageSize=10`, token);
    expect(summary.body.values.map((group: any) => group.groupId)).toEqual(['grp-a', 'grp-b', 'grp-c']);
  });
});

describe('Insights nested groups in the simulated world', () => {
  let harness: Harness;
  afterAll(() => harness?.close());

  it('lets the members of the innermost group read a communication site whose visitors hold the outermost', async () => {
    harness = await Harness.start({ engine: 'sqlite', regions: ['us'] });
    // The world is drawn from the tenant id: this one's innermost group has 11 members in neither
    // group above it (a random id can draw as few as none, and the test would prove nothing).
    const app = await harness.tenantWithApp([PERMISSION], 'us', undefined, '3f2504e0-4f89-41d3-9a0c-0305e82c3301');
    const token = await harness.token(app, PERMISSION);
    const base = harness.regionUrl('us');
    const world = await seedInsightsTenant(harness, app.tenantId, { objects: 20, reviewerGroups: 0, activities: 0, googleObjects: 0 });
    const byId = new Map(world.groups.map((group) => [group.id, group]));
    const outer = world.groups.find((group) => group.kind === 'Mail-enabled security' && group.memberGroupIds.length > 0)!;
    const middle = byId.get(outer.memberGroupIds[0]!)!;
    const inner = byId.get(middle.memberGroupIds[0]!)!;
    expect([outer.kind, middle.kind, inner.kind]).toEqual(['Mail-enabled security', 'Distribution', 'Security']);
    // Only two people are drawn into a site's visitors directly: most of the innermost group reach it only through nesting.
    const reached = inner.memberIds.filter((id) => !middle.memberIds.includes(id) && !outer.memberIds.includes(id));
    expect(reached.length).toBeGreaterThan(2);
    const site = world.sites.find((candidate) => candidate.kind === 'Communication site')!;
    for (const userId of reached) {
      const user = world.users.find((candidate) => candidate.id === userId)!;
      const { rows } = await collectPosted(harness, `${base}/insights/users/access`, token, { emails: [user.userPrincipalName], siteUrls: [site.url] });
      expect(rows, user.userPrincipalName).toContainEqual(expect.objectContaining({ objectType: 'Site Collection', location: site.url, permission: 'Read', isDirect: false, inheritedFrom: `${site.title} Visitors` }));
    }
  });
});
