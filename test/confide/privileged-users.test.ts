import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { IMPORT, PERMISSION, UPDATE, privilegedUsers, waitForTask } from './support.js';
import { seedConfide } from '../../src/confide/seed.js';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { buildWorld } from '../../src/simulator/world.js';

const PAGES = 'main/services-and-features/confide';

describe.each(ENGINES)('Confide privileged users on %s', (engine) => {
  let harness: Harness;
  let region: string;
  let app: TestApp;
  let token: string;
  let producer: string;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}, bearer = token) => harness.send('POST', `${region}${path}`, bearer, body, headers);
  /** Starts a task and waits for its end; returns the final status. */
  async function run(path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
    const started = await post(path, body, headers);
    expect(started.status, started.text).toBe(200);
    return waitForTask(harness, `${region}${path}/${started.body.data.taskId}`, token);
  }

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    region = harness.regionUrl('us');
    app = await harness.tenantWithApp([PERMISSION]);
    token = await harness.token(app);
    producer = await harness.producerToken(app.tenantId);
  });
  afterAll(() => harness?.close());

  it('imports users as a task: status, counts, the failed users, and the users with their permissions', async () => {
    const started = await post(IMPORT, [
      { email: 'user1@example.com', isShareCoordinator: true, canShareLink: true },
      { email: 'user2@example.com', isShareCoordinator: false, canShareLink: true, sendInvitationEmail: true },
      { email: 'not an address', canShareLink: true },
      { email: 'User3@Example.com', canConfigureScan: true, canGenerateAccessCodeLinkInShareCenter: true, canGenerateUploadLink: true, canGenerateDownloadLinkInShareCenter: true, canGenerateUploadLinkInShareCenter: true, sendInvitationEmail: false },
    ]);
    expect(started.status, started.text).toBe(200);
    expect(started.body).toEqual({ data: { taskId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) } });
    const status = await waitForTask(harness, `${region}${IMPORT}/${started.body.data.taskId}`, token);
    expect(status).toEqual({
      taskId: started.body.data.taskId,
      status: 'Completed',
      totalCount: 4,
      processedCount: 4,
      failedCount: 1,
      items: [{ email: 'not an address', success: false, status: 'Failed', errorMessage: 'Invalid email format.' }],
      message: 'Import task finished.',
      startTime: expect.stringMatching(/Z$/),
      finishTime: expect.stringMatching(/Z$/),
    });
    expect(Date.parse(status.finishTime)).toBeGreaterThanOrEqual(Date.parse(status.startTime));
    const users = await privilegedUsers(harness, region, producer);
    expect(users.get('user1@example.com')).toMatchObject({ isShareCoordinator: true, canShareLink: true, canConfigureScan: false, invitations: [] });
    expect(users.get('user2@example.com')).toMatchObject({ isShareCoordinator: false, canShareLink: true, invitations: [{ taskId: started.body.data.taskId, invitedTime: expect.any(String) }] });
    expect(users.get('user3@example.com')).toMatchObject({ email: 'User3@Example.com', canConfigureScan: true, canGenerateUploadLinkInShareCenter: true, isShareCoordinator: false, invitations: [] });
    expect(users.has('not an address')).toBe(false);
  });

  it('an import overwrites an existing user\'s whole permission set', async () => {
    await run(IMPORT, [{ email: 'overwrite@example.com', isShareCoordinator: true, canShareLink: true }]);
    const status = await run(IMPORT, [{ email: 'OVERWRITE@example.com', canGenerateUploadLink: true }]);
    expect(status).toMatchObject({ status: 'Completed', failedCount: 0, items: [] });
    expect((await privilegedUsers(harness, region, producer)).get('overwrite@example.com')).toMatchObject({ isShareCoordinator: false, canShareLink: false, canGenerateUploadLink: true });
  });

  it('updates only the permissions given; an unknown email fails that user only; invitations are recorded', async () => {
    await run(IMPORT, [{ email: 'editor@example.com', isShareCoordinator: true, canShareLink: false, canConfigureScan: true }]);
    const started = await post(UPDATE, [
      { email: 'Editor@Example.com', canShareLink: true, sendInvitationEmail: true },
      { email: 'stranger@example.com', canShareLink: true },
      { email: 'bad@', canShareLink: true },
    ]);
    const status = await waitForTask(harness, `${region}${UPDATE}/${started.body.data.taskId}`, token);
    expect(status).toMatchObject({ status: 'Completed', totalCount: 3, processedCount: 3, failedCount: 2, message: 'Update task finished.' });
    expect(status.items).toEqual([
      { email: 'stranger@example.com', success: false, status: 'Failed', errorMessage: expect.stringMatching(/stranger@example\.com.*share center/) },
      { email: 'bad@', success: false, status: 'Failed', errorMessage: 'Invalid email format.' },
    ]);
    const users = await privilegedUsers(harness, region, producer);
    expect(users.get('editor@example.com')).toMatchObject({ isShareCoordinator: true, canShareLink: true, canConfigureScan: true, invitations: [{ taskId: started.body.data.taskId }] });
    expect(users.has('stranger@example.com')).toBe(false);
  });

  it('audits each task in the AOS audit log (product Confide): when it is asked for and when it finishes', async () => {
    const auditor = await harness.tenantWithApp([PERMISSION, 'audit.read.all']);
    const bearer = await harness.token(auditor);
    const started = await post(UPDATE, [{ email: 'nobody@example.com', canShareLink: true }], {}, bearer);
    await waitForTask(harness, `${region}${UPDATE}/${started.body.data.taskId}`, bearer);
    const window = `startTime=${new Date(Date.now() - 600_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=VDR`;
    let records: any[] = [];
    for (const until = Date.now() + 20_000; records.length < 2 && Date.now() < until; ) {
      records = (await harness.get(`${region}/aos/audit?${window}`, bearer)).body.data;
      if (records.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(records.map((record) => record.actionName)).toEqual(['Update privileged users', 'Update privileged users finished']);
    for (const record of records) {
      expect(record).toMatchObject({ product: 'Confide', actionUser: auditor.clientId, objectType: 'Privileged user', operationType: 'Update', objectName: '1 user' });
      expect(JSON.parse(record.actionParameters).taskId).toBe(started.body.data.taskId);
    }
    expect(records[1].comment).toBe('1 of 1 users failed.');
  });

  it('answers the samples\' /confide/... paths with the same routes', async () => {
    const started = await post(`/confide${IMPORT}`, [{ email: 'alias@example.com', canShareLink: true }]);
    expect(started.status, started.text).toBe(200);
    const viaAlias = await waitForTask(harness, `${region}/confide${IMPORT}/${started.body.data.taskId}`, token);
    const viaDocumented = await harness.get(`${region}${IMPORT}/${started.body.data.taskId}`, token);
    expect(viaDocumented.body.data).toEqual(viaAlias);
    const update = await post(`/confide${UPDATE}`, [{ email: 'alias@example.com', canShareLink: false }]);
    expect((await waitForTask(harness, `${region}/confide${UPDATE}/${update.body.data.taskId}`, token)).status).toBe('Completed');
    expect((await privilegedUsers(harness, region, producer)).get('alias@example.com').canShareLink).toBe(false);
    const doc = await harness.get(`${region}/openapi.json`);
    expect(doc.body.paths[IMPORT].post).toMatchObject({ operationId: 'importConfideSharingUsers', tags: ['AvePoint Confide'] });
    expect(doc.body.paths[`${IMPORT}/{taskId}`].get.operationId).toBe('getConfideImportUsersStatus');
    expect(doc.body.paths[UPDATE].post.operationId).toBe('updateConfideSharingUsers');
    expect(doc.body.paths[`${UPDATE}/{taskId}`].get.operationId).toBe('getConfideUpdateUsersStatus');
    expect(Object.keys(doc.body.paths).filter((path) => path.startsWith('/confide/'))).toEqual([]);
  });

  it('a retry with the same Idempotency-Key or client-request-id gets the first task and applies nothing twice', async () => {
    const body = [{ email: 'retry@example.com', canShareLink: true, sendInvitationEmail: true }];
    for (const header of ['Idempotency-Key', 'client-request-id']) {
      const key = `${header}-${Math.random()}`;
      const first = await post(IMPORT, body, { [header]: key });
      const second = await post(IMPORT, body, { [header]: key });
      expect(second.status).toBe(200);
      expect(second.body.data.taskId).toBe(first.body.data.taskId);
      await waitForTask(harness, `${region}${IMPORT}/${first.body.data.taskId}`, token);
      const other = await post(IMPORT, [{ email: 'someone-else@example.com' }], { [header]: key });
      expect(other.status).toBe(409);
      expect(other.body).toEqual({ traceId: expect.any(String), error: expect.stringMatching(/Idempotency-Key/), statusCode: 409 });
      // The same key for the other kind of task is another request.
      const update = await post(UPDATE, body, { [header]: key });
      expect(update.status).toBe(200);
      expect(update.body.data.taskId).not.toBe(first.body.data.taskId);
      await waitForTask(harness, `${region}${UPDATE}/${update.body.data.taskId}`, token);
    }
    const user = (await privilegedUsers(harness, region, producer)).get('retry@example.com');
    // Two import tasks (one per header) and two update tasks, each inviting once.
    expect(user.invitations).toHaveLength(4);
    const unkeyed = await Promise.all([post(IMPORT, body), post(IMPORT, body)]);
    expect(unkeyed[0]!.body.data.taskId).not.toBe(unkeyed[1]!.body.data.taskId);
  });

  it('refuses bad input with a 400 in the ErrorResponse naming what is wrong, and changes nothing', async () => {
    const before = await privilegedUsers(harness, region, producer);
    const many = Array.from({ length: 5001 }, (_, i) => ({ email: `u${i}@example.com` }));
    const cases: Array<[unknown, RegExp]> = [
      [{ email: 'x@example.com' }, /array/],
      [[], /array|items|fewer/i],
      [[{ canShareLink: true }], /email/],
      [[{ email: 'ok@example.com' }, { email: 'x@example.com', canShareLinks: true }], /canShareLinks/],
      [[{ email: 'x@example.com', canShareLink: 'sometimes' }], /canShareLink/],
      [[{ email: { address: 'x@example.com' } }], /email/],
      [many, /5000|items|more/i],
    ];
    for (const path of [IMPORT, UPDATE]) {
      for (const [body, pattern] of cases) {
        const result = await post(path, body);
        expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(Object.keys(result.body).sort()).toEqual(['error', 'statusCode', 'traceId']);
        expect(result.body.error, JSON.stringify(body).slice(0, 80)).toMatch(pattern);
      }
      const notJson = await harness.send('POST', `${region}${path}`, token, '[{"email": ', { 'content-type': 'application/json' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.statusCode).toBe(400);
    }
    const longKey = await post(IMPORT, [{ email: 'k@example.com' }], { 'Idempotency-Key': 'k'.repeat(201) });
    expect(longKey.status).toBe(400);
    expect(longKey.body.error).toMatch(/idempotency-key/i);
    expect([...(await privilegedUsers(harness, region, producer)).keys()]).toEqual([...before.keys()]);
  });

  it('answers an unknown, malformed or other-kind taskId with a 4xx naming it', async () => {
    const imported = await post(IMPORT, [{ email: 'kind@example.com' }]);
    const malformed = await harness.get(`${region}${IMPORT}/a3f1c2e4-****-4e2a-****-2c3d****6a7b`, token);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/taskId/);
    const unknown = await harness.get(`${region}${IMPORT}/00000000-0000-4000-8000-000000000000`, token);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: expect.stringMatching(/00000000-0000-4000-8000-000000000000/) });
    expect((await harness.get(`${region}${UPDATE}/${imported.body.data.taskId}`, token)).status).toBe(404);
    const upper = await harness.get(`${region}${IMPORT}/${imported.body.data.taskId.toUpperCase()}`, token);
    expect(upper.status).toBe(200);
  });

  it('needs a token and confide.graph.readwrite.all on every route and path; a tenant sees only its own tasks', async () => {
    const started = await post(IMPORT, [{ email: 'private@example.com' }]);
    const taskUrl = `${IMPORT}/${started.body.data.taskId}`;
    const other = await harness.tenantWithApp(['dmso.graph.readwrite.all']);
    const otherToken = await harness.token(other);
    for (const prefix of ['', '/confide']) {
      for (const [method, path] of [['POST', IMPORT], ['POST', UPDATE], ['GET', taskUrl], ['GET', `${UPDATE}/${started.body.data.taskId}`]] as const) {
        const body = method === 'POST' ? [{ email: 'x@example.com' }] : undefined;
        const anonymous = await harness.send(method, `${region}${prefix}${path}`, undefined, body);
        expect(anonymous.status, `${method} ${prefix}${path}`).toBe(401);
        const forbidden = await harness.send(method, `${region}${prefix}${path}`, otherToken, body);
        expect(forbidden.status, `${method} ${prefix}${path}`).toBe(403);
        expect(forbidden.body.error).toMatch(/confide\.graph\.readwrite\.all/);
      }
    }
    const stranger = await harness.tenantWithApp([PERMISSION]);
    expect((await harness.get(`${region}${taskUrl}`, await harness.token(stranger))).status).toBe(404);
  });

  it('matches the response samples of the four pages field by field', async () => {
    const importStart = await post(IMPORT, [{ email: 'sample1@example.com', isShareCoordinator: true, canShareLink: true }, { email: 'sample2@', canShareLink: true, sendInvitationEmail: true }]);
    expectMatchesSample(importStart.body, responseSample(`${PAGES}/ImportConfideSharingUser.md`));
    const updateStart = await post(UPDATE, [{ email: 'nobody@example.com', canShareLink: true }, { email: 'sample1@example.com', canShareLink: false, sendInvitationEmail: true }]);
    expectMatchesSample(updateStart.body, responseSample(`${PAGES}/UpdateConfideSharingUser.md`));
    for (const [page, path, taskId] of [['GetConfideImportUsersStatus.md', IMPORT, importStart.body.data.taskId], ['GetConfideUpdateUsersStatus.md', UPDATE, updateStart.body.data.taskId]] as const) {
      const sample = responseSample(`${PAGES}/${page}`);
      await waitForTask(harness, `${region}${path}/${taskId}`, token);
      const status = await harness.get(`${region}${path}/${taskId}`, token);
      expectMatchesSample(status.body, sample);
      expect(Object.keys(status.body.data)).toEqual(Object.keys(sample.data));
      expect(status.body.data.items).toHaveLength(1);
      expect(Object.keys(status.body.data.items[0])).toEqual(Object.keys(sample.data.items[0]));
      expect(status.body.data.status).toBe(sample.data.status);
      expect(status.body.data.message).toBe(sample.data.message);
    }
  });
});

describe.each(ENGINES)('Confide producer routes on %s', (engine) => {
  let harness: Harness;
  let region: string;
  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    region = harness.regionUrl('us');
  });
  afterAll(() => harness?.close());

  it('stores reported users by email, idempotently, with their invitation, and pages the read', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = await harness.producerToken(app.tenantId);
    const value = Array.from({ length: 7 }, (_, i) => ({ email: `p${i}@contoso.com`, canShareLink: i % 2 === 0, ...(i === 3 ? { invitedTime: '2026-01-05T10:00:00Z' } : {}) }));
    const url = `${region}/producer/confide/privileged-users`;
    expect((await harness.send('POST', url, producer, { value })).body).toEqual({ received: 7, applied: 7 });
    expect((await harness.send('POST', url, producer, { value })).status).toBe(200);
    const first = await harness.get(`${url}?top=3`, producer);
    expect(first.body.value.map((u: any) => u.email)).toEqual(['p0@contoso.com', 'p1@contoso.com', 'p2@contoso.com']);
    const users = await privilegedUsers(harness, region, producer);
    expect(users.size).toBe(7);
    expect(users.get('p3@contoso.com').invitations).toEqual([{ taskId: 'producer', invitedTime: '2026-01-05T10:00:00.000Z' }]);
    expect(users.get('p4@contoso.com')).toMatchObject({ canShareLink: true, isShareCoordinator: false, invitations: [] });
    const one = await harness.get(`${url}?email=P5@CONTOSO.COM`, producer);
    expect(one.body.value.map((u: any) => u.email)).toEqual(['p5@contoso.com']);
  });

  it('refuses a batch with an invalid user whole, and callers without the producer permission', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = await harness.producerToken(app.tenantId);
    const url = `${region}/producer/confide/privileged-users`;
    const bad = await harness.send('POST', url, producer, { value: [{ email: 'ok@contoso.com' }, { email: 'nope' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/value\[1\]\.email/);
    const badTime = await harness.send('POST', url, producer, { value: [{ email: 'ok@contoso.com', invitedTime: 'soon' }] });
    expect(badTime.body.error).toMatch(/value\[0\]\.invitedTime/);
    expect((await harness.get(url, producer)).body.value).toEqual([]);
    expect((await harness.send('POST', url, await harness.token(app), { value: [{ email: 'ok@contoso.com' }] })).status).toBe(403);
    expect((await harness.get(url, await harness.token(app))).status).toBe(403);
  });

  it('seeds privileged users from the tenant\'s simulated world, the demo a dozen, and seeding again changes nothing', async () => {
    const app = await harness.tenantWithApp([PERMISSION]);
    const producer = await harness.producerToken(app.tenantId);
    const client = httpProducerClient(harness.fetch, region, async () => producer);
    const request = { tenantId: app.tenantId, tenantName: 'Fabrikam', days: 30, endMs: Date.parse('2026-02-27T00:00:00Z'), counts: {}, demo: true, seed: 'demo' };
    expect(await seedConfide(client, request)).toEqual({ confidePrivilegedUsers: 12 });
    const demo = await privilegedUsers(harness, region, producer);
    expect(await seedConfide(client, request)).toEqual({ confidePrivilegedUsers: 12 });
    expect(await privilegedUsers(harness, region, producer)).toEqual(new Map([...demo].map(([key, user]) => [key, { ...user, updatedTime: expect.any(String) }])));
    expect(await seedConfide(client, { ...request, demo: false, counts: { confideUsers: 80 } })).toEqual({ confidePrivilegedUsers: 80 });
    const users = await privilegedUsers(harness, region, producer);
    expect(users.size).toBe(80);
    const world = buildWorld({ tenantId: app.tenantId, tenantName: 'Fabrikam', seed: 'demo', users: 96, endMs: request.endMs });
    const mails = new Set(world.users.map((user) => user.mail.toLowerCase()));
    expect([...users.keys()].every((email) => mails.has(email))).toBe(true);
    expect([...users.values()].some((user) => user.invitations.length > 0)).toBe(true);
    expect([...users.values()].some((user) => user.isShareCoordinator)).toBe(true);
  });
});
