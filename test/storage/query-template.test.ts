import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { queryTemplate, TemplateCache } from '../../src/storage/query-template.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

interface Tables {
  items: { id: number; owner: string; size: number };
}

describe.each(ENGINES)('compiled query templates on %s', (engine) => {
  let database: Database<Tables>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-template-'));
      database = await openDatabase<Tables>({ engine, file: join(dir, 'items.sqlite') });
      cleanup = async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      const schema = `template_${randomBytes(6).toString('hex')}`;
      database = await openDatabase<Tables>({ engine, url: POSTGRES_URL, schema });
      cleanup = async () => {
        await database.close();
        await dropPostgresSchema(POSTGRES_URL, schema);
      };
    }
    await database.db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('owner', 'text').addColumn('size', 'integer').execute();
    await database.db
      .insertInto('items')
      .values(Array.from({ length: 20 }, (_, i) => ({ id: i + 1, owner: i % 2 === 0 ? 'even' : 'odd', size: i * 10 })))
      .execute();
  });
  afterAll(() => cleanup());

  it('binds each call its own values, in any order of use', async () => {
    const bigger = queryTemplate(database.db, ['owner', 'min', 'limit'], (v: { owner: string; min: number; limit: number }) =>
      database.db.selectFrom('items').select(['id', 'size']).where('size', '>=', v.min).where('owner', '=', v.owner).orderBy('id').limit(v.limit),
    );
    expect(await bigger({ owner: 'odd', min: 100, limit: 3 })).toEqual([
      { id: 12, size: 110 },
      { id: 14, size: 130 },
      { id: 16, size: 150 },
    ]);
    expect((await bigger({ owner: 'even', min: 0, limit: 100 })).map((row) => row.id)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(await bigger({ owner: 'nobody', min: 0, limit: 5 })).toEqual([]);
  });

  it('refuses a template whose builder computed with a value instead of binding it', () => {
    expect(() =>
      queryTemplate(database.db, ['limit'], (v: { limit: number }) => database.db.selectFrom('items').selectAll().limit(Number(v.limit) + 1)),
    ).toThrow(/never binds limit/);
  });

  it('keeps one template per shape', async () => {
    let made = 0;
    const byOwners = new TemplateCache<Record<string, string>, { id: number }>((shape) => {
      made++;
      const names = Array.from({ length: Number(shape) }, (_, i) => `o${i}`);
      return queryTemplate(database.db, names, (v) =>
        database.db.selectFrom('items').select('id').where('owner', 'in', names.map((name) => v[name]!)).where('id', '<=', 4).orderBy('id'),
      );
    });
    expect(await byOwners.run('1', { o0: 'odd' })).toEqual([{ id: 2 }, { id: 4 }]);
    expect(await byOwners.run('2', { o0: 'odd', o1: 'even' })).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    expect(await byOwners.run('1', { o0: 'even' })).toEqual([{ id: 1 }, { id: 3 }]);
    expect(made).toBe(2);
  });
});
