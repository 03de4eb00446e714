import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { simulateAuditRecords } from '../../src/aos/simulator.js';

const START = '2024-10-08T00:00:00Z';
const END = '2024-10-15T00:00:00Z';

describe.each(ENGINES)('GET /aos/audit on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let base: string;
  const endMs = Date.parse(END);

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us', 'we'] });
    app = await harness.tenantWithApp(['audit.read.all']);
    token = await harness.token(app, 'audit.read.all');
    base = `${harness.regionUrl('us')}/aos/audit`;
    const producer = await harness.producerToken(app.tenantId);
    for (const batch of simulateAuditRecords({ tenantId: app.tenantId, tenantDomain: 'contoso.onmicrosoft.com', count: 1234, days: 7, endMs, multiGeo: true, seed: 'test' })) {
      const result = await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, producer, { value: batch });
      expect(result.status).toBe(200);
    }
  });
  afterAll(() => harness?.close());

  async function collect(query: string): Promise<any[]> {
    const records: any[] = [];
    let url: string | null = `${base}?${query}`;
    let pages = 0;
    while (url) {
      const page = await harness.get(url, token);
      expect(page.status, page.text).toBe(200);
      records.push(...page.body.data);
      url = page.body.nextLink;
      if (++pages > 100) throw new Error('paging does not end');
    }
    return records;
  }

  it('returns every record in the window exactly once across nextLink pages, oldest first', async () => {
    const records = await collect(`startTime=${START}&endTime=${END}`);
    expect(records.length).toBe(1234);
    const times = records.map((record) => Date.parse(record.actionTime));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const keys = new Set(records.map((record) => `${record.actionTime}|${record.actionUser}|${record.clientIP}|${record.actionName}`));
    expect(keys.size).toBeGreaterThan(1200);
  });

  it('keeps pages exact while new records are being written', async () => {
    const first = await harness.get(`${base}?startTime=${START}&endTime=${END}`, token);
    const producer = await harness.producerToken(app.tenantId);
    // A record later than the first page's last: it must appear exactly once later on.
    await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, producer, {
      value: [{ id: 'late-arrival', actionTime: '2024-10-14T23:59:59Z', productType: 'Portal', actionName: 'Late arrival' }],
    });
    const rest: any[] = [];
    let url: string | null = first.body.nextLink;
    while (url) {
      const page = await harness.get(url, token);
      rest.push(...page.body.data);
      url = page.body.nextLink;
    }
    const all = [...first.body.data, ...rest];
    expect(all.filter((record) => record.actionName === 'Late arrival')).toHaveLength(1);
    expect(all.length).toBe(1235);
  });

  it('filters by productTypes (comma-separated, repeated, any case) and names products as documented', async () => {
    const portal = await collect(`startTime=${START}&endTime=${END}&productTypes=Portal`);
    expect(portal.length).toBeGreaterThan(0);
    expect(new Set(portal.map((r) => r.product))).toEqual(new Set(['AvePoint Online Services']));
    const two = await collect(`startTime=${START}&endTime=${END}&productTypes=portal,Office365Backup`);
    const repeated = await collect(`startTime=${START}&endTime=${END}&productTypes=Portal&productTypes=office365backup`);
    expect(two.length).toBe(repeated.length);
    expect(new Set(two.map((r) => r.product))).toEqual(new Set(['AvePoint Online Services', 'Cloud Backup for Microsoft 365']));
  });

  it('filters by geoLocations', async () => {
    const eur = await collect(`startTime=${START}&endTime=${END}&geoLocations=EUR`);
    expect(eur.length).toBeGreaterThan(0);
    expect(new Set(eur.map((r) => r.geoLocation))).toEqual(new Set(['EUR']));
  });

  it('accepts parameter names in any case', async () => {
    const page = await harness.get(`${base}?StartTime=${START}&ENDTIME=${END}&producttypes=Portal`, token);
    expect(page.status).toBe(200);
    expect(page.body.data.every((r: any) => r.product === 'AvePoint Online Services')).toBe(true);
  });

  it('refuses a window of more than 7 days, naming endTime', async () => {
    const result = await harness.get(`${base}?startTime=2024-10-01T00:00:00Z&endTime=2024-10-09T00:00:00Z`, token);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ statusCode: 400, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(result.body.error).toMatch(/endTime/);
    expect(result.body.error).toMatch(/7 days/);
  });

  it('refuses missing and malformed dates and unknown filter values with a 400 naming the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      [`endTime=${END}`, /startTime/],
      [`startTime=${START}`, /endTime/],
      [`startTime=yesterday&endTime=${END}`, /startTime/],
      [`startTime=2024-13-45T00:00:00Z&endTime=${END}`, /startTime/],
      [`startTime=${END}&endTime=${START}`, /endTime/],
      [`startTime=${START}&endTime=${END}&productTypes=Nope`, /productTypes/],
      [`startTime=${START}&endTime=${END}&geoLocations=MARS`, /geoLocations/],
    ];
    for (const [query, pattern] of cases) {
      const result = await harness.get(`${base}?${query}`, token);
      expect(result.status, query).toBe(400);
      expect(result.body.error, query).toMatch(pattern);
      expect(result.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('refuses a tampered skipToken and one taken from another query', async () => {
    const first = await harness.get(`${base}?startTime=${START}&endTime=${END}`, token);
    const next = new URL(first.body.nextLink);
    const skipToken = next.searchParams.get('skipToken')!;
    const [body, mac] = skipToken.split('.');
    const decoded = JSON.parse(Buffer.from(body!, 'base64url').toString());
    decoded.s = 1;
    const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`;
    next.searchParams.set('skipToken', forged);
    const tampered = await harness.get(next.toString(), token);
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatch(/skipToken/);
    const elsewhere = await harness.get(`${base}?startTime=${START}&endTime=${END}&productTypes=Portal&skipToken=${encodeURIComponent(skipToken)}`, token);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatch(/skipToken/);
  });

  it('needs a token (401 with WWW-Authenticate: Bearer) and the audit.read.all permission (403)', async () => {
    const none = await harness.get(`${base}?startTime=${START}&endTime=${END}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const garbage = await harness.get(`${base}?startTime=${START}&endTime=${END}`, 'not.a.token');
    expect(garbage.status).toBe(401);
    const other = await harness.tenantWithApp(['autodiscovery.readwrite.all']);
    const forbidden = await harness.get(`${base}?startTime=${START}&endTime=${END}`, await harness.token(other));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatch(/audit\.read\.all/);
  });

  it('never shows one tenant the records of another', async () => {
    const other = await harness.tenantWithApp(['audit.read.all']);
    const page = await harness.get(`${base}?startTime=${START}&endTime=${END}`, await harness.token(other));
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ nextLink: null, data: [] });
  });

  it('sets request-id, echoes client-request-id and continues a W3C trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const result = await harness.get(`${base}?startTime=${START}&endTime=${END}`, token, {
      'client-request-id': 'my-correlation-1',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(result.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.headers.get('client-request-id')).toBe('my-correlation-1');
    expect(result.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const error = await harness.get(`${base}?startTime=bad&endTime=${END}`, token, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(error.body.traceId).toBe(traceId);
  });
});

describe.each(ENGINES)('producer API for audit records on %s', (engine) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
  });
  afterAll(() => harness?.close());

  it('stores a record once per producer id, however often it is sent', async () => {
    const app = await harness.tenantWithApp(['audit.read.all']);
    const producer = await harness.producerToken(app.tenantId);
    const batch = { value: [{ id: 'evt-1', actionTime: '2024-10-10T10:00:00Z', productType: 'Portal', actionName: 'Sign In', additionalDetails: { a: 1 } }] };
    const url = `${harness.regionUrl('us')}/producer/aos/audit-records`;
    expect((await harness.send('POST', url, producer, batch)).body).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect((await harness.send('POST', url, producer, batch)).body).toEqual({ received: 1, stored: 0, duplicates: 1 });
    const page = await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, await harness.token(app));
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0]).toMatchObject({ actionName: 'Sign In', actionTime: '2024-10-10T10:00:00Z', additionalDetails: { a: 1 }, geoLocation: null, comment: null });
  });

  it('refuses malformed batches whole, storing nothing', async () => {
    const app = await harness.tenantWithApp(['audit.read.all']);
    const producer = await harness.producerToken(app.tenantId);
    const url = `${harness.regionUrl('us')}/producer/aos/audit-records`;
    const bad = await harness.send('POST', url, producer, { value: [{ id: 'ok', actionTime: '2024-10-10T10:00:00Z', productType: 'Portal' }, { id: 'bad', actionTime: 'nope', productType: 'Portal' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/actionTime/);
    const unknownProduct = await harness.send('POST', url, producer, { value: [{ id: 'x', actionTime: '2024-10-10T10:00:00Z', productType: 'Nope' }] });
    expect(unknownProduct.status).toBe(400);
    expect(unknownProduct.body.error).toMatch(/productType/);
    const notJson = await harness.send('POST', url, producer, '{"value": [', {});
    expect(notJson.status).toBe(400);
    const page = await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, await harness.token(app));
    expect(page.body.data).toHaveLength(0);
  });

  it('refuses callers without the producer permission', async () => {
    const app = await harness.tenantWithApp(['audit.read.all']);
    const result = await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, await harness.token(app), { value: [{ id: 'x', actionTime: '2024-10-10T10:00:00Z', productType: 'Portal' }] });
    expect(result.status).toBe(403);
  });
});
