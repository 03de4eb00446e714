import { sql, type Kysely, type Transaction } from 'kysely';
import type { Engine } from '../storage/database.js';

// PostgreSQL advisory locks in the two-key form: this class for tenants; record keys use the tenant's hash as class.
const TENANT_LOCK_CLASS = 0x6f707573; // "opus"

/**
 * Orders the writes of one tenant's retention state on PostgreSQL. Submissions share the
 * lock (they only add or replace records); destroying, holds, reviews and rule changes take
 * it alone, so a hold placed while a destroy is deciding is seen by it, never slipped past.
 * SQLite needs nothing: its single connection runs one transaction at a time.
 */
export async function lockTenant<DB>(trx: Transaction<DB> | Kysely<DB>, engine: Engine, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  if (engine !== 'postgres') return;
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${TENANT_LOCK_CLASS}, hashtext(${tenantId}))`.execute(trx);
  else await sql`select pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, hashtext(${tenantId}))`.execute(trx);
}

/**
 * Serialises concurrent submissions of the same records of a connection (they share the
 * tenant lock): taken in one sorted order, so two batches never wait on each other in a cycle.
 */
export async function lockRecordKeys<DB>(trx: Transaction<DB>, engine: Engine, tenantId: string, connectionId: string, rowKeys: string[]): Promise<void> {
  if (engine !== 'postgres' || rowKeys.length === 0) return;
  const names = rowKeys.map((key) => `${connectionId}/${key}`);
  await sql`select count(pg_advisory_xact_lock(hashtext(${tenantId}), h)) from (select hashtext(k) as h from unnest(${names}::text[]) as k group by 1 order by 1) as keys`.execute(trx);
}
