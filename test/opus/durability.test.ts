import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeridianProcess } from '../security/meridian-process.js';
import { ENGINES } from '../support/services.js';
import { record } from './fixture.js';

/**
 * A real Meridian process, killed with SIGKILL straight after it acknowledged a write:
 * whatever it acknowledged must be there when it starts again.
 */
describe.each(ENGINES)('acknowledged Opus writes survive kill -9 on %s', (engine) => {
  let server: MeridianProcess;
  let tenantId: string;
  let app: { clientId: string; clientSecret: string };
  let connectionId: string;

  const token = async () => {
    const issued = await server.token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
    expect(issued.status, issued.text).toBe(200);
    return issued.body.access_token as string;
  };
  const producerToken = async () => (await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/producer-token`, server.adminKey())).body.access_token as string;
  const lookup = async (rowKey: string) => (await server.call('GET', `${server.region}/admin/opus/records?connectionId=${connectionId}&rowKey=${rowKey}`, await producerToken())).body;

  beforeAll(async () => {
    server = new MeridianProcess(engine);
    await server.start();
    const tenant = await server.call('POST', `${server.identity}/admin/tenants`, server.adminKey(), { name: 'Durable', region: 'us' });
    expect(tenant.status, tenant.text).toBe(201);
    tenantId = tenant.body.id;
    const created = await server.call('POST', `${server.identity}/admin/tenants/${tenantId}/apps`, server.adminKey(), { name: 'connector', permissions: ['records.readwrite.all', 'audit.read.all'], secretYears: 1 });
    expect(created.status, created.text).toBe(201);
    app = { clientId: created.body.clientId, clientSecret: created.body.clientSecret };
    const producer = await producerToken();
    connectionId = (await server.call('POST', `${server.region}/admin/opus/connections`, producer, { name: 'Durable', columns: [{ name: 'Amount', type: 'Number' }] })).body.id;
    expect((await server.call('POST', `${server.region}/admin/opus/terms`, producer, { path: 'Keep/Short', retainDays: 1, after: 'created' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it('keeps every record acknowledged with 201, even with other submissions in flight', async () => {
    const bearer = await token();
    const acknowledged: string[] = [];
    let killed = false;
    const submissions = Array.from({ length: 24 }, (_, batch) =>
      server
        .call('POST', `${server.region}/records/connector/records`, bearer, {
          id: connectionId,
          conflictOption: 'Overwrite',
          data: Array.from({ length: 15 }, (_, i) => record(`k-${batch}-${i}`, { term: 'Keep/Short', extra: { _Amount: batch * 100 + i } })),
        })
        .then(async (result) => {
          if (result.status === 201) acknowledged.push(...Array.from({ length: 15 }, (_, i) => `k-${batch}-${i}`));
          // SIGKILL the moment the sixth acknowledgement is in, whatever else is in flight.
          if (acknowledged.length >= 6 * 15 && !killed) {
            killed = true;
            await server.kill();
          }
        })
        .catch(() => undefined),
    );
    await Promise.all(submissions);
    expect(killed).toBe(true);
    const snapshot = [...acknowledged];
    await server.start();
    const bearerAfter = await token();
    const found = new Set<string>();
    let startIndex = '';
    for (;;) {
      const page = await server.call('GET', `${server.region}/records/connector/records?id=${connectionId}&disposalDueDate=2999-01-01&itemsPerPage=100&startIndex=${encodeURIComponent(startIndex)}`, bearerAfter);
      expect(page.status, page.text).toBe(200);
      for (const item of page.body.queriedItems) found.add(item.rowKey);
      if (!page.body.startIndex) break;
      startIndex = page.body.startIndex;
    }
    const missing = snapshot.filter((key) => !found.has(key));
    expect(missing).toEqual([]);
    expect(snapshot.length).toBeGreaterThanOrEqual(90);
    const one = await lookup(snapshot[0]!);
    expect(one.record.customValues._Amount).toEqual(expect.any(Number));
  }, 180_000);

  it('keeps a destruction acknowledged with 200: the tombstone and its audit record', async () => {
    const bearer = await token();
    expect((await server.call('POST', `${server.region}/records/connector/records`, bearer, { id: connectionId, conflictOption: 'Overwrite', data: [record('gone-1', { term: 'Keep/Short' })] })).status).toBe(201);
    const destroyed = await server.call('DELETE', `${server.region}/records/connector/records`, bearer, { disposalIds: ['gone-1'] });
    expect(destroyed.status).toBe(200);
    await server.kill();
    await server.start();
    const found = await lookup('gone-1');
    expect(found).toMatchObject({ status: 'Destroyed', tombstone: { rowKey: 'gone-1', destroyedBy: app.clientId } });
    // The audit record was committed with the destruction; the outbox delivers it after the restart.
    const bearerAfter = await token();
    const until = Date.now() + 30_000;
    for (;;) {
      const page = await server.call('GET', `${server.region}/aos/audit?startTime=${new Date(Date.now() - 600_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=AvePointRecords`, bearerAfter);
      if (page.body?.data?.some((item: any) => item.actionName === 'Destroy record' && item.objectName === 'gone-1')) break;
      if (Date.now() > until) throw new Error(`no audit record: ${page.text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  it('keeps a hold, a review decision and a restore job acknowledged just before the kill', async () => {
    const producer = await producerToken();
    const hold = await server.call('POST', `${server.region}/admin/opus/holds`, producer, { name: 'Kept', connectionId, rowKeys: ['k-0-0'] });
    expect(hold.status).toBe(201);
    await server.kill();
    await server.start();
    expect((await lookup('k-0-0')).record.onHold).toBe(true);

    const bearer = await token();
    expect((await server.call('POST', `${server.region}/admin/opus/terms`, await producerToken(), { path: 'Keep/Reviewed', retainDays: 1, after: 'created', approval: true })).status).toBe(201);
    expect((await server.call('POST', `${server.region}/records/connector/records`, bearer, { id: connectionId, conflictOption: 'Overwrite', data: [record('reviewed-1', { term: 'Keep/Reviewed' })] })).status).toBe(201);
    const decided = await server.call('POST', `${server.region}/admin/opus/reviews`, await producerToken(), { connectionId, rowKeys: ['reviewed-1'], decision: 'approve', reviewer: 'maria@contoso.com' });
    expect(decided.body.value[0].decision).toBe('approved');
    await server.kill();
    await server.start();
    expect((await lookup('reviewed-1')).record).toMatchObject({ reviewDecision: 'approved', reviewedBy: 'maria@contoso.com' });

    await server.call('POST', `${server.region}/producer/opus/archived-data`, await producerToken(), { value: [{ scopeType: 'SiteCollection', scope: 'https://contoso.sharepoint.com/sites/Kept', hasArchivedData: true }] });
    const started = await server.call('POST', `${server.region}/api/restore/RestoreSiteCollection`, await token(), { scope: 'https://contoso.sharepoint.com/sites/Kept' });
    expect(started.status).toBe(200);
    await server.kill();
    await server.start();
    const status = await server.call('GET', `${server.region}/api/restore/GetRestoreJobStatus?jobId=${started.body.jobId}`, await token());
    expect(status.body).toMatchObject({ success: true, job: { id: started.body.jobId, status: 0 } });
  }, 180_000);
});
