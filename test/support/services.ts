import net from 'node:net';

/**
 * The real services the suite runs against. Under CI=true a missing service fails the
 * run; elsewhere its suites are skipped with a loud message, never silently.
 */
export const POSTGRES_URL = process.env.MERIDIAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.MERIDIAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || fallbackPort) });
    socket.setTimeout(1500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function required(name: string, url: string, port: number): Promise<boolean> {
  if (await reachable(url, port)) return true;
  const message = `${name} is not reachable at ${url.replace(/\/\/[^@]*@/, '//')}`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI needs it (.ci/run starts it).`);
  console.warn(`\n!!! ${message}: its tests are SKIPPED. Start it to run the whole suite. !!!\n`);
  return false;
}

export const postgresAvailable = await required('PostgreSQL', POSTGRES_URL, 5432);
export const redisAvailable = await required('Redis', REDIS_URL, 6379);

export type TestEngine = 'sqlite' | 'postgres';
/** Storage engines every storage-touching suite runs on. */
export const ENGINES: TestEngine[] = postgresAvailable ? ['sqlite', 'postgres'] : ['sqlite'];
