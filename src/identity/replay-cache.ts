import type { Redis } from 'ioredis';

/**
 * Remembers client-assertion `jti`s until the assertion expires, so that each assertion
 * is accepted once. On one node a Map suffices; nodes of one environment share Redis.
 */
export interface ReplayCache {
  /** True the first time a key is claimed before `expiresAtMs`; false on every replay. */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryReplayCache implements ReplayCache {
  private readonly entries = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly nowMs: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const now = this.nowMs();
    const existing = this.entries.get(key);
    if (existing !== undefined && existing > now) return false;
    this.entries.set(key, expiresAtMs);
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key);
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
