import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { BlobStore, blobStoreMigrations } from '../../src/storage/blob-store.js';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

const CHUNK = 64 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe.each(ENGINES)('blob store on %s', (engine) => {
  let database: Database<unknown>;
  let dir: string;
  let schema: string;
  const clock = fixedClock(new Date('2025-01-01T00:00:00Z'));
  let blobs: BlobStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-blobs-'));
    schema = `blobs_${randomBytes(4).toString('hex')}`;
    database = await openDatabase(engine === 'sqlite' ? { engine, file: join(dir, 'blobs.sqlite') } : { engine, url: POSTGRES_URL, schema });
    await migrate(database, blobStoreMigrations);
    blobs = new BlobStore(database.db, clock, CHUNK);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('stores a stream in chunks and reads it back byte for byte with its size', async () => {
    const data = randomBytes(5 * CHUNK + 123);
    const out = blobs.createWriteStream({ tenantId: 't1', contentType: 'application/zip', expiresMs: clock.nowMs() + 1000 });
    // Written in odd-sized pieces, as a ZIP stream writes.
    await pipeline(Readable.from((function* () { for (let at = 0; at < data.length; at += 7777) yield data.subarray(at, at + 7777); })()), out);
    expect(out.blob).toMatchObject({ size: data.length, contentType: 'application/zip', tenantId: 't1' });
    const opened = await blobs.open(out.blob!.id);
    expect(opened?.size).toBe(data.length);
    expect((await readAll(opened!.stream())).equals(data)).toBe(true);
  });

  it('leaves nothing readable behind a write that fails, and nothing unreadable while one is under way', async () => {
    const out = blobs.createWriteStream({ tenantId: 't1', contentType: 'application/zip', expiresMs: clock.nowMs() + 1000 });
    out.write(randomBytes(3 * CHUNK));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await blobs.open(out.blobId)).toBeUndefined();
    await expect(pipeline(Readable.from((function* () { yield randomBytes(10); throw new Error('the producer broke'); })()), out)).rejects.toThrow('the producer broke');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await blobs.open(out.blobId)).toBeUndefined();
    const chunks = await (database.db as any).selectFrom('blob_chunks').select('blob_id').where('blob_id', '=', out.blobId).execute();
    expect(chunks).toEqual([]);
  });

  it('removes blobs at their expiry, and only those', async () => {
    const write = async (expiresMs: number) => {
      const out = blobs.createWriteStream({ tenantId: 't2', contentType: 'text/plain', expiresMs });
      await pipeline(Readable.from([Buffer.from('hello')]), out);
      return out.blob!.id;
    };
    const soon = await write(clock.nowMs() + 10);
    const later = await write(clock.nowMs() + 10_000);
    clock.advance(100);
    expect(await blobs.deleteExpired()).toBeGreaterThanOrEqual(1);
    expect(await blobs.open(soon)).toBeUndefined();
    expect((await readAll((await blobs.open(later))!.stream())).toString()).toBe('hello');
  });
});
