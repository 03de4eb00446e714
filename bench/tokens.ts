/**
 * Tokens per second at POST /connect/token, by client secret (client_secret_post) and by
 * certificate (private_key_jwt with a real X.509 certificate and a fresh assertion per
 * request), against a floor: a bare Fastify HTTPS route with the same certificate that only
 * parses the same form body and signs the same access token. Target: ≥ 70 % of the floor.
 */
import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, SignJWT } from 'jose';
import { makeClientCertificate } from '../test/support/certificates.js';
import { ACCESS_TOKEN_AUDIENCE } from '../src/platform/access-token.js';
import type { AssertionRequestArgs } from './assertions.js';
import { makeAssertionRequests } from './assertions.js';
import {
  createBaselineServer,
  fmt,
  loopbackOrigin,
  measurePair,
  startBenchMeridian,
  type BenchOptions,
  type BenchResult,
  type LoadSpec,
  type RequestSpec,
  type BaselineServer,
  type BenchMeridian,
  UNREACHABLE_RATE_LIMIT,
} from './lib.js';

const TARGET_RATIO = 0.7;
export const PERMISSIONS = ['audit.read.all', 'autodiscovery.readwrite.all'];
const APP_NAME = 'bench app';
const LIFETIME_SECONDS = 3600;
const RATE_LIMIT_NOTE = `Meridian's token rate limit is set to ${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute: the limiter runs on every request but never refuses one.`;

export async function benchTokens(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const concurrency = 16;

  const bench = await startBenchMeridian({ regions: ['us'] });
  const closers: Array<() => Promise<void>> = [() => bench.close()];
  try {
    const app = await bench.tenantWithApp(PERMISSIONS);
    const certificate = await makeClientCertificate();
    await bench.meridian.identities.get('commercial')!.directory.addCertificate(app.clientId, certificate.certPem, { name: 'bench' });
    const tokenUrl = `${bench.identityUrl}/connect/token`;

    const floor = await createTokenFloor(bench, app.tenantId);
    closers.unshift(() => floor.close());

    const secretRequest: RequestSpec = {
      method: 'POST',
      path: '/connect/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString(),
    };
    const assertionArgs = (count: number): AssertionRequestArgs => ({
      count,
      clientId: app.clientId,
      audience: tokenUrl,
      privateKeyPem: certificate.privateKeyPem,
      x5t: certificate.x5t,
    });

    // Both sides must answer alike before their speed means anything.
    const sameness = await checkSameTokens(bench.meridian.fetch, tokenUrl, `${floor.origin}/connect/token`, secretRequest.body!, (await makeAssertionRequests(assertionArgs(1)))[0]!.body!);
    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"access_token"' };
    const results: BenchResult[] = [];

    log(`tokens: client_secret_post vs floor (${timing.rounds} × ${timing.durationMs / 1000} s each, concurrency ${concurrency})`);
    const secret = await measurePair({
      label: 'tokens secret',
      log,
      rounds: timing.rounds,
      retries: timing.retries,
      quietWaitMs: timing.quietWaitMs,
      baseline: { ...base, origin: floor.origin, requests: [secretRequest] },
      subject: { ...base, origin: loopbackOrigin(bench.identityUrl), requests: [secretRequest] },
    });
    results.push({
      name: 'tokens: client secret',
      labels: { baseline: 'bare Fastify HTTPS route: parse the same form, sign the same RS256 token', subject: 'Meridian POST /connect/token, client_secret_post' },
      baseline: secret.baseline,
      subject: secret.subject,
      ratio: secret.ratio,
      target: { description: `≥ ${TARGET_RATIO * 100} % of the floor`, met: secret.ratio >= TARGET_RATIO },
      notes: [
        `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each.`,
        'Every request is the same form body (grant_type, client_id, client_secret); every response is a newly signed access token.',
        RATE_LIMIT_NOTE,
        secret.cpuNote,
        ...sameness,
      ],
    });

    // One assertion per request, sized from what the secret run reached, plus margin; made before the clock starts.
    // Other processes may have slowed the secret runs: allow twice the fastest run seen, and at least 2,000 a second.
    const fastest = Math.max(2000, ...[...secret.baselineRuns, ...secret.subjectRuns].map((run) => (run.seconds > 0 ? run.requests / run.seconds : 0)));
    const perRun = Math.min(200_000, Math.ceil(fastest * 2 * ((timing.warmupMs + timing.durationMs) / 1000)) + 500);
    const certificateSpec = (origin: string) => (): LoadSpec => ({
      ...base,
      origin,
      unique: true,
      source: { module: 'bench/assertions.ts', export: 'makeAssertionRequests', args: assertionArgs(perRun) },
    });
    log(`tokens: private_key_jwt vs floor (${perRun.toLocaleString('en-US')} assertions signed per run before its clock starts)`);
    const cert = await measurePair({
      label: 'tokens certificate',
      log,
      rounds: timing.rounds,
      retries: timing.retries,
      quietWaitMs: timing.quietWaitMs,
      baseline: certificateSpec(floor.origin),
      subject: certificateSpec(loopbackOrigin(bench.identityUrl)),
    });
    const ranOut = [...cert.baselineRuns, ...cert.subjectRuns].some((run) => run.exhausted);
    const signMs = Math.max(...[...cert.baselineRuns, ...cert.subjectRuns].map((run) => run.prepareMs));
    results.push({
      name: 'tokens: certificate',
      labels: { baseline: 'bare Fastify HTTPS route: parse the same form, sign the same RS256 token (assertion not verified)', subject: 'Meridian POST /connect/token, private_key_jwt' },
      baseline: cert.baseline,
      subject: cert.subject,
      ratio: cert.ratio,
      target: { description: `≥ ${TARGET_RATIO * 100} % of the floor`, met: cert.ratio >= TARGET_RATIO },
      notes: [
        `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each.`,
        `Each request carries its own client assertion (RS256, x5t header, unique jti, 10-minute lifetime) for a real self-signed X.509 certificate (2048-bit RSA) registered on the app; ${perRun.toLocaleString('en-US')} were signed per run in the load process before its clock started (≤ ${fmt(signMs / 1000)} s), so client signing is not measured.`,
        'The floor receives the same form bodies but does not verify the assertion: the ratio prices certificate lookup, signature and claim checks and the replay cache.',
        RATE_LIMIT_NOTE,
        cert.cpuNote,
        ...(ranOut ? ['Some runs used up their assertions before the duration ended; their seconds are what was measured.'] : []),
        ...sameness,
      ],
    });
    return results;
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

/**
 * The floor of the token endpoint: a bare Fastify HTTPS route with Meridian's certificate that
 * parses the same form body and signs the same access token (same header and claims, RS256,
 * a 2048-bit key), and nothing else.
 */
export async function createTokenFloor(bench: Pick<BenchMeridian, 'tls' | 'identityUrl'>, tenantId: string): Promise<BaselineServer> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = await calculateJwkThumbprint(await exportJWK(privateKey), 'sha256');
  return createBaselineServer({
    tls: bench.tls,
    routes: async (server) => {
      await server.register(formbody, { bodyLimit: 16 * 1024 });
      server.post('/connect/token', async (request, reply) => {
        const form = request.body as Record<string, string | undefined>;
        const clientId = String(form.client_id);
        const now = Math.floor(Date.now() / 1000);
        const scope = PERMISSIONS.join(' ');
        const accessToken = await new SignJWT({ client_id: clientId, app_displayname: APP_NAME, tid: tenantId, tenant_region: 'us', scope })
          .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
          .setIssuer(bench.identityUrl)
          .setAudience(ACCESS_TOKEN_AUDIENCE)
          .setSubject(clientId)
          .setJti(randomUUID())
          .setIssuedAt(now)
          .setNotBefore(now)
          .setExpirationTime(now + LIFETIME_SECONDS)
          .sign(privateKey);
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return { token_type: 'Bearer', expires_in: LIFETIME_SECONDS, ext_expires_in: LIFETIME_SECONDS, access_token: accessToken, scope };
      });
    },
  });
}

/** Asks both servers for a token and checks that the tokens have the same header fields and claims. */
export async function checkSameTokens(fetcher: typeof fetch, meridianUrl: string, floorUrl: string, secretBody: string, assertionBody: string): Promise<string[]> {
  const post = async (url: string, body: string) => {
    const response = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const json = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !json.access_token) throw new Error(`${url} answered HTTP ${response.status}: ${JSON.stringify(json)}`);
    return { json, header: decodeProtectedHeader(json.access_token), claims: decodeJwt(json.access_token), length: json.access_token.length };
  };
  const meridian = await post(meridianUrl, secretBody);
  await post(meridianUrl, assertionBody);
  const floor = await post(floorUrl, secretBody);
  const keys = (value: object) => Object.keys(value).sort().join(',');
  if (keys(meridian.claims) !== keys(floor.claims) || keys(meridian.header) !== keys(floor.header) || keys(meridian.json) !== keys(floor.json)) {
    throw new Error(`the floor does not sign the same token: ${keys(meridian.header)} / ${keys(meridian.claims)} vs ${keys(floor.header)} / ${keys(floor.claims)}`);
  }
  return [`Checked before measuring: both sides answer 200 with the same response fields and a token with the same header fields and claims (${keys(meridian.claims)}); token length ${meridian.length} vs ${floor.length} characters.`];
}
