import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';

/**
 * Opaque, tamper-evident continuation tokens. The payload is a keyset position plus a
 * fingerprint of the query it belongs to; the MAC makes any edit (or reuse with another
 * query) detectable, so a client can neither forge positions nor read other tenants' pages.
 */
export interface PagingTokenCodec {
  encode(payload: Record<string, unknown>): string;
  decode<T extends Record<string, unknown>>(token: string, parameterName: string): T;
}

const MAC_BYTES = 16;

export function createPagingTokenCodec(secret: string | Buffer): PagingTokenCodec {
  // A key object, not the raw secret: the secret is then imported once, not on every page.
  const key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  const mac = (data: string) => createHmac('sha256', key).update(data).digest().subarray(0, MAC_BYTES);
  return {
    encode(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    decode<T>(token: string, parameterName: string): T {
      const invalid = () =>
        new ApiError(400, 'invalid_skip_token', `The parameter '${parameterName}' is invalid, expired or was altered; start again from the first page.`);
      if (token.length > 2048) throw invalid();
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined) throw invalid();
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
      } catch {
        throw invalid();
      }
    },
  };
}
