import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { ACCESS_TOKEN_ALG } from '../platform/access-token.js';
import type { IdentityTables } from './schema.js';

/**
 * The keys that sign access tokens. The newest active key signs; older keys stay published
 * in the JWKS until every token they signed has expired, so rotation never breaks a token
 * already issued. Nodes of one environment share the keys through the identity store.
 *
 * With several identity nodes, each caches the key set for `cacheMs`: a new key is published
 * at once but signs only `publishLeadMs` later, so every node's key set (and so every
 * region's refetch) holds it before the first token it signs reaches a region.
 */

export interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/** How long a superseded key stays published: longer than any token it signed can live. */
const RETIRE_AFTER_MS = 2 * 60 * 60 * 1000;
export const SIGNING_KEY_CACHE_MS = 30_000;

export interface SigningKeyTiming {
  cacheMs: number;
  /** 0 on a single node: its own caches are dropped on rotation. */
  publishLeadMs: number;
}

export class SigningKeys {
  private active: { key: ActiveKey; loadedAt: number } | undefined;
  private jwks: { value: { keys: JWK[] }; loadedAt: number } | undefined;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly clock: Clock,
    private readonly timing: SigningKeyTiming = { cacheMs: SIGNING_KEY_CACHE_MS, publishLeadMs: 0 },
  ) {}

  async activeKey(): Promise<ActiveKey> {
    const now = this.clock.nowMs();
    if (this.active && now - this.active.loadedAt < this.timing.cacheMs) return this.active.key;
    const row = await this.db
      .selectFrom('identity_signing_keys')
      .select(['kid', 'private_pem'])
      .where((eb) => eb.or([eb('activates_at', 'is', null), eb('activates_at', '<=', now)]))
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .executeTakeFirst();
    if (!row) {
      // The first key of an environment has no predecessor to sign meanwhile.
      await this.rotate(0);
      return this.activeKey();
    }
    const key = { kid: row.kid, privateKey: createPrivateKey(row.private_pem) };
    this.active = { key, loadedAt: now };
    return key;
  }

  /** Publishes a new signing key that signs from `activatesAtMs`; the keys it supersedes retire later. */
  async rotate(publishLeadMs = this.timing.publishLeadMs): Promise<{ kid: string; activatesAtMs: number }> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    const now = this.clock.nowMs();
    const activatesAtMs = now + publishLeadMs;
    await this.db.transaction().execute(async (trx) => {
      const superseded = await trx.selectFrom('identity_signing_keys').select(['kid', 'created_at']).where('retired_at', 'is', null).execute();
      await trx
        .insertInto('identity_signing_keys')
        .values({
          kid,
          alg: ACCESS_TOKEN_ALG,
          private_pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          public_jwk: JSON.stringify({ ...jwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' }),
          created_at: now,
          retired_at: null,
          activates_at: activatesAtMs,
        })
        .execute();
      // A superseded key signs until the new one activates, then keeps verifying for RETIRE_AFTER_MS.
      for (const old of superseded) {
        await trx.updateTable('identity_signing_keys').set({ retired_at: activatesAtMs + RETIRE_AFTER_MS }).where('kid', '=', old.kid).execute();
      }
    });
    this.active = undefined;
    this.jwks = undefined;
    return { kid, activatesAtMs };
  }

  /** Every key with its state: the one that signs, superseded ones still published, retired ones. */
  async list(): Promise<Array<{ kid: string; alg: string; createdAt: string; state: 'active' | 'superseded' | 'retired'; retiresAt: string | null }>> {
    const now = this.clock.nowMs();
    const rows = await this.db.selectFrom('identity_signing_keys').select(['kid', 'alg', 'created_at', 'retired_at']).orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
    const activeKid = rows.find((row) => row.retired_at === null)?.kid;
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      createdAt: new Date(Number(row.created_at)).toISOString(),
      state: row.kid === activeKid ? 'active' : row.retired_at !== null && Number(row.retired_at) <= now ? 'retired' : 'superseded',
      retiresAt: row.retired_at === null ? null : new Date(Number(row.retired_at)).toISOString(),
    }));
  }

  /** The published key set: the active key and superseded keys that have not yet retired. */
  async publicKeys(): Promise<{ keys: JWK[] }> {
    const now = this.clock.nowMs();
    if (this.jwks && now - this.jwks.loadedAt < this.timing.cacheMs) return this.jwks.value;
    const rows = await this.db
      .selectFrom('identity_signing_keys')
      .select(['public_jwk', 'retired_at'])
      .orderBy('created_at', 'desc')
      .execute();
    const value = { keys: rows.filter((row) => row.retired_at === null || row.retired_at > now).map((row) => JSON.parse(row.public_jwk) as JWK) };
    this.jwks = { value, loadedAt: now };
    return value;
  }
}
