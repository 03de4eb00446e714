import { Agent, fetch as undiciFetch } from 'undici';

/**
 * Meridian's calls to its own parts (JWKS, producer deliveries, the CLI) go over real HTTPS
 * and trust the deployment's CA, which on the embedded default is the local CA it made.
 */
export function createHttpClient(caPem?: string | null): typeof fetch {
  const dispatcher = new Agent({
    connect: caPem ? { ca: caPem } : {},
    keepAliveTimeout: 10_000,
    connections: 64,
  });
  return ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}
