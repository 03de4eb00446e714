import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets as the docs describe them: effective 1, 2 or 3 years, shown once,
 * stored only as a SHA-256 hash. 32 random bytes give 256 bits of entropy; a secret that
 * strong needs no slow KDF, and a plain hash keeps the token endpoint fast.
 */
export const SECRET_LIFETIMES_YEARS = [1, 2, 3] as const;
export type SecretLifetimeYears = (typeof SECRET_LIFETIMES_YEARS)[number];

export function isSecretLifetime(value: unknown): value is SecretLifetimeYears {
  return SECRET_LIFETIMES_YEARS.includes(value as SecretLifetimeYears);
}

export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret against a stored hash. */
export function secretMatches(presented: string, storedHashHex: string): boolean {
  const presentedHash = createHash('sha256').update(presented, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}

/** What may be shown of a secret after creation: enough to tell two apart. */
export const secretHint = (secret: string): string => `${secret.slice(0, 3)}…`;

export function secretExpiry(createdAtMs: number, years: SecretLifetimeYears): number {
  const date = new Date(createdAtMs);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}
