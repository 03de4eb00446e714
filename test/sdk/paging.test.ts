import { describe, expect, it } from 'vitest';
import { nextPage, type PagingSpec } from '../../src/sdk/paging.js';

/** Walks a paging style against a simulated service of `total` items and returns what was asked. */
function walk(spec: PagingSpec, serve: (request: Record<string, unknown>, body: any, url?: string) => unknown, start: Record<string, unknown>, body?: unknown) {
  const asked: unknown[] = [];
  let current: ReturnType<typeof nextPage> = { request: start, body };
  while (current && asked.length < 20) {
    asked.push(current.url ?? (current.body ? { ...current.request, body: current.body } : current.request));
    current = nextPage(spec, current, serve(current.request, current.body, current.url));
  }
  return asked;
}
const items = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

describe('SDK paging styles', () => {
  it('nextLink: follows the URL until it is null', () => {
    const spec: PagingSpec = { items: ['data'], nextLink: ['nextLink'] };
    const asked = walk(spec, (_, __, url) => ({ data: [1], nextLink: url === 'https://x/2' ? null : 'https://x/2' }), { a: 1 });
    expect(asked).toEqual([{ a: 1 }, 'https://x/2']);
  });

  it('skipToken: a bare nextLink token goes into the skipToken parameter', () => {
    const spec: PagingSpec = { items: ['jobs'], nextLink: ['nextLink'], skipToken: 'skiptoken' };
    const asked = walk(spec, (request) => ({ jobs: [1], nextLink: request.skiptoken ? null : 'T2' }), {});
    expect(asked).toEqual([{}, { skiptoken: 'T2' }]);
  });

  it('pageIndex: the next index until a short page', () => {
    const spec: PagingSpec = { items: ['data'], pageIndex: 'pageIndex', pageSize: 'pageSize' };
    const asked = walk(spec, (request) => ({ data: items(((request.pageIndex as number) - 1) * 10, Math.min(25, (request.pageIndex as number) * 10)) }), { pageIndex: 1, pageSize: 10 });
    expect(asked).toEqual([{ pageIndex: 1, pageSize: 10 }, { pageIndex: 2, pageSize: 10 }, { pageIndex: 3, pageSize: 10 }]);
  });

  it('startIndex: advances by the items received until none come', () => {
    const spec: PagingSpec = { items: ['queriedItems'], startIndex: 'startIndex', pageSize: 'itemsPerPage' };
    const asked = walk(spec, (request) => ({ queriedItems: items(request.startIndex as number, Math.min(7, (request.startIndex as number) + 3)) }), { startIndex: 0, itemsPerPage: 3 });
    expect(asked.map((request: any) => request.startIndex)).toEqual([0, 3, 6]);
  });

  it('top: skip grows by top until a short page', () => {
    const spec: PagingSpec = { items: ['jobs'], top: 'top', skip: 'skip', pageSize: 'top' };
    const asked = walk(spec, (request) => ({ jobs: items((request.skip as number) ?? 0, Math.min(5, ((request.skip as number) ?? 0) + 2)) }), { top: 2 });
    expect(asked).toEqual([{ top: 2 }, { top: 2, skip: 2 }, { top: 2, skip: 4 }]);
  });

  it('body nextLink: the response nextLink goes back in the next POST body', () => {
    const spec: PagingSpec = { items: ['data'], nextLink: ['nextLink'], bodyNextLink: true };
    const asked = walk(spec, (_, body) => ({ data: [1], nextLink: body?.nextLink ? null : 'opaque-2' }), {}, { filter: 'x' });
    expect(asked).toEqual([{ body: { filter: 'x' } }, { body: { filter: 'x', nextLink: 'opaque-2' } }]);
  });
});
