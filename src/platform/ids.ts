import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** URL-safe random token; `bytes` of entropy (default 32 = 256 bits). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/**
 * Random hex for identifiers that need to be unique, not secret (trace and span ids). Drawn
 * from a pooled buffer: one system call per few hundred requests instead of two per request.
 */
export function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}
