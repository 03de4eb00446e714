import { generateKeyPairSync, createHmac, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwsSignedBy } from '../../src/identity/token/jws-signature.js';

const pairs = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  p521: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  ed25519: generateKeyPairSync('ed25519'),
};

const signed = (alg: string, key: KeyObject) => new SignJWT({ jti: 'x' }).setProtectedHeader({ alg }).setIssuer('c').sign(key);

describe('JWS signatures of client assertions (node:crypto)', () => {
  it.each([
    ['RS256', pairs.rsa],
    ['RS384', pairs.rsa],
    ['RS512', pairs.rsa],
    ['PS256', pairs.rsa],
    ['PS384', pairs.rsa],
    ['PS512', pairs.rsa],
    ['ES256', pairs.p256],
    ['ES384', pairs.p384],
    ['ES512', pairs.p521],
    ['EdDSA', pairs.ed25519],
  ] as const)('accepts %s from its key and refuses it from another key of the same type', async (alg, pair) => {
    const token = await signed(alg, pair.privateKey);
    expect(jwsSignedBy(token, alg, pair.publicKey)).toBe(true);
    const other = alg.startsWith('ES') ? generateKeyPairSync('ec', { namedCurve: pair.publicKey.asymmetricKeyDetails!.namedCurve! }) : alg === 'EdDSA' ? generateKeyPairSync('ed25519') : pairs.rsa === pair ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : pair;
    expect(jwsSignedBy(token, alg, other.publicKey)).toBe(false);
  });

  it('refuses a changed payload, a missing signature and a signature of another token', async () => {
    const token = await signed('RS256', pairs.rsa.privateKey);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ jti: 'y', iss: 'c' })).toString('base64url');
    expect(jwsSignedBy(`${header}.${forged}.${signature}`, 'RS256', pairs.rsa.publicKey)).toBe(false);
    expect(jwsSignedBy(`${header}.${payload}.`, 'RS256', pairs.rsa.publicKey)).toBe(false);
    const another = (await signed('RS256', pairs.rsa.privateKey)).split('.')[2];
    expect(jwsSignedBy(`${header}.${forged}.${another}`, 'RS256', pairs.rsa.publicKey)).toBe(false);
  });

  it('never tries an algorithm that does not fit the key: HS256 with the public key, RS256 with an EC key, ES384 with a P-256 key', async () => {
    const publicPem = pairs.rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const input = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"iss":"c"}').toString('base64url')}`;
    const hmac = createHmac('sha256', publicPem).update(input).digest('base64url');
    expect(jwsSignedBy(`${input}.${hmac}`, 'HS256', pairs.rsa.publicKey)).toBe(false);
    expect(jwsSignedBy(await signed('ES256', pairs.p256.privateKey), 'RS256', pairs.p256.publicKey)).toBe(false);
    expect(jwsSignedBy(await signed('ES256', pairs.p256.privateKey), 'ES384', pairs.p256.publicKey)).toBe(false);
    expect(jwsSignedBy(await signed('RS256', pairs.rsa.privateKey), 'none', pairs.rsa.publicKey)).toBe(false);
  });
});
