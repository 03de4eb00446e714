import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

describe('meridian seed --enpower-objects', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    harness.meridian.writeEndpointsFile();
  });
  afterAll(() => harness?.close());

  it('seeds an EnPower estate of about the asked size across the asked tenants, through the producer API', async () => {
    const app = await harness.tenantWithApp(['enpower.data.read.all'], 'us', 'Fabrikam');
    const { stdout } = await run(
      process.execPath,
      [BIN, 'seed', '--tenant', 'Fabrikam', '--enpower-objects', '400', '--enpower-events', '2000', '--enpower-tenants', '2', '--days', '30', '--json'],
      { env: { ...process.env, MERIDIAN_DATA_DIR: harness.dataDir, MERIDIAN_ADMIN_KEY: '' }, timeout: 120_000 },
    );
    const report = JSON.parse(stdout);
    expect(report.enpowerEvents).toBe(2000);
    expect(report.enpowerObjects).toBeGreaterThanOrEqual(400);
    const token = await harness.token(app);
    const apps = await harness.get(`${harness.regionUrl('us')}/smp/powerplatform/powerapps?top=1000`, token);
    // A quarter of the objects are apps, in each of the two tenants.
    expect(apps.body.totalCount).toBeGreaterThanOrEqual(200);
    expect(new Set(apps.body.powerApps.map((item: { tenantId: string }) => item.tenantId)).size).toBe(2);
    const launched = apps.body.powerApps.reduce((sum: number, item: { appLaunchedCount: number }) => sum + item.appLaunchedCount, 0);
    expect(launched).toBeGreaterThan(0);
  });
});
