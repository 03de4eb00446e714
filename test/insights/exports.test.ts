import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import type { M365World } from '../../src/simulator/world.js';
import { ACCESS_COLUMNS, ACTIVITY_COLUMNS, GROUP_SUMMARY_COLUMNS, LINK_COLUMNS, SITE_PERMISSION_COLUMNS } from '../../src/insights/exportJobs/export-kinds.js';
import { EXPORT_FILE_TTL_MS } from '../../src/insights/catalogue.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { collectPosted, DOCS, download, exportReport, PERMISSION, seedInsightsTenant, waitForExport } from './support.js';

const SIZES = { objects: 120, reviewerGroups: 1, activities: 300, googleObjects: 30 };

/** A direct-read row as the report's cells hold it: the same values under the report's headers. */
const asCells = (row: Record<string, unknown>, columns: { key: string; header: string }[]) => Object.fromEntries(columns.map(({ key, header }) => [header, row[key] === '' || row[key] === undefined ? null : row[key]]));

describe.each(ENGINES)('Insights exports on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let base: string;
  let world: M365World;
  const clock = fixedClock(new Date());

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'], clock });
    app = await harness.tenantWithApp([PERMISSION]);
    token = await harness.token(app, PERMISSION);
    base = harness.regionUrl('us');
    world = await seedInsightsTenant(harness, app.tenantId, SIZES);
  });
  afterAll(() => harness?.close());

  const db = () => harness.meridian.regions.get('us')!.context.db as Kysely<any>;
  const exportCount = async () => Number((await db().selectFrom('insights_export_jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const firstUser = () => world.users[0]!;
  const guest = () => world.users.find((user) => user.userType === 'Guest')!;
  const teamSite = () => world.sites.find((candidate) => candidate.kind === 'Team site')!;

  const exported = (path: string) => exportReport(harness, base, token, path);

  it('exports a user\'s access with exactly the rows the direct read pages', async () => {
    const user = firstUser();
    const direct = await collectPosted(harness, `${base}/insights/users/access`, token, { emails: [user.mail] });
    const all = 'dataSources=Microsoft%20Teams&dataSources=SharePoint%20Online&dataSources=OneDrive&dataSources=Microsoft%20365%20Group';
    const { report } = await exported(`/insights/users/${encodeURIComponent(user.mail)}/access/export?${all}`);
    const sheet = report.sheets.get('User Access')!;
    expect(sheet.header).toEqual(ACCESS_COLUMNS.map((column) => column.header));
    expect(direct.rows.length).toBeGreaterThan(2 * world.sites.length);
    expect(sheet.rows).toEqual(direct.rows.map((row) => asCells(row, ACCESS_COLUMNS)));
    // Narrowed by data source (lower case as the sample sends it) and site collection.
    const site = teamSite();
    const narrowed = await exported(`/insights/users/${encodeURIComponent(user.mail)}/access/export?dataSources=microsoft%20teams&dataSources=microsoft%20365%20group&siteUrls=${encodeURIComponent(site.url)}`);
    const rows = narrowed.report.sheets.get('User Access')!.rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => String(row.Location).startsWith(site.url))).toBe(true);
  });

  it('reads a guest\'s login name double-encoded, as the samples send it', async () => {
    const login = guest().userPrincipalName;
    const doubleEncoded = encodeURIComponent(encodeURIComponent(login));
    expect(doubleEncoded).toContain('%2523EXT%2523%2540');
    const started = await harness.get(`${base}/insights/users/${doubleEncoded}/access/export?dataSources=OneDrive`, token);
    expect(started.status, started.text).toBe(200);
    expect((await waitForExport(harness, base, token, started.body.jobId)).jobStatus).toBe(2);
  });

  it('exports a group\'s access: the summary alone, or the summary and each access level as its own sheet', async () => {
    const group = world.groups.find((candidate) => candidate.kind === 'Security')!;
    const producer = await harness.producerToken(app.tenantId);
    const site = teamSite();
    const granted = await harness.send('POST', `${base}/producer/insights/permissions`, producer, {
      value: [
        { id: 'group-grant-root', objectId: `${site.id}:root`, principalKind: 'group', principalId: group.id, permission: 'Read' },
        { id: 'group-grant-library', objectId: `${site.id}:library`, principalKind: 'group', principalId: group.id, permission: 'Edit' },
      ],
    });
    expect(granted.status, granted.text).toBe(200);
    const sources = 'dataSources=Microsoft%20Teams&dataSources=Microsoft%20365%20Group&dataSources=SharePoint%20Online';
    const objects = await exported(`/insights/groups/${group.id}/access/export?exportOptionType=2&${sources}`);
    expect([...objects.report.sheets.keys()]).toEqual(['Summary', 'Object Access']);
    expect(objects.report.sheets.get('Summary')!.header).toEqual(GROUP_SUMMARY_COLUMNS.map((column) => column.header));
    expect(objects.report.sheets.get('Summary')!.rows).toEqual([expect.objectContaining({ 'Group ID': group.id, Members: group.memberIds.length })]);
    // Its own grants, then what it reaches as a member of groups holding it (the world nests it in a communication site's visitors).
    const own = (rows: Record<string, unknown>[]) => rows.filter((row) => row['Inherited From'] === group.displayName);
    const objectRows = objects.report.sheets.get('Object Access')!.rows;
    expect(own(objectRows).map((row) => row.Permission)).toEqual(['Read', 'Edit']);
    expect(objectRows.length).toBeGreaterThan(2);
    expect(objectRows.filter((row) => !own([row]).length).every((row) => String(row['Inherited From']).endsWith(' Visitors') && row.Module === 'SharePoint Online')).toBe(true);
    const siteLevel = await exported(`/insights/groups/${group.id}/access/export?exportOptionType=1&${sources}`);
    const siteRows = siteLevel.report.sheets.get('Site Collection Access')!.rows;
    expect(own(siteRows)).toEqual([expect.objectContaining({ 'Object Type': 'Site Collection', Permission: 'Read', 'Inherited From': group.displayName })]);
    expect(siteRows.every((row) => row['Object Type'] === 'Site Collection')).toBe(true);
    const summaryOnly = await exported(`/insights/groups/${group.id}/access/export?exportOptionType=3&${sources}`);
    expect([...summaryOnly.report.sheets.keys()]).toEqual(['Summary']);
    const allGroups = await exported(`/insights/groups/access/export?exportOptionType=3&${sources}`);
    expect(allGroups.report.sheets.get('Summary')!.rows.map((row) => row['Group ID'])).toEqual([...world.groups.map((candidate) => candidate.id), expect.any(String)]);
  });

  it('exports site permissions, sharing links and activities with the direct reads\' columns', async () => {
    const site = teamSite();
    const direct = await collectPosted(harness, `${base}/insights/sites/permission`, token, { siteUrls: [site.url] });
    const permissions = await exported(`/insights/sites/permission/export?siteUrls=${encodeURIComponent(site.url)}`);
    expect(permissions.report.sheets.get('Site Permissions')!.rows).toEqual(direct.rows.map((row) => asCells(row, SITE_PERMISSION_COLUMNS)));

    const links = await exported('/insights/sharingLinks/export?exportLinkType=32&startTime=2000-01-01T00:00:00&finishTime=2030-01-01T00:00:00');
    const linkRows = links.report.sheets.get('Sharing Links')!;
    expect(linkRows.header).toEqual(LINK_COLUMNS.map((column) => column.header));
    expect(linkRows.rows.length).toBeGreaterThan(0);
    expect(linkRows.rows.every((row) => row['Link Type'] === 'Links for Specific External Users')).toBe(true);
    const created = linkRows.rows.map((row) => String(row['Created Time']));
    expect([...created].sort()).toEqual(created);

    const user = firstUser();
    const activities = await exported(`/insights/users/${encodeURIComponent(user.userPrincipalName)}/activities/export?startTime=2000-01-01T00:00:00&finishTime=2030-01-01T00:00:00&eventTypes=FileAccessed&eventTypes=ListViewed`);
    const events = activities.report.sheets.get('Activities')!;
    expect(events.header).toEqual(ACTIVITY_COLUMNS.map((column) => column.header));
    expect(events.rows.every((row) => row.User === user.displayName && ['FileAccessed', 'ListViewed'].includes(String(row['Event Type'])))).toBe(true);

    const object = await exported(`/insights/activities/object/${encodeURIComponent(site.url)}/export`);
    expect(object.report.sheets.get('Activities')!.rows.every((row) => row['Object URL'] === site.url)).toBe(true);
  });

  it('exports the Google reports: user access and activities, group access, drive permissions, links, object activities', async () => {
    const person = world.users.find((user) => user.userType === 'Member')!;
    const drives = await db().selectFrom('insights_workspaces').select(['workspace_id', 'module']).where('tenant_id', '=', app.tenantId).where('platform', '=', 'google').execute();
    const shared = drives.find((drive: any) => drive.module === 'Shared Drive')!;
    const access = await exported(`/insights/google/users/${encodeURIComponent(person.mail)}/access/export?exportOptionType=2&dataSources=shared%20drive&dataSources=my%20drive`);
    expect(access.report.sheets.get('User Access')!.rows.every((row) => row.Module === 'Shared Drive' || row.Module === 'User Drive')).toBe(true);
    const drivePermissions = await exported(`/insights/google/drives/permission/export?driveIds=${shared.workspace_id}`);
    expect(drivePermissions.report.sheets.get('Drive Permissions')!.rows.length).toBeGreaterThan(0);
    const group = world.groups.find((candidate) => candidate.mail)!;
    const groupAccess = await exported(`/insights/google/groups/${encodeURIComponent(group.mail!)}/access/export?exportOptionType=2&dataSources=shared%20drive&driveIds=${shared.workspace_id}`);
    expect([...groupAccess.report.sheets.keys()]).toEqual(['Summary', 'Object Access']);
    const links = await exported('/insights/google/sharingLinks/export?exportLinkType=303&startTime=2000-01-01T00:00:00&finishTime=2030-01-01T00:00:00');
    expect(links.report.sheets.get('Sharing Links')!.rows.every((row) => row['Link Type'] === 'Anyone Links')).toBe(true);
    const activities = await exported(`/insights/google/users/${encodeURIComponent(person.mail)}/activities/export?eventTypes=create&eventTypes=label_added`);
    expect(activities.report.sheets.get('Activities')!.rows.every((row) => ['create', 'label_added'].includes(String(row['Event Type'])))).toBe(true);
    const object = await db().selectFrom('insights_objects').select('object_id').where('tenant_id', '=', app.tenantId).where('platform', '=', 'google').where('object_type', '=', 'File').executeTakeFirstOrThrow();
    const objectActivities = await exported(`/insights/google/activities/object/${object.object_id}/export`);
    expect(objectActivities.report.sheets.has('Activities')).toBe(true);
  });

  it('answers the start and status samples field by field', async () => {
    const started = await harness.get(`${base}/insights/sites/permission/export?siteUrls=${encodeURIComponent(teamSite().url)}`, token);
    for (const page of ['sites/sitePermissionsExport.md', 'users/userPermissionsExport.md', 'users/userActivitiesExport.md', 'groups/groupAccessReport.md', 'sharingLinks/linkExport.md', 'objects/objectActivities.md', 'objects/googleObjectActivities.md', 'users/googleUserActivitiesExport.md', 'users/googleUserPermissionsExport.md', 'groups/googleGroupAccessReport.md', 'sharingLinks/googleLinkExport.md', 'drives/drivePermissionsExport.md']) {
      expectMatchesSample(started.body, responseSample(`${DOCS}/${page}`));
    }
    await waitForExport(harness, base, token, started.body.jobId);
    const status = await harness.get(`${base}/insights/job/${started.body.jobId}/exportstatus`, token);
    expectMatchesSample(status.body, responseSample(`${DOCS}/exportJobs/exportJobStatus.md`));
  });

  it('refuses a bad export request with a 4xx that names the problem, and starts nothing', async () => {
    const before = await exportCount();
    const tooMany = Array.from({ length: 101 }, (_, index) => `siteUrls=${encodeURIComponent(`https://x.sharepoint.com/sites/s${index}`)}`).join('&');
    const cases: [string, number, RegExp][] = [
      ['/insights/users/nobody%40nowhere.example/access/export?dataSources=OneDrive', 404, /nobody@nowhere\.example/],
      [`/insights/users/${encodeURIComponent(firstUser().mail)}/access/export`, 400, /dataSources/],
      [`/insights/users/${encodeURIComponent(firstUser().mail)}/access/export?dataSources=Exchange`, 400, /dataSources.*Exchange/],
      [`/insights/users/${encodeURIComponent(firstUser().mail)}/access/export?dataSources=OneDrive&siteUrls=${encodeURIComponent('https://nowhere.example/sites/x')}`, 404, /siteUrls/],
      [`/insights/sites/permission/export?${tooMany}`, 400, /siteUrls.*101/],
      ['/insights/sites/permission/export', 400, /siteUrls/],
      ['/insights/sharingLinks/export?exportLinkType=32&startTime=2024-02-01T00:00:00&finishTime=2024-01-01T00:00:00', 400, /finishTime/],
      ['/insights/sharingLinks/export?exportLinkType=32&startTime=yesterday&finishTime=2024-01-01T00:00:00', 400, /startTime/],
      ['/insights/sharingLinks/export?exportLinkType=32&startTime=2024-01-01T00:00:00', 400, /finishTime/],
      ['/insights/sharingLinks/export?exportLinkType=301&startTime=2024-01-01T00:00:00&finishTime=2024-02-01T00:00:00', 400, /exportLinkType/],
      ['/insights/google/sharingLinks/export?exportLinkType=32&startTime=2024-01-01T00:00:00&finishTime=2024-02-01T00:00:00', 400, /exportLinkType/],
      ['/insights/groups/no-such-group/access/export?exportOptionType=3&dataSources=OneDrive', 404, /no-such-group/],
      ['/insights/groups/access/export?exportOptionType=2&dataSources=OneDrive', 400, /exportOptionType/],
      [`/insights/groups/${world.groups[0]!.id}/access/export?dataSources=OneDrive`, 400, /exportOptionType/],
      [`/insights/google/groups/${encodeURIComponent(world.groups.find((group) => group.mail)!.mail!)}/access/export?exportOptionType=1&dataSources=shared%20drive`, 400, /not supported yet/],
      ['/insights/google/drives/permission/export?driveIds=no-such-drive', 404, /no-such-drive/],
      [`/insights/activities/object/${encodeURIComponent('https://nowhere.example/x.docx')}/export`, 404, /nowhere/],
      [`/insights/users/${encodeURIComponent(firstUser().mail)}/activities/export?startTime=2025-01-02T00:00:00&finishTime=2025-01-01T00:00:00`, 400, /finishTime/],
    ];
    for (const [path, status, message] of cases) {
      const result = await harness.get(`${base}${path}`, token);
      expect(result.status, `${path}: ${result.text}`).toBe(status);
      expect(result.body.status).toBe(status);
      expect(result.body.message, path).toMatch(message);
    }
    expect(await exportCount()).toBe(before);
  });

  it('keeps jobs to their tenant, says which are unknown, and refuses the file until it exists', async () => {
    expect((await harness.get(`${base}/insights/job/999999/exportstatus`, token)).status).toBe(404);
    expect((await harness.get(`${base}/insights/job/abc/exportstatus`, token)).status).toBe(400);
    const started = await harness.get(`${base}/insights/sites/permission/export?siteUrls=${encodeURIComponent(teamSite().url)}`, token);
    const other = await harness.tenantWithApp([PERMISSION]);
    const otherToken = await harness.token(other, PERMISSION);
    expect((await harness.get(`${base}/insights/job/${started.body.jobId}/exportstatus`, otherToken)).status).toBe(404);
    expect((await download(harness, base, otherToken, started.body.jobId)).status).toBe(404);
    await waitForExport(harness, base, token, started.body.jobId);
  });

  it('fails a job whose subject is gone, saying why, and has no file for it', async () => {
    const row = await db()
      .insertInto('insights_export_jobs')
      .values({ tenant_id: app.tenantId, kind: 'sitePermissions', params_json: JSON.stringify({ workspaceIds: ['vanished-site'] }), runner_job_id: null, created_ms: clock.nowMs(), finished_ms: null, blob_id: null, file_name: null, row_count: null, expires_ms: null })
      .returning('seq')
      .executeTakeFirstOrThrow();
    // The status read enqueues a job its start did not get to (the start was cut off), then reports it.
    const status = await waitForExport(harness, base, token, String(row.seq), 30_000);
    expect(status).toEqual({ jobStatus: 3, status: 200, message: expect.stringContaining("'vanished-site'") });
    const file = await download(harness, base, token, String(row.seq));
    expect(file.status).toBe(409);
    expect(JSON.parse(file.bytes.toString()).message).toMatch(/failed.*vanished-site/);
  });

  it('keeps the file for the documented time, then answers 410', async () => {
    const started = await harness.get(`${base}/insights/sites/permission/export?siteUrls=${encodeURIComponent(teamSite().url)}`, token);
    await waitForExport(harness, base, token, started.body.jobId);
    clock.advance(EXPORT_FILE_TTL_MS - 60_000);
    expect((await download(harness, base, token, started.body.jobId)).status).toBe(200);
    clock.advance(120_000);
    const expired = await download(harness, base, token, started.body.jobId);
    expect(expired.status).toBe(410);
    expect(JSON.parse(expired.bytes.toString()).message).toMatch(/expired/);
    // The store lets the file go at its expiry.
    const blobs = harness.meridian.regions.get('us')!.context.blobs;
    expect(await blobs.deleteExpired()).toBeGreaterThan(0);
  });
});
