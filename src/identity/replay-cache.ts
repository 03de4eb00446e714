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

/**
 * Claims as rows of `identity_assertion_replays`, committed before the token is issued (SQLite
 * with synchronous=FULL, or PostgreSQL), so a restart forgets none. One statement per claim:
 * an insert that, on a key already present, takes it over only if that claim has expired.
 */
export class StoreReplayCache implements ReplayCache {
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const now = this.nowMs();
    const result = await this.db
      .insertInto('identity_assertion_replays')
      .values({ replay_key: key, expires_at: expiresAtMs })
      .onConflict((conflict) =>
        conflict
          .column('replay_key')
          .doUpdateSet({ expires_at: expiresAtMs })
          .where('identity_assertion_replays.expires_at', '<=', now),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
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
