import { createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_AUDIENCE } from '../../src/platform/access-token.js';
import { HTML_CONTENT_SECURITY_POLICY } from '../../src/platform/security-headers.js';
import { simulateAuditRecords } from '../../src/aos/simulator.js';
import { ACCESS_TOKEN_LIFETIME_SECONDS } from '../../src/identity/token/access-tokens.js';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { rawHttpsRequest, tlsHandshake } from './support.js';

/**
 * The attacks of the spine issue and of issue 14, one table over the token endpoint, the
 * resource servers, the admin API and the listeners themselves. Each case names what it attacks
 * and returns what the server answered; none may be accepted. A new attack is one more row.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const START = '2024-10-08T00:00:00Z';
const END = '2024-10-15T00:00:00Z';
const AUDIT = `/aos/audit?startTime=${START}&endTime=${END}`;

interface Answer {
  status: number;
  text: string;
}

interface World {
  harness: Harness;
  identity: string;
  gov: string;
  region: string;
  global: string;
  adminKey: string;
  reader: TestApp;
  readerToken: string;
  neighbour: TestApp;
  neighbourToken: string;
  abroadToken: string;
  govToken: string;
  recordsOnlyToken: string;
  deleted: TestApp;
  certificate: ClientCertificate;
  removedCertificate: ClientCertificate;
  attackerKey: KeyObject;
  identityKey: { kid: string; privateKey: KeyObject };
  readerNextLink: string;
  usedAssertion: string;
  /** An app of the reader's tenant holding meridian.tenant.admin, and its token. */
  tenantAdmin: { clientId: string };
  tenantAdminToken: string;
}

interface Attack {
  attacks: string;
  run: (world: World) => Promise<Answer>;
  /** The refusal expected; any 4xx (or a refused TLS handshake, status 0) when absent. */
  status?: number;
}

const tokenUrl = (w: World) => `${w.identity}/connect/token`;

async function form(w: World, fields: Record<string, string>, url = tokenUrl(w), headers: Record<string, string> = {}): Promise<Answer> {
  const response = await w.harness.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, text: await response.text() };
}

async function call(w: World, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const response = await w.harness.fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, text: await response.text() };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const secretForm = (app: TestApp, secret = app.clientSecret) => ({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret });
const assertionForm = (assertion: string, extra: Record<string, string> = {}) => ({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra });
const assertion = (w: World, options: Partial<Parameters<typeof signAssertion>[1]> = {}, certificate = w.certificate) =>
  signAssertion(certificate, { clientId: w.reader.clientId, audience: tokenUrl(w), ...options });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`).toString('base64')}` });
/** RS256 over any header, for headers a JOSE library refuses to write. */
const rs256 = (header: object, payload: object, key: KeyObject) => {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};
const unsigned = (header: object, payload: object, signature = '') => `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.${signature}`;

/** An access token as the identity would mint it, with any claim or key replaced. */
async function accessToken(w: World, overrides: { claims?: Record<string, unknown>; key?: KeyObject; kid?: string; issuer?: string; audience?: string; expiresIn?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: w.reader.clientId, tid: w.reader.tenantId, tenant_region: 'us', scope: 'audit.read.all', ...overrides.claims })
    .setProtectedHeader({ alg: 'RS256', kid: overrides.kid ?? w.identityKey.kid, typ: 'at+jwt' })
    .setIssuer(overrides.issuer ?? w.identity)
    .setAudience(overrides.audience ?? ACCESS_TOKEN_AUDIENCE)
    .setSubject(w.reader.clientId)
    .setJti(randomUUID())
    .setIssuedAt(now - 10)
    .setNotBefore(now - 10)
    .setExpirationTime(now + (overrides.expiresIn ?? 600))
    .sign(overrides.key ?? w.identityKey.privateKey);
}

function tamperPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

async function handshake(url: string, w: World, options: Parameters<typeof tlsHandshake>[2]): Promise<Answer> {
  const result = await tlsHandshake(url, w.harness.caPem, options);
  return { status: result.established ? 200 : 0, text: JSON.stringify(result) };
}

const raw = async (url: string, w: World, line: string): Promise<Answer> => {
  const answer = await rawHttpsRequest(url, line, w.harness.caPem);
  return { status: answer.status, text: answer.body };
};

function alteredCertificate(certificate: ClientCertificate): string {
  const der = Buffer.from(certificate.certDer);
  // 30 82 LL LL | 30 82 LL LL | A0 03 02 01 02 | 02 10 <serial>: a byte inside the signed serial number.
  der[20] = der[20]! ^ 0x01;
  return der.toString('base64');
}

const ATTACKS: Attack[] = [
  // --- token endpoint: client secrets ---
  { attacks: 'client secret: a wrong secret for a real client', status: 401, run: (w) => form(w, secretForm(w.reader, 'not-the-secret')) },
  { attacks: 'client secret: an empty secret', run: (w) => form(w, secretForm(w.reader, '')) },
  { attacks: 'client secret: another app\'s secret under this client id', status: 401, run: (w) => form(w, { ...secretForm(w.reader), client_secret: w.neighbour.clientSecret }) },
  { attacks: 'client secret: an unknown client id', status: 401, run: (w) => form(w, { grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'x' }) },
  { attacks: 'client secret: SQL in the client id', status: 401, run: (w) => form(w, { grant_type: 'client_credentials', client_id: "' OR '1'='1' --", client_secret: "' OR '1'='1" }) },
  { attacks: 'client secret: a 100 KB secret (hashing cost)', run: (w) => form(w, secretForm(w.reader, 'x'.repeat(100_000))) },
  { attacks: 'client secret: the secret of a deleted app', status: 401, run: (w) => form(w, secretForm(w.deleted)) },
  { attacks: 'client secret: HTTP Basic with a wrong secret', status: 401, run: (w) => form(w, { grant_type: 'client_credentials' }, tokenUrl(w), basic(w.reader.clientId, 'wrong')) },
  { attacks: 'client secret: Basic credentials and client_secret at once', status: 400, run: (w) => form(w, secretForm(w.reader), tokenUrl(w), basic(w.reader.clientId, w.reader.clientSecret)) },
  { attacks: 'client secret: Basic for one client, client_id of another', status: 400, run: (w) => form(w, { grant_type: 'client_credentials', client_id: w.neighbour.clientId }, tokenUrl(w), basic(w.reader.clientId, w.reader.clientSecret)) },
  { attacks: 'grant: the password grant', status: 400, run: (w) => form(w, { ...secretForm(w.reader), grant_type: 'password', username: 'admin', password: 'admin' }) },
  { attacks: 'grant: no grant_type', status: 400, run: (w) => form(w, { client_id: w.reader.clientId, client_secret: w.reader.clientSecret }) },
  { attacks: 'parameters: client_secret sent twice (parameter pollution)', status: 400, run: (w) => call(w, 'POST', tokenUrl(w), { 'content-type': 'application/x-www-form-urlencoded' }, `grant_type=client_credentials&client_id=${w.reader.clientId}&client_secret=wrong&client_secret=${encodeURIComponent(w.reader.clientSecret)}`) },
  { attacks: 'parameters: a JSON body instead of a form', run: (w) => call(w, 'POST', tokenUrl(w), { 'content-type': 'application/json' }, JSON.stringify(secretForm(w.reader))) },
  { attacks: 'scope: a permission the app was never granted', status: 400, run: (w) => form(w, { ...secretForm(w.reader), scope: 'records.readwrite.all' }) },
  { attacks: 'environment: a commercial app at the gov identity', status: 401, run: (w) => form(w, secretForm(w.reader), `${w.gov}/connect/token`) },
  // --- token endpoint: client assertions ---
  { attacks: 'assertion: alg none', status: 401, run: async (w) => form(w, assertionForm(unsigned({ alg: 'none', typ: 'JWT' }, { iss: w.reader.clientId, sub: w.reader.clientId, aud: tokenUrl(w), jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 300 }))) },
  {
    attacks: 'assertion: HS256 keyed with the certificate\'s public key (algorithm confusion)',
    status: 401,
    run: async (w) => {
      const publicPem = createPublicKey(w.certificate.privateKey).export({ format: 'pem', type: 'spki' });
      return form(w, assertionForm(await assertion(w, { alg: 'HS256', key: new TextEncoder().encode(String(publicPem)) })));
    },
  },
  { attacks: 'assertion: signed by the attacker\'s key, naming the app\'s certificate', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { key: w.attackerKey }))) },
  { attacks: 'assertion: signed by the attacker\'s key, naming no certificate', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { key: w.attackerKey, header: { x5t: undefined, kid: undefined } }))) },
  { attacks: 'assertion: expired', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { nowSeconds: Math.floor(Date.now() / 1000) - 7200 }))) },
  { attacks: 'assertion: a lifetime of a week', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { lifetimeSeconds: 7 * 86400 }))) },
  { attacks: 'assertion: not valid before next hour (nbf)', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }))) },
  { attacks: 'assertion: issued in the future (iat)', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { claims: { iat: Math.floor(Date.now() / 1000) + 3600 } }))) },
  { attacks: 'assertion: audience of another service', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { audience: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' }))) },
  { attacks: 'assertion: audience of a region (token made for a resource)', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { audience: w.region }))) },
  { attacks: 'assertion: no jti (replayable by design)', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { omit: ['jti'] }))) },
  { attacks: 'assertion: a 300-character jti', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { claims: { jti: 'j'.repeat(300) } }))) },
  { attacks: 'assertion: iss and sub differ', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { claims: { sub: w.neighbour.clientId } }))) },
  { attacks: 'assertion: signed with this app\'s certificate, claiming another client', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { clientId: w.neighbour.clientId }))) },
  { attacks: 'assertion: client_id parameter of another client', status: 401, run: async (w) => form(w, assertionForm(await assertion(w), { client_id: w.neighbour.clientId })) },
  {
    attacks: 'assertion: a critical header extension',
    status: 401,
    run: (w) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: w.reader.clientId, sub: w.reader.clientId, aud: tokenUrl(w), jti: randomUUID(), iat: now, exp: now + 300 };
      return form(w, assertionForm(rs256({ alg: 'RS256', x5t: w.certificate.x5t, crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }, claims, w.certificate.privateKey)));
    },
  },
  { attacks: 'assertion: replay of an assertion already used', status: 401, run: (w) => form(w, assertionForm(w.usedAssertion)) },
  { attacks: 'assertion: 9 KB long', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { claims: { pad: 'p'.repeat(9000) } }))) },
  { attacks: 'assertion: not a JWT', status: 401, run: (w) => form(w, assertionForm('a.b.c')) },
  { attacks: 'assertion: a wrong client_assertion_type', status: 400, run: async (w) => form(w, { ...assertionForm(await assertion(w)), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }) },
  { attacks: 'assertion: a truncated signature', status: 401, run: async (w) => form(w, assertionForm((await assertion(w)).slice(0, -20))) },
  { attacks: 'assertion: claims changed after signing', status: 401, run: async (w) => form(w, assertionForm(tamperPayload(await assertion(w), (claims) => (claims.exp = Number(claims.exp) + 60)))) },
  { attacks: 'assertion: ES256 named over an RSA signature', status: 401, run: async (w) => { const [, payload, signature] = (await assertion(w)).split('.'); return form(w, assertionForm(`${base64url.encode(JSON.stringify({ alg: 'ES256', x5t: w.certificate.x5t }))}.${payload}.${signature}`)); } },
  { attacks: 'assertion: signed by a certificate the app removed', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { alg: 'ES256' }, w.removedCertificate))) },
  { attacks: 'assertion: for a deleted app', status: 401, run: async (w) => form(w, assertionForm(await assertion(w, { clientId: w.deleted.clientId }))) },
  // --- resource servers ---
  { attacks: 'bearer: no Authorization header', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`) },
  { attacks: 'bearer: a token that is not a JWT', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer('definitely-not-a-token')) },
  { attacks: 'bearer: the client secret sent as Basic credentials', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, basic(w.reader.clientId, w.reader.clientSecret)) },
  { attacks: 'bearer: alg none with the victim tenant\'s claims', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(unsigned({ alg: 'none', kid: w.identityKey.kid }, { iss: w.identity, aud: ACCESS_TOKEN_AUDIENCE, tid: w.reader.tenantId, tenant_region: 'us', client_id: w.reader.clientId, scope: 'audit.read.all', exp: Math.floor(Date.now() / 1000) + 600 }))) },
  { attacks: 'bearer: signed by the attacker\'s key under the real kid', status: 401, run: async (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(await accessToken(w, { key: w.attackerKey }))) },
  { attacks: 'bearer: a real token with its tenant changed (cross-tenant read)', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(tamperPayload(w.neighbourToken, (claims) => (claims.tid = w.reader.tenantId)))) },
  { attacks: 'bearer: a real token with scope widened', status: 401, run: (w) => call(w, 'GET', `${w.region}/records/connector/records?id=x&disposalDueDate=2999-01-01`, bearer(tamperPayload(w.readerToken, (claims) => (claims.scope = 'audit.read.all records.readwrite.all')))) },
  { attacks: 'bearer: an expired token', status: 401, run: async (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(await accessToken(w, { expiresIn: -300 }))) },
  { attacks: 'bearer: a token for another audience', status: 401, run: async (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(await accessToken(w, { audience: 'https://graph.microsoft.com' }))) },
  { attacks: 'bearer: a token of another issuer signed with the real key', status: 401, run: async (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(await accessToken(w, { issuer: 'https://evil.example' }))) },
  { attacks: 'bearer: a gov-environment token at a commercial region', status: 401, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(w.govToken)) },
  { attacks: 'residency: a tenant homed in another data center', status: 403, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(w.abroadToken)) },
  { attacks: 'permission: a token without the route\'s permission', status: 403, run: (w) => call(w, 'GET', `${w.region}${AUDIT}`, bearer(w.recordsOnlyToken)) },
  { attacks: 'producer API: an app token writing audit records', status: 403, run: (w) => call(w, 'POST', `${w.region}/producer/aos/audit-records`, { ...bearer(w.readerToken), 'content-type': 'application/json' }, JSON.stringify({ value: [{ id: 'forged', actionTime: START, productType: 'Portal', actionName: 'Forged' }] })) },
  { attacks: 'producer API: no token at all', status: 401, run: (w) => call(w, 'POST', `${w.region}/producer/aos/audit-records`, { 'content-type': 'application/json' }, JSON.stringify({ value: [] })) },
  { attacks: 'region admin API: an app token', status: 403, run: (w) => call(w, 'POST', `${w.region}/admin/opus/connections`, { ...bearer(w.readerToken), 'content-type': 'application/json' }, JSON.stringify({ name: 'x', columns: [] })) },
  { attacks: 'paging: another tenant following a tenant\'s nextLink (cross-tenant read)', status: 400, run: (w) => call(w, 'GET', w.readerNextLink, bearer(w.neighbourToken)) },
  { attacks: 'paging: a tampered continuation token', status: 400, run: (w) => { const url = new URL(w.readerNextLink); const token = url.searchParams.get('skipToken')!; url.searchParams.set('skipToken', `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`); return call(w, 'GET', url.toString(), bearer(w.readerToken)); } },
  { attacks: 'input: SQL in a time parameter', status: 400, run: (w) => call(w, 'GET', `${w.region}/aos/audit?startTime=${encodeURIComponent("2024-10-08' OR 1=1 --")}&endTime=${END}`, bearer(w.readerToken)) },
  { attacks: 'input: a 5 MB body at a producer route', status: 413, run: async (w) => call(w, 'POST', `${w.region}/producer/aos/audit-records`, { ...bearer(await w.harness.producerToken(w.reader.tenantId)), 'content-type': 'application/json' }, JSON.stringify({ value: [], pad: 'x'.repeat(5 * 1024 * 1024) })) },
  { attacks: 'input: an encoded path traversal', run: (w) => call(w, 'GET', `${w.region}/aos/..%2f..%2f..%2fetc%2fpasswd`, bearer(w.readerToken)) },
  { attacks: 'global endpoint: no token', status: 401, run: (w) => call(w, 'GET', `${w.global}${AUDIT}`) },
  { attacks: 'global endpoint: a token signed by the attacker', status: 401, run: async (w) => call(w, 'GET', `${w.global}${AUDIT}`, bearer(await accessToken(w, { key: w.attackerKey }))) },
  // --- identity admin API ---
  { attacks: 'identity admin: no admin key', status: 401, run: (w) => call(w, 'GET', `${w.identity}/admin/tenants`) },
  { attacks: 'identity admin: a wrong admin key', status: 401, run: (w) => call(w, 'GET', `${w.identity}/admin/tenants`, bearer(`${w.adminKey.slice(0, -1)}x`)) },
  { attacks: 'identity admin: an app\'s access token as the admin key', status: 401, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants/${w.reader.tenantId}/producer-token`, bearer(w.readerToken)) },
  { attacks: "identity admin: a tenant administrator's token on another tenant's apps", status: 404, run: (w) => call(w, 'GET', `${w.identity}/admin/tenants/${w.neighbour.tenantId}/apps`, bearer(w.tenantAdminToken)) },
  { attacks: "identity admin: a tenant administrator's token deleting another tenant's app", status: 404, run: (w) => call(w, 'DELETE', `${w.identity}/admin/apps/${w.neighbour.clientId}`, bearer(w.tenantAdminToken)) },
  { attacks: "identity admin: a tenant administrator's token minting a producer token", status: 403, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants/${w.reader.tenantId}/producer-token`, bearer(w.tenantAdminToken)) },
  { attacks: 'identity admin: a tenant-admin token signed with an attacker key', status: 401, run: async (w) => call(w, 'GET', `${w.identity}/admin/tenants`, bearer(await accessToken(w, { key: w.attackerKey, claims: { client_id: w.tenantAdmin.clientId, scope: 'meridian.tenant.admin' } }))) },
  { attacks: 'identity admin: the tenant-admin scope on a token of an app that does not hold it', status: 401, run: async (w) => call(w, 'GET', `${w.identity}/admin/tenants`, bearer(await accessToken(w, { claims: { scope: 'meridian.tenant.admin' } }))) },
  { attacks: "identity admin: a tenant-admin token naming another tenant", status: 401, run: async (w) => call(w, 'GET', `${w.identity}/admin/tenants/${w.neighbour.tenantId}/apps`, bearer(await accessToken(w, { claims: { client_id: w.tenantAdmin.clientId, tid: w.neighbour.tenantId, scope: 'meridian.tenant.admin' } }))) },
  { attacks: 'certificates: an upload whose bytes were altered (self-signature broken)', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/apps/${w.reader.clientId}/certificates`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ certificate: alteredCertificate(w.certificate) })) },
  { attacks: 'certificates: a private key uploaded as a certificate', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/apps/${w.reader.clientId}/certificates`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ certificate: w.certificate.privateKeyPem })) },
  { attacks: 'names: a tenant name with NUL', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ name: `Contoso\u0000Admin`, region: 'us' })) },
  { attacks: 'names: a tenant name forging a second log line', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ name: 'Contoso\n2026-01-01 admin login ok', region: 'us' })) },
  { attacks: 'names: an app name with a terminal escape sequence', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants/${w.reader.tenantId}/apps`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ name: 'app\u001b[2J', permissions: ['audit.read.all'] })) },
  { attacks: 'names: an app name with a right-to-left override', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants/${w.reader.tenantId}/apps`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ name: 'invoice\u202Efdp.exe', permissions: ['audit.read.all'] })) },
  { attacks: 'names: an app name with DEL and a C1 control', status: 400, run: (w) => call(w, 'POST', `${w.identity}/admin/tenants/${w.reader.tenantId}/apps`, { ...bearer(w.adminKey), 'content-type': 'application/json' }, JSON.stringify({ name: 'app\u007f\u0085', permissions: ['audit.read.all'] })) },
  // --- listeners: request targets ---
  { attacks: 'request target: absolute-form at the identity listener', status: 400, run: (w) => raw(w.identity, w, 'GET http://169.254.169.254/latest/meta-data HTTP/1.1') },
  { attacks: 'request target: absolute-form at a region listener', status: 400, run: (w) => raw(w.region, w, `GET ${w.region}${AUDIT} HTTP/1.1`) },
  { attacks: 'request target: absolute-form at the global listener', status: 400, run: (w) => raw(w.global, w, `GET http://127.0.0.1:1/aos/audit HTTP/1.1`) },
  { attacks: 'request target: asterisk-form at the identity listener', status: 400, run: (w) => raw(w.identity, w, 'OPTIONS * HTTP/1.1') },
  { attacks: 'request target: asterisk-form at a region listener', status: 400, run: (w) => raw(w.region, w, 'OPTIONS * HTTP/1.1') },
  { attacks: 'request target: asterisk-form at the global listener', status: 400, run: (w) => raw(w.global, w, 'GET * HTTP/1.1') },
  { attacks: 'request target: an authority-less scheme at the global listener', status: 400, run: (w) => raw(w.global, w, 'GET file:///etc/passwd HTTP/1.1') },
  // --- listeners: TLS ---
  { attacks: 'TLS: static-RSA key exchange with AES-GCM at the identity listener', run: (w) => handshake(w.identity, w, { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384' }) },
  { attacks: 'TLS: static-RSA key exchange with CBC and SHA-1 at a region listener', run: (w) => handshake(w.region, w, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA' }) },
  { attacks: 'TLS: ECDHE with CBC and SHA-1 at the global listener', run: (w) => handshake(w.global, w, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA' }) },
  { attacks: 'TLS: ECDHE with CBC and SHA-256 at a region listener', run: (w) => handshake(w.region, w, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384' }) },
  { attacks: 'TLS: TLS 1.1 at the identity listener', run: (w) => handshake(w.identity, w, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }) },
  // --- deleted apps ---
  { attacks: 'deleted app: a new token by its former secret over Basic', status: 401, run: (w) => form(w, { grant_type: 'client_credentials' }, tokenUrl(w), basic(w.deleted.clientId, w.deleted.clientSecret)) },
];

describe.each(ENGINES)('attacks on %s: none accepted', (engine) => {
  const world = {} as World;

  beforeAll(async () => {
    const harness = await Harness.start({ engine, regions: ['us', 'we', 'gov'] });
    world.harness = harness;
    world.identity = harness.identityUrl();
    world.gov = harness.identityUrl('gov');
    world.region = harness.regionUrl('us');
    world.global = harness.meridian.global!.url;
    world.adminKey = harness.meridian.config.adminKey;
    world.reader = await harness.tenantWithApp(['audit.read.all']);
    world.readerToken = await harness.token(world.reader);
    world.neighbour = await harness.tenantWithApp(['audit.read.all']);
    world.neighbourToken = await harness.token(world.neighbour);
    world.abroadToken = await harness.token(await harness.tenantWithApp(['audit.read.all'], 'we'));
    world.govToken = await harness.token(await harness.tenantWithApp(['audit.read.all'], 'gov'), undefined, 'gov');
    world.recordsOnlyToken = await harness.token(await harness.tenantWithApp(['records.readwrite.all']));
    const directory = harness.meridian.identities.get('commercial')!.directory;
    world.deleted = await harness.tenantWithApp(['audit.read.all']);
    await directory.deleteApp(world.deleted.clientId, { name: 'test' });
    world.certificate = await makeClientCertificate();
    await directory.addCertificate(world.reader.clientId, world.certificate.certPem, { name: 'test' });
    world.removedCertificate = await makeClientCertificate({ keyType: 'EC' });
    const removed = await directory.addCertificate(world.reader.clientId, world.removedCertificate.certPem, { name: 'test' });
    await directory.removeCertificate(world.reader.clientId, removed.id, { name: 'test' });
    world.attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    world.identityKey = await harness.meridian.identities.get('commercial')!.keys.activeKey();
    const tenantAdmin = await directory.createApp(world.reader.tenantId, { name: 'admins', permissions: ['meridian.tenant.admin'], secretYears: 1 }, { name: 'test' });
    world.tenantAdmin = { clientId: tenantAdmin.app.clientId };
    world.tenantAdminToken = await harness.token({ tenantId: world.reader.tenantId, clientId: tenantAdmin.app.clientId, clientSecret: tenantAdmin.clientSecret! }, 'meridian.tenant.admin');
    world.usedAssertion = await assertion(world);
    expect((await form(world, assertionForm(world.usedAssertion))).status).toBe(200);
    const producer = await harness.producerToken(world.reader.tenantId);
    for (const batch of simulateAuditRecords({ tenantId: world.reader.tenantId, tenantDomain: 'contoso.onmicrosoft.com', count: 150, days: 7, endMs: Date.parse(END), multiGeo: false, seed: 'attacks' })) {
      expect((await harness.send('POST', `${world.region}/producer/aos/audit-records`, producer, { value: batch })).status).toBe(200);
    }
    const first = await harness.get(`${world.region}${AUDIT}`, world.readerToken);
    expect(first.status).toBe(200);
    world.readerNextLink = first.body.nextLink;
    expect(world.readerNextLink).toEqual(expect.any(String));
  });
  afterAll(() => world.harness?.close());

  it(`holds ${ATTACKS.length} attacks, each refused`, () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ATTACKS.map((attack) => attack.attacks)).size).toBe(ATTACKS.length);
  });

  it.each(ATTACKS.map((attack) => [attack.attacks, attack] as const))('refuses %s', async (_name, attack) => {
    const answer = await attack.run(world);
    if (attack.status !== undefined) expect(answer.status, answer.text).toBe(attack.status);
    else expect(answer.status === 0 || (answer.status >= 400 && answer.status < 500), `${answer.status} ${answer.text}`).toBe(true);
    expect(answer.text).not.toMatch(/"access_token"/);
    expect(answer.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/src\/|SQLITE_|syntax error at/);
  });

  describe('what the listeners still agree to', () => {
    it('negotiates ECDHE with AES-GCM and ChaCha20-Poly1305 on TLS 1.2, and TLS 1.3 as it is', async () => {
      for (const url of [world.identity, world.region, world.global]) {
        const gcm = await tlsHandshake(url, world.harness.caPem, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
        expect(gcm).toMatchObject({ established: true, protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
        const chacha = await tlsHandshake(url, world.harness.caPem, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' });
        expect(chacha).toMatchObject({ established: true, cipher: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256' });
        const strongest = await tlsHandshake(url, world.harness.caPem, { maxVersion: 'TLSv1.2' });
        expect(strongest.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
        expect((await tlsHandshake(url, world.harness.caPem, { minVersion: 'TLSv1.3' })).protocol).toBe('TLSv1.3');
      }
    });

    it('answers an origin-form request line as before', async () => {
      const answer = await rawHttpsRequest(world.region, `GET ${AUDIT} HTTP/1.1`, world.harness.caPem, [`Authorization: Bearer ${world.readerToken}`]);
      expect(answer.status).toBe(200);
    });

    it('sends nosniff and HSTS on every listener, errors and not-found answers included', async () => {
      for (const url of [`${world.identity}/.well-known/openid-configuration`, `${world.identity}/nowhere`, `${world.region}${AUDIT}`, `${world.region}/health`, `${world.global}/health`, `${world.global}${AUDIT}`]) {
        const response = await world.harness.fetch(url);
        await response.arrayBuffer();
        expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
        expect(response.headers.get('strict-transport-security'), url).toMatch(/^max-age=\d{7,}/);
      }
    });

    it('serves /docs under a strict policy that swagger-ui works with: no inline script, every script and style from the listener', async () => {
      for (const base of [world.identity, world.region]) {
        const response = await world.harness.fetch(`${base}/docs/`);
        const html = await response.text();
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toBe(HTML_CONTENT_SECURITY_POLICY);
        expect(HTML_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
        expect(HTML_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
        expect(scripts.length).toBeGreaterThan(0);
        for (const [, attributes, body] of scripts) {
          expect(body!.trim(), 'inline script').toBe('');
          const src = /src="([^"]+)"/.exec(attributes!)?.[1];
          expect(src).toBeDefined();
          const script = await world.harness.fetch(new URL(src!, `${base}/docs/`));
          expect(script.status, src).toBe(200);
          await script.arrayBuffer();
        }
        expect(html).not.toMatch(/\son[a-z]+=/i);
        expect(html).not.toMatch(/<style\b|style="/i);
        // The UI's configuration comes from the listener's own origin, which connect-src 'self' allows.
        expect((await world.harness.fetch(`${base}/docs/json`)).status).toBe(200);
      }
    });

    it('marks every admin answer that carries a secret no-store, like the token endpoint', async () => {
      const admin = { ...bearer(world.adminKey), 'content-type': 'application/json' };
      const created = await world.harness.fetch(`${world.identity}/admin/tenants/${world.reader.tenantId}/apps`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'no-store app', permissions: ['audit.read.all'], secretYears: 1 }) });
      const app = (await created.json()) as { clientId: string; clientSecret: string };
      expect(created.status).toBe(201);
      expect(app.clientSecret).toEqual(expect.any(String));
      expect(created.headers.get('cache-control')).toBe('no-store');
      const secret = await world.harness.fetch(`${world.identity}/admin/apps/${app.clientId}/secrets`, { method: 'POST', headers: admin, body: '{}' });
      expect(secret.status).toBe(201);
      expect(secret.headers.get('cache-control')).toBe('no-store');
      const token = await world.harness.fetch(`${world.identity}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(secretForm({ ...world.reader })).toString() });
      expect(token.headers.get('cache-control')).toBe('no-store');
    });

    it('still accepts an unaltered certificate and printable names, Unicode included', async () => {
      const admin = { ...bearer(world.adminKey), 'content-type': 'application/json' };
      const fresh = await makeClientCertificate({ keyType: 'EC' });
      expect((await call(world, 'POST', `${world.identity}/admin/apps/${world.reader.clientId}/certificates`, admin, JSON.stringify({ certificate: fresh.certDer.toString('base64') }))).status).toBe(201);
      expect((await call(world, 'POST', `${world.identity}/admin/tenants`, admin, JSON.stringify({ name: `Zürich Café 東京 ${randomUUID().slice(0, 6)}`, region: 'us' }))).status).toBe(201);
    });

    it('keeps a deleted app\'s issued tokens to their documented lifetime (docs/compatibility.md), and issues it no new one', async () => {
      const doomed = await world.harness.tenantWithApp(['audit.read.all']);
      const token = await world.harness.token(doomed);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number; exp: number };
      await world.harness.meridian.identities.get('commercial')!.directory.deleteApp(doomed.clientId, { name: 'test' });
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(ACCESS_TOKEN_LIFETIME_SECONDS);
      expect((await form(world, secretForm(doomed))).status).toBe(401);
    });
  });
});
