import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { countCacheLookup } from './metrics.js';

export interface NodeCacheOptions {
  /** Names the cache in metrics and logs. */
  name: string;
  /** The deployment's Redis; without it nothing is cached (other nodes' changes could not reach this one). */
  redis?: Redis | undefined;
  /** The pub/sub channel every node of the part shares (with the deployment's prefix). */
  channel: string;
  /** Backstop: an entry is read again after this long even without a message (0 turns the cache off). */
  maxAgeMs: number;
  maxEntries?: number;
  logger: Logger;
  nowMs?: () => number;
}

const SUBSCRIBE_RETRY_MS = 1000;

interface Entry<V> {
  value: V;
  loadedAt: number;
}

/**
 * A per-node cache of store reads that every node drops at once when one of them changes the
 * entry: the changing node drops it locally and publishes its key on Redis; the others drop it
 * when the message arrives. It serves entries only while its subscription is known to be up:
 * losing the connection drops everything and reads go to the store until the subscription is
 * back (messages sent meanwhile are lost, so the cache starts empty again).
 *
 * A read racing a change never stores what it read: every drop bumps a generation, and a
 * load's result is kept only if no drop happened while it ran.
 */
export class NodeCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private generation = 0;
  private subscribed = false;
  private readonly subscriber: Redis | undefined;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: NodeCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
    if (!options.redis || options.maxAgeMs <= 0) return;
    // Its own connection: a subscribed connection can run no other command. Offline queue on,
    // so the SUBSCRIBE of a reconnect waits for the connection instead of failing.
    const subscriber = options.redis.duplicate({ enableOfflineQueue: true, autoResubscribe: false, lazyConnect: true, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === options.channel) this.drop(key);
    });
    subscriber.on('ready', () => void this.subscribe());
    for (const event of ['close', 'end', 'reconnecting']) subscriber.on(event, () => this.lost());
    subscriber.on('error', (error: Error) => this.lost(error));
    subscriber.connect().catch((error: Error) => this.lost(error));
  }

  /** Whether entries are served now (a subscription that is up). */
  get live(): boolean {
    return this.subscribed;
  }

  /** The entry of `key`: cached, or loaded (and kept unless a change raced the load). `undefined` is not cached. */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (!this.subscribed) return load();
    const cached = this.entries.get(key);
    if (cached && this.nowMs() - cached.loadedAt < this.options.maxAgeMs) {
      countCacheLookup(this.options.name, 'hit');
      return cached.value;
    }
    countCacheLookup(this.options.name, 'miss');
    const generation = this.generation;
    const loadedAt = this.nowMs();
    const value = await load();
    if (value !== undefined && this.subscribed && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.delete(key);
      this.entries.set(key, { value, loadedAt });
    }
    return value;
  }

  /**
   * After a change of `key` is committed: dropped here at once, then at every other node.
   * Resolves once Redis took the message; a failed publish is logged (the other nodes then
   * read the entry again within `maxAgeMs`) and does not fail the change, which is committed.
   */
  async changed(key: string): Promise<void> {
    this.drop(key);
    if (!this.options.redis) return;
    try {
      await this.options.redis.publish(this.options.channel, key);
    } catch (error) {
      this.options.logger.error({ err: { message: (error as Error).message }, cache: this.options.name }, `could not tell the other nodes of a change; they may serve the old entry for up to ${this.options.maxAgeMs} ms`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.lost();
    this.subscriber?.disconnect();
  }

  private drop(key: string): void {
    this.generation++;
    this.entries.delete(key);
  }

  private lost(error?: Error): void {
    if (this.subscribed && !this.closed) this.options.logger.warn({ cache: this.options.name, err: error && { message: error.message } }, 'lost the change subscription: reading the store until it is back');
    this.subscribed = false;
    this.generation++;
    this.entries.clear();
  }

  private async subscribe(): Promise<void> {
    if (this.closed || !this.subscriber) return;
    try {
      await this.subscriber.subscribe(this.options.channel);
      // Whatever was published while the subscription was down is lost: start empty.
      this.lost();
      this.subscribed = !this.closed;
    } catch (error) {
      this.options.logger.warn({ cache: this.options.name, err: { message: (error as Error).message } }, 'could not subscribe to changes: reading the store until it can');
      this.lost();
      // A SUBSCRIBE that timed out on a connection that stays up gets no new 'ready': try again.
      if (!this.closed) this.retry = setTimeout(() => void this.subscribe(), SUBSCRIBE_RETRY_MS);
    }
  }
}
