import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { parseColumn } from '../../src/cli/opus.js';
import { FAR_FUTURE, record } from './fixture.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

describe('meridian opus CLI against a running instance', () => {
  let harness: Harness;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, 'opus', ...args], { env: { ...process.env, MERIDIAN_DATA_DIR: harness.dataDir, MERIDIAN_ADMIN_KEY: '' }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };
  const json = async (...args: string[]) => {
    const result = await cli(...args, '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    harness.meridian.writeEndpointsFile();
  });
  afterAll(() => harness?.close());

  it('parses column specs', () => {
    expect(parseColumn('Region:SingleChoice:North,South')).toEqual({ name: 'Region', type: 'SingleChoice', choices: ['North', 'South'] });
    expect(parseColumn('Amount:Number')).toEqual({ name: 'Amount', type: 'Number' });
    expect(() => parseColumn('Amount')).toThrow(/NAME:TYPE/);
  });

  it('configures Opus end to end: connection file, terms, holds and reviews, then the connector obeys them', async () => {
    const app = await harness.tenantWithApp(['records.readwrite.all'], 'us', 'Contoso');
    const columns = ['Notes:MultipleText', 'Reference:SingleText', 'Signed on:DateTime', 'Region:SingleChoice:North,South', 'Tags:MultipleChoice:Confidential,Vendor', 'Owners:PeopleOrGroup', 'Amount:Number'];
    const file = await json('connection', 'create', '--tenant', 'Contoso', '--name', 'Contracts', ...columns.flatMap((column) => ['--column', column]));
    expect(file).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      conflictOption: 'Overwrite',
      data: [
        {
          rowKey: 'SingleText',
          leafName: 'SingleText',
          termFullPath: 'Taxonomy',
          timeCreated: 'DateTime',
          timeModified: 'DateTime',
          createdBy: 'SingleText',
          modifiedBy: 'SingleText',
          _Notes: 'MultipleText',
          _Reference: 'SingleText',
          '_Signed_%20_on': 'DateTime',
          _Region: 'SingleChoice',
          _Tags: 'MultipleChoice',
          _Owners: 'PeopleOrGroup',
          _Amount: 'Number',
        },
      ],
    });
    const listed = await json('connection', 'list', '--tenant', 'Contoso');
    expect(listed.map((c: { id: string }) => c.id)).toEqual([file.id]);

    const term = await json('term', 'create', '--tenant', 'Contoso', '--path', 'Legal/Contracts/Supplier', '--retain-days', '30', '--after', 'created', '--approval');
    expect(term).toMatchObject({ termFullPath: 'Legal/Contracts/Supplier', retainDays: 30, after: 'created', approval: true });
    const event = await json('term', 'create', '--tenant', 'Contoso', '--path', 'HR/Leavers', '--retain-days', '10', '--after', 'event');
    expect(event.eventDate).toBeNull();
    expect((await json('term', 'event', '--tenant', 'Contoso', '--path', 'HR/Leavers', '--date', '2020-01-01T00:00:00Z')).eventDate).toBe('2020-01-01T00:00:00.000Z');

    // The client submits with the downloaded file's id; records become due under the rule.
    const token = await harness.token(app);
    const base = harness.regionUrl('us');
    const data = [record('cli-1', { term: 'Legal/Contracts/Supplier', extra: { _Region: 2 } }), record('cli-2', { term: 'Legal/Contracts/Supplier' }), record('cli-3', { term: 'HR/Leavers' })];
    expect((await harness.send('POST', `${base}/records/connector/records`, token, { id: file.id, conflictOption: 'Overwrite', data })).status).toBe(201);

    const pending = await json('review', 'list', '--tenant', 'Contoso');
    expect(pending.map((item: { rowKey: string }) => item.rowKey).sort()).toEqual(['cli-1', 'cli-2']);
    const approved = await json('review', 'approve', '--tenant', 'Contoso', '--connection', file.id, '--record', 'cli-1', '--reviewer', 'maria@contoso.com');
    expect(approved).toEqual([{ rowKey: 'cli-1', decision: 'approved', message: null }]);
    const rejected = await json('review', 'reject', '--tenant', 'Contoso', '--connection', file.id, '--record', 'cli-2', '--comment', 'Open claim');
    expect(rejected[0].decision).toBe('rejected');

    const hold = await json('hold', 'create', '--tenant', 'Contoso', '--name', 'Leavers audit', '--term', 'HR');
    expect(hold).toMatchObject({ kind: 'term', termPath: 'HR' });
    const due = await harness.get(`${base}/records/connector/records?id=${file.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=100`, token);
    expect(due.body.queriedItems.map((item: { rowKey: string }) => item.rowKey)).toEqual(['cli-1']);
    const removed = await json('hold', 'remove', '--tenant', 'Contoso', '--hold', hold.id);
    expect(removed.removedAt).not.toBeNull();
    const after = await harness.get(`${base}/records/connector/records?id=${file.id}&disposalDueDate=${FAR_FUTURE}&itemsPerPage=100`, token);
    expect(after.body.queriedItems.map((item: { rowKey: string }) => item.rowKey).sort()).toEqual(['cli-1', 'cli-3']);

    expect((await harness.send('DELETE', `${base}/records/connector/records`, token, { disposalIds: ['cli-1'] })).status).toBe(200);
    const shown = await json('record', '--tenant', 'Contoso', '--connection', file.id, '--record', 'cli-1');
    expect(shown).toMatchObject({ status: 'Destroyed', tombstone: { approvedBy: 'maria@contoso.com', destroyedBy: app.clientId } });
  });

  it('exits non-zero with the reason when a change is refused', async () => {
    await harness.tenantWithApp(['records.readwrite.all'], 'us', 'Fabrikam');
    const badType = await cli('connection', 'create', '--tenant', 'Fabrikam', '--name', 'X', '--column', 'Size:Huge');
    expect(badType.code).not.toBe(0);
    expect(badType.stderr).toMatch(/unknown type 'Huge'/);
    const noChoices = await cli('connection', 'create', '--tenant', 'Fabrikam', '--name', 'X', '--column', 'Region:SingleChoice');
    expect(noChoices.stderr).toMatch(/options/);
    const badRule = await cli('term', 'create', '--tenant', 'Fabrikam', '--path', 'A/B', '--retain-days', '10');
    expect(badRule.code).not.toBe(0);
    expect(badRule.stderr).toMatch(/after/);
    const unknownTenant = await cli('term', 'list', '--tenant', 'Nobody');
    expect(unknownTenant.stderr).toMatch(/Nobody/);
  });
});
