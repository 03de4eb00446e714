import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientSecretCredential, GraphClient } from 'meridian/sdk';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { docPage, expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { simulateDmsoAudits, type DmsoActor } from '../../src/dmso/simulator.js';
import { ACTION_CODES, DMSO_ACTIONS, DMSO_MODULES, DMSO_STATUSES, MODULE_CODES } from '../../src/dmso/catalogue.js';
import { seedDmso } from '../../src/dmso/seed.js';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { buildWorld } from '../../src/simulator/world.js';

const PAGE = 'main/services-and-features/dmso/dmso.md';
const PERMISSION = 'dmso.graph.readwrite.all';
const START = '2026-02-20T00:00:00.000Z';
const END = '2026-02-27T15:00:00.000Z';
const WINDOW = `startTime=${START}&endTime=${END}`;
const COUNT = 900;

const USERS: DmsoActor[] = [
  { id: '6f1c2a3e-0000-4000-8000-000000000001', displayName: 'Maria Garcia', userPrincipalName: 'maria.garcia@contoso.onmicrosoft.com' },
  { id: '6f1c2a3e-0000-4000-8000-000000000002', displayName: 'Chen Wang', userPrincipalName: 'chen.wang@contoso.onmicrosoft.com' },
  { id: '6f1c2a3e-0000-4000-8000-000000000003', displayName: 'Fatima Khan', userPrincipalName: 'fatima.khan@contoso.onmicrosoft.com' },
];
const SITES = ['https://contoso.sharepoint.com/sites/Finance', 'https://contoso.sharepoint.com/sites/Legal'];

describe.each(ENGINES)('GET /dmso/audits on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let producer: string;
  let region: string;
  let base: string;

  const produce = (value: unknown[]) => harness.send('POST', `${region}/producer/dmso/audits`, producer, { value });

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    region = harness.regionUrl('us');
    base = `${region}/dmso/audits`;
    app = await harness.tenantWithApp([PERMISSION]);
    token = await harness.token(app);
    producer = await harness.producerToken(app.tenantId);
    for (const batch of simulateDmsoAudits({ tenantId: app.tenantId, users: USERS, siteUrls: SITES, count: COUNT, days: 7, endMs: Date.parse(END) - 1, seed: 'test' }, 300)) {
      const result = await produce(batch);
      expect(result.status, result.text).toBe(200);
    }
  });
  afterAll(() => harness?.close());

  /** Every page of a query, following the relative nextLinks as a client resolves them. */
  async function collect(url: string): Promise<{ records: any[]; pages: any[] }> {
    const records: any[] = [];
    const pages: any[] = [];
    let next: string | null = url;
    while (next) {
      const page = await harness.get(next, token);
      expect(page.status, page.text).toBe(200);
      pages.push(page.body);
      records.push(...page.body.data);
      next = page.body.nextLink ? new URL(page.body.nextLink, next).toString() : null;
      if (pages.length > 200) throw new Error('paging does not end');
    }
    return { records, pages };
  }

  it('returns every record of the window exactly once across relative nextLinks, oldest first, in the documented envelope', async () => {
    const { records, pages } = await collect(`${base}?${WINDOW}&pageSize=200`);
    expect(records.length).toBe(COUNT);
    expect(new Set(records.map((record) => record.id)).size).toBe(COUNT);
    const times = records.map((record) => Date.parse(record.actionTime));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(pages.map((page) => page.data.length)).toEqual([200, 200, 200, 200, 100]);
    const first = pages[0];
    expect(first).toMatchObject({ errorMessage: '', statusCode: 200, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(first.nextLink).toMatch(/^audits\?startTime=2026-02-20T00%3A00%3A00\.000Z&endTime=2026-02-27T15%3A00%3A00\.000Z&pageIndex=2&pageSize=200&isDetail=false&orderBy=0&isASC=true&skipToken=/);
    expect(pages.at(-1).nextLink).toBeNull();
  });

  it('pages by pageIndex and pageSize alone as the nextLinks do (default size 100)', async () => {
    const { pages } = await collect(`${base}?${WINDOW}`);
    expect(pages[0].data).toHaveLength(100);
    const third = await harness.get(`${base}?${WINDOW}&pageIndex=3`, token);
    expect(third.body.data.map((r: any) => r.id)).toEqual(pages[2].data.map((r: any) => r.id));
    expect(new URL(third.body.nextLink, base).searchParams.get('pageIndex')).toBe('4');
    const zero = await harness.get(`${base}?${WINDOW}&pageIndex=0&pageSize=5`, token);
    expect(zero.body.data.map((r: any) => r.id)).toEqual(pages[0].data.slice(0, 5).map((r: any) => r.id));
    const beyond = await harness.get(`${base}?${WINDOW}&pageIndex=50`, token);
    expect(beyond.body).toMatchObject({ data: [], nextLink: null });
  });

  it('keeps nextLink pages exact while records are written', async () => {
    const window = 'startTime=2026-03-01T00:00:00Z&endTime=2026-03-02T00:00:00Z';
    const record = (id: string, minute: number) => ({ id, actionTime: `2026-03-01T10:${String(minute).padStart(2, '0')}:00Z`, module: 2, action: 649, status: 200, clientIP: '10.0.0.1', objectName: id, userPrincipalName: USERS[0]!.userPrincipalName, userEntraId: USERS[0]!.id, userDisplayName: USERS[0]!.displayName });
    expect((await produce(Array.from({ length: 10 }, (_, i) => record(`live-${i}`, i * 2)))).status).toBe(200);
    const first = await harness.get(`${base}?${window}&pageSize=4`, token);
    // One record before the first page's end and one after it: only the later one may appear, once.
    await produce([record('live-early', 1), record('live-late', 17)]);
    const rest = await collect(new URL(first.body.nextLink, base).toString());
    const names = [...first.body.data, ...rest.records].map((r: any) => r.objectName);
    expect(names.filter((name) => name === 'live-late')).toHaveLength(1);
    expect(names).not.toContain('live-early');
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(11);
  });

  it('orders newest first with isASC=false', async () => {
    const { records } = await collect(`${base}?${WINDOW}&pageSize=200&isASC=false`);
    expect(records).toHaveLength(COUNT);
    const times = records.map((record) => Date.parse(record.actionTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('filters by action (repeated as the sample sends it, or comma-separated) and every action is a documented code', async () => {
    const all = (await collect(`${base}?${WINDOW}&pageSize=200`)).records;
    for (const record of all) {
      expect(ACTION_CODES.has(record.action)).toBe(true);
      expect(MODULE_CODES.has(record.module)).toBe(true);
    }
    const wanted = [649, 650, 628, 629, 609, 610];
    const repeated = (await collect(`${base}?${WINDOW}&${wanted.map((a) => `action=${a}`).join('&')}`)).records;
    const expected = all.filter((record) => wanted.includes(record.action));
    expect(expected.length).toBeGreaterThan(10);
    expect(repeated.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const comma = (await collect(`${base}?${WINDOW}&action=${wanted.join(',')}`)).records;
    expect(comma.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('filters by status, module and search (display name, any case); parameter names in any case', async () => {
    const all = (await collect(`${base}?${WINDOW}&pageSize=200`)).records;
    const failed = (await collect(`${base}?${WINDOW}&status=500`)).records;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.map((r) => r.id)).toEqual(all.filter((r) => r.status === 500).map((r) => r.id));
    const modules = (await collect(`${base}?${WINDOW}&module=2&module=100&pageSize=200`)).records;
    expect(modules.map((r) => r.id)).toEqual(all.filter((r) => r.module === 2 || r.module === 100).map((r) => r.id));
    const search = (await collect(`${base}?${WINDOW}&search=${encodeURIComponent('ia garc')}&pageSize=200`)).records;
    expect(search.length).toBeGreaterThan(0);
    expect(search.map((r) => r.id)).toEqual(all.filter((r) => r.userDisplayName === 'Maria Garcia').map((r) => r.id));
    const none = await harness.get(`${base}?${WINDOW}&search=${encodeURIComponent('100%_')}`, token);
    expect(none.body.data).toEqual([]);
    const cased = (await collect(`${base}?STARTTIME=${START}&endtime=${END}&Status=500&PageSize=200`)).records;
    expect(cased.map((r) => r.id)).toEqual(failed.map((r) => r.id));
  });

  it('returns the object tree in detail only with isDetail=true', async () => {
    const plain = await harness.get(`${base}?${WINDOW}&action=628&action=629&action=609&action=610&pageSize=200`, token);
    const detailed = await harness.get(`${base}?${WINDOW}&action=628&action=629&action=609&action=610&pageSize=200&isDetail=true`, token);
    expect(plain.body.data.length).toBeGreaterThan(0);
    expect(plain.body.data.every((r: any) => r.detail === null && Array.isArray(r.objectDetail))).toBe(true);
    expect(detailed.body.data.map((r: any) => r.id)).toEqual(plain.body.data.map((r: any) => r.id));
    const withChildren = detailed.body.data.filter((r: any) => r.detail.some((item: any) => item.children.length > 0));
    expect(withChildren.length).toBeGreaterThan(0);
    for (const record of detailed.body.data) {
      expect(record.objectDetail.map((item: any) => item.path)).toEqual(record.detail.map((item: any) => item.path));
      expect(record.objectDetail.every((item: any) => item.children.length === 0)).toBe(true);
    }
    expect(new URL(detailed.body.nextLink ?? 'audits?isDetail=true', base).searchParams.get('isDetail')).toBe('true');
  });

  it('defaults to the last 7 days', async () => {
    const now = Date.now();
    const at = (id: string, ms: number) => ({ id, actionTime: new Date(ms).toISOString(), module: 100, action: 101, status: 200, clientIP: '10.0.0.2', objectName: id, userPrincipalName: 'x@contoso.com', userEntraId: 'e', userDisplayName: 'Recent User' });
    await produce([at('recent', now - 3_600_000), at('old', now - 8 * 24 * 3_600_000)]);
    const page = await harness.get(`${base}?search=recent%20user`, token);
    expect(page.body.data.map((r: any) => r.objectName)).toEqual(['recent']);
    const onlyStart = await harness.get(`${base}?search=recent%20user&startTime=${new Date(now - 9 * 24 * 3_600_000).toISOString()}`, token);
    expect(onlyStart.body.data.map((r: any) => r.objectName)).toEqual(['old', 'recent']);
  });

  it('answers the sample\'s /document-management/audits the same, and its nextLink resolves on that path', async () => {
    const documented = await harness.get(`${base}?${WINDOW}&action=649&action=650&pageSize=3`, token);
    const sample = await harness.get(`${region}/document-management/audits?${WINDOW}&action=649&action=650&pageSize=3`, token);
    expect(sample.status).toBe(200);
    expect(sample.body.data).toEqual(documented.body.data);
    const next = new URL(sample.body.nextLink, `${region}/document-management/audits`);
    expect(next.pathname).toBe('/document-management/audits');
    expect((await harness.get(next.toString(), token)).status).toBe(200);
  });

  it('refuses bad input with a 400 in the ErrorResponse naming the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      [`${WINDOW}&pageSize=201`, /pageSize/],
      [`${WINDOW}&pageSize=0`, /pageSize/],
      [`${WINDOW}&pageIndex=-1`, /pageIndex/],
      [`${WINDOW}&pageIndex=two`, /pageIndex/],
      [`${WINDOW}&action=999`, /action/],
      [`${WINDOW}&action=649&action=abc`, /action/],
      [`${WINDOW}&status=404`, /status/],
      [`${WINDOW}&module=22`, /module/],
      [`${WINDOW}&isDetail=maybe`, /isDetail/],
      [`${WINDOW}&isASC=up`, /isASC/],
      [`${WINDOW}&orderBy=3`, /orderBy/],
      [`startTime=yesterday`, /startTime/],
      [`endTime=2026-13-01T00:00:00Z`, /endTime/],
      [`startTime=${END}&endTime=${START}`, /endTime/],
      [`${WINDOW}&skipToken=forged`, /skipToken/],
    ];
    for (const [query, pattern] of cases) {
      const result = await harness.get(`${base}?${query}`, token);
      expect(result.status, query).toBe(400);
      expect(Object.keys(result.body).sort(), query).toEqual(['error', 'statusCode', 'traceId']);
      expect(result.body.statusCode).toBe(400);
      expect(result.body.error, query).toMatch(pattern);
    }
  });

  it('refuses a skipToken taken to another query or another pageIndex', async () => {
    const first = await harness.get(`${base}?${WINDOW}&pageSize=10`, token);
    const next = new URL(first.body.nextLink, base);
    const other = new URL(next);
    other.searchParams.append('status', '500');
    expect((await harness.get(other.toString(), token)).body.error).toMatch(/skipToken/);
    const moved = new URL(next);
    moved.searchParams.set('pageIndex', '5');
    const refused = await harness.get(moved.toString(), token);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/pageIndex/);
  });

  it('needs a token and the dmso.graph.readwrite.all permission, and shows a tenant only its own records', async () => {
    expect((await harness.get(`${base}?${WINDOW}`)).status).toBe(401);
    const other = await harness.tenantWithApp(['audit.read.all']);
    const forbidden = await harness.get(`${base}?${WINDOW}`, await harness.token(other));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatch(/dmso\.graph\.readwrite\.all/);
    expect((await harness.get(`${region}/document-management/audits?${WINDOW}`, await harness.token(other))).status).toBe(403);
    const stranger = await harness.tenantWithApp([PERMISSION]);
    const empty = await harness.get(`${base}?${WINDOW}`, await harness.token(stranger));
    expect(empty.body).toMatchObject({ data: [], nextLink: null });
  });

  it('matches the response sample of the page field by field', async () => {
    const sample = responseSample(PAGE);
    const page = await harness.get(`${base}?${WINDOW}&action=609&action=610&action=628&action=629&action=649&action=650&action=652&action=1940&pageSize=1&isDetail=true`, token);
    expect(page.status).toBe(200);
    expectMatchesSample(page.body, sample);
    expect(Object.keys(page.body)).toEqual(Object.keys(sample));
    expect(Object.keys(page.body.data[0])).toEqual(Object.keys(sample.data[0]));
    expect(typeof page.body.nextLink).toBe('string');
    // The sample's nextLink names the same parameters, in the same order, before our continuation token.
    const names = (link: string) => [...new Set([...new URL(link, base).searchParams.keys()])];
    expect(names(page.body.nextLink).filter((name) => name !== 'skipToken')).toEqual(names(sample.nextLink));
  });

  it('is read whole through the SDK, following the relative nextLinks', async () => {
    const credential = new ClientSecretCredential({ identityUrl: harness.identityUrl(), clientId: app.clientId, clientSecret: app.clientSecret, caPem: harness.caPem });
    const client = new GraphClient({ baseUrl: region, credential, scope: PERMISSION, caPem: harness.caPem });
    const viaSdk: any[] = [];
    for await (const record of client.items('getDmsoAuditRecords', { startTime: START, endTime: END, action: [649, 650, 628, 629, 609, 610], pageSize: 7 })) viaSdk.push(record);
    const direct = (await collect(`${base}?${WINDOW}&action=649&action=650&action=628&action=629&action=609&action=610&pageSize=200`)).records;
    expect(viaSdk.length).toBeGreaterThan(7);
    expect(viaSdk.map((record) => record.id)).toEqual(direct.map((record) => record.id));
  });

  it('documents /dmso/audits once in the OpenAPI document, the sample path hidden', async () => {
    const doc = await harness.get(`${region}/openapi.json`);
    const operation = doc.body.paths['/dmso/audits'].get;
    expect(operation).toMatchObject({ operationId: 'getDmsoAuditRecords', tags: ['Document Management System Online'] });
    expect(operation.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['startTime', 'endTime', 'status', 'action', 'module', 'isDetail', 'search', 'pageIndex', 'pageSize']));
    expect(doc.body.paths['/document-management/audits']).toBeUndefined();
  });
});

describe.each(ENGINES)('producer API for DMSO audit records on %s', (engine) => {
  let harness: Harness;
  let url: string;
  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    url = `${harness.regionUrl('us')}/producer/dmso/audits`;
  });
  afterAll(() => harness?.close());

  const record = (overrides: Record<string, unknown> = {}) => ({ id: 'r-1', actionTime: '2026-02-27T06:21:15.077Z', module: 2, action: 1940, status: 200, clientIP: '123.123.12.13', objectName: 'folder, file.pdf', userPrincipalName: 'user@contoso.onmicrosoft.com', userEntraId: 'e1', userDisplayName: 'User Name', ...overrides });
  const read = async (app: TestApp) => (await harness.get(`${harness.regionUrl('us')}/dmso/audits?startTime=2026-02-27T00:00:00Z&endTime=2026-02-28T00:00:00Z&isDetail=true`, await harness.token(app))).body.data;

  it('stores a record once per producer id, however often it is sent', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = await harness.producerToken(app.tenantId);
    const tree = [{ path: 'https://contoso.sharepoint.com/sites/s/lib/folder', type: 2, children: [{ path: 'https://contoso.sharepoint.com/sites/s/lib/folder/a.png', type: 1, children: [] }] }];
    const batch = { value: [record({ objectDetail: [{ ...tree[0], children: [] }], detail: tree })] };
    expect((await harness.send('POST', url, producer, batch)).body).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect((await harness.send('POST', url, producer, batch)).body).toEqual({ received: 1, stored: 0, duplicates: 1 });
    const data = await read(app);
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ action: 1940, module: 2, actionTime: '2026-02-27T06:21:15.077Z', detail: tree, objectDetail: [{ ...tree[0], children: [] }] });
  });

  it('refuses a batch with any invalid record whole, storing nothing', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = await harness.producerToken(app.tenantId);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ actionTime: 'nope' }, /value\[1\]\.actionTime/],
      [{ action: 999 }, /value\[1\]\.action/],
      [{ module: 22 }, /value\[1\]\.module/],
      [{ status: 201 }, /value\[1\]\.status/],
      [{ detail: [{ path: 'x', type: 3, children: [] }] }, /type/],
      [{ surprise: true }, /surprise/],
    ];
    for (const [overrides, pattern] of cases) {
      const result = await harness.send('POST', url, producer, { value: [record({ id: 'ok' }), record({ id: 'bad', ...overrides })] });
      expect(result.status, JSON.stringify(overrides)).toBe(400);
      expect(result.body.error).toMatch(pattern);
    }
    expect(await read(app)).toEqual([]);
  });

  it('refuses callers without the producer permission', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    expect((await harness.send('POST', url, await harness.token(app), { value: [record()] })).status).toBe(403);
  });

  it('seeds the demo history from the tenant\'s simulated world, and seeding again adds nothing', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = httpProducerClient(harness.fetch, harness.regionUrl('us'), () => harness.producerToken(app.tenantId));
    const endMs = Date.parse(END);
    const request = { tenantId: app.tenantId, tenantName: 'Fabrikam', days: 7, endMs, counts: {}, demo: true, seed: 'demo' };
    expect(await seedDmso(producer, request)).toEqual({ dmsoAuditRecords: 1500 });
    expect(await seedDmso(producer, { ...request, demo: false, counts: { dmsoAudits: 40 } })).toEqual({ dmsoAuditRecords: 40 });
    const token = await harness.token(app);
    const records: any[] = [];
    for (let index = 1; ; index++) {
      const page = await harness.get(`${harness.regionUrl('us')}/dmso/audits?${WINDOW}&pageSize=200&pageIndex=${index}`, token);
      records.push(...page.body.data);
      if (!page.body.nextLink) break;
    }
    expect(records).toHaveLength(1500);
    const world = buildWorld({ tenantId: app.tenantId, tenantName: 'Fabrikam', seed: 'demo', endMs });
    const people = new Map(world.users.map((user) => [user.id, user]));
    for (const record of records) {
      expect(people.get(record.userEntraId)).toMatchObject({ displayName: record.userDisplayName, userPrincipalName: record.userPrincipalName });
    }
    expect(new Set(records.map((record) => record.action)).size).toBeGreaterThan(100);
    expect(records.some((record) => record.objectDetail.some((item: any) => world.sites.some((site) => item.path.startsWith(site.url))))).toBe(true);
  });
});

describe('the DMSO code tables', () => {
  /** The `<li>**code** for Name</li>` list of a parameter's row in the page's tables (every row naming it must agree). */
  function tableOf(page: string, parameter: string): Array<[number, string]> {
    const rows = page.split('\n').filter((line) => line.startsWith(`| ${parameter} |`));
    const lists = rows.map((row) => [...row.matchAll(/<li>\*\*(\d+)\*\*(?: for |\s*)\(?([^<]*?)\)?<\/li>/g)].map((match): [number, string] => [Number(match[1]), match[2]!]));
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(list).toEqual(lists[0]);
    return lists[0]!;
  }

  // The page's text is kept in its fixture, so the tables are checked in a clone with no docs beside it.
  it('are the page\'s: 280 actions, 23 modules, 2 statuses, in its order', () => {
    const page = docPage(PAGE);
    expect(DMSO_ACTIONS).toEqual(tableOf(page, 'action'));
    expect(DMSO_MODULES).toEqual(tableOf(page, 'module'));
    expect(DMSO_STATUSES).toEqual(tableOf(page, 'status'));
    expect([DMSO_ACTIONS.length, DMSO_MODULES.length, DMSO_STATUSES.length]).toEqual([280, 23, 2]);
  });
});
