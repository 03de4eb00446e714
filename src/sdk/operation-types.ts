import type { PagingSpec } from './paging.js';

/** How the generated table describes an operation. */
export interface OperationDescriptor {
  method: string;
  /** Fastify's form: `/backup/m365/cloudbackupjobs/:jobId`. */
  path: string;
  pathParams: readonly string[];
  permission: string;
  tags: readonly string[];
  hasBody: boolean;
  paging?: PagingSpec;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Extra headers, e.g. a `client-request-id` of your own. */
  headers?: Record<string, string>;
}
