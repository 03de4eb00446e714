import type { Kysely } from 'kysely';
import type { Platform } from '../catalogue.js';
import { queryTemplate, TemplateCache } from '../../storage/query-template.js';
import type { InsightsTables } from '../schema.js';
import type { GraphStore, UserRow } from './graph-store.js';
import { memberCounts } from './group-nesting.js';
import type { Positioned, RowSource } from './keyset.js';

/** A user permission (userPermissions.md), fields in the sample's order. */
export interface AccessRow {
  module: string;
  siteName: string;
  name: string;
  location: string;
  objectType: string;
  inheritType: string;
  permission: string;
  sensitivityLevel: string;
  dataType: string;
  isDirect: boolean;
  sensitivityLabel: string;
  trainableClassifier: string;
  inheritedFrom: string;
}

/** A site (or Google drive) permission (sitePermissionsGet.md), fields in the sample's order. */
export interface SitePermissionRow {
  module: string;
  name: string;
  url: string;
  objectType: string;
  principalName: string;
  email: string;
  principalType: string;
  permission: string;
  numberOfMembers: number;
  isExternalUser: boolean;
  inheritType: string;
  linkGivingAccessTo: string | null;
}

export interface AccessFilter {
  tenantId: string;
  platform: Platform;
  /** One entry per user (or group) asked for, in the order asked: the principal keys whose entries are its access. */
  subjects: { principalKeys: string[] }[];
  workspaceIds?: string[] | undefined;
  modules?: string[] | undefined;
  objectTypes?: string[] | undefined;
}

type Db = Kysely<InsightsTables>;

/** Permission entries joined with their object and workspace: what every permission read shows. */
function entriesWithObjects(db: Db, tenantId: string, platform: Platform) {
  return db
    .selectFrom('insights_permissions as p')
    .innerJoin('insights_objects as o', (join) => join.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.platform', '=', 'p.platform').onRef('o.object_id', '=', 'p.object_id'))
    .innerJoin('insights_workspaces as w', (join) => join.onRef('w.tenant_id', '=', 'p.tenant_id').onRef('w.platform', '=', 'p.platform').onRef('w.workspace_id', '=', 'p.workspace_id'))
    .where('p.tenant_id', '=', tenantId)
    .where('p.platform', '=', platform);
}

/**
 * A user's (or a group's) access: for each subject in order, the entries under each of its
 * principal keys in key order, each key's entries in `seq` order, each an index range scan.
 * The position (subject, key, seq) makes pages exact while entries are added or removed.
 */
export function accessRows(db: Db, filter: AccessFilter): RowSource<AccessRow> {
  const templates = accessTemplates(db);
  const shape: AccessShape = { workspaces: filter.workspaceIds?.length ?? -1, modules: filter.modules?.length ?? -1, objectTypes: filter.objectTypes?.length ?? -1 };
  const lists: AccessValues = {};
  filter.workspaceIds?.forEach((id, index) => (lists[`w${index}`] = id));
  filter.modules?.forEach((name, index) => (lists[`m${index}`] = name));
  filter.objectTypes?.forEach((type, index) => (lists[`t${index}`] = type));
  return async function* (after, batch) {
    const start = after ? Number(after.u) : 0;
    for (let subject = start; subject < filter.subjects.length; subject++) {
      const keys = filter.subjects[subject]!.principalKeys;
      for (const key of keys) {
        if (subject === start && after && key < String(after.k)) continue;
        let seq = subject === start && after && key === after.k ? Number(after.s) : 0;
        for (;;) {
          const rows = await templates.run(JSON.stringify(shape), { ...lists, tenantId: filter.tenantId, platform: filter.platform, key, seq, limit: batch });
          for (const row of rows) {
            seq = Number(row.seq);
            const direct = row.principal_kind === 'user';
            yield {
              at: { u: subject, k: key, s: seq },
              row: {
                module: row.module,
                siteName: row.title,
                name: row.name,
                location: row.url,
                objectType: row.object_type,
                inheritType: row.inherit_type,
                permission: row.permission,
                sensitivityLevel: row.sensitivity_level,
                dataType: (JSON.parse(row.data_types) as string[]).join(', '),
                isDirect: direct,
                sensitivityLabel: row.sensitivity_label ?? '',
                trainableClassifier: row.trainable_classifier ?? '',
                inheritedFrom: direct ? '' : row.principal_name,
              },
            } satisfies Positioned<AccessRow>;
          }
          if (rows.length < batch) break;
        }
      }
    }
  };
}

/** How many values each optional filter lists (-1: absent): what decides the SQL of an access read. */
interface AccessShape {
  workspaces: number;
  modules: number;
  objectTypes: number;
}
type AccessValues = Record<string, string | number>;

function buildAccessQuery(db: Db, shape: AccessShape, v: AccessValues) {
  const slots = (prefix: string, count: number) => Array.from({ length: Math.max(count, 1) }, (_, index) => (count === 0 ? '' : (v[`${prefix}${index}`] as string)));
  let query = entriesWithObjects(db, v.tenantId as string, v.platform as Platform)
    .select(['p.seq', 'p.permission', 'p.inherit_type', 'p.principal_kind', 'p.principal_name', 'o.name', 'o.url', 'o.object_type', 'o.sensitivity_level', 'o.data_types', 'o.sensitivity_label', 'o.trainable_classifier', 'w.title', 'w.module'])
    .where('p.principal_key', '=', v.key as string)
    .where('p.seq', '>', v.seq as number);
  // An empty list matches nothing, as '' is no workspace, data source or object type.
  if (shape.workspaces >= 0) query = query.where('p.workspace_id', 'in', slots('w', shape.workspaces));
  if (shape.modules >= 0) query = query.where('p.module', 'in', slots('m', shape.modules));
  if (shape.objectTypes >= 0) query = query.where('o.object_type', 'in', slots('t', shape.objectTypes));
  return query.orderBy('p.seq').limit(v.limit as number);
}

type AccessQueryRow = Awaited<ReturnType<ReturnType<typeof buildAccessQuery>['execute']>>[number];

const accessTemplateCaches = new WeakMap<Db, TemplateCache<AccessValues, AccessQueryRow>>();

/** Access reads compiled once per database and filter shape: on a page, compiling cost as much as the indexed read. */
function accessTemplates(db: Db): TemplateCache<AccessValues, AccessQueryRow> {
  let cache = accessTemplateCaches.get(db);
  if (!cache) {
    cache = new TemplateCache((text) => {
      const shape = JSON.parse(text) as AccessShape;
      const names = ['tenantId', 'platform', 'key', 'seq', 'limit'];
      for (const [prefix, count] of [['w', shape.workspaces], ['m', shape.modules], ['t', shape.objectTypes]] as const) for (let index = 0; index < count; index++) names.push(`${prefix}${index}`);
      return queryTemplate<AccessValues, AccessQueryRow>(db, names, (v) => buildAccessQuery(db, shape, v));
    });
    accessTemplateCaches.set(db, cache);
  }
  return cache;
}

/**
 * The access of users, as the direct read pages it and the export writes it: one source, so a
 * user's rows are the same in both.
 */
export async function userAccessSource(graph: GraphStore, tenantId: string, platform: Platform, users: UserRow[], scope: { workspaceIds?: string[] | undefined; modules?: string[] | undefined } = {}): Promise<RowSource<AccessRow>> {
  const subjects = await Promise.all(users.map(async (user) => ({ principalKeys: await graph.principalKeysOf(tenantId, platform, user) })));
  return accessRows(graph.db, { tenantId, platform, subjects, workspaceIds: scope.workspaceIds, modules: scope.modules });
}

const PRINCIPAL_TYPES: Record<string, string> = { user: 'User', link: 'Sharing Link', special: 'Special Group' };

/**
 * The permission entries of site collections (or Google drives), each workspace in the order
 * asked, its entries in `seq` order. Member counts and the people a link gives access to are
 * read per batch, so a page costs a few statements whatever its principals.
 */
export function workspacePermissionRows(db: Db, tenantId: string, platform: Platform, workspaceIds: string[]): RowSource<SitePermissionRow> {
  return async function* (after, batch) {
    const start = after ? Number(after.w) : 0;
    for (let index = start; index < workspaceIds.length; index++) {
      let seq = index === start && after ? Number(after.s) : 0;
      for (;;) {
        const rows = await entriesWithObjects(db, tenantId, platform)
          .leftJoin('insights_users as u', (join) => join.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.platform', '=', 'p.platform').onRef('u.user_id', '=', 'p.principal_id'))
          .leftJoin('insights_groups as g', (join) => join.onRef('g.tenant_id', '=', 'p.tenant_id').onRef('g.platform', '=', 'p.platform').onRef('g.group_id', '=', 'p.principal_id'))
          .select(['p.seq', 'p.permission', 'p.inherit_type', 'p.principal_kind', 'p.principal_id', 'p.principal_name', 'p.principal_email', 'o.name', 'o.url', 'o.object_type', 'w.module', 'u.is_external', 'g.group_type'])
          .where('p.workspace_id', '=', workspaceIds[index]!)
          .where('p.seq', '>', seq)
          .orderBy('p.seq')
          .limit(batch)
          .execute();
        const groupIds = rows.filter((row) => row.principal_kind === 'group').map((row) => row.principal_id);
        const linkIds = rows.filter((row) => row.principal_kind === 'link').map((row) => row.principal_id);
        const [groupSizes, linkMembers] = await Promise.all([memberCounts(db, tenantId, platform, groupIds), linkMemberNames(db, tenantId, platform, linkIds)]);
        for (const row of rows) {
          seq = Number(row.seq);
          const isUser = row.principal_kind === 'user';
          const isLink = row.principal_kind === 'link';
          const members = isLink ? (linkMembers.get(row.principal_id) ?? []) : [];
          yield {
            at: { w: index, s: seq },
            row: {
              module: row.module,
              name: row.name,
              url: row.url,
              objectType: row.object_type,
              principalName: row.principal_name,
              email: row.principal_email,
              principalType: row.principal_kind === 'group' ? (row.group_type ?? 'Group') : (PRINCIPAL_TYPES[row.principal_kind] ?? row.principal_kind),
              permission: row.permission,
              numberOfMembers: row.principal_kind === 'group' ? (groupSizes.get(row.principal_id) ?? 0) : isLink ? members.length : 0,
              isExternalUser: isUser && Number(row.is_external) === 1,
              inheritType: row.inherit_type,
              linkGivingAccessTo: isLink ? members.join(', ') : null,
            },
          };
        }
        if (rows.length < batch) break;
      }
    }
  };
}

async function linkMemberNames(db: Db, tenantId: string, platform: Platform, linkIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (linkIds.length === 0) return result;
  const rows = await db
    .selectFrom('insights_link_members as m')
    .innerJoin('insights_users as u', (join) => join.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.platform', '=', 'm.platform').onRef('u.user_id', '=', 'm.user_id'))
    .select(['m.link_id', 'u.display_name'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.platform', '=', platform)
    .where('m.link_id', 'in', [...new Set(linkIds)])
    .orderBy('m.link_id')
    .orderBy('u.seq')
    .execute();
  for (const row of rows) (result.get(row.link_id) ?? result.set(row.link_id, []).get(row.link_id)!).push(row.display_name);
  return result;
}

