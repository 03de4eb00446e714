import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientSecretCredential, exportReport, ExportFailedError, GraphClient, NotFoundError, type ExportProgress } from 'meridian/sdk';
import { Harness, type TestApp } from '../support/harness.js';
import type { M365World } from '../../src/simulator/world.js';
import { PERMISSION, readReport, seedInsightsTenant } from '../insights/support.js';

describe('the SDK runs an Insights export start → wait → download against a running Meridian', () => {
  let harness: Harness;
  let app: TestApp;
  let world: M365World;
  let client: GraphClient;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    app = await harness.tenantWithApp([PERMISSION]);
    world = await seedInsightsTenant(harness, app.tenantId, { objects: 40, reviewerGroups: 1, activities: 50, googleObjects: 5 });
    const credential = new ClientSecretCredential({ identityUrl: harness.identityUrl(), clientId: app.clientId, clientSecret: app.clientSecret, caPem: harness.caPem });
    client = new GraphClient({ baseUrl: harness.regionUrl('us'), credential, scope: PERMISSION, caPem: harness.caPem });
  });
  afterAll(() => harness?.close());

  it('returns the report\'s ZIP and tells every phase, the download\'s bytes included', async () => {
    const progress: ExportProgress[] = [];
    const user = world.users[0]!;
    const { jobId, file } = await exportReport(client, 'exportUserPermissions', { email: user.mail, dataSources: ['SharePoint Online'] }, { pollMs: 100, onProgress: (step) => progress.push(step) });
    expect(jobId).toMatch(/^\d+$/);
    const report = await readReport(file);
    expect(report.sheets.get('User Access')!.rows.length).toBeGreaterThan(0);
    expect(progress[0]).toEqual({ phase: 'started', jobId });
    const downloads = progress.filter((step) => step.phase === 'downloading');
    expect(downloads.at(-1)).toMatchObject({ receivedBytes: file.length, totalBytes: file.length });
    expect(progress.at(-1)).toEqual({ phase: 'done', jobId, bytes: file.length });
  });

  it('throws the service\'s typed error when the export is refused, and ExportFailedError is exported for failed jobs', async () => {
    await expect(exportReport(client, 'exportUserPermissions', { email: 'nobody@nowhere.example', dataSources: ['OneDrive'] })).rejects.toBeInstanceOf(NotFoundError);
    expect(new ExportFailedError('7', 'disk full').message).toContain('disk full');
  });
});
