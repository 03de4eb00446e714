import { invalidParameter, notFound } from '../platform/errors.js';
import { MAX_EXPORT_CONTAINERS, type Platform } from './catalogue.js';
import type { GraphStore, GroupRow, UserRow, WorkspaceRow } from './graph/graph-store.js';
import { fullyDecoded } from './keys.js';

/**
 * Turning what a request names (emails, site URLs, drive ids, group ids) into graph rows,
 * or a 4xx that names the parameter and the value: an export that would find nothing is
 * refused before it starts.
 */
export async function resolveUsers(graph: GraphStore, tenantId: string, platform: Platform, values: string[], parameter: string): Promise<UserRow[]> {
  if (values.length === 0) throw invalidParameter(parameter, 'needs at least one email address or login name');
  const users: UserRow[] = [];
  for (const value of values) {
    const user = await graph.findUser(tenantId, platform, value);
    if (!user) throw notFound(`No user '${fullyDecoded(value)}' (${parameter}) is known to Insights in this tenant.`);
    users.push(user);
  }
  return users;
}

export async function resolveSites(graph: GraphStore, tenantId: string, urls: string[], parameter: string, max = MAX_EXPORT_CONTAINERS): Promise<WorkspaceRow[]> {
  if (urls.length > max) throw invalidParameter(parameter, `lists ${urls.length} site collections; at most ${max} are allowed`);
  const sites: WorkspaceRow[] = [];
  for (const url of urls) {
    const site = await graph.findWorkspaceByUrl(tenantId, 'm365', url);
    if (!site) throw notFound(`No site collection '${fullyDecoded(url)}' (${parameter}) is known to Insights in this tenant.`);
    if (!sites.some((known) => known.workspace_id === site.workspace_id)) sites.push(site);
  }
  return sites;
}

export async function resolveDrives(graph: GraphStore, tenantId: string, ids: string[], parameter: string): Promise<WorkspaceRow[]> {
  if (ids.length > MAX_EXPORT_CONTAINERS) throw invalidParameter(parameter, `lists ${ids.length} drives; at most ${MAX_EXPORT_CONTAINERS} are allowed`);
  const drives: WorkspaceRow[] = [];
  for (const id of ids) {
    const drive = await graph.findWorkspace(tenantId, 'google', fullyDecoded(id));
    if (!drive) throw notFound(`No Google drive '${fullyDecoded(id)}' (${parameter}) is known to Insights in this tenant.`);
    if (!drives.some((known) => known.workspace_id === drive.workspace_id)) drives.push(drive);
  }
  return drives;
}

export async function resolveGroup(graph: GraphStore, tenantId: string, platform: Platform, idOrEmail: string): Promise<GroupRow> {
  const group = await graph.findGroup(tenantId, platform, fullyDecoded(idOrEmail));
  if (!group) throw notFound(`No group '${fullyDecoded(idOrEmail)}' (groupId) is known to Insights in this tenant.`);
  return group;
}

/** A list parameter's values, each decoded as often as it was encoded, empty ones dropped. */
export const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).map((item) => fullyDecoded(String(item)).trim()).filter((item) => item !== '' && item.toLowerCase() !== 'null');
