import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, STREAMS } from '../../src/enpower/catalogue.js';
import { Harness, type TestApp } from '../support/harness.js';
import { expectMatchesSample } from '../support/doc-samples.js';
import { enPowerSample } from './support.js';

const TENANT = '3950bd4b-0000-4000-8000-59e24efa58cb';
const NOW = new Date().toISOString();

/** Each documented GET, the object or event its sample shows (reported through the producer), and the fields the table adds. */
interface Case {
  page: string;
  path: string;
  /** The producer path of the sample's item, and the ids its blanks get. */
  produce?: { path: string; ids?: Record<string, string> };
  extra?: string[];
}

const ids = { app: 'a1b2c3d4-0000-4000-8000-000000000001', flow: 'a1b2c3d4-0000-4000-8000-000000000002', desktop: 'a1b2c3d4-0000-4000-8000-000000000003', bot: 'a1b2c3d4-0000-4000-8000-000000000004', page: 'a1b2c3d4-0000-4000-8000-000000000005' };
const event = (objectId: string) => ({ id: `${objectId}-event`, objectId });

const CASES: Case[] = [
  { page: 'environments.md', path: '/smp/powerplatform/environments', produce: { path: 'environments', ids: { id: 'env-1' } } },
  { page: 'connections.md', path: '/smp/powerplatform/connections', produce: { path: 'connections', ids: { id: 'conn-1' } } },
  { page: 'powerapps/powerapps.md', path: '/smp/powerplatform/powerapps', produce: { path: 'powerapps', ids: { appId: ids.app } } },
  { page: 'powerapps/activities.md', path: `/smp/powerplatform/powerapps/${ids.app}/activities`, produce: { path: 'events/powerapp-activities', ids: { ...event(ids.app), creationTime: NOW } } },
  { page: 'powerapps/applaunches.md', path: `/smp/powerplatform/powerapps/${ids.app}/launches`, produce: { path: 'events/powerapp-launches', ids: { ...event(ids.app), creationTime: NOW, userKey: 'user-1' } } },
  { page: 'powerapps/launchedusers.md', path: `/smp/powerplatform/powerapps/${ids.app}/launched-users`, extra: ['launchedTimes'] },
  { page: 'flows/cloudflows.md', path: '/smp/powerplatform/powerautomate/cloudflows', produce: { path: 'cloudflows', ids: { flowId: ids.flow } } },
  { page: 'flows/cloudrunhistories.md', path: `/smp/powerplatform/powerautomate/cloudflows/${ids.flow}/runs`, produce: { path: 'events/cloudflow-runs', ids: { ...event(ids.flow), startTime: NOW } } },
  { page: 'flows/activities.md', path: `/smp/powerplatform/powerautomate/cloudflows/${ids.flow}/activities`, produce: { path: 'events/cloudflow-activities', ids: { ...event(ids.flow), creationTime: NOW } } },
  { page: 'flows/connectionusage.md', path: '/smp/powerplatform/connectionusage/cloudflows' },
  { page: 'flows/desktopflows.md', path: '/smp/powerplatform/powerautomate/desktopflows', produce: { path: 'desktopflows', ids: { flowId: ids.desktop } } },
  { page: 'flows/desktoprunhistories.md', path: `/smp/powerplatform/powerautomate/desktopflows/${ids.desktop}/runs`, produce: { path: 'events/desktopflow-runs', ids: { ...event(ids.desktop), startTime: NOW } } },
  { page: 'powerbi/workspaces.md', path: '/smp/powerplatform/powerbi/workspaces', produce: { path: 'workspaces' } },
  { page: 'powerbi/artifacts.md', path: '/smp/powerplatform/powerbi/artifacts', produce: { path: 'artifacts' }, extra: ['numberOfRefreshHistories'] },
  { page: 'powerbi/datasourcedetails.md', path: '/smp/powerplatform/powerbi/datasourcedetails', produce: { path: 'datasources' } },
  { page: 'powerbi/datasourcecount.md', path: '/smp/powerplatform/powerbi/datasourcecountbydatasourcetype' },
  { page: 'powerbi/semanticmodels.md', path: '/smp/powerplatform/powerbi/semanticemodeldetails', produce: { path: 'semanticmodels' } },
  { page: 'powerbi/semanticmodelbydatasource.md', path: '/smp/powerplatform/powerbi/semanticmodelcountbydatasourcetype' },
  { page: 'powerbi/activeusers.md', path: '/smp/powerplatform/powerbi/powerbiactiveusers', produce: { path: 'events/powerbi-activities', ids: { id: 'pbi-1', tenantId: TENANT } } },
  { page: 'copilotstudio/agents.md', path: '/smp/powerplatform/bot', produce: { path: 'bots', ids: { botId: ids.bot } } },
  { page: 'copilotstudio/activities.md', path: `/smp/powerplatform/bots/${ids.bot.toUpperCase()}/activities`, produce: { path: 'events/bot-activities', ids: { ...event(ids.bot), creationTime: NOW } } },
  { page: 'pages/details.md', path: '/smp/powerplatform/powerpages', produce: { path: 'powerpages', ids: { id: ids.page } } },
  { page: 'pages/activities.md', path: `/smp/powerplatform/powerpages/${ids.page}/activities`, produce: { path: 'events/powerpage-activities', ids: { ...event(ids.page), creationTime: NOW } } },
  { page: 'exchange/resourcemailboxes.md', path: '/smp/exchange/resourcemailboxes', produce: { path: 'resourcemailboxes' } },
  { page: 'exchange/userandsharedmailboxes.md', path: '/smp/exchange/mailboxes', produce: { path: 'mailboxes' } },
  { page: 'eol/groups.md', path: '/smp/lifecycle/microsoft365/groups', produce: { path: 'eol-groups' } },
  { page: 'eol/viva-groups.md', path: '/smp/lifecycle/microsoft365/viva-groups', produce: { path: 'eol-viva-groups' }, extra: ['teamStatus'] },
  { page: 'eol/sharepoint.md', path: '/smp/lifecycle/microsoft365/sites', produce: { path: 'eol-sites' } },
  { page: 'eol/teams.md', path: '/smp/lifecycle/microsoft365/teams', produce: { path: 'eol-teams' } },
];

/** What a producer may report of a sample's item: its fields less the computed ones, plus the tenant. */
function reportable(producerPath: string, item: Record<string, unknown>, extraIds: Record<string, string>): Record<string, unknown> {
  const collection = COLLECTIONS.find((spec) => spec.producerPath === producerPath);
  const stream = STREAMS.find((spec) => `events/${spec.producerPath}` === producerPath);
  const computed = Object.keys(collection?.computed ?? {});
  const report: Record<string, unknown> = Object.fromEntries(Object.entries(item).filter(([name]) => !computed.includes(name)));
  if (collection) report.tenantId = TENANT;
  return { ...report, ...(stream ? {} : { [collection!.idField]: item[collection!.idField] || `${producerPath}-1` }), ...extraIds };
}

/** Responses held against each EnPower page's response sample, field by field and in the sample's order. */
describe('EnPower contract', () => {
  let harness: Harness;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    app = await harness.tenantWithApp(['enpower.data.read.all']);
    token = await harness.token(app);
    const producer = await harness.producerToken(app.tenantId);
    for (const { page, produce } of CASES) {
      if (!produce) continue;
      const sample = enPowerSample(page);
      const items = Object.values(sample).find(Array.isArray) as Array<Record<string, unknown>>;
      const value = items.map((item, index) => reportable(produce.path, item, index === 0 ? (produce.ids ?? {}) : { ...(produce.ids ?? {}), ...(produce.ids?.id ? { id: `${produce.ids.id}-${index}` } : {}) }));
      if (produce.path === 'cloudflows') (value[0]!.connections as unknown[]) = [{ connectionName: 'conn-1', connectionDisplayName: 'Sample Connection', connectorName: 'shared_training', connectorDisplayName: '365 Training', iconUri: '', type: 'Premium' }];
      const result = await harness.send('POST', `${harness.regionUrl('us')}/producer/enpower/${produce.path}`, producer, { value });
      expect(result.status, `${produce.path}: ${result.text}`).toBe(200);
    }
  });
  afterAll(() => harness?.close());

  for (const { page, path, extra } of CASES) {
    it(`GET ${path.replace(/[0-9a-f-]{36}/gi, '{id}')} matches main/services-and-features/enpower/${page}`, async () => {
      const sample = enPowerSample(page);
      const response = await harness.get(`${harness.regionUrl('us')}${path}`, token);
      expect(response.status, response.text).toBe(200);
      expectMatchesSample(response.body, { ...sample, totalCount: 0, nextLink: '' }, '$', { allowExtraKeys: extra ?? [] });
      const [key] = Object.keys(sample);
      expect(Object.keys(response.body)).toEqual([key, 'totalCount', 'nextLink']);
      expect(response.body[key!].length).toBeGreaterThan(0);
      // Every field of the sample's item, in the sample's order; the table's additions after them.
      expect(Object.keys(response.body[key!][0])).toEqual([...Object.keys(sample[key!][0]), ...(extra ?? [])]);
      expect(response.body.nextLink).toBe('');
      expect(response.body.totalCount).toBe(response.body[key!].length);
    });
  }
});
