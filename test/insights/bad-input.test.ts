import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { M365World } from '../../src/simulator/world.js';
import { Harness } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { PERMISSION as INSIGHTS, seedInsightsTenant } from './support.js';

/**
 * Bad input on every operation of Insights, Confide and DMSO, from one table: each answer is a
 * 4xx in its module's documented envelope (Insights `{status, message}`; Confide and DMSO the
 * ErrorResponse `{traceId, error, statusCode}`) naming what was wrong, never a 500 and never a
 * stack trace. The table must cover every operation the running server publishes.
 */
const CONFIDE = 'confide.graph.readwrite.all';
const DMSO = 'dmso.graph.readwrite.all';
const PREFIXES = ['/insights', '/producer/insights', '/admin/shareSetting', '/producer/confide', '/dmso', '/producer/dmso'];
const NOWHERE = 'https://nowhere.example/sites/x';
const UNKNOWN_TASK = '00000000-0000-4000-8000-000000000000';
const WINDOW = 'startTime=2025-01-01T00:00:00&finishTime=2025-02-01T00:00:00';
const M365_SOURCES = 'dataSources=SharePoint%20Online';

interface Case {
  operationId: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** A body sent as is, with content-type application/json. */
  raw?: string;
  as?: 'app' | 'producer';
  status: 400 | 404 | 414;
  names: RegExp;
}

const envelopeOf = (path: string) => (path.startsWith('/insights') || path.startsWith('/producer/insights') ? 'insights' : 'error-response');
const enc = encodeURIComponent;

function cases(world: M365World): Case[] {
  const user = enc(world.users[0]!.mail);
  const site = world.sites.find((candidate) => candidate.kind === 'Team site')!;
  const group = world.groups[0]!.id;
  const tooManySites = Array.from({ length: 101 }, (_, index) => `https://x.sharepoint.com/sites/s${index}`);
  return [
    // Insights direct reads
    { operationId: 'retrieveUserPermissions', method: 'POST', path: '/insights/users/access', body: { emails: [] }, status: 400, names: /emails/ },
    { operationId: 'retrieveUserPermissions', method: 'POST', path: '/insights/users/access', body: { emails: ['nobody@nowhere.example'] }, status: 404, names: /nobody@nowhere\.example/ },
    { operationId: 'retrieveUserPermissions', method: 'POST', path: '/insights/users/access', body: { emails: [world.users[0]!.mail], pageSize: 'ten' }, status: 400, names: /pageSize/ },
    { operationId: 'retrieveUserSummary', method: 'GET', path: '/insights/users/summary?startPage=first&pageSize=5', status: 400, names: /startPage/ },
    { operationId: 'retrieveGroupSummary', method: 'GET', path: '/insights/groups/summary?startPage=1&pageSize=500', status: 400, names: /pageSize/ },
    { operationId: 'retrieveSharingLinksSummary', method: 'POST', path: '/insights/sharingLinks/summary', body: { siteUrl: site.url, linkType: 16 }, status: 400, names: /linkType/ },
    { operationId: 'retrieveSharingLinksSummary', method: 'POST', path: '/insights/sharingLinks/summary', body: { siteUrl: NOWHERE, linkType: 32 }, status: 404, names: /nowhere\.example/ },
    { operationId: 'retrieveSitePermissions', method: 'POST', path: '/insights/sites/permission', body: { siteUrls: [NOWHERE] }, status: 404, names: /siteUrls/ },
    { operationId: 'retrieveSitePermissions', method: 'POST', path: '/insights/sites/permission', body: { siteUrls: tooManySites }, status: 400, names: /siteUrls/ },
    { operationId: 'retrieveSiteOverview', method: 'POST', path: '/insights/sites/overview', body: { riskLevel: 7 }, status: 400, names: /riskLevel/ },
    { operationId: 'retrieveSiteId', method: 'GET', path: `/insights/sites/${enc(NOWHERE)}/siteId`, status: 404, names: /siteUrl/ },
    // A path the router cannot decode, or a parameter past its limit: answered before any route, still in the module's envelope.
    { operationId: 'retrieveSiteId', method: 'GET', path: '/insights/sites/https%3A%2F%2Fx%E0%A4%A/siteId', status: 400, names: /percent-encoding/ },
    { operationId: 'retrieveSiteId', method: 'GET', path: `/insights/sites/${'x'.repeat(2100)}/siteId`, status: 414, names: /longer/ },
    { operationId: 'getConfideImportUsersStatus', method: 'GET', path: '/admin/shareSetting/import-users/%', status: 400, names: /percent-encoding/ },
    { operationId: 'retrieveSiteDetailRecords', method: 'POST', path: '/insights/sites/detailRecords', body: {}, status: 400, names: /siteId/ },
    { operationId: 'retrieveSiteDetailRecords', method: 'POST', path: '/insights/sites/detailRecords', body: { siteId: 'no-such-site' }, status: 404, names: /no-such-site/ },
    { operationId: 'addTagToSpecificObject', method: 'PATCH', path: `/insights/sites/${site.id}/${enc(site.url)}/settag`, status: 400, names: /tagName/ },
    { operationId: 'addTagToSpecificObject', method: 'PATCH', path: `/insights/sites/${site.id}/${enc(`${site.url}/nothing.docx`)}/settag?tagName=Keep`, status: 404, names: /objectUrl/ },
    // Insights exports: refused before a job starts
    { operationId: 'exportActivitiesForSpecificObject', method: 'GET', path: `/insights/activities/object/${enc(NOWHERE)}/export`, status: 404, names: /nowhere\.example/ },
    { operationId: 'exportActivitiesForSpecificObject', method: 'GET', path: `/insights/activities/object/${enc(site.url)}/export?startTime=yesterday`, status: 400, names: /startTime/ },
    { operationId: 'exportActivitiesForSpecificGoogleObject', method: 'GET', path: '/insights/google/activities/object/no-such-file/export', status: 404, names: /no-such-file/ },
    { operationId: 'exportUserActivities', method: 'GET', path: `/insights/users/${user}/activities/export?startTime=2025-02-01T00:00:00&finishTime=2025-01-01T00:00:00`, status: 400, names: /finishTime/ },
    { operationId: 'exportUserPermissions', method: 'GET', path: `/insights/users/${user}/access/export`, status: 400, names: /dataSources/ },
    { operationId: 'exportUserPermissions', method: 'GET', path: `/insights/users/${enc('nobody@nowhere.example')}/access/export?${M365_SOURCES}`, status: 404, names: /email/ },
    { operationId: 'exportGoogleUserActivities', method: 'GET', path: `/insights/google/users/${enc('nobody@nowhere.example')}/activities/export`, status: 404, names: /nobody@nowhere\.example/ },
    { operationId: 'exportGoogleUserPermissions', method: 'GET', path: `/insights/google/users/${user}/access/export?dataSources=Microsoft%20Teams`, status: 400, names: /dataSources/ },
    { operationId: 'exportGroupAccessPermissions', method: 'GET', path: `/insights/groups/${group}/access/export?exportOptionType=9&${M365_SOURCES}`, status: 400, names: /exportOptionType/ },
    { operationId: 'exportGroupAccessPermissions', method: 'GET', path: `/insights/groups/no-such-group/access/export?exportOptionType=2&${M365_SOURCES}`, status: 404, names: /groupId/ },
    { operationId: 'exportGroupAccessPermissions', method: 'GET', path: `/insights/groups/access/export?exportOptionType=2&${M365_SOURCES}`, status: 400, names: /exportOptionType/ },
    { operationId: 'exportGoogleGroupAccessPermissions', method: 'GET', path: `/insights/google/groups/${group}/access/export?exportOptionType=1&dataSources=shared%20drive`, status: 400, names: /exportOptionType/ },
    { operationId: 'exportSitePermissions', method: 'GET', path: '/insights/sites/permission/export', status: 400, names: /siteUrls/ },
    { operationId: 'exportSitePermissions', method: 'GET', path: `/insights/sites/permission/export?${tooManySites.map((url) => `siteUrls=${enc(url)}`).join('&')}`, status: 400, names: /siteUrls/ },
    { operationId: 'exportPermissionRelatedInformationForSharingLinks', method: 'GET', path: `/insights/sharingLinks/export?exportLinkType=16&${WINDOW}`, status: 400, names: /exportLinkType/ },
    { operationId: 'exportPermissionRelatedInformationForSharingLinks', method: 'GET', path: '/insights/sharingLinks/export?exportLinkType=32', status: 400, names: /startTime/ },
    { operationId: 'exportPermissionRelatedInformationForGoogleSharingLinks', method: 'GET', path: `/insights/google/sharingLinks/export?exportLinkType=32&${WINDOW}`, status: 400, names: /exportLinkType/ },
    { operationId: 'exportDrivePermissions', method: 'GET', path: '/insights/google/drives/permission/export?driveIds=no-such-drive', status: 404, names: /no-such-drive/ },
    { operationId: 'getExportJobStatus', method: 'GET', path: '/insights/job/first/exportstatus', status: 400, names: /jobId/ },
    { operationId: 'getExportJobStatus', method: 'GET', path: '/insights/job/987654/exportstatus', status: 404, names: /987654/ },
    { operationId: 'downloadExportJobFile', method: 'GET', path: '/insights/job/first/exportfile', status: 400, names: /jobId/ },
    { operationId: 'downloadExportJobFile', method: 'GET', path: '/insights/job/987654/exportfile', status: 404, names: /987654/ },
    // Insights producer
    { operationId: 'produceInsightsUsers', method: 'POST', path: '/producer/insights/users', as: 'producer', body: { value: [{ id: 'u' }] }, status: 400, names: /loginName/ },
    { operationId: 'produceInsightsGroups', method: 'POST', path: '/producer/insights/groups', as: 'producer', body: { value: [{ id: 'g', displayName: 'G', groupType: 'Security Group', memberGroupIds: ['no-such-group'] }] }, status: 400, names: /memberGroupIds\[0\]/ },
    { operationId: 'produceInsightsWorkspaces', method: 'POST', path: '/producer/insights/workspaces', as: 'producer', body: { value: [] }, status: 400, names: /value/ },
    { operationId: 'produceInsightsObjects', method: 'POST', path: '/producer/insights/objects', as: 'producer', body: { value: [{ id: 'o', workspaceId: 'no-such-site', url: NOWHERE, name: 'x', objectType: 'File' }] }, status: 400, names: /workspaceId/ },
    { operationId: 'produceInsightsPermissions', method: 'POST', path: '/producer/insights/permissions', as: 'producer', body: { value: [{ id: 'p', objectId: `${site.id}:root`, principalKind: 'robot', principalId: 'r', permission: 'Read' }] }, status: 400, names: /principalKind/ },
    { operationId: 'produceInsightsSharingLinks', method: 'POST', path: '/producer/insights/sharing-links', as: 'producer', body: { value: [{ id: 'l', objectId: `${site.id}:root`, linkType: 7, createdTime: '2025-01-01T00:00:00Z', shareBy: 'x', linkUrl: 'x', permission: 'View' }] }, status: 400, names: /linkType/ },
    { operationId: 'produceInsightsActivities', method: 'POST', path: '/producer/insights/activities', as: 'producer', body: { value: [{ id: 'a', objectId: `${site.id}:root`, userId: world.users[0]!.id, eventType: 'FileAccessed', time: 'yesterday' }] }, status: 400, names: /time/ },
    // Confide, at the documented paths and the samples'
    { operationId: 'importConfideSharingUsers', method: 'POST', path: '/admin/shareSetting/import-users', body: [{ canShareLink: true }], status: 400, names: /email/ },
    { operationId: 'importConfideSharingUsers', method: 'POST', path: '/confide/admin/shareSetting/import-users', body: [{ email: 'x@contoso.com', canShareLink: 'sometimes' }], status: 400, names: /canShareLink/ },
    { operationId: 'getConfideImportUsersStatus', method: 'GET', path: '/admin/shareSetting/import-users/not-a-task', status: 400, names: /taskId/ },
    { operationId: 'getConfideImportUsersStatus', method: 'GET', path: `/admin/shareSetting/import-users/${UNKNOWN_TASK}`, status: 404, names: new RegExp(UNKNOWN_TASK) },
    { operationId: 'updateConfideSharingUsers', method: 'POST', path: '/admin/shareSetting/update-users', body: { email: 'x@contoso.com' }, status: 400, names: /array/ },
    { operationId: 'getConfideUpdateUsersStatus', method: 'GET', path: `/confide/admin/shareSetting/update-users/${UNKNOWN_TASK}`, status: 404, names: new RegExp(UNKNOWN_TASK) },
    { operationId: 'produceConfidePrivilegedUsers', method: 'POST', path: '/producer/confide/privileged-users', as: 'producer', body: { value: [{ email: 'not-an-address' }] }, status: 400, names: /value\[0\]\.email/ },
    { operationId: 'listConfidePrivilegedUsers', method: 'GET', path: '/producer/confide/privileged-users?top=5000', as: 'producer', status: 400, names: /top/ },
    { operationId: 'listConfidePrivilegedUsers', method: 'GET', path: '/producer/confide/privileged-users?skipToken=forged', as: 'producer', status: 400, names: /skipToken/ },
    // DMSO, at the documented path and the sample's
    { operationId: 'getDmsoAuditRecords', method: 'GET', path: '/dmso/audits?pageSize=201', status: 400, names: /pageSize/ },
    { operationId: 'getDmsoAuditRecords', method: 'GET', path: '/document-management/audits?action=999', status: 400, names: /action/ },
    { operationId: 'produceDmsoAuditRecords', method: 'POST', path: '/producer/dmso/audits', as: 'producer', body: { value: [{}] }, status: 400, names: /value\.0\.id/ },
  ];
}

describe.each(ENGINES)('bad input to Insights, Confide and DMSO on %s', (engine) => {
  let harness: Harness;
  let base: string;
  let tokens: Record<'app' | 'producer', string>;
  let world: M365World;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    const app = await harness.tenantWithApp([INSIGHTS, CONFIDE, DMSO]);
    base = harness.regionUrl('us');
    tokens = { app: await harness.token(app), producer: await harness.producerToken(app.tenantId) };
    world = await seedInsightsTenant(harness, app.tenantId, { objects: 10, reviewerGroups: 0, activities: 10, googleObjects: 6 });
  }, 120_000);
  afterAll(() => harness?.close());

  /** The error as the module documents it: exactly its envelope's fields, the status repeated, a message naming the problem. */
  function expectRefusal(path: string, answer: { status: number; headers: Headers; body: any; text: string }, status: number, names: RegExp, label: string) {
    expect(answer.status, `${label}: ${answer.text}`).toBe(status);
    // Refusals carry the listener's security headers too, even those given before any route.
    expect(answer.headers.get('x-content-type-options'), label).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
    const [code, message] = envelopeOf(path) === 'insights' ? [answer.body?.status, answer.body?.message] : [answer.body?.statusCode, answer.body?.error];
    expect(Object.keys(answer.body ?? {}).sort(), label).toEqual(envelopeOf(path) === 'insights' ? ['message', 'status'] : ['error', 'statusCode', 'traceId']);
    expect(code, label).toBe(status);
    expect(message, label).toMatch(names);
    // No stack frames, no source paths.
    expect(message, label).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|\.js:\d+/);
  }

  it('refuses each case of the table with a 4xx in the module\'s envelope, naming what was wrong', async () => {
    for (const item of cases(world)) {
      const label = `${item.operationId}: ${item.method} ${item.path.slice(0, 120)}`;
      const answer = item.raw !== undefined
        ? await harness.send(item.method, `${base}${item.path}`, tokens[item.as ?? 'app'], item.raw, { 'content-type': 'application/json' })
        : item.body !== undefined || item.method !== 'GET'
          ? await harness.send(item.method, `${base}${item.path}`, tokens[item.as ?? 'app'], item.body)
          : await harness.get(`${base}${item.path}`, tokens[item.as ?? 'app']);
      expectRefusal(item.path, answer, item.status, item.names, label);
    }
  });

  it('has a case for every operation the server publishes for the three modules', async () => {
    const spec = await harness.get(`${base}/openapi.json`);
    expect(spec.status).toBe(200);
    const published = Object.entries(spec.body.paths as Record<string, Record<string, { operationId: string }>>)
      .filter(([path]) => PREFIXES.some((prefix) => path.startsWith(prefix)))
      .flatMap(([, operations]) => Object.values(operations).map((operation) => operation.operationId));
    expect(published.length).toBeGreaterThan(30);
    const covered = new Set(cases(world).map((item) => item.operationId));
    expect(published.filter((operationId) => !covered.has(operationId))).toEqual([]);
    expect([...covered].filter((operationId) => !published.includes(operationId))).toEqual([]);
  });

  it('answers odd input on every operation with a 2xx or a 4xx in the envelope, never a 500', async () => {
    const spec = await harness.get(`${base}/openapi.json`);
    const operations = Object.entries(spec.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)
      .filter(([path]) => PREFIXES.some((prefix) => path.startsWith(prefix)))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, body: Boolean(operation.requestBody) })));
    const oddPaths = (path: string) => ['%', '%E0%A4%A', ' ', 'x'.repeat(3000), '%252F%2523%2540'].map((value) => path.replace(/\{[^}]+\}/g, enc(value).replace(/%25/g, '%')));
    const oddQuery = '?startPage=1&startPage=2&pageSize=&pageIndex=1e3&top=-1&siteUrls=&dataSources=&exportOptionType=1.5&exportLinkType=null&startTime=&finishTime=%00&action=&status=&module=';
    const oddBodies = ['null', '"text"', '[]', '{}', '42', '[null]', '{"value": null}', '{"value": [null]}', '{"emails": "a@b.c", "siteUrls": {}, "pageSize": 1e309}'];
    for (const { method, path, body } of operations) {
      const token = path.startsWith('/producer') ? tokens.producer : tokens.app;
      const tries: Array<[string, string | undefined]> = [...oddPaths(path).map((url): [string, string | undefined] => [url, body ? '{}' : undefined]), [`${path.replace(/\{[^}]+\}/g, 'x')}${oddQuery}`, body ? '{}' : undefined]];
      if (body) for (const raw of oddBodies) tries.push([path.replace(/\{[^}]+\}/g, 'x'), raw]);
      for (const [url, raw] of tries) {
        const label = `${method} ${url.slice(0, 100)} ${raw ?? ''}`;
        const answer = raw === undefined ? await harness.send(method, `${base}${url}`, token) : await harness.send(method, `${base}${url}`, token, raw, { 'content-type': 'application/json' });
        expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        if (answer.status >= 400) expectRefusal(path, answer, answer.status, /\S/, label);
      }
    }
  });

  it('answers a path of the modules that no route serves with 404 in the module\'s envelope', async () => {
    for (const path of ['/insights/nothing-here', '/insights/sharingLinks/x/summary', '/producer/insights/nothing', '/admin/shareSetting/nothing', '/dmso/nothing']) {
      expectRefusal(path, await harness.get(`${base}${path}`, tokens.app), 404, /No resource at GET/, path);
    }
  });

  it('refuses a body that is not JSON on every operation that takes one, in the module\'s envelope', async () => {
    const spec = await harness.get(`${base}/openapi.json`);
    const withBody = Object.entries(spec.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)
      .filter(([path]) => PREFIXES.some((prefix) => path.startsWith(prefix)))
      .flatMap(([path, operations]) => Object.entries(operations).filter(([, operation]) => operation.requestBody).map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') })));
    expect(withBody.length).toBeGreaterThan(10);
    for (const { method, path } of withBody) {
      const token = path.startsWith('/producer') ? tokens.producer : tokens.app;
      const answer = await harness.send(method, `${base}${path}`, token, '{"value": [', { 'content-type': 'application/json' });
      expectRefusal(path, answer, 400, /\S/, `${method} ${path}`);
    }
  });
});
