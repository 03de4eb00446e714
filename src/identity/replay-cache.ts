import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { IdentityTables } from './schema.js';

/**
 * Remembers client-assertion `jti`s until the assertion expires, so that each assertion is
 * accepted once — across restarts and `kill -9` too: a claim is acknowledged only once it is
 * durable. The embedded default keeps them in the identity's own store; nodes of one
 * environment share Redis.
 */
export interface ReplayCache {
  /** True the first time a key is claimed before `expiresAtMs`; false on every replay. */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** How often expired claims are deleted; a claim past its expiry is already claimable again. */
const SWEEP_INTERVAL_MS = 60_000;
/** Claims per statement at most, well inside every engine's limit on bound parameters. */
const MAX_BATCH = 500;

interface PendingClaim {
  key: string;
  expiresAtMs: number;
  settle: (fresh: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Claims as rows of `identity_assertion_replays`, committed before the token is issued (SQLite
 * with synchronous=FULL, or PostgreSQL), so a restart forgets none. A claim is an insert that,
 * on a key already present, takes it over only if that claim has expired. Claims arriving
 * together are committed together (group commit): one statement, one sync to disk, for every
 * token request of the same moment instead of one each — the sync, not the insert, is the cost.
 */
export class StoreReplayCache implements ReplayCache {
  private readonly sweeper: NodeJS.Timeout;
  private pending: PendingClaim[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  claim(key: string, expiresAtMs: number): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.pending.push({ key, expiresAtMs, settle, fail });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current I/O callbacks: requests parsed in the same turn share the commit.
    setImmediate(() => void this.commit());
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private async commit(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length > 0) this.schedule();
    const now = this.nowMs();
    // A key twice in one batch: only its first claim can be fresh (and one statement may not touch a row twice).
    const first = new Map<string, PendingClaim>();
    for (const claim of batch) if (!first.has(claim.key)) first.set(claim.key, claim);
    try {
      const rows = await this.db
        .insertInto('identity_assertion_replays')
        .values([...first.values()].map((claim) => ({ replay_key: claim.key, expires_at: claim.expiresAtMs })))
        .onConflict((conflict) =>
          conflict
            .column('replay_key')
            .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
            .where('identity_assertion_replays.expires_at', '<=', now),
        )
        .returning('replay_key')
        .execute();
      const fresh = new Set(rows.map((row) => row.replay_key));
      for (const claim of batch) claim.settle(first.get(claim.key) === claim && fresh.has(claim.key));
    } catch (error) {
      // Nothing of the batch is committed: every request of it fails, none is issued a token.
      for (const claim of batch) claim.fail(error);
    }
  }

  private async sweep(): Promise<void> {
    await this.db.deleteFrom('identity_assertion_replays').where('expires_at', '<=', this.nowMs()).execute();
  }
}

export class RedisReplayCache implements ReplayCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const ttl = Math.max(1000, expiresAtMs - this.nowMs());
    const result = await this.redis.set(`${this.prefix}${key}`, '1', 'PX', ttl, 'NX');
    return result === 'OK';
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
