import type { Insertable, Kysely, Transaction } from 'kysely';
import { badRequest } from '../../platform/errors.js';
import { parseIsoDate } from '../../platform/query.js';
import { principalKey, rankOf, SPECIAL_PRINCIPALS, type Platform } from '../catalogue.js';
import { matchKey } from '../keys.js';
import type { InsightsTables } from '../schema.js';
import type {
  ProducedActivity,
  ProducedGroup,
  ProducedObject,
  ProducedPermission,
  ProducedSharingLink,
  ProducedUser,
  ProducedWorkspace,
} from './producer-schemas.js';

type Tables = InsightsTables;
type Db = Kysely<Tables> | Transaction<Tables>;
type Keyed = 'insights_users' | 'insights_groups' | 'insights_workspaces' | 'insights_objects' | 'insights_permissions' | 'insights_sharing_links' | 'insights_activities';

const timeOf = (name: string, value: string | null | undefined): number | null => (value ? parseIsoDate(name, value, true).getTime() : null);
const platformOf = (item: { platform?: string | undefined }): Platform => (item.platform ?? 'm365') as Platform;
/** Rows per statement: well inside SQLite's 32766 bound variables with the widest table. */
const ROWS_PER_STATEMENT = 400;

/**
 * Writes the producer's reports into the graph. Every report is an upsert on the producer's
 * id, so a retried batch changes nothing; an edge naming an object or a principal the graph
 * does not hold is refused (the whole batch, naming the item), so the graph never points at
 * nothing. A row keeps its `seq` when it is replaced, so pages being read stay exact.
 */
export class GraphWriter {
  constructor(private readonly db: Kysely<Tables>) {}

  async users(tenantId: string, items: ProducedUser[]): Promise<void> {
    await this.write('insights_users', ['tenant_id', 'platform', 'user_id'], items.map((user, index) => {
      const email = user.email ?? (user.loginName.includes('#ext#') ? '' : user.loginName);
      return {
        tenant_id: tenantId,
        platform: platformOf(user),
        user_id: user.id,
        login_name: user.loginName,
        login_key: matchKey(user.loginName),
        email,
        email_key: matchKey(email),
        display_name: user.displayName,
        user_status: user.userStatus ?? 'Active',
        trust_status: user.trustStatus ?? 'Not Trusted',
        is_external: (user.external ?? user.loginName.includes('#ext#')) ? 1 : 0,
        last_sign_in_ms: timeOf(`value[${index}].lastSignIn`, user.lastSignIn),
        created_ms: timeOf(`value[${index}].createdOn`, user.createdOn) ?? 0,
      };
    }));
  }

  async groups(tenantId: string, items: ProducedGroup[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.upsert(trx, 'insights_groups', ['tenant_id', 'platform', 'group_id'], items.map((group, index) => ({
        tenant_id: tenantId,
        platform: platformOf(group),
        group_id: group.id,
        group_key: matchKey(group.id),
        display_name: group.displayName,
        email: group.email ?? null,
        email_key: group.email ? matchKey(group.email) : null,
        group_type: group.groupType,
        membership_type: group.membershipType ?? 'Assigned',
        scope: group.scope ?? 'directory',
        created_ms: timeOf(`value[${index}].createdOn`, group.createdOn) ?? 0,
      })));
      for (const group of items) {
        if (!group.memberIds) continue;
        const platform = platformOf(group);
        await trx.deleteFrom('insights_group_members').where('tenant_id', '=', tenantId).where('platform', '=', platform).where('group_id', '=', group.id).execute();
        await this.insertAll(trx, 'insights_group_members', [...new Set(group.memberIds)].map((userId) => ({ tenant_id: tenantId, platform, group_id: group.id, user_id: userId })));
      }
      await this.nesting(trx, tenantId, items);
    });
  }

  /**
   * Groups in groups. A member group must be known (reported before, or in this batch) and not
   * the group itself; a cycle over several groups is kept as reported (on-premises directories
   * allow them) and the reads walk it once.
   */
  private async nesting(trx: Transaction<Tables>, tenantId: string, items: ProducedGroup[]): Promise<void> {
    for (const [index, group] of items.entries()) {
      if (!group.memberGroupIds) continue;
      const platform = platformOf(group);
      const ids = [...new Set(group.memberGroupIds)];
      const self = group.memberGroupIds.indexOf(group.id);
      if (self >= 0) throw badRequest(`value[${index}].memberGroupIds[${self}] is the group '${group.id}' itself; a group cannot be a member of itself.`);
      const known = new Set<string>();
      for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
        const rows = await trx.selectFrom('insights_groups').select('group_id').where('tenant_id', '=', tenantId).where('platform', '=', platform).where('group_id', 'in', ids.slice(start, start + ROWS_PER_STATEMENT)).execute();
        for (const row of rows) known.add(row.group_id);
      }
      const unknown = group.memberGroupIds.findIndex((id) => !known.has(id));
      if (unknown >= 0) throw badRequest(`value[${index}].memberGroupIds[${unknown}] '${group.memberGroupIds[unknown]}' is no ${platform === 'google' ? 'Google' : 'Microsoft 365'} group of this tenant; report the group first.`);
      await trx.deleteFrom('insights_group_nesting').where('tenant_id', '=', tenantId).where('platform', '=', platform).where('group_id', '=', group.id).execute();
      await this.insertAll(trx, 'insights_group_nesting', ids.map((memberGroupId) => ({ tenant_id: tenantId, platform, group_id: group.id, member_group_id: memberGroupId })));
    }
  }

  async workspaces(tenantId: string, items: ProducedWorkspace[]): Promise<void> {
    await this.write('insights_workspaces', ['tenant_id', 'platform', 'workspace_id'], items.map((workspace, index) => ({
      tenant_id: tenantId,
      platform: platformOf(workspace),
      workspace_id: workspace.id,
      url: workspace.url,
      url_key: matchKey(workspace.url),
      title: workspace.title,
      module: workspace.module,
      created_ms: timeOf(`value[${index}].createdOn`, workspace.createdOn) ?? 0,
    })));
  }

  async objects(tenantId: string, items: ProducedObject[]): Promise<void> {
    await this.requireKnown(tenantId, 'insights_workspaces', 'workspace_id', items.map((item) => [platformOf(item), item.workspaceId]), 'workspaceId', 'workspace');
    await this.write('insights_objects', ['tenant_id', 'platform', 'object_id'], items.map((object, index) => {
      const at = (name: string) => `value[${index}].${name}`;
      const sensitivity = object.sensitivityLevel ?? 'N/A';
      const exposure = object.exposureLevel ?? 'N/A';
      const risk = object.riskLevel ?? 'N/A';
      return {
        tenant_id: tenantId,
        platform: platformOf(object),
        object_id: object.id,
        workspace_id: object.workspaceId,
        url: object.url,
        url_key: matchKey(object.url),
        name: object.name,
        object_type: object.objectType,
        created_by: object.createdBy ?? '',
        creator_email: object.creatorEmail ?? '',
        created_ms: timeOf(at('createdTime'), object.createdTime) ?? 0,
        modified_ms: timeOf(at('modifiedTime'), object.modifiedTime),
        scanned_ms: timeOf(at('scannedTime'), object.scannedTime),
        channel_name: object.channelName ?? '',
        privacy: object.privacy ?? '',
        sensitivity_level: sensitivity,
        sensitivity_rank: rankOf(sensitivity),
        exposure_level: exposure,
        exposure_rank: rankOf(exposure),
        risk_level: risk,
        risk_rank: rankOf(risk),
        data_types: JSON.stringify(object.dataTypes ?? []),
        sensitivity_label: object.sensitivityLabel ?? null,
        trainable_classifier: object.trainableClassifier ?? null,
        retention_label: object.retentionLabel ?? null,
        tag_name: object.tagName ?? '',
        inherit_type: object.inheritType ?? 'Inheritance',
      };
    }));
  }

  async permissions(tenantId: string, items: ProducedPermission[]): Promise<void> {
    const objects = await this.objectsOf(tenantId, items);
    const users = await this.lookup(tenantId, 'insights_users', 'user_id', items.filter((item) => item.principalKind === 'user').map((item) => [platformOf(item), item.principalId]), ['display_name', 'email']);
    const groups = await this.lookup(tenantId, 'insights_groups', 'group_id', items.filter((item) => item.principalKind === 'group').map((item) => [platformOf(item), item.principalId]), ['display_name', 'email']);
    const rows = items.map((item, index) => {
      const platform = platformOf(item);
      const object = objects.get(`${platform}|${item.objectId}`)!;
      let name: string;
      let email = '';
      if (item.principalKind === 'special') {
        const special = SPECIAL_PRINCIPALS[item.principalId as keyof typeof SPECIAL_PRINCIPALS];
        if (!special) throw badRequest(`value[${index}].principalId '${item.principalId}' is not a special group; use one of ${Object.keys(SPECIAL_PRINCIPALS).join(', ')}.`);
        name = special.name;
      } else {
        const principal = (item.principalKind === 'user' ? users : groups).get(`${platform}|${item.principalId}`);
        if (!principal) throw badRequest(`value[${index}].principalId '${item.principalId}' is no ${item.principalKind} of this tenant; report the ${item.principalKind} first.`);
        name = String(principal.display_name);
        email = String(principal.email ?? '');
      }
      return {
        tenant_id: tenantId,
        platform,
        permission_id: item.id,
        object_id: item.objectId,
        workspace_id: object.workspace_id,
        module: object.module,
        principal_key: principalKey(item.principalKind as 'user' | 'group' | 'special', item.principalId),
        principal_kind: item.principalKind,
        principal_id: item.principalId,
        principal_name: name,
        principal_email: email,
        permission: item.permission,
        inherit_type: item.inheritType ?? object.inherit_type,
      };
    });
    await this.write('insights_permissions', ['tenant_id', 'platform', 'permission_id'], rows);
  }

  /** A link is also a principal: its permission entry (`link:<id>`) reaches every user it was given to. */
  async sharingLinks(tenantId: string, items: ProducedSharingLink[]): Promise<void> {
    const objects = await this.objectsOf(tenantId, items);
    await this.db.transaction().execute(async (trx) => {
      const links = items.map((link, index) => {
        const platform = platformOf(link);
        const object = objects.get(`${platform}|${link.objectId}`)!;
        return {
          tenant_id: tenantId,
          platform,
          link_id: link.id,
          object_id: link.objectId,
          workspace_id: object.workspace_id,
          link_type: link.linkType,
          logon_name: link.logonName ?? `sharinglinks.${link.id}.flexible.${link.objectId}`,
          created_ms: timeOf(`value[${index}].createdTime`, link.createdTime)!,
          expire_ms: timeOf(`value[${index}].expireTime`, link.expireTime),
          share_by: link.shareBy,
          link_url: link.linkUrl,
          permission: link.permission,
          inherit_from: link.inheritFrom ?? null,
          inherit_type: link.inheritType ?? 'Unique',
          share_with: link.memberIds ? new Set(link.memberIds).size : 0,
        };
      });
      await this.upsert(trx, 'insights_sharing_links', ['tenant_id', 'platform', 'link_id'], links);
      await this.upsert(trx, 'insights_permissions', ['tenant_id', 'platform', 'permission_id'], links.map((link) => ({
        tenant_id: tenantId,
        platform: link.platform,
        permission_id: `link:${link.link_id}`,
        object_id: link.object_id,
        workspace_id: link.workspace_id,
        module: objects.get(`${link.platform}|${link.object_id}`)!.module,
        principal_key: principalKey('link', link.link_id),
        principal_kind: 'link',
        principal_id: link.link_id,
        principal_name: link.logon_name,
        principal_email: '',
        permission: link.permission,
        inherit_type: link.inherit_type,
      })));
      for (const link of items) {
        if (!link.memberIds) continue;
        const platform = platformOf(link);
        await trx.deleteFrom('insights_link_members').where('tenant_id', '=', tenantId).where('platform', '=', platform).where('link_id', '=', link.id).execute();
        await this.insertAll(trx, 'insights_link_members', [...new Set(link.memberIds)].map((userId) => ({ tenant_id: tenantId, platform, link_id: link.id, user_id: userId })));
      }
    });
  }

  async activities(tenantId: string, items: ProducedActivity[]): Promise<void> {
    await this.write('insights_activities', ['tenant_id', 'platform', 'activity_id'], items.map((activity, index) => ({
      tenant_id: tenantId,
      platform: platformOf(activity),
      activity_id: activity.id,
      object_id: activity.objectId,
      user_id: activity.userId,
      event_type: activity.eventType,
      time_ms: timeOf(`value[${index}].time`, activity.time)!,
      client_ip: activity.clientIp ?? '',
      detail: activity.detail ?? '',
    })));
  }

  /** The objects a batch of edges names, with what each edge copies from its object; refuses an unknown one. */
  private async objectsOf(tenantId: string, items: { platform?: string | undefined; objectId: string }[]) {
    const pairs = items.map((item) => [platformOf(item), item.objectId] as [Platform, string]);
    const found = await this.lookup(tenantId, 'insights_objects', 'object_id', pairs, ['workspace_id', 'inherit_type']);
    const workspaces = await this.lookup(tenantId, 'insights_workspaces', 'workspace_id', [...found.entries()].map(([key, row]) => [key.split('|')[0] as Platform, String(row.workspace_id)]), ['module']);
    const result = new Map<string, { workspace_id: string; inherit_type: string; module: string }>();
    pairs.forEach(([platform, objectId], index) => {
      const object = found.get(`${platform}|${objectId}`);
      if (!object) throw badRequest(`value[${index}].objectId '${objectId}' is no object of this tenant; report the object first.`);
      const workspace = workspaces.get(`${platform}|${object.workspace_id}`);
      result.set(`${platform}|${objectId}`, { workspace_id: String(object.workspace_id), inherit_type: String(object.inherit_type), module: String(workspace?.module ?? '') });
    });
    return result;
  }

  private async requireKnown(tenantId: string, table: Keyed, idColumn: string, pairs: [Platform, string][], field: string, what: string) {
    const found = await this.lookup(tenantId, table, idColumn, pairs, []);
    pairs.forEach(([platform, id], index) => {
      if (!found.has(`${platform}|${id}`)) throw badRequest(`value[${index}].${field} '${id}' is no ${what} of this tenant; report the ${what} first.`);
    });
  }

  /** Rows of `table` by (platform, id), keyed `platform|id`. */
  private async lookup(tenantId: string, table: Keyed, idColumn: string, pairs: [Platform, string][], columns: string[]): Promise<Map<string, Record<string, unknown>>> {
    const result = new Map<string, Record<string, unknown>>();
    const byPlatform = new Map<Platform, Set<string>>();
    for (const [platform, id] of pairs) (byPlatform.get(platform) ?? byPlatform.set(platform, new Set()).get(platform)!).add(id);
    const db = this.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (const [platform, ids] of byPlatform) {
      const all = [...ids];
      for (let start = 0; start < all.length; start += ROWS_PER_STATEMENT) {
        const rows = await db
          .selectFrom(table)
          .select([idColumn, ...columns] as never[])
          .where('tenant_id', '=', tenantId)
          .where('platform', '=', platform)
          .where(idColumn, 'in', all.slice(start, start + ROWS_PER_STATEMENT))
          .execute();
        for (const row of rows as Record<string, unknown>[]) result.set(`${platform}|${String(row[idColumn])}`, row);
      }
    }
    return result;
  }

  /** One batch, one transaction: a batch that fails part-way changes nothing. */
  private async write<T extends Keyed>(table: T, keys: string[], rows: Insertable<Tables[T]>[]): Promise<void> {
    await this.db.transaction().execute((trx) => this.upsert(trx, table, keys, rows));
  }

  private async upsert<T extends Keyed>(db: Db, table: T, keys: string[], rows: Insertable<Tables[T]>[]): Promise<void> {
    if (rows.length === 0) return;
    // The last report of an id in a batch wins, as it would over separate batches.
    const unique = [...new Map(rows.map((row) => [keys.map((key) => String((row as Record<string, unknown>)[key])).join('|'), row])).values()];
    const columns = Object.keys(unique[0]!).filter((column) => !keys.includes(column));
    const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
      await anyDb
        .insertInto(table)
        .values(unique.slice(start, start + ROWS_PER_STATEMENT) as never)
        .onConflict((oc) => oc.columns(keys as never).doUpdateSet((eb) => Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}` as never)])) as never))
        .execute();
    }
  }

  private async insertAll(db: Db, table: 'insights_group_members' | 'insights_group_nesting' | 'insights_link_members', rows: Record<string, string>[]): Promise<void> {
    const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      await anyDb.insertInto(table).values(rows.slice(start, start + ROWS_PER_STATEMENT) as never).execute();
    }
  }
}
