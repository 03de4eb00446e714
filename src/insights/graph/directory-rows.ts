import type { Kysely } from 'kysely';
import { lastSignInBucket, principalKey, type Platform } from '../catalogue.js';
import type { InsightsTables } from '../schema.js';
import { memberCounts } from './group-nesting.js';

/** A user summary (userSummary.md). The sample spells the sign-in bucket `LastSignIn`. */
export interface UserSummaryRow {
  displayName: string;
  loginName: string;
  email: string;
  userStatus: string;
  trustStatus: string;
  sitesWithDirectAccess: number;
  LastSignIn: string;
  createdOn: string;
}

/** A group summary (groupSummary.md). */
export interface GroupSummaryRow {
  displayName: string;
  groupId: string;
  email: string | null;
  groupType: string;
  membershipType: string;
  createdOn: string;
  externalMemberCount: number;
}

/** The pages' `createdOn`: seconds, no zone (`2021-08-23T03:39:55`). */
export const createdOn = (ms: number) => new Date(Number(ms)).toISOString().slice(0, 19);

type Db = Kysely<InsightsTables>;

/** One `startPage`/`pageSize` page of a platform's users, in the order they were first reported. */
export async function userSummaryPage(db: Db, tenantId: string, platform: Platform, offset: number, size: number, nowMs: number): Promise<{ rows: UserSummaryRow[]; more: boolean }> {
  const users = await db.selectFrom('insights_users').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).orderBy('seq').limit(size + 1).offset(offset).execute();
  const page = users.slice(0, size);
  const keys = page.map((user) => principalKey('user', user.user_id));
  const counts = new Map<string, number>();
  if (keys.length > 0) {
    const rows = await db
      .selectFrom('insights_permissions')
      .select(['principal_key', (eb) => eb.fn.count<number>('workspace_id').distinct().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('platform', '=', platform)
      .where('principal_key', 'in', keys)
      .groupBy('principal_key')
      .execute();
    for (const row of rows) counts.set(row.principal_key, Number(row.n));
  }
  return {
    more: users.length > size,
    rows: page.map((user) => ({
      displayName: user.display_name,
      loginName: user.login_name,
      email: user.email,
      userStatus: user.user_status,
      trustStatus: user.trust_status,
      sitesWithDirectAccess: counts.get(principalKey('user', user.user_id)) ?? 0,
      LastSignIn: lastSignInBucket(user.last_sign_in_ms === null ? null : Number(user.last_sign_in_ms), nowMs, user.is_external === 1),
      createdOn: createdOn(user.created_ms),
    })),
  };
}

/** One page of directory groups (SharePoint groups are not in the summary), with their external members counted, nested groups' included. */
export async function groupSummaryPage(db: Db, tenantId: string, platform: Platform, offset: number, size: number): Promise<{ rows: GroupSummaryRow[]; more: boolean }> {
  const groups = await db.selectFrom('insights_groups').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('scope', '=', 'directory').orderBy('seq').limit(size + 1).offset(offset).execute();
  const page = groups.slice(0, size);
  const external = await memberCounts(db, tenantId, platform, page.map((group) => group.group_id), true);
  return {
    more: groups.length > size,
    rows: page.map((group) => ({
      displayName: group.display_name,
      groupId: group.group_id,
      email: group.email,
      groupType: group.group_type,
      membershipType: group.membership_type,
      createdOn: createdOn(group.created_ms),
      externalMemberCount: external.get(group.group_id) ?? 0,
    })),
  };
}
