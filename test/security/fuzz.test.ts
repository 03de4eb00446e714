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
const RUNS = Number(process.env.MERIDIAN_FUZZ_RUNS ?? 3);
const SEED = Number(process.env.MERIDIAN_FUZZ_SEED ?? 14_2026);
const UNLIMITED = 1_000_000_000;
/** A listener's walk; a long run (MERIDIAN_FUZZ_RUNS) gets time in proportion. */
const WALK_TIMEOUT_MS = Math.max(120_000, RUNS * 20_000);
const ALL_SCOPES = PERMISSIONS.map((permission) => permission.name);

interface Store {
  name: string;
  db: Kysely<any>;
  engine: 'sqlite' | 'postgres';
}

/** The store's tables, read once per store: migrations do not run while the suite does. */
const tableLists = new WeakMap<Store, Promise<string[]>>();
function tablesOf(store: Store): Promise<string[]> {
  let tables = tableLists.get(store);
  if (!tables) {
    const query =
      store.engine === 'sqlite'
        ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
        : sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`;
    tables = query.execute(store.db).then((result) => result.rows.map((row) => row.name).sort());
    tableLists.set(store, tables);
  }
  return tables;
}

/**
 * Rows per table, outboxes left out (they drain on their own), and the outbox messages not yet
 * delivered (each delivery writes into a store: audit records reach the region so). One statement.
 */
async function reading(store: Store): Promise<{ counts: Record<string, number>; undelivered: number }> {
  const tables = await tablesOf(store);
  const parts = tables
    .filter((name) => !name.endsWith('_migrations'))
    .map((name) =>
      name.includes('outbox')
        ? sql`select ${`undelivered:${name}`} as t, count(*) as n from ${sql.table(name)} where delivered_at is null`
        : sql`select ${name} as t, count(*) as n from ${sql.table(name)}`,
    );
  const { rows } = await sql<{ t: string; n: number }>`${sql.join(parts, sql` union all `)}`.execute(store.db);
  const counts: Record<string, number> = {};
  let undelivered = 0;
  for (const row of rows) {
    if (row.t.startsWith('undelivered:')) undelivered += Number(row.n);
    else counts[row.t] = Number(row.n);
  }
  return { counts, undelivered };
}

async function fingerprint(store: Store): Promise<Record<string, number>> {
  return (await reading(store)).counts;
}

/**
 * Waits until background work stops changing the stores — every outbox delivered, two readings
 * alike — so that a change seen after the next request is that request's.
 */
async function settled(stores: Store[]): Promise<Array<Record<string, number>>> {
  let previous = await Promise.all(stores.map(reading));
  for (let i = 0; i < 500; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = await Promise.all(stores.map(reading));
    const quiet = now.every((store) => store.undelivered === 0);
    if (quiet && JSON.stringify(now) === JSON.stringify(previous)) return now.map((store) => store.counts);
    previous = now;
  }
  throw new Error('the stores did not settle within 5 s');
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

  async function fuzz(listener: string, base: () => string, operations: Operation[], credentials: (operation: Operation) => Promise<string | undefined>, runs = RUNS) {
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
        { seed: SEED, numRuns: runs, endOnFailure: true },
      );
    }
  }

  it('walks the identity listener: token endpoint, discovery and the admin API', async () => {
    const document = await (await harness.fetch(`${harness.identityUrl()}/openapi.json`)).json();
    await fuzz('identity', () => harness.identityUrl(), operationsOf(document), async (operation) =>
      operation.path.startsWith('/admin') ? `Bearer ${harness.meridian.config.adminKey}` : undefined,
    );
  }, WALK_TIMEOUT_MS);

  it('walks the region listener: every module\'s routes, producer and admin routes included', async () => {
    const document = await (await harness.fetch(`${harness.regionUrl('us')}/openapi.json`)).json();
    await fuzz('region', () => harness.regionUrl('us'), operationsOf(document), async () => `Bearer ${await everything()}`);
  }, WALK_TIMEOUT_MS);

  it('walks the global listener: its own operations, and every regional one forwarded through it', async () => {
    const global = harness.meridian.global!.url;
    const own = operationsOf(await (await harness.fetch(`${global}/openapi.json`)).json());
    const regional = operationsOf(await (await harness.fetch(`${harness.regionUrl('us')}/openapi.json`)).json());
    const bearer = async () => `Bearer ${await everything()}`;
    if (own.length > 0) await fuzz('global', () => global, own, bearer);
    // The regional routes were walked at the region; here fewer runs prove the forwarding holds the same line.
    await fuzz('global (forwarded)', () => global, regional, bearer, Math.max(1, Math.ceil(RUNS / 2)));
  }, WALK_TIMEOUT_MS);
});
