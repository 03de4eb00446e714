import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeCache } from '../../src/platform/node-cache.js';
import { REDIS_URL, redisAvailable } from '../support/services.js';

/**
 * Two nodes' caches of one store on one Redis: what one node changes, the other stops
 * serving; a read that raced a change is not kept; a lost subscription serves nothing.
 */
describe.runIf(redisAvailable)('a per-node cache dropped across nodes through Redis', () => {
  const opened: Array<{ cache: NodeCache<string>; redis: Redis }> = [];
  afterEach(async () => {
    for (const { cache, redis } of opened.splice(0)) {
      await cache.close();
      redis.disconnect();
    }
  });

  const channel = `t${randomBytes(5).toString('hex')}:test-changed`;
  const node = async (store: Map<string, string>, maxAgeMs = 60_000) => {
    // Named, so the test can find this node's own subscriber connection (the cache's copy of it keeps the name).
    const connectionName = `node-cache-test-${randomBytes(4).toString('hex')}`;
    const redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName });
    await redis.connect();
    const cache = new NodeCache<string>({ name: 'test', redis, channel, maxAgeMs, logger: pino({ level: 'silent' }) });
    opened.push({ cache, redis });
    const until = Date.now() + 10_000;
    while (!cache.live && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cache.live).toBe(true);
    let loads = 0;
    const read = (key: string) =>
      cache.get(key, async () => {
        loads++;
        return store.get(key);
      });
    return { cache, redis, read, loads: () => loads, connectionName };
  };
  const eventually = async (condition: () => boolean | Promise<boolean>) => {
    const until = Date.now() + 5000;
    while (!(await condition()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    return condition();
  };

  it('serves a read again from the cache until another node changes it, then reads the store', async () => {
    const store = new Map([['client', 'v1']]);
    const a = await node(store);
    const b = await node(store);
    expect(await b.read('client')).toBe('v1');
    expect(await b.read('client')).toBe('v1');
    expect(b.loads()).toBe(1);

    store.set('client', 'v2');
    await a.cache.changed('client');
    // The message travels A → Redis → B; B drops the entry when it arrives (its maxAge is a minute away).
    expect(await eventually(async () => (await b.read('client')) === 'v2')).toBe(true);
    expect(await b.read('client')).toBe('v2');
    expect(b.loads()).toBe(2);
  });

  it('drops at once on the node that made the change, and keeps no absent entry', async () => {
    const store = new Map([['client', 'v1']]);
    const a = await node(store);
    expect(await a.read('client')).toBe('v1');
    store.set('client', 'v2');
    await a.cache.changed('client');
    expect(await a.read('client')).toBe('v2');
    expect(await a.read('missing')).toBeUndefined();
    store.set('missing', 'now');
    expect(await a.read('missing')).toBe('now');
  });

  it('does not keep a read that a change overtook', async () => {
    const store = new Map([['client', 'v1']]);
    const a = await node(store);
    let release!: () => void;
    const slow = a.cache.get('client', async () => {
      const value = store.get('client');
      await new Promise<void>((resolve) => (release = resolve));
      return value;
    });
    store.set('client', 'v2');
    await a.cache.changed('client');
    release();
    expect(await slow).toBe('v1');
    expect(await a.read('client')).toBe('v2');
  });

  it('serves nothing while its subscription is down, and starts empty once it is back', async () => {
    const store = new Map([['client', 'v1']]);
    const b = await node(store);
    expect(await b.read('client')).toBe('v1');
    // Kill B's subscriber connection at the server: B must notice and stop serving.
    const admin = new Redis(REDIS_URL);
    try {
      const clients = ((await admin.client('LIST')) as string).split('\n');
      const subscribers = clients.filter((line) => line.includes(` name=${b.connectionName} `) && / sub=1 /.test(line));
      expect(subscribers).toHaveLength(1);
      await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(subscribers[0]!)![1]!);
    } finally {
      admin.disconnect();
    }
    expect(await eventually(() => !b.cache.live)).toBe(true);
    store.set('client', 'v2');
    expect(await b.read('client')).toBe('v2');
    expect(await eventually(() => b.cache.live)).toBe(true);
    expect(await b.read('client')).toBe('v2');
  });
});
