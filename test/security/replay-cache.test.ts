import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { identityMigrations, type IdentityTables } from '../../src/identity/schema.js';
import { StoreReplayCache } from '../../src/identity/replay-cache.js';
import { dropPostgresSchemas } from '../support/harness.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

describe.each(ENGINES)('used assertions kept in the identity store on %s', (engine) => {
  let database: Database<IdentityTables>;
  let dir: string;
  const prefix = `r${randomBytes(5).toString('hex')}`;
  const schema = `${prefix}_identity`;
  let now = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-replay-'));
    database = await openDatabase<IdentityTables>(engine === 'sqlite' ? { engine, file: join(dir, 'identity.sqlite') } : { engine, url: POSTGRES_URL, schema });
    await migrate(database as never, identityMigrations);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropPostgresSchemas(prefix);
  });

  it('accepts a jti once until it expires, then once again, and sees claims of another cache on the same store', async () => {
    const first = new StoreReplayCache(database.db, () => now);
    const second = new StoreReplayCache(database.db, () => now);
    try {
      expect(await first.claim('env:client:jti-1', now + 60_000)).toBe(true);
      expect(await first.claim('env:client:jti-1', now + 60_000)).toBe(false);
      // A second process (or a restarted one) on the same store: the claim is in the store, not in memory.
      expect(await second.claim('env:client:jti-1', now + 60_000)).toBe(false);
      expect(await second.claim('env:client:jti-2', now + 60_000)).toBe(true);
      now += 60_000;
      expect(await second.claim('env:client:jti-1', now + 60_000)).toBe(true);
      expect(await first.claim('env:client:jti-1', now + 60_000)).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('commits claims of the same moment together, a key twice in one commit fresh only the first time', async () => {
    const cache = new StoreReplayCache(database.db, () => now);
    try {
      expect(await cache.claim('env:client:b0', now + 60_000)).toBe(true);
      const results = await Promise.all([cache.claim('env:client:b1', now + 60_000), cache.claim('env:client:b1', now + 60_000), cache.claim('env:client:b2', now + 60_000), cache.claim('env:client:b0', now + 60_000)]);
      expect(results).toEqual([true, false, true, false]);
    } finally {
      await cache.close();
    }
  });

  it('lets exactly one of many concurrent claims of one jti win', async () => {
    const caches = Array.from({ length: 8 }, () => new StoreReplayCache(database.db, () => now));
    try {
      const results = await Promise.all(caches.map((cache) => cache.claim('env:client:race', now + 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(caches.map((cache) => cache.close()));
    }
  });
});
