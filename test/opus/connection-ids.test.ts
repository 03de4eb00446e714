import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { OpusFixture } from './fixture.js';

/** An operator (or the demo, for the docs' sample connection) may give a connection its id. */
describe.each(ENGINES)('Opus connections with a given id on %s', (engine) => {
  let f: OpusFixture;
  beforeAll(async () => {
    f = await OpusFixture.start(engine);
  }, 120_000);
  afterAll(() => f?.close());

  const columns = [{ name: 'Reference', type: 'SingleText' }];

  it('keeps the id given, and submits to it as to any connection', async () => {
    const id = '63ACAFAB-B2B8-4B44-8DDB-7A47672C2393';
    const created = await f.admin('POST', '/admin/opus/connections', { id, name: 'Given id', columns });
    expect(created.status, created.text).toBe(201);
    expect(created.body.id).toBe(id.toLowerCase());
    // Asking again as before answers the same connection; with another id it is refused.
    expect((await f.admin('POST', '/admin/opus/connections', { id, name: 'Given id', columns })).status).toBe(200);
    const otherId = await f.admin('POST', '/admin/opus/connections', { id: 'd9da492f-cc67-4920-99f9-6fbaae1f1410', name: 'Given id', columns });
    expect(otherId.status).toBe(409);
    const listed = (await f.admin('GET', '/admin/opus/connections')).body.value.map((connection: { id: string }) => connection.id);
    expect(listed).toContain(id.toLowerCase());
  });

  it('refuses an id that is taken or not a GUID, naming it', async () => {
    const taken = await f.admin('POST', '/admin/opus/connections', { id: '63acafab-b2b8-4b44-8ddb-7a47672c2393', name: 'Another name', columns });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('63acafab-b2b8-4b44-8ddb-7a47672c2393');
    const bad = await f.admin('POST', '/admin/opus/connections', { id: 'not-a-guid', name: 'Bad id', columns });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id/);
  });
});
