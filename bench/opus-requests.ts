/**
 * Request source for the Opus submit benchmark, run inside the load worker before its clock
 * starts: `count` POST /records/connector/records bodies of 15 new records each, every rowKey
 * unique (prefixed per run, so a second run inserts rather than overwrites).
 */
import type { RequestSpec } from './lib.js';

export interface SubmitRequestArgs {
  count: number;
  prefix: string;
  connectionId: string;
  token: string;
  term: string;
}

export const RECORDS_PER_CALL = 15;

export function submitBody(args: Pick<SubmitRequestArgs, 'connectionId' | 'term'>, prefix: string, call: number): string {
  const created = Date.UTC(2019, 0, 1) + call * 60_000;
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const data = Array.from({ length: RECORDS_PER_CALL }, (_, i) => ({
    rowKey: `${prefix}-${call}-${i}`,
    leafName: `Invoice ${prefix}-${call}-${i}.pdf`,
    termFullPath: args.term,
    timeCreated: stamp(created + i * 1000),
    timeModified: stamp(created + i * 1000 + 86_400_000),
    createdBy: 'jack.smith',
    modifiedBy: 'maria.garcia',
    _Amount: (call * 15 + i) % 10_000,
    _Region: (i % 4) + 1,
    _Owners: '[jack.smith@contoso.com]',
  }));
  return JSON.stringify({ id: args.connectionId, conflictOption: 'Overwrite', data });
}

export function makeSubmitRequests(args: SubmitRequestArgs): RequestSpec[] {
  const headers = { authorization: `Bearer ${args.token}`, 'content-type': 'application/json' };
  return Array.from({ length: Math.min(args.count, 200_000) }, (_, call) => ({
    method: 'POST' as const,
    path: '/records/connector/records',
    headers,
    body: submitBody(args, args.prefix, call),
  }));
}
