/**
 * The paging styles of the AvePoint Graph API, as the SDK generator reads them from each
 * operation's schema: a `nextLink` URL (or bare token) in the response, a `skipToken`
 * parameter, `pageIndex`/`pageNumber` + `pageSize`, `startIndex` + `itemsPerPage`,
 * `top` + `skip`, and a `nextLink` sent back in the body of a POST.
 */
export interface PagingSpec {
  /** Where a page's items are, e.g. ['data'] or ['data', 'jobs']. */
  items: string[];
  /** Where the response says what comes next, e.g. ['nextLink'] or ['data', 'nextLink']. */
  nextLink?: string[];
  /** The next page is asked for by sending the response's nextLink in the request body. */
  bodyNextLink?: boolean;
  skipToken?: string;
  pageIndex?: string;
  startIndex?: string;
  top?: string;
  skip?: string;
  pageSize?: string;
}

/** One page to ask for: a full URL given by the service, or the operation's request and body. */
export interface PageRequest {
  url?: string;
  request: Record<string, unknown>;
  body: unknown;
}

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);

export function itemsOf(spec: PagingSpec, page: unknown): unknown[] {
  const items = at(page, spec.items);
  return Array.isArray(items) ? items : [];
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : typeof value === 'string' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : fallback);

/** The request of the page after `page`, or undefined when `page` was the last. */
export function nextPage(spec: PagingSpec, current: PageRequest, page: unknown): PageRequest | undefined {
  const items = itemsOf(spec, page);
  const link = spec.nextLink ? at(page, spec.nextLink) : undefined;
  if (typeof link === 'string' && link !== '') {
    if (spec.bodyNextLink) return { request: current.request, body: { ...(current.body as object), nextLink: link } };
    if (/^https?:\/\//i.test(link)) return { url: link, request: current.request, body: current.body };
    if (spec.skipToken) return { request: { ...current.request, [spec.skipToken]: link }, body: current.body };
  }
  // A nextLink field that is null or absent on a nextLink-paged answer means: no more pages.
  if (spec.nextLink || items.length === 0) return undefined;
  const size = spec.pageSize ? numberOr(current.request[spec.pageSize], Number.NaN) : Number.NaN;
  if (items.length < size) return undefined;
  if (spec.pageIndex) {
    const index = numberOr(current.request[spec.pageIndex], numberOr(at(page, [spec.pageIndex]), 1));
    return { request: { ...current.request, [spec.pageIndex]: index + 1 }, body: current.body };
  }
  if (spec.startIndex) {
    const start = numberOr(current.request[spec.startIndex], numberOr(at(page, [spec.startIndex]), 0));
    return { request: { ...current.request, [spec.startIndex]: start + items.length }, body: current.body };
  }
  if (spec.top && spec.skip) {
    return { request: { ...current.request, [spec.skip]: numberOr(current.request[spec.skip], 0) + items.length }, body: current.body };
  }
  return undefined;
}
