import { sql, type Kysely } from 'kysely';
import type { Platform } from '../catalogue.js';
import { queryTemplate } from '../../storage/query-template.js';
import type { InsightsTables } from '../schema.js';

type Db = Kysely<InsightsTables>;

/*
 * Nested groups, walked in SQL with recursive common table expressions (SQLite and PostgreSQL
 * both have them). Each walk is a UNION, not a UNION ALL: a group already reached adds no row,
 * so a cycle (A in B in A) ends the walk instead of looping, at any depth.
 */

/** Every group a user stands in: the groups they are a member of and every group holding one of those, at any depth. */
export function groupsOfUserTemplate(db: Db) {
  type Values = { tenantId: string; platform: string; userId: string };
  return queryTemplate<Values, { group_id: string }>(db, ['tenantId', 'platform', 'userId'], (v) => ({
    compile: () =>
      sql<{ group_id: string }>`
        with recursive reached(group_id) as (
          select group_id from insights_group_members where tenant_id = ${v.tenantId} and platform = ${v.platform} and user_id = ${v.userId}
          union
          select n.group_id from insights_group_nesting n join reached r on n.member_group_id = r.group_id
          where n.tenant_id = ${v.tenantId} and n.platform = ${v.platform}
        )
        select group_id from reached`.compile(db),
  }));
}

/** A group and every group holding it, at any depth: whose permission entries its members reach. */
export async function enclosingGroups(db: Db, tenantId: string, platform: Platform, groupId: string): Promise<string[]> {
  const { rows } = await sql<{ group_id: string }>`
    with recursive reached(group_id) as (
      select cast(${groupId} as text)
      union
      select n.group_id from insights_group_nesting n join reached r on n.member_group_id = r.group_id
      where n.tenant_id = ${tenantId} and n.platform = ${platform}
    )
    select group_id from reached`.execute(db);
  return rows.map((row) => row.group_id);
}

/**
 * Members of each group listed, counted as the people the group gives access to: distinct
 * users, whether members of the group itself or of a group nested in it at any depth.
 * `externalOnly` counts the external ones.
 */
export async function memberCounts(db: Db, tenantId: string, platform: Platform, groupIds: string[], externalOnly = false): Promise<Map<string, number>> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return new Map();
  const external = externalOnly
    ? sql`join insights_users u on u.tenant_id = m.tenant_id and u.platform = m.platform and u.user_id = m.user_id and u.is_external = 1`
    : sql``;
  const { rows } = await sql<{ root: string; n: number | string }>`
    with recursive inside(root, group_id) as (
      select group_id, group_id from insights_groups
      where tenant_id = ${tenantId} and platform = ${platform} and group_id in (${sql.join(ids)})
      union
      select i.root, n.member_group_id from insights_group_nesting n join inside i on n.group_id = i.group_id
      where n.tenant_id = ${tenantId} and n.platform = ${platform}
    )
    select i.root, count(distinct m.user_id) as n
    from inside i
    join insights_group_members m on m.tenant_id = ${tenantId} and m.platform = ${platform} and m.group_id = i.group_id
    ${external}
    group by i.root`.execute(db);
  return new Map(rows.map((row) => [row.root, Number(row.n)]));
}
