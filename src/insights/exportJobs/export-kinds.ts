import { Type, type TSchema } from 'typebox';
import { invalidParameter, notFound } from '../../platform/errors.js';
import { parseIsoDate } from '../../platform/query.js';
import { GOOGLE_DATA_SOURCE_ALIASES, GOOGLE_DATA_SOURCES, GOOGLE_LINK_TYPES, M365_DATA_SOURCES, M365_LINK_TYPES, principalKey, type Platform } from '../catalogue.js';
import { activityRows, type ActivityRow } from '../graph/activity-rows.js';
import { createdOn } from '../graph/directory-rows.js';
import type { GraphStore, GroupRow, UserRow, WorkspaceRow } from '../graph/graph-store.js';
import { allRows } from '../graph/keyset.js';
import { linkRows, type LinkRow } from '../graph/link-rows.js';
import { enclosingGroups, memberCounts } from '../graph/group-nesting.js';
import { accessRows, userAccessSource, workspacePermissionRows, type AccessRow, type SitePermissionRow } from '../graph/permission-rows.js';
import { fullyDecoded } from '../keys.js';
import { listOf, resolveDrives, resolveGroup, resolveSites, resolveUsers } from '../resolve.js';
import type { ReportColumn, ReportSheet } from './report-writer.js';

/** What a start request resolved to: ids of graph rows and filters, kept with the job so a resumed job writes the same report. */
export type ExportPayload = Record<string, unknown>;

export interface ExportRequest {
  tenantId: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  graph: GraphStore;
  nowMs: number;
}

export interface ExportKind {
  kind: string;
  /** The documented path (Fastify syntax) and, where the docs let a parameter be skipped, the path without it. */
  paths: string[];
  operationId: string;
  summary: string;
  page: string;
  params?: TSchema;
  querystring: TSchema;
  /** Validates and resolves the request; a 4xx here starts nothing. */
  prepare(request: ExportRequest): Promise<ExportPayload>;
  /** The report's sheets, computed from the graph when the job runs. */
  report(payload: ExportPayload, graph: GraphStore, tenantId: string): Promise<{ title: string; sheets: ReportSheet[] }>;
}

// ---------------------------------------------------------------------------------------
// Columns: the fields of the direct read each report corresponds to, in the same order.

const columns = <T>(spec: [keyof T & string, string][]): ReportColumn[] => spec.map(([key, header]) => ({ key, header }));

export const ACCESS_COLUMNS = columns<AccessRow>([
  ['module', 'Module'], ['siteName', 'Site Name'], ['name', 'Name'], ['location', 'Location'], ['objectType', 'Object Type'], ['inheritType', 'Inherit Type'],
  ['permission', 'Permission'], ['sensitivityLevel', 'Sensitivity Level'], ['dataType', 'Data Type'], ['isDirect', 'Is Direct'], ['sensitivityLabel', 'Sensitivity Label'],
  ['trainableClassifier', 'Trainable Classifier'], ['inheritedFrom', 'Inherited From'],
]);
export const SITE_PERMISSION_COLUMNS = columns<SitePermissionRow>([
  ['module', 'Module'], ['name', 'Name'], ['url', 'URL'], ['objectType', 'Object Type'], ['principalName', 'Principal Name'], ['email', 'Email'], ['principalType', 'Principal Type'],
  ['permission', 'Permission'], ['numberOfMembers', 'Number of Members'], ['isExternalUser', 'Is External User'], ['inheritType', 'Inherit Type'], ['linkGivingAccessTo', 'Link Giving Access To'],
]);
export const LINK_COLUMNS = columns<LinkRow>([
  ['name', 'Name'], ['objectUrl', 'Object URL'], ['fileType', 'File Type'], ['linkType', 'Link Type'], ['linkUrl', 'Link URL'], ['permission', 'Permission'], ['shareBy', 'Shared By'],
  ['shareWith', 'Shared With'], ['createTime', 'Created Time'], ['expireTime', 'Expiration Time'], ['inheritType', 'Inherit Type'], ['inheritFrom', 'Inherited From'],
  ['sensitivityLevel', 'Sensitivity Level'], ['siteId', 'Site ID'], ['linkId', 'Link ID'], ['logonName', 'Logon Name'],
]);
export const ACTIVITY_COLUMNS = columns<ActivityRow>([
  ['time', 'Time (UTC)'], ['eventType', 'Event Type'], ['user', 'User'], ['email', 'Email'], ['objectName', 'Object Name'], ['objectUrl', 'Object URL'], ['objectType', 'Object Type'],
  ['location', 'Location'], ['clientIp', 'Client IP'], ['detail', 'Detail'],
]);
interface GroupSummaryLine {
  displayName: string;
  groupId: string;
  email: string;
  groupType: string;
  membershipType: string;
  createdOn: string;
  memberCount: number;
  externalMemberCount: number;
}
export const GROUP_SUMMARY_COLUMNS = columns<GroupSummaryLine>([
  ['displayName', 'Display Name'], ['groupId', 'Group ID'], ['email', 'Email'], ['groupType', 'Group Type'], ['membershipType', 'Membership Type'], ['createdOn', 'Created On'],
  ['memberCount', 'Members'], ['externalMemberCount', 'External Members'],
]);

// ---------------------------------------------------------------------------------------
// Parameters

const List = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));
const Window = {
  startTime: Type.Optional(Type.String({ description: 'Start of the reporting window, ISO 8601 (yyyy-MM-ddTHH:mm:ss, UTC).' })),
  finishTime: Type.Optional(Type.String({ description: 'End of the reporting window, ISO 8601 (yyyy-MM-ddTHH:mm:ss, UTC).' })),
};
const ActivityQuery = Type.Object({ ...Window, eventTypes: List('Event types to include (repeat the parameter).') });
const M365AccessQuery = Type.Object({ siteUrls: List('Site collection URLs to limit the report to.'), dataSources: List(`Required: ${M365_DATA_SOURCES.join(', ')}.`) });
const GoogleAccessQuery = Type.Object({
  driveIds: List('Google drive ids to limit the report to.'),
  dataSources: List(`Required: ${GOOGLE_DATA_SOURCES.join(', ')} (also 'my drive', 'shared drive').`),
  exportOptionType: Type.Optional(Type.Integer({ description: 'Sent by the sample; ignored.' })),
});
const GroupQuery = (containers: 'siteUrls' | 'driveIds', sources: readonly string[]) =>
  Type.Object({
    exportOptionType: Type.Optional(Type.Integer({ description: 'Required: 1 summary and site collection (Google: drive) level access, 2 summary and access to all objects, 3 summary only.' })),
    [containers]: List(containers === 'siteUrls' ? 'Site collection URLs to limit the report to.' : 'Google drive ids to limit the report to.'),
    dataSources: List(`Required: ${sources.join(', ')}.`),
  });
const LinkQuery = (types: Record<number, string>) =>
  Type.Object({
    exportLinkType: Type.Optional(Type.Integer({ description: `Required: ${Object.entries(types).map(([code, name]) => `${code} ${name}`).join(', ')}.` })),
    ...Window,
  });
const Path = (name: string, description: string) => Type.Object({ [name]: Type.String({ minLength: 1, description }) });

/** A reporting window: both ends optional (then open), or both required; never reversed. */
function windowOf(query: Record<string, unknown>, required: boolean, nowMs: number): { fromMs: number; toMs: number } {
  const from = parseIsoDate('startTime', query.startTime, required as true);
  const to = parseIsoDate('finishTime', query.finishTime, required as true);
  const fromMs = from?.getTime() ?? 0;
  const toMs = to?.getTime() ?? nowMs;
  if (toMs < fromMs) throw invalidParameter('finishTime', 'must not be earlier than startTime');
  return { fromMs, toMs };
}

function dataSourcesOf(query: Record<string, unknown>, platform: Platform): string[] {
  const given = listOf(query.dataSources);
  const allowed: readonly string[] = platform === 'google' ? GOOGLE_DATA_SOURCES : M365_DATA_SOURCES;
  if (given.length === 0) throw invalidParameter('dataSources', `is required; give one or more of ${allowed.join(', ')}`);
  return [
    ...new Set(
      given.map((value) => {
        const match = allowed.find((name) => name.toLowerCase() === value.toLowerCase()) ?? (platform === 'google' ? GOOGLE_DATA_SOURCE_ALIASES[value.toLowerCase()] : undefined);
        if (!match) throw invalidParameter('dataSources', `has an unknown value '${value}'; valid values are ${allowed.join(', ')}`);
        return match;
      }),
    ),
  ];
}

function integerOf(query: Record<string, unknown>, name: string, allowed: number[]): number {
  const value = query[name];
  if (value === undefined || value === null || value === '') throw invalidParameter(name, `is required; one of ${allowed.join(', ')}`);
  const number = Number(Array.isArray(value) ? value[value.length - 1] : value);
  if (!allowed.includes(number)) throw invalidParameter(name, `must be one of ${allowed.join(', ')}`);
  return number;
}

const eventTypesOf = (query: Record<string, unknown>) => [...new Set(listOf(query.eventTypes))];

// ---------------------------------------------------------------------------------------
// Loading what a payload names when the job runs: a node or an edge removed since fails the job, saying which.

async function usersOf(graph: GraphStore, tenantId: string, platform: Platform, ids: string[]): Promise<UserRow[]> {
  const rows = await graph.db.selectFrom('insights_users').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('user_id', 'in', ids).execute();
  return ids.map((id) => rows.find((row) => row.user_id === id) ?? gone('user', id));
}

async function workspacesOf(graph: GraphStore, tenantId: string, platform: Platform, ids: string[]): Promise<WorkspaceRow[]> {
  if (ids.length === 0) return [];
  const rows = await graph.db.selectFrom('insights_workspaces').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('workspace_id', 'in', ids).execute();
  return ids.map((id) => rows.find((row) => row.workspace_id === id) ?? gone(platform === 'google' ? 'drive' : 'site collection', id));
}

function gone(what: string, id: string): never {
  throw new Error(`The ${what} '${id}' this report is about is no longer known to Insights.`);
}

async function groupSummaryLines(graph: GraphStore, tenantId: string, platform: Platform, groups: GroupRow[]): Promise<GroupSummaryLine[]> {
  const ids = groups.map((group) => group.group_id);
  const [external, counts] = await Promise.all([memberCounts(graph.db, tenantId, platform, ids, true), memberCounts(graph.db, tenantId, platform, ids)]);
  return groups.map((group) => ({
    displayName: group.display_name,
    groupId: group.group_id,
    email: group.email ?? '',
    groupType: group.group_type,
    membershipType: group.membership_type,
    createdOn: createdOn(group.created_ms),
    memberCount: counts.get(group.group_id) ?? 0,
    externalMemberCount: external.get(group.group_id) ?? 0,
  }));
}

/** Every directory group of a platform, a batch at a time, for the all-groups summary. */
async function* allGroupLines(graph: GraphStore, tenantId: string, platform: Platform): AsyncGenerator<GroupSummaryLine> {
  let seq = 0;
  for (;;) {
    const groups = await graph.db.selectFrom('insights_groups').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('scope', '=', 'directory').where('seq', '>', seq).orderBy('seq').limit(500).execute();
    for (const line of await groupSummaryLines(graph, tenantId, platform, groups)) yield line;
    if (groups.length < 500) return;
    seq = Number(groups[groups.length - 1]!.seq);
  }
}

async function* once<T>(rows: T[]): AsyncGenerator<T> {
  yield* rows;
}

// ---------------------------------------------------------------------------------------
// The twelve exports

function activityKind(options: { kind: string; paths: string[]; operationId: string; summary: string; page: string; platform: Platform; subject: 'object' | 'user'; param: string; paramDescription: string }): ExportKind {
  const { platform, subject, param } = options;
  return {
    ...options,
    params: Path(param, options.paramDescription),
    querystring: ActivityQuery,
    async prepare({ tenantId, params, query, graph, nowMs }) {
      const window = windowOf(query, false, nowMs);
      const value = params[param]!;
      let of: Record<string, string>;
      if (subject === 'user') {
        const [user] = await resolveUsers(graph, tenantId, platform, [value], param);
        of = { userId: user!.user_id };
      } else {
        const object = platform === 'google' ? await graph.findObject(tenantId, platform, fullyDecoded(value)) : await graph.findObjectByUrl(tenantId, platform, value);
        if (!object) throw notFound(`No object '${fullyDecoded(value)}' (${param}) is known to Insights in this tenant.`);
        of = { objectId: object.object_id };
      }
      return { of, ...window, eventTypes: eventTypesOf(query) };
    },
    async report(payload, graph, tenantId) {
      const { of, fromMs, toMs, eventTypes } = payload as { of: { objectId: string } | { userId: string }; fromMs: number; toMs: number; eventTypes: string[] };
      const source = activityRows(graph.db, { tenantId, platform, of, fromMs, toMs, eventTypes });
      return { title: subject === 'user' ? 'UserActivityReport' : 'ObjectActivityReport', sheets: [{ name: 'Activities', columns: ACTIVITY_COLUMNS, rows: allRows(source) }] };
    },
  };
}

function userAccessKind(options: { kind: string; paths: string[]; operationId: string; summary: string; page: string; platform: Platform }): ExportKind {
  const { platform } = options;
  const containers = platform === 'google' ? 'driveIds' : 'siteUrls';
  return {
    ...options,
    params: Path('email', platform === 'google' ? "The Google user's primary email, URL-encoded." : 'Email address or login name, URL-encoded (a guest\'s #ext#@ encoded twice, as the sample does).'),
    querystring: platform === 'google' ? GoogleAccessQuery : M365AccessQuery,
    async prepare({ tenantId, params, query, graph }) {
      const [user] = await resolveUsers(graph, tenantId, platform, [params.email!], 'email');
      const given = listOf(query[containers]);
      const workspaces = given.length === 0 ? undefined : platform === 'google' ? await resolveDrives(graph, tenantId, given, containers) : await resolveSites(graph, tenantId, given, containers);
      return { userId: user!.user_id, workspaceIds: workspaces?.map((workspace) => workspace.workspace_id), modules: dataSourcesOf(query, platform) };
    },
    async report(payload, graph, tenantId) {
      const { userId, workspaceIds, modules } = payload as { userId: string; workspaceIds?: string[]; modules: string[] };
      const users = await usersOf(graph, tenantId, platform, [userId]);
      const source = await userAccessSource(graph, tenantId, platform, users, { workspaceIds, modules });
      return { title: 'UserAccessReport', sheets: [{ name: 'User Access', columns: ACCESS_COLUMNS, rows: allRows(source) }] };
    },
  };
}

function groupAccessKind(options: { kind: string; paths: string[]; operationId: string; summary: string; page: string; platform: Platform }): ExportKind {
  const { platform } = options;
  const containers = platform === 'google' ? 'driveIds' : 'siteUrls';
  const sources = platform === 'google' ? GOOGLE_DATA_SOURCES : M365_DATA_SOURCES;
  return {
    ...options,
    params: Type.Object({ groupId: Type.Optional(Type.String({ description: platform === 'google' ? 'The group email; skip it (with exportOptionType 3) for all groups.' : 'The group id; skip it (with exportOptionType 3) for all groups.' })) }),
    querystring: GroupQuery(containers, sources),
    async prepare({ tenantId, params, query, graph }) {
      const option = integerOf(query, 'exportOptionType', [1, 2, 3]);
      if (platform === 'google' && option === 1) throw invalidParameter('exportOptionType', 'value 1 (summary and Google drive level access report) is not supported yet; use 2 or 3');
      const modules = dataSourcesOf(query, platform);
      const groupId = params.groupId?.trim();
      if (!groupId && option !== 3) throw invalidParameter('exportOptionType', 'must be 3 (summary report only) when groupId is skipped to export all groups');
      const group = groupId ? await resolveGroup(graph, tenantId, platform, groupId) : undefined;
      const given = listOf(query[containers]);
      const workspaces = given.length === 0 ? undefined : platform === 'google' ? await resolveDrives(graph, tenantId, given, containers) : await resolveSites(graph, tenantId, given, containers);
      return { option, groupId: group?.group_id ?? null, workspaceIds: workspaces?.map((workspace) => workspace.workspace_id), modules };
    },
    async report(payload, graph, tenantId) {
      const { option, groupId, workspaceIds, modules } = payload as { option: number; groupId: string | null; workspaceIds?: string[]; modules: string[] };
      let summary: AsyncIterable<GroupSummaryLine>;
      if (groupId) {
        const group = await graph.db.selectFrom('insights_groups').selectAll().where('tenant_id', '=', tenantId).where('platform', '=', platform).where('group_id', '=', groupId).executeTakeFirst();
        if (!group) gone('group', groupId);
        summary = once(await groupSummaryLines(graph, tenantId, platform, [group]));
      } else {
        summary = allGroupLines(graph, tenantId, platform);
      }
      const sheets: ReportSheet[] = [{ name: 'Summary', columns: GROUP_SUMMARY_COLUMNS, rows: summary }];
      if (groupId && option !== 3) {
        const source = accessRows(graph.db, {
          tenantId,
          platform,
          // The group's own entries and those of every group it is nested in: what its members reach through it.
          subjects: [{ principalKeys: (await enclosingGroups(graph.db, tenantId, platform, groupId)).map((id) => principalKey('group', id)).sort() }],
          workspaceIds,
          modules,
          objectTypes: option === 1 ? (platform === 'google' ? ['Drive'] : ['Site Collection']) : undefined,
        });
        sheets.push({ name: option === 1 ? (platform === 'google' ? 'Drive Access' : 'Site Collection Access') : 'Object Access', columns: ACCESS_COLUMNS, rows: allRows(source) });
      }
      return { title: 'GroupAccessReport', sheets };
    },
  };
}

function containerPermissionKind(options: { kind: string; paths: string[]; operationId: string; summary: string; page: string; platform: Platform }): ExportKind {
  const { platform } = options;
  const containers = platform === 'google' ? 'driveIds' : 'siteUrls';
  return {
    ...options,
    querystring: Type.Object({ [containers]: List(platform === 'google' ? 'Required: Google drive ids, at most 100.' : 'Required: site collection URLs, at most 100.') }),
    async prepare({ tenantId, query, graph }) {
      const given = listOf(query[containers]);
      if (given.length === 0) throw invalidParameter(containers, 'is required; give at least one');
      const workspaces = platform === 'google' ? await resolveDrives(graph, tenantId, given, containers) : await resolveSites(graph, tenantId, given, containers);
      return { workspaceIds: workspaces.map((workspace) => workspace.workspace_id) };
    },
    async report(payload, graph, tenantId) {
      const workspaces = await workspacesOf(graph, tenantId, platform, (payload as { workspaceIds: string[] }).workspaceIds);
      const source = workspacePermissionRows(graph.db, tenantId, platform, workspaces.map((workspace) => workspace.workspace_id));
      return { title: platform === 'google' ? 'DrivePermissionReport' : 'SitePermissionReport', sheets: [{ name: platform === 'google' ? 'Drive Permissions' : 'Site Permissions', columns: SITE_PERMISSION_COLUMNS, rows: allRows(source) }] };
    },
  };
}

function linkKind(options: { kind: string; paths: string[]; operationId: string; summary: string; page: string; platform: Platform }): ExportKind {
  const { platform } = options;
  const types = platform === 'google' ? GOOGLE_LINK_TYPES : M365_LINK_TYPES;
  return {
    ...options,
    querystring: LinkQuery(types),
    async prepare({ query, nowMs }) {
      const linkType = integerOf(query, 'exportLinkType', Object.keys(types).map(Number));
      return { linkType, ...windowOf(query, true, nowMs) };
    },
    async report(payload, graph, tenantId) {
      const { linkType, fromMs, toMs } = payload as { linkType: number; fromMs: number; toMs: number };
      const source = linkRows(graph.db, tenantId, platform, { by: 'created', linkType, fromMs, toMs });
      return { title: 'SharingLinkReport', sheets: [{ name: 'Sharing Links', columns: LINK_COLUMNS, rows: allRows(source) }] };
    },
  };
}

const DOCS = 'main/services-and-features/insights';

export const EXPORT_KINDS: readonly ExportKind[] = [
  activityKind({ kind: 'objectActivities', paths: ['/insights/activities/object/:path/export'], operationId: 'exportActivitiesForSpecificObject', summary: 'Export activities for a specific object', page: `${DOCS}/objects/objectActivities.md`, platform: 'm365', subject: 'object', param: 'path', paramDescription: 'The object URL, URL-encoded.' }),
  activityKind({ kind: 'googleObjectActivities', paths: ['/insights/google/activities/object/:id/export'], operationId: 'exportActivitiesForSpecificGoogleObject', summary: 'Export activities for a specific Google object', page: `${DOCS}/objects/googleObjectActivities.md`, platform: 'google', subject: 'object', param: 'id', paramDescription: 'The Google object id.' }),
  activityKind({ kind: 'userActivities', paths: ['/insights/users/:email/activities/export'], operationId: 'exportUserActivities', summary: 'Export user activities', page: `${DOCS}/users/userActivitiesExport.md`, platform: 'm365', subject: 'user', param: 'email', paramDescription: 'Email address or login name, URL-encoded.' }),
  userAccessKind({ kind: 'userAccess', paths: ['/insights/users/:email/access/export'], operationId: 'exportUserPermissions', summary: 'Export user permissions', page: `${DOCS}/users/userPermissionsExport.md`, platform: 'm365' }),
  activityKind({ kind: 'googleUserActivities', paths: ['/insights/google/users/:email/activities/export'], operationId: 'exportGoogleUserActivities', summary: 'Export Google user activities', page: `${DOCS}/users/googleUserActivitiesExport.md`, platform: 'google', subject: 'user', param: 'email', paramDescription: "The Google user's primary email, URL-encoded." }),
  userAccessKind({ kind: 'googleUserAccess', paths: ['/insights/google/users/:email/access/export'], operationId: 'exportGoogleUserPermissions', summary: 'Export Google user permissions', page: `${DOCS}/users/googleUserPermissionsExport.md`, platform: 'google' }),
  groupAccessKind({ kind: 'groupAccess', paths: ['/insights/groups/:groupId/access/export', '/insights/groups/access/export'], operationId: 'exportGroupAccessPermissions', summary: 'Export group access permissions', page: `${DOCS}/groups/groupAccessReport.md`, platform: 'm365' }),
  groupAccessKind({ kind: 'googleGroupAccess', paths: ['/insights/google/groups/:groupId/access/export', '/insights/google/groups/access/export'], operationId: 'exportGoogleGroupAccessPermissions', summary: 'Export Google group access permissions', page: `${DOCS}/groups/googleGroupAccessReport.md`, platform: 'google' }),
  containerPermissionKind({ kind: 'sitePermissions', paths: ['/insights/sites/permission/export'], operationId: 'exportSitePermissions', summary: 'Export site permissions', page: `${DOCS}/sites/sitePermissionsExport.md`, platform: 'm365' }),
  linkKind({ kind: 'sharingLinks', paths: ['/insights/sharingLinks/export'], operationId: 'exportPermissionRelatedInformationForSharingLinks', summary: 'Export permission-related information for sharing links', page: `${DOCS}/sharingLinks/linkExport.md`, platform: 'm365' }),
  linkKind({ kind: 'googleSharingLinks', paths: ['/insights/google/sharingLinks/export'], operationId: 'exportPermissionRelatedInformationForGoogleSharingLinks', summary: 'Export permission-related information for Google sharing links', page: `${DOCS}/sharingLinks/googleLinkExport.md`, platform: 'google' }),
  containerPermissionKind({ kind: 'drivePermissions', paths: ['/insights/google/drives/permission/export'], operationId: 'exportDrivePermissions', summary: 'Export drive permissions', page: `${DOCS}/drives/drivePermissionsExport.md`, platform: 'google' }),
];
