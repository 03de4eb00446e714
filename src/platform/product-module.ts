import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Engine } from '../storage/database.js';
import type { ModuleMigrations } from '../storage/migrations.js';
import type { Clock } from './clock.js';
import type { PathEnvelope } from './error-handling.js';
import type { PagingTokenCodec } from './paging-token.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { BlobStore } from '../storage/blob-store.js';

/** What a region gives each product module: its own database and the kernel's services. */
export interface RegionContext {
  dataCenter: string;
  db: Kysely<unknown>;
  engine: Engine;
  clock: Clock;
  logger: Logger;
  paging: PagingTokenCodec;
  /** The URL clients call this region at; nextLinks are built on it. */
  publicUrl: () => string;
  /**
   * Stores audit records (the aos producer shape, each with its producer `id`) in this
   * region's audit log through its own producer API; resolves once they are stored. It is
   * how a module audits its actions without importing another module. Retry-safe by `id`.
   */
  audit: (tenantId: string, records: unknown[]) => Promise<void>;
  /**
   * The kernel's durable job runner on this region's database: a module defines its job kinds
   * in `register` and enqueues them; every node of the region works the same queue.
   */
  jobs: Pick<JobRunner, 'define' | 'enqueue' | 'get' | 'stats'>;
  /**
   * Files kept in this region's database (export reports): streamed in and out in chunks,
   * readable from every node of the region and after a restart, removed at their expiry.
   */
  blobs: BlobStore;
}

/**
 * A product module (aos, backup, opus, ...): its tables, and a Fastify plugin with its
 * routes, its error envelope and its producer routes. Modules depend on the kernel only.
 */
export interface ProductModule {
  name: string;
  migrations: ModuleMigrations;
  register(app: FastifyInstance, context: RegionContext): Promise<void>;
  /**
   * The module's error envelope for its paths when it differs from the region's (AOS): used
   * for what is answered before a route is matched, which the module's own scope never sees.
   */
  errorEnvelope?: PathEnvelope;
  /** The module's part of the simulator; it writes only through the producer API. */
  seed?: ModuleSeeder;
  /** The sizes its seeder reads from `SeedRequest.counts`; each becomes a `meridian seed` option. */
  seedOptions?: readonly SeedOption[];
}

/** A `meridian seed --<flag> <n>` option: `key` is its name in `SeedRequest.counts`. */
export interface SeedOption {
  flag: string;
  key: string;
  description: string;
}

/** How a module's part of the simulator reaches the producer API of the tenant's region. */
export interface ProducerClient {
  post(path: string, body: unknown): Promise<unknown>;
}

export interface SeedRequest {
  tenantId: string;
  tenantName: string;
  days: number;
  endMs: number;
  /** Sizes asked for on the command line, by option name (e.g. auditEvents, backupJobs). */
  counts: Record<string, number | undefined>;
  /** The first-start demo history: a little of everything. */
  demo: boolean;
  /**
   * The demo tenant only: also make the objects the docs' samples name, at their fixed ids
   * (src/simulator/doc-samples.ts). Ids are unique in an installation, so one tenant has them.
   */
  docSamples?: boolean;
  seed: string;
}

export type ModuleSeeder = (producer: ProducerClient, request: SeedRequest) => Promise<Record<string, number>>;
