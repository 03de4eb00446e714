import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { ClientCertificate } from './certificates.js';

/** A client assertion as the docs' .NET sample makes one, with every part overridable for attacks. */
export async function signAssertion(
  certificate: Pick<ClientCertificate, 'privateKey' | 'x5t' | 'thumbprintSha1'>,
  options: {
    clientId: string;
    audience: string;
    alg?: string;
    header?: Record<string, unknown>;
    claims?: JWTPayload;
    omit?: Array<'jti' | 'exp' | 'iat' | 'nbf'>;
    key?: KeyObject | Uint8Array;
    lifetimeSeconds?: number;
    nowSeconds?: number;
  },
): Promise<string> {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: options.clientId,
    sub: options.clientId,
    aud: options.audience,
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + (options.lifetimeSeconds ?? 600),
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', typ: 'JWT', x5t: certificate.x5t, kid: certificate.thumbprintSha1, ...options.header } as never)
    .sign(options.key ?? certificate.privateKey);
}
