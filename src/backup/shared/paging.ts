import { createHash } from 'node:crypto';
import { invalidParameter } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { single } from '../../platform/query.js';
import type { BackupJobStore, JobCursor, JobFilter, JobRow, PagePosition } from './job-store.js';

/**
 * How one product's job list pages, as its page documents it. Every list is newest first in
 * (start time, seq) order. A client's own page index is an offset into that order; the
 * continuation (nextLink or IaaS's skiptoken) is a keyset position, signed, so following it
 * returns every job that matches throughout exactly once, whatever is written meanwhile.
 */
export interface PagingStyle {
  /** The documented page-number parameter (pageIndex, pageNumber). */
  indexParam: string;
  /** The page-size parameter. */
  sizeParam: string;
  /** The parameter carrying a continuation token. */
  tokenParam: string;
  /**
   * The number of the first page. With 1, page 0 is taken as the first page too: the
   * Microsoft 365 and Salesforce pages say "default 0" while their samples ask for page 1.
   */
  firstPage: 0 | 1;
}

export interface PageRequest {
  size: number;
  /** The page served, in the product's numbering. */
  pageIndex: number;
  offset: number;
  after?: JobCursor | undefined;
}

interface PageToken extends Record<string, unknown> {
  f: string;
  t: number;
  s: number;
  p: number;
}

export interface JobPage<R extends PagedRow = JobRow> {
  rows: R[];
  total: number;
  pageIndex: number;
  /** Present when more jobs follow: the next page's number and its continuation token. */
  next?: { pageIndex: number; token: string } | undefined;
}

/** A fingerprint of tenant and filters: a token continues only the query that made it. */
export function fingerprintOf(filter: JobFilter): string {
  const canonical = JSON.stringify([
    filter.tenantId,
    filter.product,
    filter.startMs ?? null,
    filter.endMs ?? null,
    [...(filter.jobTypes ?? [])].sort((a, b) => a - b),
    [...(filter.serviceTypes ?? [])].sort((a, b) => a - b),
    [...(filter.states ?? [])].sort((a, b) => a - b),
    filter.location ?? null,
    filter.organizationId?.toLowerCase() ?? null,
    filter.variant ?? null,
    filter.search?.toLowerCase() ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

export function resolvePage(context: RegionContext, style: PagingStyle, query: Record<string, unknown>, filter: JobFilter, size: number): PageRequest {
  const tokenText = single(query[style.tokenParam])?.trim();
  if (tokenText) {
    const token = context.paging.decode<PageToken>(tokenText, style.tokenParam);
    if (token.f !== fingerprintOf(filter) || typeof token.t !== 'number' || typeof token.s !== 'number' || typeof token.p !== 'number') {
      throw invalidParameter(style.tokenParam, 'belongs to another query; send the nextLink exactly as it was returned');
    }
    return { size, pageIndex: token.p, offset: 0, after: { startMs: token.t, seq: token.s } };
  }
  const requested = (query[style.indexParam] as number | undefined) ?? style.firstPage;
  const pageIndex = Math.max(requested, style.firstPage);
  return { size, pageIndex, offset: (pageIndex - style.firstPage) * size };
}

/** What a page needs of its rows: their place in the list order. */
export type PagedRow = Pick<JobRow, 'seq' | 'start_time'>;

/** What a read gives listJobs: whether more follow and, when they do, where the next page starts. */
export interface PageRead {
  more: boolean;
  last?: JobCursor | undefined;
}

/** A page of rows as listJobs reads it (BackupJobStore.page). */
export function rowsRead<R extends PagedRow>(read: { rows: R[]; more: boolean }): { rows: R[] } & PageRead {
  const last = read.rows[read.rows.length - 1];
  return { ...read, last: last && { startMs: last.start_time, seq: last.seq } };
}

/** One page with its count and continuation; `read` reads the page (rows, or joined items). */
export async function listJobs<P extends PageRead>(
  context: RegionContext,
  store: BackupJobStore,
  filter: JobFilter,
  page: PageRequest,
  read: (filter: JobFilter, position: PagePosition, size: number) => Promise<P>,
): Promise<P & Pick<JobPage, 'total' | 'pageIndex' | 'next'>> {
  const [result, total] = await Promise.all([read(filter, page, page.size), store.count(filter)]);
  const last = result.last;
  const next =
    result.more && last
      ? {
          pageIndex: page.pageIndex + 1,
          token: context.paging.encode({ f: fingerprintOf(filter), t: last.startMs, s: last.seq, p: page.pageIndex + 1 } satisfies PageToken),
        }
      : undefined;
  return { ...result, total, pageIndex: page.pageIndex, next };
}

/** An absolute link on this region with the given parameters (undefined ones left out). */
export function linkTo(context: RegionContext, path: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  return `${context.publicUrl()}${path}?${search.toString()}`;
}
