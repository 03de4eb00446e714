import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEnPower } from '../../src/enpower/seed.js';
import { tenantDomain, worldId } from '../../src/simulator/world.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { documentedPaths, producerClient } from './support.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const dayStart = (ms: number) => ms - (ms % DAY_MS);

for (const engine of ENGINES) {
  describe(`EnPower on ${engine}`, () => {
    let harness: Harness;
    let app: TestApp;
    let token: string;
    let producer: string;
    let base: string;
    const get = (path: string, bearer = token) => harness.get(`${base}${path}`, bearer);
    const all = async (path: string, key: string) => {
      const items: any[] = [];
      let link: string = `${base}${path}${path.includes('?') ? '&' : '?'}top=1000`;
      while (link) {
        const page = await harness.get(link, token);
        expect(page.status, page.text).toBe(200);
        items.push(...page.body[key]);
        link = page.body.nextLink;
      }
      return items;
    };
    let ids: Parameters<typeof documentedPaths>[0];

    beforeAll(async () => {
      harness = await Harness.start({ engine, regions: ['us'] });
      app = await harness.tenantWithApp(['enpower.data.read.all']);
      token = await harness.token(app);
      producer = await harness.producerToken(app.tenantId);
      base = harness.regionUrl('us');
      await seedEnPower(producerClient(harness, producer), {
        tenantId: app.tenantId,
        tenantName: 'Contoso',
        days: 200,
        endMs: Date.now(),
        counts: { enPowerEvents: 3000, enPowerTenants: 2 },
        demo: false,
        seed: 'test',
      });
      const apps = await all('/smp/powerplatform/powerapps', 'powerApps');
      const flows = await all('/smp/powerplatform/powerautomate/cloudflows', 'cloudFlows');
      const busiestApp = apps.reduce((best, candidate) => (candidate.appLaunchedCount > best.appLaunchedCount ? candidate : best));
      const busiestFlow = flows.reduce((best, candidate) => (candidate.flowRuns > best.flowRuns ? candidate : best));
      ids = {
        appId: busiestApp.appId,
        flowId: busiestFlow.flowId,
        desktopFlowId: (await get('/smp/powerplatform/powerautomate/desktopflows')).body.desktopFlows[0].flowId,
        botId: (await get('/smp/powerplatform/bot')).body.bots[0].botId,
        powerPageId: (await get('/smp/powerplatform/powerpages')).body.powerPages[0].id,
      };
    });
    afterAll(() => harness?.close());

    it('answers every documented GET in its envelope, and 403 without enpower.data.read.all', async () => {
      const other = await harness.tenantWithApp(['audit.read.all']);
      const otherToken = await harness.token(other);
      for (const path of documentedPaths(ids)) {
        const page = await get(path);
        expect(page.status, `${path}: ${page.text.slice(0, 200)}`).toBe(200);
        const [key, ...rest] = Object.keys(page.body);
        expect(rest, path).toEqual(['totalCount', 'nextLink']);
        expect(page.body[key!].length, `${path} has items`).toBeGreaterThan(0);
        expect(page.body.totalCount, path).toBeGreaterThanOrEqual(page.body[key!].length);
        expect(typeof page.body.nextLink).toBe('string');
        const refused = await get(path, otherToken);
        expect(refused.status, path).toBe(403);
        expect(Object.keys(refused.body).sort()).toEqual(['error', 'statusCode', 'traceId']);
      }
    });

    it('pages by top and nextLink exactly once each, totalCount on every page, "" after the last', async () => {
      const whole = await get('/smp/powerplatform/powerapps?top=1000');
      const seen: string[] = [];
      let link = `${base}/smp/powerplatform/powerapps?top=3`;
      let pages = 0;
      while (link) {
        const page = await harness.get(link, token);
        expect(page.status).toBe(200);
        expect(page.body.totalCount).toBe(whole.body.totalCount);
        seen.push(...page.body.powerApps.map((item: any) => item.id));
        link = page.body.nextLink;
        pages++;
      }
      expect(pages).toBe(Math.ceil(whole.body.totalCount / 3));
      expect(seen).toEqual(whole.body.powerApps.map((item: any) => item.id));
      expect(new Set(seen).size).toBe(seen.length);
      const first = await get('/smp/powerplatform/powerapps');
      expect(first.body.powerApps.length).toBe(Math.min(100, whole.body.totalCount));
    });

    it('keeps a walk exact while objects are written and deleted', async () => {
      const first = await get('/smp/exchange/mailboxes?top=5');
      const before = await all('/smp/exchange/mailboxes', 'mailboxes');
      // An update of a listed mailbox keeps its place; a new one comes at the end; a deleted one leaves the lists.
      const updated = { ...before[0], displayName: 'Renamed mailbox' };
      const added = { ...before[1], id: worldId(app.tenantId, 'test-mailbox', 1), displayName: 'Added mailbox' };
      expect((await harness.send('POST', `${base}/producer/enpower/mailboxes`, producer, { value: [updated, added] })).status).toBe(200);
      expect((await harness.send('POST', `${base}/producer/enpower/mailboxes/deletions`, producer, { ids: [before[7].id] })).body).toEqual({ received: 1, removed: 1 });
      const rest: any[] = [];
      let link = first.body.nextLink;
      while (link) {
        const page = await harness.get(link, token);
        rest.push(...page.body.mailboxes);
        link = page.body.nextLink;
      }
      const walked = [...first.body.mailboxes, ...rest].map((item: any) => item.id);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toContain(added.id);
      expect(walked).not.toContain(before[7].id);
      const after = await all('/smp/exchange/mailboxes', 'mailboxes');
      expect(after.find((item) => item.id === updated.id).displayName).toBe('Renamed mailbox');
      expect(after.length).toBe(before.length);
    });

    it('refuses an altered skipToken and a token of another query, naming the parameter', async () => {
      const page = await get('/smp/powerplatform/powerapps?top=2');
      const tokenValue = new URL(page.body.nextLink).searchParams.get('skipToken')!;
      const altered = await get(`/smp/powerplatform/powerapps?top=2&skipToken=${tokenValue.slice(0, -2)}AA`);
      expect(altered.status).toBe(400);
      expect(altered.body.error).toContain('skipToken');
      const elsewhere = await get(`/smp/powerplatform/powerautomate/cloudflows?top=2&skipToken=${tokenValue}`);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.error).toContain('skipToken');
    });

    it('answers bad parameters with a 400 naming them, an unknown parent with a 404', async () => {
      for (const [query, name] of [
        ['/smp/powerplatform/powerapps?top=0', 'top'],
        ['/smp/powerplatform/powerapps?top=1001', 'top'],
        ['/smp/powerplatform/environments?top=many', 'top'],
        [`/smp/powerplatform/powerapps/${ids.appId}/launches?fromDate=yesterday`, 'fromDate'],
        [`/smp/powerplatform/powerapps/${ids.appId}/launches?fromDate=2025-02-01&toDate=2025-01-01`, 'toDate'],
        ['/smp/exchange/mailboxes?mailboxType=5', 'mailboxType'],
        ['/smp/exchange/resourcemailboxes?resourceMailboxType=room', 'resourceMailboxType'],
      ] as const) {
        const result = await get(query);
        expect(result.status, query).toBe(400);
        expect(result.body.error, query).toContain(name);
        expect(result.body.statusCode).toBe(400);
      }
      const missing = await get('/smp/powerplatform/powerautomate/cloudflows/00000000-0000-0000-0000-000000000000/runs');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toContain('flowId');
    });

    it('computes every rolling counter from the events its drill-down lists', async () => {
      const now = Date.now();
      const from = (days: number) => new Date(dayStart(now) - (days - 1) * DAY_MS).toISOString();
      const apps = await all('/smp/powerplatform/powerapps', 'powerApps');
      for (const listed of apps.filter((item) => item.appLaunchedCount > 0).slice(0, 3)) {
        const launches = await get(`/smp/powerplatform/powerapps/${listed.appId}/launches?top=1000`);
        expect(launches.body.totalCount).toBe(listed.appLaunchedCount);
        const times = launches.body.launches.map((event: any) => event.creationTime).sort();
        expect(listed.lastLaunchedOn).toBe(times[times.length - 1]);
        for (const days of [7, 30, 90, 180]) {
          const window = await get(`/smp/powerplatform/powerapps/${listed.appId}/launches?fromDate=${from(days)}&top=1000`);
          expect(window.body.totalCount, `appLaunchesLast${days}Days`).toBe(listed[`appLaunchesLast${days}Days`]);
          const inWindow = window.body.launches.filter((event: any) => event.creationTime >= from(days).replace('T', ' ').slice(0, 19));
          expect(inWindow.length).toBe(window.body.launches.length);
          const users = await get(`/smp/powerplatform/powerapps/${listed.appId}/launched-users?fromDate=${from(days)}&top=1000`);
          expect(users.body.totalCount, `launchedUsersLast${days}Days`).toBe(listed[`launchedUsersLast${days}Days`]);
          expect(new Set(window.body.launches.map((event: any) => event.userKey)).size).toBe(listed[`launchedUsersLast${days}Days`]);
          const activities = await get(`/smp/powerplatform/powerapps/${listed.appId}/activities?fromDate=${from(days)}&top=1`);
          expect(activities.body.totalCount, `lastActivityD${days}`).toBe(listed[`lastActivityD${days}`]);
        }
        const everyone = await get(`/smp/powerplatform/powerapps/${listed.appId}/launched-users?top=1000`);
        expect(everyone.body.launchedUsers.reduce((sum: number, user: any) => sum + user.launchedTimes, 0)).toBe(listed.appLaunchedCount);
        expect(everyone.body.launchedUsers.every((user: any) => user.lauchedTimes === String(user.launchedTimes))).toBe(true);
      }
      const flows = await all('/smp/powerplatform/powerautomate/cloudflows', 'cloudFlows');
      const flow = flows.find((item) => item.flowId === ids.flowId);
      const runs = await all(`/smp/powerplatform/powerautomate/cloudflows/${flow.flowId}/runs`, 'runs');
      expect(runs.length).toBe(flow.flowRuns);
      expect(flow.lastRunTime).toBe(runs[runs.length - 1].startTime);
      for (const days of [7, 30, 90, 180]) {
        const window = await get(`/smp/powerplatform/powerautomate/cloudflows/${flow.flowId}/runs?fromDate=${from(days)}&top=1`);
        expect(window.body.totalCount, `runsLast${days}Days`).toBe(flow[`runsLast${days}Days`]);
      }
      const desktop = (await get('/smp/powerplatform/powerautomate/desktopflows?top=1000')).body.desktopFlows.find((item: any) => item.flowRuns > 0);
      const desktopRuns = await all(`/smp/powerplatform/powerautomate/desktopflows/${desktop.flowId}/runs`, 'runs');
      expect(desktopRuns.length).toBe(desktop.flowRuns);
      expect(desktop.lastRunStatus).toBe(desktopRuns[desktopRuns.length - 1].runStatus);
      const bot = (await get('/smp/powerplatform/bot?top=1000')).body.bots.find((item: any) => item.activityCountLast180D > 0);
      expect((await get(`/smp/powerplatform/bot/${bot.botId}/activities?fromDate=${from(90)}`)).body.totalCount).toBe(bot.activityCountLast90D);
      const site = (await get('/smp/powerplatform/powerpages?top=1000')).body.powerPages.find((item: any) => item.activitiesLast180Days > 0);
      expect((await get(`/smp/powerplatform/powerpages/${site.id}/activities?fromDate=${from(30)}`)).body.totalCount).toBe(site.activitiesLast30Days);
    });

    it('counts an artifact\'s views and viewers and an environment\'s objects from what they are made of', async () => {
      const activities = await all('/smp/powerplatform/powerbi/powerbiactiveusers', 'powerBIActiveUsers');
      const artifacts = await all('/smp/powerplatform/powerbi/artifacts', 'artifacts');
      const cutoff = new Date(dayStart(Date.now()) - 29 * DAY_MS).toISOString().replace('T', ' ').slice(0, 19);
      for (const artifact of artifacts.slice(0, 5)) {
        const views = activities.filter((event) => event.pbiObjectId === artifact.id && event.operation.startsWith('View') && event.activityTime >= cutoff);
        expect(artifact.viewsOfLast30Days).toBe(views.length);
        expect(artifact.uniqueViewersOfLast30Days).toBe(new Set(views.map((event) => event.userId)).size);
      }
      const environments = await all('/smp/powerplatform/environments', 'environments');
      const apps = await all('/smp/powerplatform/powerapps', 'powerApps');
      const connections = await all('/smp/powerplatform/connections', 'connections');
      for (const environment of environments) {
        expect(environment.numberOfApps).toBe(apps.filter((item) => item.environment === environment.id).length);
        expect(environment.numberOfConnections).toBe(connections.filter((item) => item.environmentId === environment.id).length);
      }
      const usage = await all('/smp/powerplatform/connectionusage/cloudflows', 'connectionUsageCloudFlows');
      for (const connection of connections.slice(0, 5)) expect(connection.flowCount).toBe(usage.filter((edge) => edge.connectionId === connection.id).length);
      const oneFlow = await get(`/smp/powerplatform/connectionusage/cloudflows?flowId=${usage[0].flowId}`);
      expect(oneFlow.body.connectionUsageCloudFlows.every((edge: any) => edge.flowId === usage[0].flowId)).toBe(true);
      expect(oneFlow.body.totalCount).toBe(usage.filter((edge) => edge.flowId === usage[0].flowId).length);
    });

    it('computes the counts by data source type from the details', async () => {
      const datasources = await all('/smp/powerplatform/powerbi/datasourcedetails', 'datasourceDetails');
      const counts = (await get('/smp/powerplatform/powerbi/datasourcecountbydatasourcetype')).body.datasourceCounts;
      for (const { datasourceType, count } of counts) expect(count).toBe(String(datasources.filter((item) => item.datasourceType === datasourceType).length));
      const models = await all('/smp/powerplatform/powerbi/semanticemodeldetails', 'semanticModelDetails');
      const modelCounts = (await get('/smp/powerplatform/powerbi/semanticmodelcountbydatasourcetype')).body.semanticModelCounts;
      expect(modelCounts.reduce((sum: number, group: any) => sum + group.count, 0)).toBe(models.length);
      // The path without the docs' extra "e" is answered the same.
      expect((await get('/smp/powerplatform/powerbi/semanticmodeldetails?top=1000')).body.semanticModelDetails).toEqual(models);
    });

    it('selects one Microsoft 365 tenant by id or domain, all of them without tenant', async () => {
      const everything = await all('/smp/powerplatform/powerapps', 'powerApps');
      const tenants = [...new Set(everything.map((item) => item.tenantId))];
      expect(tenants.length).toBe(2);
      const byDomain = await all(`/smp/powerplatform/powerapps?tenant=${tenantDomain('Contoso-2')}`, 'powerApps');
      expect(byDomain.length).toBeGreaterThan(0);
      expect(byDomain.every((item) => item.tenantDomain === tenantDomain('Contoso-2'))).toBe(true);
      const byId = await all(`/smp/powerplatform/powerapps?tenant=${tenants[0]!.toUpperCase()}`, 'powerApps');
      expect(byId.length + (await all(`/smp/powerplatform/powerapps?tenant=${tenants[1]}`, 'powerApps')).length).toBe(everything.length);
      expect((await get('/smp/powerplatform/powerapps?tenant=nobody.onmicrosoft.com')).body).toEqual({ powerApps: [], totalCount: 0, nextLink: '' });
    });

    it('filters mailboxes by mailboxType and resourceMailboxType', async () => {
      const both = await all('/smp/exchange/mailboxes', 'mailboxes');
      const users = await all('/smp/exchange/mailboxes?mailboxType=1', 'mailboxes');
      const shared = await all('/smp/exchange/mailboxes?mailboxType=2', 'mailboxes');
      expect(users.every((item) => item.recipientType === 'User mailbox')).toBe(true);
      expect(shared.every((item) => item.recipientType === 'Shared mailbox')).toBe(true);
      expect(users.length + shared.length).toBe(both.length);
      expect(shared.length).toBeGreaterThan(0);
      const rooms = await all('/smp/exchange/resourcemailboxes?resourceMailboxType=1', 'resourceMailboxes');
      const equipment = await all('/smp/exchange/resourcemailboxes?resourcemailboxtype=2', 'resourceMailboxes');
      expect(rooms.every((item) => item.recipientType === 'Room mailbox')).toBe(true);
      expect(equipment.every((item) => item.recipientType === 'Equipment mailbox')).toBe(true);
      expect(rooms.length + equipment.length).toBe((await all('/smp/exchange/resourcemailboxes?resourceMailboxType=0', 'resourceMailboxes')).length);
    });

    it('stores a repeated event once and leaves the counters as they were', async () => {
      const before = (await all('/smp/powerplatform/powerapps', 'powerApps')).find((item) => item.appId === ids.appId);
      const event = { id: 'retried-launch', objectId: ids.appId.toUpperCase(), creationTime: new Date().toISOString(), userId: 'someone@contoso.com', userKey: 'retry-user', userType: 'Regular', clientIP: '10.0.0.1' };
      const firstTry = await harness.send('POST', `${base}/producer/enpower/events/powerapp-launches`, producer, { value: [event, event] });
      expect(firstTry.body).toEqual({ received: 2, stored: 1, duplicates: 1 });
      const retry = await harness.send('POST', `${base}/producer/enpower/events/powerapp-launches`, producer, { value: [event] });
      expect(retry.body).toEqual({ received: 1, stored: 0, duplicates: 1 });
      const after = (await all('/smp/powerplatform/powerapps', 'powerApps')).find((item) => item.appId === ids.appId);
      expect(after.appLaunchedCount).toBe(before.appLaunchedCount + 1);
      expect(after.appLaunchesLast7Days).toBe(before.appLaunchesLast7Days + 1);
      expect(after.launchedUsersLast7Days).toBe(before.launchedUsersLast7Days + 1);
      const bad = await harness.send('POST', `${base}/producer/enpower/events/powerapp-launches`, producer, { value: [{ ...event, id: 'bad', creationTime: 'soon' }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('creationTime');
      const computed = await harness.send('POST', `${base}/producer/enpower/powerapps`, producer, { value: [{ id: 'x', appId: 'x', tenantId: 't', appLaunchedCount: 5 }] });
      expect(computed.status).toBe(400);
      expect(computed.body.error).toContain('appLaunchedCount');
    });
  });
}
