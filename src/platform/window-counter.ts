import type { Redis } from 'ioredis';

export interface WindowCount {
  count: number;
  /** Milliseconds until the key's window ends and its count starts again from zero. */
  resetInMs: number;
}

/**
 * Fixed-window counters keyed by any string: per process, or shared by a deployment's nodes
 * through Redis. A counting store that is down counts nothing: throttling must not take the
 * API down with it.
 */
export interface WindowCounter {
  /** Adds one to `key` and returns the count of the current window, this hit included. */
  hit(key: string): Promise<WindowCount>;
  /** The count of the current window without adding to it. */
  peek(key: string): Promise<WindowCount>;
  close(): Promise<void>;
}

export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), windowMs);
    this.sweeper.unref();
  }

  async hit(key: string): Promise<WindowCount> {
    const now = this.nowMs();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.nowMs();
    const window = this.windows.get(key);
    return window && window.endsAt > now ? { count: window.count, resetInMs: window.endsAt - now } : { count: 0, resetInMs: this.windowMs };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

// INCR and the window's expiry in one step, so a crash between them cannot leave a key that never expires.
const HIT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export class RedisWindowCounter implements WindowCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  async hit(key: string): Promise<WindowCount> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}${key}`, String(this.windowMs))) as [number, number];
      return { count, resetInMs: ttl > 0 ? ttl : this.windowMs };
    } catch {
      return { count: 0, resetInMs: this.windowMs };
    }
  }

  async peek(key: string): Promise<WindowCount> {
    try {
      const [[, count], [, ttl]] = (await this.redis.multi().get(`${this.prefix}${key}`).pttl(`${this.prefix}${key}`).exec()) as [[unknown, string | null], [unknown, number]];
      return { count: Number(count ?? 0), resetInMs: ttl > 0 ? ttl : this.windowMs };
    } catch {
      return { count: 0, resetInMs: this.windowMs };
    }
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
