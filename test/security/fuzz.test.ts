import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../src/identity/permissions.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { LEAKS, operationsOf, requestFor, type FuzzRequest, type Operation } from './openapi-fuzz.js';

/**
 * Every operation of every listener's /openapi.json, read when the test runs, fed malformed,
 * oversized, mistyped and boundary inputs: no 5xx, nothing in a body that shows the inside
 * (stack, paths, SQL), and a refused write stores nothing. CI runs a fixed seed and a few runs
 * per operation; MERIDIAN_FUZZ_RUNS=200 (and MERIDIAN_FUZZ_SEED) run longer.
 */
const RUNS = Number(process.env.MERIDIAN_FUZZ_RUNS ?? 4);
const SEED = Number(process.env.MERIDIAN_FUZZ_SEED ?? 14_2026);
const UNLIMITED = 1_000_000_000;
const ALL_SCOPES = PERMISSIONS.map((permission) => permission.name);

interface Store {
  name: string;
  db: Kysely<any>;
  engine: 'sqlite' | 'postgres';
}

/** Rows per table; outboxes are left out, as they drain on their own. */
async function fingerprint(store: Store): Promise<Record<string, number>> {
  const tables =
    store.engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(store.db)).rows.map((row) => row.name);
  const counts: Record<string, number> = {};
  for (const table of tables.filter((name) => !/outbox|_migrations$/.test(name)).sort()) {
    counts[table] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
  }
  return counts;
}

/** Until background work (jobs, outbox deliveries) stops changing the store, so a change seen next is the request's. */
async function settled(stores: Store[]): Promise<Array<Record<string, number>>> {
  let previous = await Promise.all(stores.map(fingerprint));
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = await Promise.all(stores.map(fingerprint));
    if (JSON.stringify(now) === JSON.stringify(previous)) return now;
    previous = now;
  }
  return previous;
}

describe.each(ENGINES)('fuzzing every documented operation on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let stores: Store[];
  let known: Record<string, string[]>;
  const tally = { requests: 0, refusedWrites: 0, byStatus: {} as Record<number, number> };

  beforeAll(async () => {
    harness = await Harness.start({
      engine,
      regions: ['us'],
      config: { rateLimitPerMinute: UNLIMITED, tokenRateLimitPerMinute: UNLIMITED, tokenFailuresPerMinutePerAddress: UNLIMITED, tokenFailuresPerMinutePerClient: UNLIMITED },
    });
    app = await harness.tenantWithApp(['audit.read.all']);
    const identity = harness.meridian.identities.get('commercial')!;
    const region = harness.meridian.regions.get('us')!;
    // The identity's store is private to it; the suite reads it to prove refused writes stored nothing.
    const identityDb = (identity as unknown as { database: { db: Kysely<any> } }).database.db;
    stores = [
      { name: 'identity', db: identityDb, engine },
      { name: 'region us', db: region.context.db as Kysely<any>, engine },
    ];
    const tenant = await identity.directory.requireTenant(app.tenantId);
    known = { tenant: [app.tenantId, tenant.name], clientId: [app.clientId], secretId: [(await identity.directory.requireAppView(app.clientId)).secrets[0]!.id] };
  });
  afterAll(async () => {
    console.log(`fuzz on ${engine}: ${tally.requests} requests, ${tally.refusedWrites} refused writes checked, statuses ${JSON.stringify(tally.byStatus)}`);
    await harness?.close();
  });

  /** A token of the tenant holding every permission, producer included, minted fresh (a fuzzed key rotation may retire keys). */
  const everything = async () =>
    (await harness.meridian.identities.get('commercial')!.issuer.issue({ clientId: app.clientId, appName: 'fuzz', tenantId: app.tenantId, tenantRegion: 'us', scopes: ALL_SCOPES })).access_token;

  async function send(base: string, request: FuzzRequest, authorization: string | undefined) {
    const response = await harness.fetch(`${base}${request.target}`, {
      method: request.method,
      headers: { ...(authorization ? { authorization } : {}), ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
    });
    return { status: response.status, text: await response.text() };
  }

  async function fuzz(listener: string, base: () => string, operations: Operation[], credentials: (operation: Operation) => Promise<string | undefined>) {
    expect(operations.length, `${listener} documents operations`).toBeGreaterThan(0);
    for (const operation of operations) {
      const authorization = await credentials(operation);
      const write = operation.method !== 'GET';
      await fc.assert(
        fc.asyncProperty(requestFor(operation, known), async (request) => {
          const before = write ? await settled(stores) : undefined;
          const answer = await send(base(), request, authorization);
          tally.requests++;
          tally.byStatus[answer.status] = (tally.byStatus[answer.status] ?? 0) + 1;
          const where = `${listener} ${request.method} ${request.target.slice(0, 200)} → ${answer.status}`;
          expect(answer.status, `${where} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          for (const [leak, pattern] of LEAKS) expect(pattern.test(answer.text), `${where}: ${leak} in ${answer.text.slice(0, 300)}`).toBe(false);
          if (before && answer.status >= 400) {
            tally.refusedWrites++;
            const after = await Promise.all(stores.map(fingerprint));
            expect(after, `${where}: a refused write changed a store`).toEqual(before);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
  }

  it('walks the identity listener: token endpoint, discovery and the admin API', async () => {
    const document = await (await harness.fetch(`${harness.identityUrl()}/openapi.json`)).json();
    await fuzz('identity', () => harness.identityUrl(), operationsOf(document), async (operation) =>
      operation.path.startsWith('/admin') ? `Bearer ${harness.meridian.config.adminKey}` : undefined,
    );
  });

  it('walks the region listener: every module\'s routes, producer and admin routes included', async () => {
    const document = await (await harness.fetch(`${harness.regionUrl('us')}/openapi.json`)).json();
    await fuzz('region', () => harness.regionUrl('us'), operationsOf(document), async () => `Bearer ${await everything()}`);
  });

  it('walks the global listener: its own operations, and every regional one forwarded through it', async () => {
    const global = harness.meridian.global!.url;
    const own = operationsOf(await (await harness.fetch(`${global}/openapi.json`)).json());
    const regional = operationsOf(await (await harness.fetch(`${harness.regionUrl('us')}/openapi.json`)).json());
    await fuzz('global', () => global, [...own, ...regional], async () => `Bearer ${await everything()}`);
  });
});
