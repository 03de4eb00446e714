import { randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Engine } from './database.js';
import type { ModuleMigrations } from './migrations.js';

/**
 * Files kept in the region's own database (report files of export jobs): chunked rows, so a
 * file of any size is written and read with a chunk's worth of memory, survives a restart,
 * and every node of the region serves it. A blob is readable only once its last chunk is
 * stored and its size is known; a write that fails leaves nothing readable behind.
 */
export interface BlobTables {
  blob_objects: {
    blob_id: string;
    tenant_id: string;
    content_type: string;
    /** Bytes; null while the blob is being written. */
    size: number | null;
    chunk_count: number;
    created_ms: number;
    expires_ms: number;
  };
  blob_chunks: {
    blob_id: string;
    chunk_index: number;
    data: Buffer;
  };
}

export const BLOB_CHUNK_BYTES = 256 * 1024;

export const blobStoreMigrations: ModuleMigrations = {
  module: 'blob_store',
  migrations: {
    '001_blobs': (engine: Engine) => ({
      async up(db) {
        const required = (c: ColumnDefinitionBuilder) => c.notNull();
        await db.schema
          .createTable('blob_objects')
          .addColumn('blob_id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', required)
          .addColumn('content_type', 'text', required)
          .addColumn('size', 'bigint')
          .addColumn('chunk_count', 'integer', required)
          .addColumn('created_ms', 'bigint', required)
          .addColumn('expires_ms', 'bigint', required)
          .execute();
        await db.schema.createIndex('blob_objects_expiry').on('blob_objects').columns(['expires_ms']).execute();
        await db.schema
          .createTable('blob_chunks')
          .addColumn('blob_id', 'text', required)
          .addColumn('chunk_index', 'integer', required)
          .addColumn('data', engine === 'postgres' ? 'bytea' : 'blob', required)
          .addPrimaryKeyConstraint('blob_chunks_pk', ['blob_id', 'chunk_index'])
          .execute();
      },
    }),
  },
};

export interface StoredBlob {
  id: string;
  tenantId: string;
  contentType: string;
  size: number;
  expiresMs: number;
}

export interface BlobWriteOptions {
  tenantId: string;
  contentType: string;
  expiresMs: number;
}

/** A Writable that stores what is piped into it; `blob` is set once it has finished. */
export interface BlobWriteStream extends Writable {
  readonly blobId: string;
  blob?: StoredBlob;
}

export class BlobStore {
  private readonly db: Kysely<BlobTables>;

  constructor(
    db: Kysely<unknown>,
    private readonly clock: Clock,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {
    this.db = db as Kysely<BlobTables>;
  }

  /**
   * A stream to pipe a file into. Each full chunk is one durable insert, and the stream asks
   * for more only once it is stored, so a fast producer is held back instead of buffered.
   */
  createWriteStream(options: BlobWriteOptions): BlobWriteStream {
    const blobId = randomUUID();
    const { db, clock, chunkBytes } = this;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let chunks = 0;
    let size = 0;
    let started: Promise<unknown> | undefined;
    const begin = () =>
      (started ??= db
        .insertInto('blob_objects')
        .values({ blob_id: blobId, tenant_id: options.tenantId, content_type: options.contentType, size: null, chunk_count: 0, created_ms: clock.nowMs(), expires_ms: options.expiresMs })
        .execute());
    const flush = async (all: boolean) => {
      await begin();
      while (pendingBytes >= chunkBytes || (all && pendingBytes > 0)) {
        const joined = Buffer.concat(pending, pendingBytes);
        const data = joined.subarray(0, Math.min(chunkBytes, joined.length));
        const rest = joined.subarray(data.length);
        await db.insertInto('blob_chunks').values({ blob_id: blobId, chunk_index: chunks, data }).execute();
        chunks++;
        size += data.length;
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
      }
    };
    const stream = new Writable({
      highWaterMark: chunkBytes,
      write(chunk: Buffer, _encoding, callback) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < chunkBytes) return callback();
        flush(false).then(() => callback(), callback);
      },
      final(callback) {
        flush(true)
          .then(() => db.updateTable('blob_objects').set({ size, chunk_count: chunks }).where('blob_id', '=', blobId).execute())
          .then(() => {
            (stream as BlobWriteStream).blob = { id: blobId, tenantId: options.tenantId, contentType: options.contentType, size, expiresMs: options.expiresMs };
            callback();
          }, callback);
      },
      destroy: (error, callback) => {
        if (!error || (stream as BlobWriteStream).blob) return callback(error);
        // A failed write leaves no partial file behind.
        this.delete(blobId).then(() => callback(error), () => callback(error));
      },
    }) as BlobWriteStream;
    Object.defineProperty(stream, 'blobId', { value: blobId });
    return stream;
  }

  /** A finished blob's size and a stream of its bytes, read one chunk at a time. */
  async open(blobId: string): Promise<(StoredBlob & { stream(): Readable }) | undefined> {
    const row = await this.db.selectFrom('blob_objects').selectAll().where('blob_id', '=', blobId).executeTakeFirst();
    if (!row || row.size === null) return undefined;
    const { db } = this;
    const count = row.chunk_count;
    async function* chunks() {
      for (let index = 0; index < count; index++) {
        const chunk = await db.selectFrom('blob_chunks').select('data').where('blob_id', '=', blobId).where('chunk_index', '=', index).executeTakeFirst();
        if (!chunk) throw new Error(`blob ${blobId} lost chunk ${index}`);
        yield Buffer.from(chunk.data);
      }
    }
    return {
      id: row.blob_id,
      tenantId: row.tenant_id,
      contentType: row.content_type,
      size: Number(row.size),
      expiresMs: Number(row.expires_ms),
      stream: () => Readable.from(chunks(), { objectMode: false }),
    };
  }

  /** Moves a blob's expiry (a report is kept for a while after it is finished, not after it was started). */
  async setExpiry(blobId: string, expiresMs: number): Promise<void> {
    await this.db.updateTable('blob_objects').set({ expires_ms: expiresMs }).where('blob_id', '=', blobId).execute();
  }

  async delete(blobId: string): Promise<void> {
    await this.db.deleteFrom('blob_chunks').where('blob_id', '=', blobId).execute();
    await this.db.deleteFrom('blob_objects').where('blob_id', '=', blobId).execute();
  }

  /** Removes blobs past their expiry (and writes abandoned by a crash, which expire too); returns how many. */
  async deleteExpired(limit = 100): Promise<number> {
    const expired = await this.db.selectFrom('blob_objects').select('blob_id').where('expires_ms', '<=', this.clock.nowMs()).limit(limit).execute();
    for (const { blob_id } of expired) await this.delete(blob_id);
    return expired.length;
  }
}
