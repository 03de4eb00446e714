import type { PagingSpec } from './paging.js';

/** How the generated table describes an operation. */
export interface OperationDescriptor {
  /** A regional operation (any region, or the global endpoint, which forwards it) or the global endpoint's own. */
  host: 'region' | 'global';
  method: string;
  /** Fastify's form: `/backup/m365/cloudbackupjobs/:jobId`. */
  path: string;
  pathParams: readonly string[];
  /** The permission it asks for, or the permissions any one of which will do. */
  permission: string | readonly string[];
  tags: readonly string[];
  hasBody: boolean;
  paging?: PagingSpec;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Extra headers, e.g. a `client-request-id` of your own. */
  headers?: Record<string, string>;
}
