import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementsRegionMigrations } from '../../src/elements/schema.js';
import { DirectoryStore } from '../../src/elements/tenant-directory/directory-store.js';
import { RISK_RULES, rulesOf } from '../../src/elements/risk-management/risk-rules.js';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

/**
 * The rules took the ids the pages show (`00000002-9e63-4a52-9946-00000036`) after settings had
 * been reported under their first ids (`00000002-0000-4a52-0000-000000000036`): a region
 * migrated from before keeps each tenant's settings on the same rules.
 */
for (const engine of ENGINES) {
  describe(`risk rule settings across the rule id change on ${engine}`, () => {
    let database: Database<unknown>;
    let dir: string;
    let schema: string;
    const key = { customerId: 'c1', tenantId: 't1' };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-rm-'));
      schema = `rm${randomBytes(5).toString('hex')}`;
      database = await openDatabase(engine === 'sqlite' ? { engine, file: join(dir, 'region.sqlite') } : { engine, url: POSTGRES_URL, schema });
      const before = Object.fromEntries(Object.entries(elementsRegionMigrations.migrations).filter(([name]) => name < '103'));
      await migrate(database, { ...elementsRegionMigrations, migrations: before });
    });
    afterAll(async () => {
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') await dropPostgresSchema(POSTGRES_URL, schema);
    });

    it('moves settings reported under the old ids to the rules they named, and leaves other ids alone', async () => {
      const store = new DirectoryStore(database.db as never, () => Date.now());
      await store.upsertRuleSettings(key, [
        { ruleId: '00000002-0000-4a52-0000-000000000036', enabled: false, setting: null },
        { ruleId: '00000002-0000-4A52-0000-000000000024', enabled: true, setting: '30 days' },
        { ruleId: 'not-a-rule', enabled: false, setting: null },
      ]);
      expect(rulesOf(await store.ruleSettings(key)).find((rule) => rule.id.endsWith('00000036'))!.enabled).toBe(true);
      await migrate(database, elementsRegionMigrations);
      const settings = await store.ruleSettings(key);
      expect([...settings.keys()].sort()).toEqual(['00000002-9e63-4a52-9946-00000024', '00000002-9e63-4a52-9946-00000036', 'not-a-rule']);
      const rules = rulesOf(settings);
      expect(rules.find((rule) => rule.id === '00000002-9e63-4a52-9946-00000036')).toMatchObject({ name: 'Groups without owners', enabled: false });
      expect(rules.find((rule) => rule.id === '00000002-9e63-4a52-9946-00000024')).toMatchObject({ name: 'Inactive users', setting: '30 days' });
      expect(rules).toHaveLength(RISK_RULES.length);
    });
  });
}
