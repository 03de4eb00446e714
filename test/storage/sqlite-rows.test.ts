import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_CACHE_KIB, type Database } from '../../src/storage/database.js';

interface Tables {
  items: { id: number; owner: string; size: number | null; note: string | null };
}

/**
 * The SQLite driver reads rows as arrays and makes Kysely's row objects itself
 * (src/storage/database.ts); the rows a caller sees must be those better-sqlite3 would give.
 */
describe('SQLite rows as Kysely sees them', () => {
  let database: Database<Tables>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-rows-'));
    database = await openDatabase<Tables>({ engine: 'sqlite', file: join(dir, 'items.sqlite') });
    await database.db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('size', 'integer')
      .addColumn('note', 'text')
      .execute();
    await database.db
      .insertInto('items')
      .values([
        { id: 1, owner: 'ann', size: 10, note: 'ünïcödé ✓' },
        { id: 2, owner: 'bob', size: null, note: null },
      ])
      .execute();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each row its columns by name, in order, nulls and text intact', async () => {
    const rows = await database.db.selectFrom('items').selectAll().orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, owner: 'ann', size: 10, note: 'ünïcödé ✓' },
      { id: 2, owner: 'bob', size: null, note: null },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'owner', 'size', 'note']);
  });

  it('names computed columns by their aliases, and a repeated name keeps the last value', async () => {
    const { rows } = await sql<{ n: number; id: number }>`select count(*) as n, 1 as id, 2 as id from items`.execute(database.db);
    expect(rows).toEqual([{ n: 2, id: 2 }]);
  });

  it('keeps a column named __proto__ as a column, not as the row\'s prototype', async () => {
    const { rows } = await sql<Record<string, unknown>>`select 'x' as "__proto__", 1 as id`.execute(database.db);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual(['__proto__', 'id']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('returns the rows of a write that returns some, and none from one that does not', async () => {
    const inserted = await database.db.insertInto('items').values({ id: 3, owner: 'cy', size: 5, note: null }).returning(['id', 'owner']).execute();
    expect(inserted).toEqual([{ id: 3, owner: 'cy' }]);
    const updated = await database.db.updateTable('items').set({ size: 6 }).where('id', '=', 3).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(1);
    expect(await database.db.selectFrom('items').select('size').where('id', '=', 3).executeTakeFirst()).toEqual({ size: 6 });
  });

  it('streams rows as objects too', async () => {
    const streamed: unknown[] = [];
    for await (const row of database.db.selectFrom('items').select(['id', 'owner']).orderBy('id').stream()) streamed.push(row);
    expect(streamed).toEqual([
      { id: 1, owner: 'ann' },
      { id: 2, owner: 'bob' },
      { id: 3, owner: 'cy' },
    ]);
  });

  it('answers the same statement again with the same shape of rows (one prepared statement, reused)', async () => {
    const read = () => database.db.selectFrom('items').select(['owner']).where('id', '=', 1).execute();
    expect(await read()).toEqual([{ owner: 'ann' }]);
    expect(await read()).toEqual([{ owner: 'ann' }]);
  });

  it('opens the file durable (WAL, synchronous FULL) with the page cache the storage module sets', async () => {
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as Record<string, unknown>)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('cache_size')).toBe(-SQLITE_CACHE_KIB);
  });
});
