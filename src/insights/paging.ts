import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { invalidParameter } from '../platform/errors.js';
import type { RegionContext } from '../platform/product-module.js';
import { MAX_PAGE_SIZE } from './catalogue.js';
import { takePage, type Cursor, type RowSource } from './graph/keyset.js';

/** Body paging of the POST reads: `pageSize` (default 100) and the `nextLink` a previous page returned. */
export const BodyPaging = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Results on one page, at most 100. Default 100.' })),
  nextLink: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], { description: 'The nextLink of the previous page, sent back as it was returned.' })),
};

/** Query paging of the GET summaries (userSummary.md, groupSummary.md). */
export const StartPageQuery = Type.Object({
  startPage: Type.Integer({ minimum: 0, description: 'The page to return, from 1 (0 is read as 1).' }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Results on one page, at most 100.' }),
});

interface Token extends Record<string, unknown> {
  /** Fingerprint of tenant, route and filters: a token continues only the query that made it. */
  f: string;
  c: Cursor;
}

/**
 * One page of a POST read: decodes the caller's nextLink (tamper-evident, bound to this
 * tenant, route and body), reads the page, and encodes where the next one starts.
 */
export async function bodyPage<T>(context: RegionContext, request: FastifyRequest, filter: unknown, source: RowSource<T>): Promise<{ rows: T[]; nextLink: string | null }> {
  const body = (request.body ?? {}) as { pageSize?: number; nextLink?: string | null };
  const fingerprint = hash('sha256', JSON.stringify([request.principal!.tenantId, request.routeOptions.url?.toLowerCase(), filter]), 'base64url').slice(0, 22);
  let after: Cursor | undefined;
  if (body.nextLink) {
    const token = context.paging.decode<Token>(body.nextLink, 'nextLink');
    if (token.f !== fingerprint || typeof token.c !== 'object' || token.c === null) {
      throw invalidParameter('nextLink', 'belongs to another request; send it back with the same parameters as the request that returned it');
    }
    after = token.c;
  }
  const page = await takePage(source, after, body.pageSize ?? MAX_PAGE_SIZE);
  return { rows: page.rows, nextLink: page.next ? context.paging.encode({ f: fingerprint, c: page.next } satisfies Token) : null };
}

/** The `startPage`/`pageSize` window as an offset; the nextLink names the following page. */
export function startPageWindow(request: FastifyRequest, context: RegionContext) {
  const { startPage, pageSize } = request.query as { startPage: number; pageSize: number };
  const page = Math.max(1, startPage);
  const path = (request.routeOptions.url ?? '').toString();
  return {
    offset: (page - 1) * pageSize,
    size: pageSize,
    nextLink: (more: boolean) => (more ? `${context.publicUrl()}${path}?startPage=${page + 1}&pageSize=${pageSize}` : null),
  };
}
