import type { Kysely, Selectable } from 'kysely';
import { principalKey, SPECIAL_PRINCIPALS, SPECIAL_INCLUDING_EXTERNAL, type Platform, type SpecialPrincipal } from '../catalogue.js';
import { queryTemplate } from '../../storage/query-template.js';
import { matchKey } from '../keys.js';
import { groupsOfUserTemplate } from './group-nesting.js';
import type { InsightsTables } from '../schema.js';

export type UserRow = Selectable<InsightsTables['insights_users']>;
export type GroupRow = Selectable<InsightsTables['insights_groups']>;
export type WorkspaceRow = Selectable<InsightsTables['insights_workspaces']>;
export type ObjectRow = Selectable<InsightsTables['insights_objects']>;

/** Finding things in the graph by what callers name them with: emails, login names, URLs, ids. */
export class GraphStore {
  // Every direct read starts with these: compiled once (see queryTemplate), not on every request.
  private readonly userByKey;
  private readonly groupsOfUser;
  private readonly linksOfUser;

  constructor(readonly db: Kysely<InsightsTables>) {
    type ByKey = { tenantId: string; platform: string; key: string };
    type ByUser = { tenantId: string; platform: string; userId: string };
    this.userByKey = queryTemplate<ByKey, UserRow>(db, ['tenantId', 'platform', 'key'], (v) =>
      db
        .selectFrom('insights_users')
        .selectAll()
        .where('tenant_id', '=', v.tenantId)
        .where('platform', '=', v.platform)
        .where((eb) => eb.or([eb('login_key', '=', v.key), eb('email_key', '=', v.key)]))
        .orderBy('seq')
        .limit(1),
    );
    this.groupsOfUser = groupsOfUserTemplate(db);
    this.linksOfUser = queryTemplate<ByUser, { link_id: string }>(db, ['tenantId', 'platform', 'userId'], (v) =>
      db.selectFrom('insights_link_members').select('link_id').where('tenant_id', '=', v.tenantId).where('platform', '=', v.platform).where('user_id', '=', v.userId),
    );
  }

  /** A user by email or login name (userPermissionsExport.md accepts either), any encoding. */
  async findUser(tenantId: string, platform: Platform, emailOrLogin: string): Promise<UserRow | undefined> {
    const key = matchKey(emailOrLogin);
    if (!key) return undefined;
    const [user] = await this.userByKey({ tenantId, platform, key });
    return user;
  }

  /** A group by id or, for Google groups, by email. */
  async findGroup(tenantId: string, platform: Platform, idOrEmail: string): Promise<GroupRow | undefined> {
    const key = matchKey(idOrEmail);
    return this.db
      .selectFrom('insights_groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('platform', '=', platform)
      .where((eb) => eb.or([eb('group_key', '=', key), eb('email_key', '=', key)]))
      .orderBy('seq')
      .executeTakeFirst();
  }

  async findWorkspaceByUrl(tenantId: string, platform: Platform, url: string): Promise<WorkspaceRow | undefined> {
    return this.db.selectFrom('insights_workspaces').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('url_key', '=', matchKey(url)).orderBy('seq').executeTakeFirst();
  }

  /** A workspace by id; for Google drives the id is what the caller names them by (drivePermissionsExport.md). */
  async findWorkspace(tenantId: string, platform: Platform, id: string): Promise<WorkspaceRow | undefined> {
    const exact = await this.db.selectFrom('insights_workspaces').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('workspace_id', '=', id).executeTakeFirst();
    return exact ?? (platform === 'google' ? this.findWorkspaceByUrl(tenantId, platform, id) : undefined);
  }

  async findObjectByUrl(tenantId: string, platform: Platform, url: string, workspaceId?: string): Promise<ObjectRow | undefined> {
    let query = this.db.selectFrom('insights_objects').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('url_key', '=', matchKey(url));
    if (workspaceId !== undefined) query = query.where('workspace_id', '=', workspaceId);
    return query.orderBy('seq').executeTakeFirst();
  }

  async findObject(tenantId: string, platform: Platform, id: string): Promise<ObjectRow | undefined> {
    return this.db.selectFrom('insights_objects').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('object_id', '=', id).executeTakeFirst();
  }

  /**
   * Every principal a user stands in, as permission-entry keys, sorted: the user, each group
   * they are a member of and each group holding one of those (nested groups, any depth), each
   * sharing link given to them, and the special groups that include them. A user's access is
   * exactly the permission entries under these keys.
   */
  async principalKeysOf(tenantId: string, platform: Platform, user: UserRow): Promise<string[]> {
    const byUser = { tenantId, platform, userId: user.user_id };
    const [groups, links] = await Promise.all([this.groupsOfUser(byUser), this.linksOfUser(byUser)]);
    const specials = (Object.keys(SPECIAL_PRINCIPALS) as SpecialPrincipal[]).filter((special) => !user.is_external || SPECIAL_INCLUDING_EXTERNAL.includes(special));
    const keys = [
      principalKey('user', user.user_id),
      ...groups.map((row) => principalKey('group', row.group_id)),
      ...links.map((row) => principalKey('link', row.link_id)),
      ...specials.map((special) => principalKey('special', special)),
    ];
    return [...new Set(keys)].sort();
  }
}
