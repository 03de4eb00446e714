/**
 * Request source for the load worker: POST /connect/token requests authenticated with
 * private_key_jwt, each with a freshly signed client assertion and a unique jti. Made in
 * the worker before its clock starts, so the client's signing cost is not measured.
 */
import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { RequestSpec } from './lib.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionRequestArgs {
  count: number;
  clientId: string;
  /** The token endpoint URL as the server knows it (the assertion's aud). */
  audience: string;
  privateKeyPem: string;
  /** base64url SHA-1 thumbprint of the certificate, sent as the x5t header. */
  x5t: string;
  path?: string;
}

export async function makeAssertionRequests(args: AssertionRequestArgs): Promise<RequestSpec[]> {
  const key = createPrivateKey(args.privateKeyPem);
  const count = Math.max(1, Math.min(Math.floor(args.count), 200_000));
  const now = Math.floor(Date.now() / 1000);
  const sign = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: args.x5t })
      .setIssuer(args.clientId)
      .setSubject(args.clientId)
      .setAudience(args.audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(key);
  const requests: RequestSpec[] = [];
  // Signing runs on libuv's thread pool through WebCrypto; a few in flight keep every core busy.
  for (let done = 0; done < count; ) {
    const batch = Math.min(64, count - done);
    const assertions = await Promise.all(Array.from({ length: batch }, sign));
    for (const assertion of assertions) {
      requests.push({
        method: 'POST',
        path: args.path ?? '/connect/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: args.clientId,
          client_assertion_type: JWT_BEARER,
          client_assertion: assertion,
        }).toString(),
      });
    }
    done += batch;
  }
  return requests;
}
