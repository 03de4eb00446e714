import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpClient } from '../platform/http-client.js';
import type { TokenCredential } from './credentials.js';
import { errorFor } from './errors.js';
import { GeneratedOperations, OPERATIONS, type OperationId, type Operations, type PagedOperationId } from './generated/operations.js';
import type { CallOptions, OperationDescriptor } from './operation-types.js';
import { itemsOf, nextPage, type PageRequest } from './paging.js';

export interface GraphClientOptions {
  /** A region (e.g. https://graph-us.avepointonlineservices.com) or the global endpoint. */
  baseUrl: string;
  /** The global endpoint, for the operations only it serves (default: baseUrl). */
  globalUrl?: string;
  credential: TokenCredential;
  /** The permissions to ask for, e.g. 'audit.read.all' (several: space separated or an array). */
  scope: string | string[];
  /** PEM of a private CA to trust (Meridian's local CA). */
  caPem?: string;
  fetch?: typeof fetch;
  /** Retries of a 429 or 503 (default 3), each after the answer's Retry-After. */
  maxRetries?: number;
  /** The longest wait between retries (default 60 s); a longer Retry-After fails at once. */
  maxRetryDelayMs?: number;
}

const parseRetryAfter = (value: string | null): number | null => {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
};

/**
 * A typed client of the AvePoint Graph API, for Meridian or the real service: one method per
 * documented operation (generated from the route schemas into ./generated), token caching and
 * refresh through its credential, Retry-After on 429 and 503, and typed errors with request-id.
 */
export class GraphClient extends GeneratedOperations {
  private readonly http: typeof fetch;
  private readonly scope: string;

  constructor(private readonly options: GraphClientOptions) {
    super();
    this.http = options.fetch ?? createHttpClient(options.caPem ?? null);
    this.scope = [options.scope].flat().join(' ');
  }

  /** Every page of a paged operation, whatever its paging style, starting from `request`. */
  async *pages<K extends PagedOperationId>(operationId: K, request: Operations[K]['request'], ...rest: Operations[K]['body'] extends undefined ? [body?: undefined, options?: CallOptions] : [body: Operations[K]['body'], options?: CallOptions]): AsyncGenerator<Operations[K]['response']> {
    const [body, options] = rest;
    const descriptor: OperationDescriptor = OPERATIONS[operationId];
    let current: PageRequest | undefined = { request: { ...(request as object) }, body };
    let previous: URL | undefined;
    while (current) {
      // A service's nextLink may be relative to the page that gave it.
      const url = current.url ? new URL(current.url, previous) : this.urlOf(operationId, current.request);
      const page = await this.send(descriptor.method, url, current.url || !descriptor.hasBody ? undefined : current.body, options);
      previous = url;
      yield page as Operations[K]['response'];
      current = nextPage(descriptor.paging!, current, page);
    }
  }

  /** Every item of every page of a paged operation. */
  async *items<K extends PagedOperationId>(operationId: K, request: Operations[K]['request'], ...rest: Operations[K]['body'] extends undefined ? [body?: undefined, options?: CallOptions] : [body: Operations[K]['body'], options?: CallOptions]): AsyncGenerator<Operations[K]['item']> {
    const descriptor: OperationDescriptor = OPERATIONS[operationId];
    for await (const page of this.pages(operationId, request, ...rest)) yield* itemsOf(descriptor.paging!, page) as Array<Operations[K]['item']>;
  }

  protected async invoke<K extends OperationId>(operationId: K, request: object, body: unknown, options: CallOptions | undefined): Promise<Operations[K]['response']> {
    const descriptor: OperationDescriptor = OPERATIONS[operationId];
    return (await this.send(descriptor.method, this.urlOf(operationId, request), descriptor.hasBody ? body : undefined, options)) as Operations[K]['response'];
  }

  /** The URL of an operation's request: its path parameters filled in, the rest as query parameters. */
  private urlOf(operationId: OperationId, request: object): URL {
    const descriptor: OperationDescriptor = OPERATIONS[operationId];
    const values = request as Record<string, unknown>;
    const path = descriptor.path.replace(/:(\w+)/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined || value === null || value === '') throw new TypeError(`${operationId} needs ${name}`);
      return encodeURIComponent(String(value));
    });
    const url = new URL(path, descriptor.host === 'global' ? (this.options.globalUrl ?? this.options.baseUrl) : this.options.baseUrl);
    for (const [name, value] of Object.entries(values)) {
      if (descriptor.pathParams.includes(name) || value === undefined || value === null) continue;
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : value instanceof Date ? value.toISOString() : String(value));
    }
    return url;
  }

  /** Any call by method and path, for what the generated methods do not cover. */
  async request<T = unknown>(method: string, pathOrUrl: string, init: { query?: Record<string, unknown>; body?: unknown } & CallOptions = {}): Promise<T> {
    const url = new URL(pathOrUrl, this.options.baseUrl);
    for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined && value !== null) url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
    return (await this.send(method, url, init.body, init)) as T;
  }

  /**
   * A file an operation answers (an Insights export): streamed, `onBytes` told of every chunk
   * and the announced length; with the same token, retries and typed errors as every call.
   */
  async download(pathOrUrl: string, options: CallOptions & { onBytes?: (received: number, total: number | undefined) => void } = {}): Promise<Buffer> {
    const response = (await this.send('GET', new URL(pathOrUrl, this.options.baseUrl), undefined, options, true)) as Response;
    const announced = Number(response.headers.get('content-length'));
    const total = Number.isFinite(announced) && announced > 0 ? announced : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of response.body ?? []) {
      chunks.push(Buffer.from(chunk as Uint8Array));
      received += (chunk as Uint8Array).byteLength;
      options.onBytes?.(received, total);
    }
    return Buffer.concat(chunks);
  }

  private async send(method: string, url: URL, body: unknown, options: CallOptions | undefined, binary = false): Promise<unknown> {
    const maxRetries = this.options.maxRetries ?? 3;
    let refreshed = false;
    let forceRefresh = false;
    // One id for the call and all its retries: a service can tell a retry from a new request (Confide tasks do).
    const clientRequestId = options?.headers?.['client-request-id'] ?? randomUUID();
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.credential.getToken(this.scope, { forceRefresh });
      forceRefresh = false;
      const response = await this.http(url, {
        method,
        headers: {
          authorization: `Bearer ${token.token}`,
          accept: binary ? '*/*' : 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options?.headers,
          'client-request-id': clientRequestId,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        ...(options?.signal ? { signal: options.signal } : {}),
      });
      if (binary && response.ok) return response;
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: kept as text.
      }
      if (response.ok) return parsed;
      // An expired or revoked token: one fresh token, then the error stands.
      if (response.status === 401 && !refreshed) {
        refreshed = forceRefresh = true;
        continue;
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if ((response.status === 429 || response.status === 503) && attempt < maxRetries) {
        const waitMs = retryAfterMs ?? Math.min(1000 * 2 ** attempt, 30_000);
        if (waitMs <= (this.options.maxRetryDelayMs ?? 60_000)) {
          await sleep(waitMs, undefined, options?.signal ? { signal: options.signal } : undefined);
          continue;
        }
      }
      throw errorFor(response.status, parsed, response.headers, clientRequestId, retryAfterMs);
    }
  }
}
