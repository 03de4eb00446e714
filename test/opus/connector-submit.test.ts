import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { FAR_FUTURE, OpusFixture, daysAgo, eventually, record } from './fixture.js';

describe.each(ENGINES)('POST /records/connector/records on %s', (engine) => {
  let f: OpusFixture;
  let connection: { id: string };
  const TERM = 'Records/Finance/Invoices';

  beforeAll(async () => {
    f = await OpusFixture.start(engine);
    connection = await f.connection('Contracts');
    await f.term(TERM, { retainDays: 365, after: 'created' });
  });
  afterAll(() => f?.close());

  const count = async (connectionId = connection.id) => (await f.allDue(connectionId, FAR_FUTURE, 100)).length;

  it('stores up to 15 records with 201 and the documented body', async () => {
    const data = Array.from({ length: 15 }, (_, i) => record(`s-${i}`));
    const result = await f.submit({ id: connection.id, conflictOption: 'Overwrite', data });
    expect(result.status, result.text).toBe(201);
    expect(result.body).toEqual({ statusCode: 201, message: null });
    const stored = await f.record(connection.id, 's-7');
    expect(stored.body.record).toMatchObject({ rowKey: 's-7', leafName: 's-7.docx', termFullPath: TERM, createdBy: 'jack.smith' });
  });

  it('refuses more than 15 records, an unknown connection and malformed bodies with 400, storing nothing', async () => {
    const before = await count();
    const sixteen = Array.from({ length: 16 }, (_, i) => record(`x16-${i}`));
    const cases: Array<[unknown, RegExp]> = [
      [{ id: connection.id, conflictOption: 'Overwrite', data: sixteen }, /data/],
      [{ id: '7d6b8f1e-0000-4000-8000-000000000000', conflictOption: 'Overwrite', data: [record('x-unknown')] }, /id/],
      [{ id: 'not-a-guid', conflictOption: 'Overwrite', data: [record('x-bad-id')] }, /id/],
      [{ conflictOption: 'Overwrite', data: [record('x-no-id')] }, /id/],
      [{ id: connection.id, data: [record('x-no-option')] }, /conflictOption/],
      [{ id: connection.id, conflictOption: 'Replace', data: [record('x-bad-option')] }, /conflictOption/],
      [{ id: connection.id, conflictOption: 'Overwrite', data: [] }, /data/],
      [{ id: connection.id, conflictOption: 'Overwrite', data: 'records' }, /data/],
      [{ id: connection.id, conflictOption: 'Overwrite', data: ['a string'] }, /data/],
      [{ id: connection.id, conflictOption: 'Overwrite', data: [record('x-extra')], extra: 1 }, /extra/],
    ];
    for (const [body, pattern] of cases) {
      const result = await f.submit(body);
      expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(result.body.statusCode).toBe(400);
      expect(result.body.message).toMatch(pattern);
      expect(result.text).not.toMatch(/at .*\.ts:\d+/);
    }
    const raw = await f.harness.send('POST', `${f.base}/records/connector/records`, f.token, '{"id": "', { 'content-type': 'application/json' });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ statusCode: 400 });
    expect(await count()).toBe(before);
    expect((await f.record(connection.id, 'x16-0')).status).toBe(404);
  });

  it('answers 418 naming each failed record and why, and stores the others', async () => {
    const result = await f.submit({
      id: connection.id,
      conflictOption: 'Overwrite',
      data: [
        record('p-good-1'),
        { ...record('p-no-name'), leafName: '' },
        record('p-bad-term', { term: 'Records/Nowhere' }),
        { ...record('p-bad-date'), timeCreated: 'yesterday' },
        record('p-good-2'),
        { leafName: 'no key', timeCreated: daysAgo(1), timeModified: daysAgo(1), createdBy: 'a', modifiedBy: 'a' },
        { ...record('p-unknown-column'), _Nope: 'x' },
      ],
    });
    expect(result.status, result.text).toBe(418);
    expect(result.body.statusCode).toBe(418);
    expect(result.body.message).toMatch(/5 of 7/);
    const failed = result.body.failedItems as Array<{ index: number; rowKey: string | null; code: string; message: string }>;
    expect(failed.map((item) => [item.index, item.rowKey, item.code])).toEqual([
      [1, 'p-no-name', 'invalid_record'],
      [2, 'p-bad-term', 'unknown_term'],
      [3, 'p-bad-date', 'invalid_record'],
      [5, null, 'invalid_record'],
      [6, 'p-unknown-column', 'invalid_record'],
    ]);
    expect(failed[0]!.message).toMatch(/leafName/);
    expect(failed[1]!.message).toMatch(/Records\/Nowhere/);
    expect(failed[2]!.message).toMatch(/timeCreated/);
    expect(failed[3]!.message).toMatch(/rowKey/);
    expect(failed[4]!.message).toMatch(/_Nope/);
    expect((await f.record(connection.id, 'p-good-1')).status).toBe(200);
    expect((await f.record(connection.id, 'p-good-2')).status).toBe(200);
    expect((await f.record(connection.id, 'p-bad-term')).status).toBe(404);
  });

  it('Overwrite replaces a record with the same rowKey; Skip keeps the stored one', async () => {
    expect((await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [{ ...record('c-1'), leafName: 'first.docx' }] })).status).toBe(201);
    expect((await f.submit({ id: connection.id, conflictOption: 'Skip', data: [{ ...record('c-1'), leafName: 'skipped.docx' }] })).status).toBe(201);
    expect((await f.record(connection.id, 'c-1')).body.record.leafName).toBe('first.docx');
    expect((await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [{ ...record('c-1'), leafName: 'second.docx' }] })).status).toBe(201);
    expect((await f.record(connection.id, 'c-1')).body.record.leafName).toBe('second.docx');
    // Within one call, later elements see earlier ones.
    const both = await f.submit({ id: connection.id, conflictOption: 'Skip', data: [{ ...record('c-2'), leafName: 'one.docx' }, { ...record('c-2'), leafName: 'two.docx' }] });
    expect(both.status).toBe(201);
    expect((await f.record(connection.id, 'c-2')).body.record.leafName).toBe('one.docx');
    const again = await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [{ ...record('c-3'), leafName: 'one.docx' }, { ...record('c-3'), leafName: 'two.docx' }] });
    expect(again.status).toBe(201);
    expect((await f.record(connection.id, 'c-3')).body.record.leafName).toBe('two.docx');
  });

  it('keeps rowKeys per connection: the same key in two connections is two records', async () => {
    const other = await f.connection('Other system', []);
    expect((await f.submit({ id: other.id, conflictOption: 'Overwrite', data: [{ ...record('c-1'), leafName: 'other.docx' }] })).status).toBe(201);
    expect((await f.record(connection.id, 'c-1')).body.record.leafName).toBe('second.docx');
    expect((await f.record(other.id, 'c-1')).body.record.leafName).toBe('other.docx');
  });

  it('validates every custom column type: choices by option number, persons by email, numbers, dates', async () => {
    const good = {
      ...record('t-good'),
      _Notes: 'line one\nline two',
      _Reference: 'REF-1',
      '_Signed_%20_on': '2024-12-19 18:15:00',
      _Region: 2,
      _Tags: '[1,3]',
      _Owners: '[jack.smith@contoso.com, finance@contoso.com]',
      _Amount: '1250.50',
    };
    expect((await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [good] })).status).toBe(201);
    const stored = (await f.record(connection.id, 't-good')).body.record;
    expect(stored.customValues).toEqual({
      _Notes: 'line one\nline two',
      _Reference: 'REF-1',
      '_Signed_%20_on': '2024-12-19T18:15:00.000Z',
      _Region: 2,
      _Tags: [1, 3],
      _Owners: ['jack.smith@contoso.com', 'finance@contoso.com'],
      _Amount: 1250.5,
    });
    // Lists as JSON arrays, a choice as a numeric string, and empty values are fine too.
    const lenient = { ...record('t-lenient'), _Region: '4', _Tags: [2], _Owners: ['ops@contoso.com'], _Amount: 7, _Notes: null, _Reference: '' };
    expect((await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [lenient] })).status).toBe(201);
    expect((await f.record(connection.id, 't-lenient')).body.record.customValues).toEqual({ _Region: 4, _Tags: [2], _Owners: ['ops@contoso.com'], _Amount: 7 });

    const bad: Array<[string, unknown, RegExp]> = [
      ['_Region', 5, /no option 5/],
      ['_Region', 'North', /number of one option/],
      ['_Region', '[1,2]', /one option/],
      ['_Tags', '[1,9]', /no option 9/],
      ['_Tags', 'Confidential', /option numbers/],
      ['_Owners', '[jack.smith]', /email/],
      ['_Owners', 42, /email/],
      ['_Amount', 'lots', /number/],
      ['_Amount', [1], /number/],
      ['_Signed_%20_on', 'next week', /date/],
      ['_Reference', 'two\nlines', /single line/],
      ['_Reference', { a: 1 }, /single line of text/],
    ];
    const data = bad.map(([column, value], index) => ({ ...record(`t-bad-${index}`), [column]: value }));
    const result = await f.submit({ id: connection.id, conflictOption: 'Overwrite', data });
    expect(result.status).toBe(418);
    expect(result.body.failedItems).toHaveLength(bad.length);
    bad.forEach(([column, , pattern], index) => {
      const item = result.body.failedItems[index];
      expect(item.rowKey).toBe(`t-bad-${index}`);
      expect(item.message, column).toMatch(new RegExp(column.replace(/[%]/g, '.')));
      expect(item.message, column).toMatch(pattern);
    });
  });

  it('accepts generated clients: property names in any case, confilictOption, enum values in any case, {GUID}', async () => {
    const body = {
      Id: `{${connection.id.toUpperCase()}}`,
      confilictOption: 'overwrite',
      Data: [{ RowKey: 'k-1', LeafName: 'k-1.docx', TermFullPath: TERM.toLowerCase(), TimeCreated: daysAgo(10), TimeModified: daysAgo(5), CreatedBy: 'a', ModifiedBy: 'b', _region: 1 }],
    };
    const result = await f.submit(body);
    expect(result.status, result.text).toBe(201);
    const stored = (await f.record(connection.id, 'k-1')).body.record;
    expect(stored.termFullPath).toBe(TERM);
    expect(stored.customValues).toEqual({ _Region: 1 });
  });

  it('refuses the call without records.readwrite.all (403) and without a token (401)', async () => {
    const reader = await f.harness.tenantWithApp(['audit.read.all']);
    const token = await f.harness.token(reader);
    const result = await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [record('n-1')] }, token);
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject({ statusCode: 403, message: expect.stringMatching(/records\.readwrite\.all/) });
    expect((await f.due(`id=${connection.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=1`, token)).status).toBe(403);
    expect((await f.destroy({ disposalIds: ['s-1'] }, token)).status).toBe(403);
    const anonymous = await f.harness.send('POST', `${f.base}/records/connector/records`, undefined, { id: connection.id, conflictOption: 'Overwrite', data: [record('n-2')] });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.statusCode).toBe(401);
  });

  it("keeps tenants apart: another tenant's connection id is unknown", async () => {
    const other = await f.otherTenant();
    const result = await other.submit({ id: connection.id, conflictOption: 'Overwrite', data: [record('o-1')] });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/id/);
    expect((await other.due(`id=${connection.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=10`)).status).toBe(400);
  });

  it('writes an audit record of product Opus for the submission', async () => {
    const start = new Date(Date.now() - 60_000).toISOString();
    await f.submit({ id: connection.id, conflictOption: 'Overwrite', data: [record('a-1')] });
    const found = await eventually(async () => {
      const page = await f.harness.get(`${f.base}/aos/audit?startTime=${start}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=AvePointRecords`, f.token);
      return page.body.data.find((item: any) => item.actionName === 'Submit records' && item.actionParameters.includes('a-1'));
    });
    expect(found).toMatchObject({ product: 'Opus', actionUser: f.app.clientId, objectName: 'Contracts', objectType: 'Connection' });
  });
});
