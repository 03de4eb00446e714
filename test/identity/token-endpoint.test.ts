import { createHmac, createPublicKey, createSign } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify, base64url } from 'jose';
import { Harness, type TestApp } from '../support/harness.js';
import { makeClientCertificate, type ClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { responseSample, expectMatchesSample } from '../support/doc-samples.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('POST /connect/token', () => {
  let harness: Harness;
  let app: TestApp;
  let tokenUrl: string;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us', 'we', 'gov'] });
    app = await harness.tenantWithApp(['audit.read.all', 'autodiscovery.readwrite.all']);
    tokenUrl = `${harness.identityUrl()}/connect/token`;
  });
  afterAll(() => harness?.close());

  describe('client secret', () => {
    it('issues a token by client_secret_post shaped like the documented sample, plus scope', async () => {
      const result = await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, scope: 'audit.read.all', grant_type: 'client_credentials' });
      expect(result.status).toBe(200);
      expectMatchesSample(result.body, responseSample('main/register-app.md'), '$', { allowExtraKeys: ['scope'] });
      expect(result.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, scope: 'audit.read.all' });
      expect(result.headers.get('cache-control')).toBe('no-store');
      const header = decodeProtectedHeader(result.body.access_token as string);
      expect(header.alg).toBe('RS256');
      const claims = decodeJwt(result.body.access_token as string);
      expect(claims).toMatchObject({ iss: harness.identityUrl(), sub: app.clientId, tid: app.tenantId, tenant_region: 'us', scope: 'audit.read.all' });
    });

    it('issues a token by client_secret_basic, form-urlencoding both parts', async () => {
      const basic = Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64');
      const result = await harness.requestToken({ grant_type: 'client_credentials', scope: 'audit.read.all' }, 'commercial', { authorization: `Basic ${basic}` });
      expect(result.status).toBe(200);
    });

    it('verifies against the published JWKS and discovery metadata', async () => {
      const discovery = await harness.get(`${harness.identityUrl()}/.well-known/openid-configuration`);
      expect(discovery.body).toMatchObject({
        issuer: harness.identityUrl(),
        token_endpoint: tokenUrl,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      });
      const token = await harness.token(app, 'audit.read.all');
      const jwks = createRemoteJWKSet(new URL(discovery.body.jwks_uri), { [customFetch]: harness.fetch as never });
      const { payload } = await jwtVerify(token, jwks, { issuer: harness.identityUrl() });
      expect(payload.client_id).toBe(app.clientId);
    });

    it('gives one answer for an unknown client, a wrong secret and a deleted secret', async () => {
      const unknown = await harness.requestToken({ client_id: '00000000-0000-4000-8000-000000000000', client_secret: app.clientSecret, grant_type: 'client_credentials' });
      const wrong = await harness.requestToken({ client_id: app.clientId, client_secret: `${app.clientSecret}x`, grant_type: 'client_credentials' });
      const directory = harness.meridian.identities.get('commercial')!.directory;
      const added = await directory.addSecret(app.clientId, 2, { name: 'test' });
      const before = await harness.requestToken({ client_id: app.clientId, client_secret: added.clientSecret, grant_type: 'client_credentials' });
      expect(before.status).toBe(200);
      await directory.removeSecret(app.clientId, added.secret.id, { name: 'test' });
      const deleted = await harness.requestToken({ client_id: app.clientId, client_secret: added.clientSecret, grant_type: 'client_credentials' });
      for (const result of [unknown, wrong, deleted]) {
        expect(result.status).toBe(401);
        expect(result.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      }
      // the original secret still works: several secrets are valid at once
      expect((await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'client_credentials' })).status).toBe(200);
    });

    it('answers 401 with WWW-Authenticate for failed Basic authentication', async () => {
      const basic = Buffer.from(`${app.clientId}:nope`).toString('base64');
      const result = await harness.requestToken({ grant_type: 'client_credentials' }, 'commercial', { authorization: `Basic ${basic}` });
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(result.body.error).toBe('invalid_client');
    });

    it('refuses a scope the app was not granted', async () => {
      const result = await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, scope: 'records.readwrite.all', grant_type: 'client_credentials' });
      expect(result.status).toBe(400);
      expect(result.body.error).toBe('invalid_scope');
      expect(result.body.error_description).toContain('records.readwrite.all');
    });

    it('grants every permission of the app when no scope is asked for', async () => {
      const result = await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'client_credentials' });
      expect(result.body.scope).toBe('audit.read.all autodiscovery.readwrite.all');
    });

    it('refuses other grant types, missing grant types, repeated parameters, JSON bodies and two auth methods', async () => {
      expect((await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
      expect((await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret })).body.error).toBe('invalid_request');
      const repeated = await harness.fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=a&scope=b`,
      });
      expect(repeated.status).toBe(400);
      expect(((await repeated.json()) as { error: string }).error).toBe('invalid_request');
      const json = await harness.send('POST', tokenUrl, undefined, { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
      expect(json.status).toBe(400);
      expect(json.body.error).toBe('invalid_request');
      const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
      const both = await harness.requestToken({ client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'client_credentials' }, 'commercial', { authorization: `Basic ${basic}` });
      expect(both.status).toBe(400);
      expect(both.body.error).toBe('invalid_request');
    });

    it('refuses an oversized body with 413 in the OAuth envelope', async () => {
      const result = await harness.requestToken({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: 'x'.repeat(20_000) });
      expect(result.status).toBe(413);
      expect(result.body.error).toBe('invalid_request');
    });
  });

  describe('certificate (private_key_jwt)', () => {
    let certificate: ClientCertificate;
    let certApp: TestApp;

    beforeAll(async () => {
      certificate = await makeClientCertificate();
      certApp = await harness.tenantWithApp(['audit.read.all']);
      await harness.meridian.identities.get('commercial')!.directory.addCertificate(certApp.clientId, certificate.certPem, { name: 'test' });
    });

    const assertionRequest = (assertion: string, extra: Record<string, string> = {}) =>
      harness.requestToken({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, scope: 'audit.read.all', ...extra });

    it('issues a token for an assertion like the documented .NET sample makes', async () => {
      const result = await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl, lifetimeSeconds: 3600 }));
      expect(result.status).toBe(200);
      expect(result.body.scope).toBe('audit.read.all');
    });

    it('accepts the issuer as audience, and x5t#S256 or no thumbprint at all', async () => {
      expect((await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: harness.identityUrl() }))).status).toBe(200);
      expect((await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl, header: { x5t: undefined, kid: undefined, 'x5t#S256': certificate.x5tS256 } }))).status).toBe(200);
      expect((await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl, header: { x5t: undefined, kid: undefined } }))).status).toBe(200);
    });

    it('picks the certificate named by x5t among several', async () => {
      const second = await makeClientCertificate({ keyType: 'EC' });
      await harness.meridian.identities.get('commercial')!.directory.addCertificate(certApp.clientId, second.certPem, { name: 'test' });
      const result = await assertionRequest(await signAssertion(second, { clientId: certApp.clientId, audience: tokenUrl, alg: 'ES256' }));
      expect(result.status).toBe(200);
      // signed by the EC key but naming the RSA certificate: refused
      const mismatched = await assertionRequest(await signAssertion(second, { clientId: certApp.clientId, audience: tokenUrl, alg: 'ES256', header: { x5t: certificate.x5t, kid: certificate.thumbprintSha1 } }));
      expect(mismatched.status).toBe(401);
    });

    it('refuses alg none', async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const now = Math.floor(Date.now() / 1000);
      const payload = base64url.encode(JSON.stringify({ iss: certApp.clientId, sub: certApp.clientId, aud: tokenUrl, jti: 'none-1', exp: now + 300 }));
      const result = await assertionRequest(`${header}.${payload}.`);
      expect(result.status).toBe(401);
      expect(result.body.error).toBe('invalid_client');
    });

    it('refuses HS256 signed with the certificate public key as the HMAC secret', async () => {
      const publicPem = createPublicKey(certificate.privateKey).export({ type: 'spki', format: 'pem' }).toString();
      const now = Math.floor(Date.now() / 1000);
      const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', x5t: certificate.x5t }));
      const payload = base64url.encode(JSON.stringify({ iss: certApp.clientId, sub: certApp.clientId, aud: tokenUrl, jti: 'hs-1', exp: now + 300 }));
      const signature = createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url');
      const result = await assertionRequest(`${header}.${payload}.${signature}`);
      expect(result.status).toBe(401);
      expect(result.body.error).toBe('invalid_client');
    });

    it('refuses a wrong audience, a missing jti, a missing exp, an expired or far-future assertion, and iss != sub, naming what was wrong', async () => {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const cases: Array<[RegExp, Parameters<typeof signAssertion>[1]]> = [
        [/audience \(aud\)/, { clientId: certApp.clientId, audience: 'https://elsewhere.example/connect/token' }],
        [/jti/, { clientId: certApp.clientId, audience: tokenUrl, omit: ['jti'] }],
        [/exp/, { clientId: certApp.clientId, audience: tokenUrl, omit: ['exp'] }],
        [/has expired/, { clientId: certApp.clientId, audience: tokenUrl, nowSeconds: nowSeconds - 7200, lifetimeSeconds: 600 }],
        [/too far in the future/, { clientId: certApp.clientId, audience: tokenUrl, lifetimeSeconds: 24 * 3600 }],
        [/iss and sub/, { clientId: certApp.clientId, audience: tokenUrl, claims: { sub: 'someone-else' } }],
        [/not yet valid \(nbf\)/, { clientId: certApp.clientId, audience: tokenUrl, claims: { nbf: nowSeconds + 3600 } }],
        [/issued in the future \(iat\)/, { clientId: certApp.clientId, audience: tokenUrl, claims: { iat: nowSeconds + 3600 } }],
      ];
      for (const [reason, options] of cases) {
        const result = await assertionRequest(await signAssertion(certificate, options));
        expect(result.status, String(reason)).toBe(401);
        expect(result.body.error, String(reason)).toBe('invalid_client');
        expect(result.body.error_description, String(reason)).toMatch(reason);
      }
    });

    it('refuses an assertion that marks a header extension critical', async () => {
      // jose will not sign an extension it does not know, so this one is signed by hand.
      const now = Math.floor(Date.now() / 1000);
      const header = base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t: certificate.x5t, crit: ['x-meridian-test'], 'x-meridian-test': true }));
      const payload = base64url.encode(JSON.stringify({ iss: certApp.clientId, sub: certApp.clientId, aud: tokenUrl, jti: 'crit-1', iat: now, exp: now + 300 }));
      const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(certificate.privateKey).toString('base64url');
      const result = await assertionRequest(`${header}.${payload}.${signature}`);
      expect(result.status).toBe(401);
      expect(result.body.error_description).toMatch(/crit/);
    });

    it('refuses an assertion whose signature does not verify, even with every claim right', async () => {
      const assertion = await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl });
      const [header, payload, signature] = assertion.split('.');
      const forged = base64url.encode(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), jti: 'forged-1' }));
      const result = await assertionRequest(`${header}.${forged}.${signature}`);
      expect(result.status).toBe(401);
      expect(result.body.error_description).toMatch(/signature does not verify/);
    });

    it('accepts an assertion once: a replayed jti is refused', async () => {
      const assertion = await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl });
      expect((await assertionRequest(assertion)).status).toBe(200);
      const replay = await assertionRequest(assertion);
      expect(replay.status).toBe(401);
      expect(replay.body.error_description).toMatch(/already used/);
    });

    it('refuses an assertion larger than the cap', async () => {
      const result = await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl, claims: { padding: 'x'.repeat(9000) } }));
      expect(result.status).toBe(401);
    });

    it('refuses a client_id that differs from the assertion issuer', async () => {
      const result = await assertionRequest(await signAssertion(certificate, { clientId: certApp.clientId, audience: tokenUrl }), { client_id: app.clientId });
      expect(result.status).toBe(401);
    });

    it('stops accepting a removed certificate at once', async () => {
      const third = await makeClientCertificate({ keyType: 'EC', commonName: 'removable' });
      const directory = harness.meridian.identities.get('commercial')!.directory;
      const added = await directory.addCertificate(certApp.clientId, third.certDer, { name: 'test' });
      expect((await assertionRequest(await signAssertion(third, { clientId: certApp.clientId, audience: tokenUrl, alg: 'ES256' }))).status).toBe(200);
      await directory.removeCertificate(certApp.clientId, added.thumbprintSha1, { name: 'test' });
      expect((await assertionRequest(await signAssertion(third, { clientId: certApp.clientId, audience: tokenUrl, alg: 'ES256' }))).status).toBe(401);
    });
  });

  describe('signing key rotation', () => {
    it('keeps tokens issued before a rotation valid at the region, and new tokens work too', async () => {
      const before = await harness.token(app, 'audit.read.all');
      const url = `${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`;
      expect((await harness.get(url, before)).status).toBe(200);
      const { kid } = await harness.meridian.identities.get('commercial')!.keys.rotate();
      const after = await harness.token(app, 'audit.read.all');
      expect(decodeProtectedHeader(after).kid).toBe(kid);
      expect(decodeProtectedHeader(before).kid).not.toBe(kid);
      expect((await harness.get(url, before)).status).toBe(200);
      expect((await harness.get(url, after)).status).toBe(200);
      const jwks = await harness.get(`${harness.identityUrl()}/.well-known/jwks.json`);
      expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual(expect.arrayContaining([kid, decodeProtectedHeader(before).kid]));
    });
  });

  describe('environments and regions', () => {
    it('refuses at a commercial region a token issued by the U.S. Government identity', async () => {
      const govApp = await harness.tenantWithApp(['audit.read.all'], 'gov');
      const govToken = await harness.token(govApp, 'audit.read.all', 'gov');
      expect((await harness.get(`${harness.regionUrl('gov')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, govToken)).status).toBe(200);
      const result = await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, govToken);
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(result.body.error).toMatch(/another environment/);
    });

    it('refuses a tenant at another region, naming its own endpoint', async () => {
      const token = await harness.token(app, 'audit.read.all');
      const result = await harness.get(`${harness.regionUrl('we')}/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z`, token);
      expect(result.status).toBe(403);
      expect(result.body.error).toContain(harness.regionUrl('us'));
      expect(result.body).toMatchObject({ statusCode: 403, traceId: expect.any(String) });
    });
  });

  describe('TLS', () => {
    it('refuses TLS 1.1 and accepts TLS 1.2 and 1.3', async () => {
      const { port } = new URL(harness.identityUrl());
      const attempt = (minVersion: tls.SecureVersion, maxVersion: tls.SecureVersion) =>
        new Promise<string>((resolve, reject) => {
          const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: harness.caPem, minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
            resolve(socket.getProtocol() ?? '');
            socket.end();
          });
          socket.once('error', reject);
        });
      await expect(attempt('TLSv1', 'TLSv1.1')).rejects.toThrow();
      expect(await attempt('TLSv1.2', 'TLSv1.2')).toBe('TLSv1.2');
      expect(await attempt('TLSv1.3', 'TLSv1.3')).toBe('TLSv1.3');
    });
  });
});
