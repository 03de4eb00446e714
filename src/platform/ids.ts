import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** URL-safe random token; `bytes` of entropy (default 32 = 256 bits). */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
