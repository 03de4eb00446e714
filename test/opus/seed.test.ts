import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { opusModule } from '../../src/opus/index.js';
import { simulateRecords } from '../../src/opus/simulator.js';
import { DOC_SAMPLE_OBJECTS } from '../../src/simulator/doc-samples.js';
import { requestSampleCalls } from '../support/doc-samples.js';
import { ENGINES } from '../support/services.js';
import { OpusFixture } from './fixture.js';

describe.each(ENGINES)('the Opus simulator on %s', (engine) => {
  let f: OpusFixture;
  let report: Record<string, number>;
  const seed = () =>
    opusModule.seed!(httpProducerClient(f.harness.fetch, f.base, async () => f.producer), {
      tenantId: f.app.tenantId,
      tenantName: 'meridian-demo',
      days: 30,
      endMs: Date.now(),
      counts: {},
      demo: true,
      seed: 'demo',
    });

  beforeAll(async () => {
    f = await OpusFixture.start(engine);
    report = await seed();
  }, 120_000);
  afterAll(() => f?.close());

  it('gives the demo tenant connections, a taxonomy with rules, holds, reviews, restores and a record history, some of it due', async () => {
    // 10 simulated scopes and 4 restores, plus the docs samples' two scopes and one restore job.
    expect(report).toMatchObject({ opusConnections: 2, opusTerms: 7, opusRecords: 600, opusArchivedScopes: 12, opusRestoreJobs: 5 });
    expect(report.opusReviews).toBeGreaterThan(10);
    expect(report.opusDestroyed).toBeGreaterThan(10);
    const connections = (await f.admin('GET', '/admin/opus/connections')).body.value;
    expect(connections.map((c: any) => c.name)).toEqual(['Contract Management System', 'HR Case Files']);
    const terms = (await f.admin('GET', '/admin/opus/terms')).body.value;
    expect(terms.filter((t: any) => t.retainDays !== null)).toHaveLength(7);
    expect((await f.admin('GET', '/admin/opus/holds')).body.value).toHaveLength(2);
    const now = new Date().toISOString();
    let due = 0;
    for (const connection of connections) due += (await f.allDue(connection.id, now, 100)).length;
    expect(due).toBeGreaterThan(20);
    expect((await f.admin('GET', '/admin/opus/reviews')).body.value.length).toBeGreaterThan(0);
    const jobs = (await f.admin('GET', '/producer/opus/restore-jobs')).body.value;
    expect(new Set(jobs.map((job: any) => job.status))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('is deterministic, and safe to run again', async () => {
    const options = { tenantId: f.app.tenantId, count: 50, endMs: Date.parse('2026-01-01T00:00:00Z'), seed: 'x', domain: 'contoso.com' };
    expect(simulateRecords(options)).toEqual(simulateRecords(options));
    const again = await seed();
    // Destroyed records stay destroyed; everything else is overwritten in place, nothing doubles.
    expect(again.opusRecords).toBe(report.opusRecords! - report.opusDestroyed!);
    expect((await f.admin('GET', '/admin/opus/connections')).body.value).toHaveLength(2);
    expect((await f.admin('GET', '/admin/opus/holds')).body.value).toHaveLength(2);
  });
});

describe.each(ENGINES)("the demo seeding of the connector pages' samples on %s", (engine) => {
  let f: OpusFixture;
  const PAGES = 'main/services-and-features/opus/useconnector';
  const { connectionId, rowKeys } = DOC_SAMPLE_OBJECTS.opus.connector;
  const seed = () =>
    opusModule.seed!(httpProducerClient(f.harness.fetch, f.base, async () => f.producer), { tenantId: f.app.tenantId, tenantName: 'meridian-demo', days: 30, endMs: Date.now(), counts: {}, demo: true, docSamples: true, seed: 'demo' });
  const dueKeys = async () => (await f.allDue(connectionId, new Date().toISOString(), 100)).map((record: { rowKey: string }) => record.rowKey);

  beforeAll(async () => {
    f = await OpusFixture.start(engine);
    await seed();
  }, 120_000);
  afterAll(() => f?.close());

  it("gives submit-records.md's connection its id and columns: its JSON file is the page's body", async () => {
    const file = await f.admin('GET', `/admin/opus/connections/${connectionId}/file`);
    expect(file.status, file.text).toBe(200);
    expect(file.body).toEqual(requestSampleCalls(`${PAGES}/submit-records.md`)[0]!.body);
  });

  it("holds the records destroy-records.md destroys, due; destroying them twice answers the page's 200 both times", async () => {
    expect(await dueKeys()).toEqual(rowKeys);
    const { body } = requestSampleCalls(`${PAGES}/destroy-records.md`)[0]!;
    for (let time = 0; time < 2; time++) {
      const destroyed = await f.destroy(body);
      expect(destroyed.status, destroyed.text).toBe(200);
      expect(destroyed.body).toEqual({ statusCode: 200, message: null });
    }
    const gone = (body as { disposalIds: string[] }).disposalIds;
    expect(await dueKeys()).toEqual(rowKeys.filter((key) => !gone.includes(key)));
    // Seeding again neither brings them back nor fails on them.
    await seed();
    expect(await dueKeys()).toEqual(rowKeys.filter((key) => !gone.includes(key)));
  });
});
