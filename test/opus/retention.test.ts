import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { DAY, FAR_FUTURE, OpusFixture, eventually, record, stamp } from './fixture.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(ENGINES)('retention engine on %s', (engine) => {
  let f: OpusFixture;
  let names = 0;
  const newConnection = () => f.connection(`Retention ${++names}`, []);
  const submit = async (connectionId: string, data: unknown[], conflictOption = 'Overwrite') => {
    const result = await f.submit({ id: connectionId, conflictOption, data });
    expect(result.status, result.text).toBe(201);
  };
  const dueDate = async (connectionId: string, rowKey: string) => (await f.record(connectionId, rowKey)).body.record.disposalDueDate as string | null;
  const dueKeys = async (connectionId: string, before = FAR_FUTURE) => (await f.allDue(connectionId, before, 100)).map((item) => item.rowKey).sort();

  beforeAll(async () => {
    f = await OpusFixture.start(engine);
    await f.term('Corp/Finance/Invoices', { retainDays: 365, after: 'created' });
    await f.term('Corp/Finance/Ledgers', { retainDays: 30, after: 'modified' });
    await f.term('Corp/HR/Personnel', { retainDays: 100, after: 'event' });
    await f.term('Corp/Legal', { retainDays: 10, after: 'created' });
    await f.term('Corp/Legal/Contracts/Amendments');
    await f.term('Corp/Review', { retainDays: 10, after: 'created', approval: true });
    await f.term('Corp/Plain');
  });
  afterAll(() => f?.close());

  it('computes the disposal due date from the created time, the modified time or an event date', async () => {
    const c = await newConnection();
    const created = Date.now() - 400 * DAY;
    const modified = Date.now() - 10 * DAY;
    const times = { timeCreated: stamp(created), timeModified: stamp(modified) };
    await submit(c.id, [
      { ...record('by-created', { term: 'Corp/Finance/Invoices' }), ...times },
      { ...record('by-modified', { term: 'Corp/Finance/Ledgers' }), ...times },
      { ...record('by-event', { term: 'Corp/HR/Personnel' }), ...times },
      { ...record('unclassified', { term: null }), ...times },
      { ...record('no-rule', { term: 'Corp/Plain' }), ...times },
    ]);
    const second = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(await dueDate(c.id, 'by-created')).toBe(iso(second(created) + 365 * DAY));
    expect(await dueDate(c.id, 'by-modified')).toBe(iso(second(modified) + 30 * DAY));
    expect(await dueDate(c.id, 'by-event')).toBeNull();
    expect(await dueDate(c.id, 'unclassified')).toBeNull();
    expect(await dueDate(c.id, 'no-rule')).toBeNull();
    expect(await dueKeys(c.id)).toEqual(['by-created', 'by-modified']);
    // Strictly before disposalDueDate.
    const exact = second(created) + 365 * DAY;
    expect(await dueKeys(c.id, iso(exact))).toEqual([]);
    expect(await dueKeys(c.id, iso(exact + 1000))).toEqual(['by-created']);

    const event = Date.now() - 200 * DAY;
    const updated = await f.admin('PATCH', '/admin/opus/terms', { path: 'Corp/HR/Personnel', eventDate: iso(event) });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.eventDate).toBe(iso(event));
    expect(await dueDate(c.id, 'by-event')).toBe(iso(event + 100 * DAY));
    expect(await dueKeys(c.id)).toEqual(['by-created', 'by-event', 'by-modified']);
    // Records submitted after the event follow it too.
    await submit(c.id, [{ ...record('by-event-2', { term: 'corp/hr/personnel' }), ...times }]);
    expect(await dueDate(c.id, 'by-event-2')).toBe(iso(event + 100 * DAY));
  });

  it('applies the nearest ancestor rule to a term without one, and recomputes when a rule changes', async () => {
    const c = await newConnection();
    await submit(c.id, [record('amendment', { term: 'Corp/Legal/Contracts/Amendments', ageDays: 5 })]);
    const first = await dueDate(c.id, 'amendment');
    expect(first).not.toBeNull();
    expect(Date.parse(first!)).toBeGreaterThan(Date.now());
    expect(await dueKeys(c.id, iso(Date.now()))).toEqual([]);
    const changed = await f.admin('PATCH', '/admin/opus/terms', { path: 'Corp/Legal', retainDays: 1 });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ termFullPath: 'Corp/Legal', retainDays: 1, after: 'created' });
    expect(Date.parse((await dueDate(c.id, 'amendment'))!)).toBeLessThan(Date.now());
    expect(await dueKeys(c.id, iso(Date.now()))).toEqual(['amendment']);
    // A rule of its own wins over the ancestor's.
    expect((await f.admin('PATCH', '/admin/opus/terms', { path: 'Corp/Legal/Contracts/Amendments', retainDays: 3650, after: 'created' })).status).toBe(200);
    expect(await dueKeys(c.id, iso(Date.now()))).toEqual([]);
    expect((await f.admin('PATCH', '/admin/opus/terms', { path: 'Corp/Legal/Contracts/Amendments', removeRule: true })).status).toBe(200);
    expect(await dueKeys(c.id, iso(Date.now()))).toEqual(['amendment']);
  });

  it('never lists nor destroys a record under a hold, whatever holds it, until the hold is removed', async () => {
    const c = await newConnection();
    await submit(c.id, [record('h-1', { term: 'Corp/Legal' }), record('h-2', { term: 'Corp/Legal/Contracts/Amendments' }), record('h-3', { term: 'Corp/Finance/Invoices' }), record('h-4', { term: 'Corp/Finance/Invoices' })]);
    expect(await dueKeys(c.id)).toEqual(['h-1', 'h-2', 'h-3', 'h-4']);

    const termHold = await f.admin('POST', '/admin/opus/holds', { name: 'Litigation', termPath: 'corp/legal', reason: 'Case 42' });
    expect(termHold.status, termHold.text).toBe(201);
    expect(termHold.body).toMatchObject({ kind: 'term', termPath: 'Corp/Legal', removedAt: null });
    const recordHold = await f.admin('POST', '/admin/opus/holds', { name: 'Audit', connectionId: c.id, rowKeys: ['h-3'] });
    expect(recordHold.status, recordHold.text).toBe(201);
    expect(await dueKeys(c.id)).toEqual(['h-4']);
    expect((await f.record(c.id, 'h-2')).body.record.onHold).toBe(true);

    const refused = await f.destroy({ disposalIds: ['h-1', 'h-2', 'h-3'] });
    expect(refused.status).toBe(418);
    expect(refused.body.failedItems.map((item: any) => [item.disposalId, item.code])).toEqual([['h-1', 'on_hold'], ['h-2', 'on_hold'], ['h-3', 'on_hold']]);

    // A hold covers records submitted after it was placed.
    await submit(c.id, [record('h-5', { term: 'Corp/Legal' })]);
    expect(await dueKeys(c.id)).toEqual(['h-4']);

    const connectionHold = await f.admin('POST', '/admin/opus/holds', { name: 'Everything', connectionId: c.id });
    expect(connectionHold.body.kind).toBe('connection');
    expect(await dueKeys(c.id)).toEqual([]);
    expect((await f.destroy({ disposalIds: ['h-4'] })).body.failedItems[0].code).toBe('on_hold');

    for (const hold of [termHold, recordHold, connectionHold]) {
      const removed = await f.admin('DELETE', `/admin/opus/holds/${hold.body.id}`);
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body.removedAt).not.toBeNull();
      const again = await f.admin('DELETE', `/admin/opus/holds/${hold.body.id}`);
      expect(again.body.removedAt).toBe(removed.body.removedAt);
    }
    expect(await dueKeys(c.id)).toEqual(['h-1', 'h-2', 'h-3', 'h-4', 'h-5']);
    const listed = await f.admin('GET', '/admin/opus/holds?includeRemoved=true');
    expect(listed.body.value.length).toBeGreaterThanOrEqual(3);
    expect((await f.destroy({ disposalIds: ['h-1', 'h-3'] })).status).toBe(200);
  });

  it('with manual approval: lists and destroys only what a reviewer approved; rejected records stay', async () => {
    const c = await newConnection();
    await submit(c.id, [record('r-1', { term: 'Corp/Review' }), record('r-2', { term: 'Corp/Review' }), record('r-3', { term: 'Corp/Review' }), record('r-young', { term: 'Corp/Review', ageDays: 1 })]);
    expect(await dueKeys(c.id)).toEqual([]);
    const waiting = await f.destroy({ disposalIds: ['r-1'] });
    expect(waiting.status).toBe(418);
    expect(waiting.body.failedItems[0]).toMatchObject({ disposalId: 'r-1', code: 'awaiting_approval' });

    const pending = await f.admin('GET', `/admin/opus/reviews?connectionId=${c.id}`);
    expect(pending.body.value.map((item: any) => item.rowKey).sort()).toEqual(['r-1', 'r-2', 'r-3']);

    const approve = await f.admin('POST', '/admin/opus/reviews', { connectionId: c.id, rowKeys: ['r-1', 'r-2', 'r-young', 'nope'], decision: 'approve', reviewer: 'maria@contoso.com' });
    expect(approve.status, approve.text).toBe(200);
    expect(approve.body.value.map((item: any) => [item.rowKey, item.decision])).toEqual([['r-1', 'approved'], ['r-2', 'approved'], ['r-young', null], ['nope', null]]);
    expect(approve.body.value[2].message).toMatch(/not due/);
    const reject = await f.admin('POST', '/admin/opus/reviews', { connectionId: c.id, rowKeys: ['r-3'], decision: 'reject', reviewer: 'maria@contoso.com', comment: 'Still needed' });
    expect(reject.body.value[0].decision).toBe('rejected');

    expect(await dueKeys(c.id)).toEqual(['r-1', 'r-2']);
    const result = await f.destroy({ disposalIds: ['r-1', 'r-3'] });
    expect(result.status).toBe(418);
    expect(result.body.failedItems).toEqual([expect.objectContaining({ disposalId: 'r-3', code: 'rejected' })]);
    const tombstone = (await f.record(c.id, 'r-1')).body.tombstone;
    expect(tombstone).toMatchObject({ approvedBy: 'maria@contoso.com', destroyedBy: f.app.clientId });
    expect(tombstone.rule).toMatch(/manual approval/);
    expect((await f.record(c.id, 'r-3')).body.record).toMatchObject({ reviewDecision: 'rejected', reviewComment: 'Still needed' });

    // A held record cannot be reviewed.
    const hold = await f.admin('POST', '/admin/opus/holds', { name: 'Hold r-2', connectionId: c.id, rowKeys: ['r-2'] });
    const onHold = await f.admin('POST', '/admin/opus/reviews', { connectionId: c.id, rowKeys: ['r-2'], decision: 'reject' });
    expect(onHold.body.value[0]).toMatchObject({ decision: null, message: expect.stringMatching(/hold/) });
    await f.admin('DELETE', `/admin/opus/holds/${hold.body.id}`);
  });

  it('destroys due records: content gone, a tombstone keeping who, when and under which rule, and an audit record', async () => {
    const c = await newConnection();
    const start = new Date(Date.now() - 60_000).toISOString();
    await submit(c.id, [record('d-1', { term: 'Corp/Finance/Invoices', extra: {} }), record('d-2', { term: 'Corp/Finance/Invoices' }), record('d-young', { term: 'Corp/Finance/Invoices', ageDays: 3 }), record('d-none', { term: null })]);
    const result = await f.destroy({ disposalIds: ['d-1', 'd-2', 'd-young', 'd-none', 'd-unknown'] });
    expect(result.status).toBe(418);
    expect(result.body.statusCode).toBe(418);
    expect(result.body.failedItems.map((item: any) => [item.disposalId, item.code])).toEqual([
      ['d-young', 'not_due'],
      ['d-none', 'not_due'],
      ['d-unknown', 'not_found'],
    ]);
    expect(result.body.failedItems[0].message).toMatch(/not due for disposal until/);

    const lookup = await f.record(c.id, 'd-1');
    expect(lookup.body.status).toBe('Destroyed');
    expect(lookup.body.record).toBeUndefined();
    expect(lookup.body.tombstone).toMatchObject({ rowKey: 'd-1', termFullPath: 'Corp/Finance/Invoices', destroyedBy: f.app.clientId, rule: expect.stringMatching(/Retain 365 days after the created time/) });
    expect(Date.parse(lookup.body.tombstone.destroyedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(lookup.body)).not.toMatch(/d-1\.docx|jack\.smith/);
    expect(await dueKeys(c.id, iso(Date.now()))).toEqual([]);

    // Twice is harmless.
    const again = await f.destroy({ disposalIds: ['d-1', 'd-2'] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ statusCode: 200, message: null });
    // A destroyed record is not brought back by a resubmission.
    const resubmit = await f.submit({ id: c.id, conflictOption: 'Overwrite', data: [record('d-1')] });
    expect(resubmit.status).toBe(418);
    expect(resubmit.body.failedItems[0]).toMatchObject({ rowKey: 'd-1', code: 'destroyed' });
    expect((await f.submit({ id: c.id, conflictOption: 'Skip', data: [record('d-1')] })).status).toBe(201);
    expect((await f.record(c.id, 'd-1')).body.status).toBe('Destroyed');

    const audit = await eventually(async () => {
      const page = await f.harness.get(`${f.base}/aos/audit?startTime=${start}&endTime=${new Date(Date.now() + 60_000).toISOString()}&productTypes=AvePointRecords`, f.token);
      const found = page.body.data.filter((item: any) => item.actionName === 'Destroy record' && ['d-1', 'd-2'].includes(item.objectName));
      return found.length === 2 ? found : undefined;
    });
    expect(audit[0]).toMatchObject({ product: 'Opus', actionUser: f.app.clientId, operationType: 'Destroy', objectType: 'Record' });
    expect(audit[0].actionParameters).toMatch(/Retain 365 days/);
  });

  it('asks which connection when a key exists in several, and takes the connection id to decide', async () => {
    const a = await newConnection();
    const b = await newConnection();
    await submit(a.id, [record('shared-key', { term: 'Corp/Finance/Invoices' })]);
    await submit(b.id, [record('shared-key', { term: 'Corp/Finance/Invoices' })]);
    const ambiguous = await f.destroy({ disposalIds: ['shared-key'] });
    expect(ambiguous.status).toBe(418);
    expect(ambiguous.body.failedItems[0]).toMatchObject({ code: 'ambiguous', message: expect.stringContaining(a.id) });
    expect((await f.destroy({ disposalIds: ['shared-key'], id: b.id })).status).toBe(200);
    expect((await f.record(b.id, 'shared-key')).body.status).toBe('Destroyed');
    expect((await f.record(a.id, 'shared-key')).body.status).toBe('Active');
    // Now only one live record has the key: no connection id needed.
    expect((await f.destroy({ disposalIds: ['shared-key'] })).status).toBe(200);
    expect((await f.record(a.id, 'shared-key')).body.status).toBe('Destroyed');
  });

  it('refuses more than 15 disposalIds, none, and a malformed body with 400, destroying nothing', async () => {
    const c = await newConnection();
    await submit(c.id, [record('m-1', { term: 'Corp/Finance/Invoices' })]);
    const cases: unknown[] = [{ disposalIds: [...Array.from({ length: 15 }, (_, i) => `x-${i}`), 'm-1'] }, { disposalIds: [] }, {}, { disposalIds: [{ key: 'm-1' }] }, { disposalIds: ['m-1'], other: true }, { disposalIds: ['m-1'], id: 'nope' }];
    for (const body of cases) {
      const result = await f.destroy(body);
      expect(result.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(result.body.statusCode).toBe(400);
    }
    expect((await f.record(c.id, 'm-1')).body.status).toBe('Active');
    // Generated clients: any case, and a lone id where a list is expected.
    expect((await f.destroy({ DisposalIds: 'm-1' })).status).toBe(200);
    expect((await f.record(c.id, 'm-1')).body.status).toBe('Destroyed');
  });

  it('pages due records with startIndex and itemsPerPage, each exactly once, also while records are submitted', async () => {
    const c = await newConnection();
    const now = Date.now();
    const at = (key: string, ageDays: number, leafName = `${key}.docx`) => ({ ...record(key, { term: 'Corp/Finance/Invoices' }), leafName, timeCreated: stamp(now - ageDays * DAY), timeModified: stamp(now - ageDays * DAY) });
    const key = (i: number) => `pg-${String(i).padStart(3, '0')}`;
    const initial = Array.from({ length: 95 }, (_, i) => at(key(i), 400 + (i % 7)));
    for (let i = 0; i < initial.length; i += 15) await submit(c.id, initial.slice(i, i + 15));
    const seen: string[] = [];
    const before = stamp(now);
    let startIndex = '';
    let page = 0;
    for (;;) {
      const result = await f.due(`id=${c.id}&disposalDueDate=${encodeURIComponent(before)}&startIndex=${encodeURIComponent(startIndex)}&itemsPerPage=10`);
      expect(result.status, result.text).toBe(200);
      expect(result.body.queriedItems.length).toBeLessThanOrEqual(10);
      seen.push(...result.body.queriedItems.map((item: any) => item.rowKey));
      page++;
      // Meanwhile: a new due record, a re-dated record, and a record changed in place (same due date).
      await submit(c.id, [at(`new-${page}`, 390), at(key(page), 420), at(key(94 - page), 400 + ((94 - page) % 7), 'renamed.docx')]);
      if (result.body.startIndex === null) break;
      startIndex = result.body.startIndex;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const original = seen.filter((key) => key.startsWith('pg-'));
    // Every record whose due date did not change is listed exactly once.
    const redated = new Set(Array.from({ length: page }, (_, i) => key(i + 1)));
    for (const item of initial) if (!redated.has(item.rowKey)) expect(original, item.rowKey).toContain(item.rowKey);
    expect(original.filter((rowKey) => !redated.has(rowKey))).toHaveLength(95 - redated.size);
    // A fresh listing sees everything, once.
    const fresh = await dueKeys(c.id, before);
    expect(new Set(fresh).size).toBe(fresh.length);
    expect(fresh.filter((key) => key.startsWith('pg-'))).toHaveLength(95);
  });

  it('stays consistent under concurrent submissions, destructions and holds of the same records', async () => {
    const c = await newConnection();
    const now = Date.now();
    const version = (v: number) => Array.from({ length: 15 }, (_, i) => ({ ...record(`cc-${i}`, { term: 'Corp/Finance/Invoices' }), leafName: `v${v}.docx`, timeCreated: stamp(now - (400 + (v % 3)) * DAY), timeModified: stamp(now - 400 * DAY) }));
    const results = await Promise.all(Array.from({ length: 12 }, (_, v) => f.submit({ id: c.id, conflictOption: v % 4 === 3 ? 'Skip' : 'Overwrite', data: version(v) })));
    expect(results.map((result) => result.status)).toEqual(Array(12).fill(201));
    const listed = await f.allDue(c.id, FAR_FUTURE, 100);
    expect(listed.map((item) => item.rowKey).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `cc-${i}`).sort());

    // Destroying the same records from many callers at once: each destroyed once, every caller told it is done.
    const keys = ['cc-0', 'cc-1', 'cc-2', 'cc-3'];
    const destroys = await Promise.all(Array.from({ length: 6 }, () => f.destroy({ disposalIds: keys })));
    expect(destroys.map((result) => result.status)).toEqual(Array(6).fill(200));
    for (const key of keys) expect((await f.record(c.id, key)).body.status).toBe('Destroyed');

    // A hold and a destroy racing: either the destroy ran first, or the hold protects the record. Never both.
    const [hold, destroy] = await Promise.all([f.admin('POST', '/admin/opus/holds', { name: 'Race', connectionId: c.id, rowKeys: ['cc-9'] }), f.destroy({ disposalIds: ['cc-9'] })]);
    expect(hold.status).toBe(201);
    const state = (await f.record(c.id, 'cc-9')).body;
    if (destroy.status === 200) expect(state.status).toBe('Destroyed');
    else expect(destroy.body.failedItems[0].code).toBe('on_hold');
  });

  it('orders pages by due date, and checks its parameters', async () => {
    const c = await newConnection();
    await submit(c.id, [record('o-3', { term: 'Corp/Finance/Invoices', ageDays: 500 }), record('o-1', { term: 'Corp/Finance/Invoices', ageDays: 700 }), record('o-2', { term: 'Corp/Finance/Invoices', ageDays: 600 })]);
    expect((await f.allDue(c.id, FAR_FUTURE, 1)).map((item) => item.rowKey)).toEqual(['o-1', 'o-2', 'o-3']);
    const zero = await f.due(`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=0`);
    expect(zero.body.queriedItems).toHaveLength(3);
    const lenient = await f.due(`ID=${c.id}&DisposalDueDate=2999-01-01T00:00:00&itemsPerpage=2&startIndex=`);
    expect(lenient.status).toBe(200);
    expect(lenient.body.queriedItems).toHaveLength(2);
    const cases: Array<[string, RegExp]> = [
      [`disposalDueDate=${FAR_FUTURE}&itemsPerPage=10`, /id/],
      [`id=${c.id}&itemsPerPage=10`, /disposalDueDate/],
      [`id=${c.id}&disposalDueDate=soon&itemsPerPage=10`, /disposalDueDate/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}`, /itemsPerPage/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=101`, /itemsPerPage/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=-1`, /itemsPerPage/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=ten`, /itemsPerPage/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=10&startIndex=2`, /startIndex/],
      [`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=10&startIndex=forged.token`, /startIndex/],
    ];
    for (const [query, pattern] of cases) {
      const result = await f.due(query);
      expect(result.status, query).toBe(400);
      expect(result.body.message, query).toMatch(pattern);
    }
    const first = await f.due(`id=${c.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=1`);
    const other = await f.due(`id=${c.id}&disposalDueDate=2998-01-01T00:00:00Z&itemsPerPage=1&startIndex=${encodeURIComponent(first.body.startIndex)}`);
    expect(other.status).toBe(400);
    expect(other.body.message).toMatch(/another listing/);
  });

  it('keeps the admin API to its rules: duplicate and invalid terms, holds without targets', async () => {
    const again = await f.admin('POST', '/admin/opus/terms', { path: 'Corp/Finance/Invoices', retainDays: 365, after: 'created' });
    expect(again.status).toBe(200);
    const conflicting = await f.admin('POST', '/admin/opus/terms', { path: 'Corp/Finance/Invoices', retainDays: 30, after: 'created' });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.error.message).toMatch(/already exists/);
    expect((await f.admin('POST', '/admin/opus/terms', { path: 'X/Y', retainDays: 30 })).status).toBe(400);
    expect((await f.admin('POST', '/admin/opus/terms', { path: 'X/Y', retainDays: 30, after: 'someday' })).status).toBe(400);
    expect((await f.admin('POST', '/admin/opus/terms', { path: '//', retainDays: 30, after: 'created' })).status).toBe(400);
    expect((await f.admin('PATCH', '/admin/opus/terms', { path: 'Corp/Finance/Invoices', eventDate: '2024-01-01' })).status).toBe(400);
    expect((await f.admin('PATCH', '/admin/opus/terms', { path: 'No/Such', retainDays: 1, after: 'created' })).status).toBe(404);
    expect((await f.admin('POST', '/admin/opus/holds', { name: 'Nothing' })).status).toBe(400);
    expect((await f.admin('POST', '/admin/opus/holds', { name: 'Bad term', termPath: 'No/Such' })).status).toBe(400);
    expect((await f.admin('POST', '/admin/opus/holds', { name: 'Keys without connection', rowKeys: ['a'] })).status).toBe(400);
    const terms = await f.admin('GET', '/admin/opus/terms');
    expect(terms.body.value.map((term: any) => term.termFullPath)).toEqual(expect.arrayContaining(['Corp', 'Corp/Finance', 'Corp/Finance/Invoices', 'Corp/Legal/Contracts']));
    // The admin routes take the producer permission only.
    expect((await f.harness.get(`${f.base}/admin/opus/terms`, f.token)).status).toBe(403);
  });
});
