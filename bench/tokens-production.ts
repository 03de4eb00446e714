/**
 * Tokens per second in the production shape: Meridian's identity on PostgreSQL with the
 * replay cache and the token rate limit in Redis, against two others in the same run and
 * under the same load — the signing floor (a bare route that parses the form and signs the
 * same RS256 token) and node-oidc-provider, the library users would otherwise pick
 * (client_credentials, client_secret_post, RS256 JWT access tokens, its in-memory adapter).
 * Targets: ≥ 85 % of the signing floor; ≥ 1.5× node-oidc-provider.
 */
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK } from 'jose';
import Provider from 'oidc-provider';
import { makeClientCertificate } from '../test/support/certificates.js';
import { ACCESS_TOKEN_AUDIENCE } from '../src/platform/access-token.js';
import { makeAssertionRequests, type AssertionRequestArgs } from './assertions.js';
import { checkSameTokens, createTokenFloor, PERMISSIONS } from './tokens.js';
import { dropSchemasWithPrefix } from '../src/cluster/cluster.js';
import {
  BENCH_POSTGRES_URL,
  BENCH_REDIS_URL,
  cpuNote,
  engineConfig,
  loopbackOrigin,
  measureSides,
  ratioOf,
  startBenchMeridian,
  type BenchOptions,
  type BenchResult,
  type LoadSpec,
  type RequestSpec,
  UNREACHABLE_RATE_LIMIT,
} from './lib.js';
import { randomHex } from '../src/platform/ids.js';

const FLOOR_TARGET = 0.85;
const OIDC_TARGET = 1.5;
const LIFETIME_SECONDS = 3600;

export async function benchTokensProduction(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const concurrency = 16;
  const schemaPrefix = `bt_${randomHex(5)}`;
  const bench = await startBenchMeridian({ regions: ['us'], config: { ...engineConfig('postgres', schemaPrefix), redisUrl: BENCH_REDIS_URL } });
  const closers: Array<() => Promise<void>> = [() => bench.close(), () => dropSchemasWithPrefix(BENCH_POSTGRES_URL, schemaPrefix)];
  try {
    const app = await bench.tenantWithApp(PERMISSIONS);
    const certificate = await makeClientCertificate();
    await bench.meridian.identities.get('commercial')!.directory.addCertificate(app.clientId, certificate.certPem, { name: 'bench' });
    const tokenUrl = `${bench.identityUrl}/connect/token`;
    const floor = await createTokenFloor(bench, app.tenantId);
    closers.unshift(() => floor.close());
    const oidc = await startOidcProvider(bench.tls, app.clientId, app.clientSecret);
    closers.unshift(() => oidc.close());

    const form = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret };
    const secretRequest: RequestSpec = { method: 'POST', path: '/connect/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
    // node-oidc-provider's token endpoint is /token; the scope is asked for, as its resource server grants none by default.
    const oidcRequest: RequestSpec = { ...secretRequest, path: '/token', body: new URLSearchParams({ ...form, scope: PERMISSIONS.join(' ') }).toString() };
    const assertionArgs = (count: number): AssertionRequestArgs => ({ count, clientId: app.clientId, audience: tokenUrl, privateKeyPem: certificate.privateKeyPem, x5t: certificate.x5t });
    const sameness = await checkSameTokens(bench.meridian.fetch, tokenUrl, `${floor.origin}/connect/token`, secretRequest.body!, (await makeAssertionRequests(assertionArgs(1)))[0]!.body!);
    const oidcToken = await oidc.token(oidcRequest.body!, bench.meridian.fetch);

    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"access_token"' };
    log(`tokens-pg: client_secret_post — floor / Meridian (PostgreSQL + Redis) / node-oidc-provider (${timing.rounds} × ${timing.durationMs / 1000} s each, concurrency ${concurrency})`);
    const secret = await measureSides(
      {
        floor: { ...base, origin: floor.origin, requests: [secretRequest] },
        meridian: { ...base, origin: loopbackOrigin(bench.identityUrl), requests: [secretRequest] },
        oidc: { ...base, origin: oidc.origin, requests: [oidcRequest] },
      },
      { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'tokens-pg secret' },
    );
    const common = [
      `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections (the same certificate on every side), ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each.`,
      `Meridian: identity on PostgreSQL (the app and its secret read per request), token rate limit counted in Redis (${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute, never reached), replay cache in Redis.`,
    ];
    const results: BenchResult[] = [];
    const floorRatio = ratioOf(secret.meridian.stats, secret.floor.stats);
    results.push({
      name: 'tokens (PostgreSQL + Redis): client secret',
      labels: { baseline: 'bare Fastify HTTPS route: parse the same form, sign the same RS256 token', subject: 'Meridian POST /connect/token, client_secret_post' },
      baseline: secret.floor.stats,
      subject: secret.meridian.stats,
      ratio: floorRatio,
      target: { description: `≥ ${FLOOR_TARGET * 100} % of the signing floor`, met: floorRatio >= FLOOR_TARGET },
      notes: [...common, cpuNote({ floor: secret.floor, Meridian: secret.meridian }), ...sameness],
    });
    const oidcRatio = ratioOf(secret.meridian.stats, secret.oidc.stats);
    results.push({
      name: 'tokens (PostgreSQL + Redis): client secret vs node-oidc-provider',
      labels: { baseline: 'node-oidc-provider 9, client_credentials, client_secret_post, RS256 JWT access token (in-memory adapter)', subject: 'Meridian POST /connect/token, client_secret_post' },
      baseline: secret.oidc.stats,
      subject: secret.meridian.stats,
      ratio: oidcRatio,
      target: { description: `≥ ${OIDC_TARGET}× node-oidc-provider`, met: oidcRatio >= OIDC_TARGET },
      notes: [
        ...common,
        `node-oidc-provider runs in the same process as Meridian with its development in-memory adapter (which flatters it: nothing is read from a database), a 2048-bit RSA key, an access-token TTL of ${LIFETIME_SECONDS} s and the same scopes; its token carries claims ${Object.keys(decodeJwt(oidcToken)).sort().join(',')}.`,
        cpuNote({ 'node-oidc-provider': secret.oidc, Meridian: secret.meridian }),
      ],
    });

    const fastest = Math.max(2000, ...[...secret.floor.runs, ...secret.meridian.runs].map((run) => (run.seconds > 0 ? run.requests / run.seconds : 0)));
    const perRun = Math.min(200_000, Math.ceil(fastest * 2 * ((timing.warmupMs + timing.durationMs) / 1000)) + 500);
    const certificateSpec = (origin: string) => (): LoadSpec => ({ ...base, origin, unique: true, source: { module: 'bench/assertions.ts', export: 'makeAssertionRequests', args: assertionArgs(perRun) } });
    log(`tokens-pg: private_key_jwt with the Redis replay cache vs floor (${perRun.toLocaleString('en-US')} assertions per run)`);
    const cert = await measureSides({ floor: certificateSpec(floor.origin), meridian: certificateSpec(loopbackOrigin(bench.identityUrl)) }, { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'tokens-pg certificate' });
    const certRatio = ratioOf(cert.meridian.stats, cert.floor.stats);
    results.push({
      name: 'tokens (PostgreSQL + Redis): certificate, Redis replay cache',
      labels: { baseline: 'bare Fastify HTTPS route: parse the same form, sign the same RS256 token (assertion not verified)', subject: 'Meridian POST /connect/token, private_key_jwt, each jti claimed in Redis' },
      baseline: cert.floor.stats,
      subject: cert.meridian.stats,
      ratio: certRatio,
      target: { description: `≥ ${FLOOR_TARGET * 100} % of the signing floor`, met: certRatio >= FLOOR_TARGET },
      notes: [...common, 'Each request carries its own client assertion (unique jti), signed in the load process before its clock started; Meridian claims each jti in Redis (SET NX PX).', cpuNote({ floor: cert.floor, Meridian: cert.meridian })],
    });
    return results;
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

/** node-oidc-provider over HTTPS with Meridian's certificate, one client_credentials client. */
async function startOidcProvider(tls: { cert: string; key: string }, clientId: string, clientSecret: string) {
  const server = https.createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const scope = PERMISSIONS.join(' ');
  const provider = new Provider(origin, {
    clients: [{ client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_post', scope }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'bench' } as never] },
    scopes: PERMISSIONS,
    ttl: { ClientCredentials: LIFETIME_SECONDS },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ACCESS_TOKEN_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope, audience: ACCESS_TOKEN_AUDIENCE, accessTokenTTL: LIFETIME_SECONDS, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
  });
  server.on('request', provider.callback());
  return {
    origin,
    async token(body: string, fetcher: typeof fetch): Promise<string> {
      const response = await fetcher(`${origin}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const json = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !json.access_token) throw new Error(`node-oidc-provider answered HTTP ${response.status}: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
