import type { Kysely } from 'kysely';
import { GOOGLE_LINK_TYPES, M365_LINK_TYPES, type Platform } from '../catalogue.js';
import type { InsightsTables } from '../schema.js';
import type { RowSource } from './keyset.js';

/** A link summary (linkSummary.md), fields in the sample's order. */
export interface LinkRow {
  id: string;
  siteId: string;
  selfId: string;
  linkId: string;
  logonName: string;
  createTime: string;
  expireTime: string | null;
  name: string;
  objectUrl: string;
  linkType: string;
  shareBy: string;
  inheritFrom: string | null;
  inheritType: string;
  shareWith: number;
  linkUrl: string;
  permission: string;
  fileType: string;
  sensitivityLevel: string;
}

export type LinkScope =
  | { by: 'workspace'; workspaceId: string; linkType: number }
  | { by: 'created'; linkType: number; fromMs: number; toMs: number };

const FOLDER_TYPES = new Set(['Folder', 'Library', 'List', 'Site', 'Site Collection', 'Drive']);

/**
 * Sharing links of one type: those of a site (the summary read), or those created in a window
 * across the tenant (the exports), in keyset order over the index that serves each.
 */
export function linkRows(db: Kysely<InsightsTables>, tenantId: string, platform: Platform, scope: LinkScope): RowSource<LinkRow> {
  const names = platform === 'google' ? GOOGLE_LINK_TYPES : M365_LINK_TYPES;
  return async function* (after, batch) {
    let position = after ? { t: Number(after.t), s: Number(after.s) } : undefined;
    for (;;) {
      let query = db
        .selectFrom('insights_sharing_links as l')
        .innerJoin('insights_objects as o', (join) => join.onRef('o.tenant_id', '=', 'l.tenant_id').onRef('o.platform', '=', 'l.platform').onRef('o.object_id', '=', 'l.object_id'))
        .select(['l.seq', 'l.link_id', 'l.object_id', 'l.workspace_id', 'l.link_type', 'l.logon_name', 'l.created_ms', 'l.expire_ms', 'l.share_by', 'l.link_url', 'l.permission', 'l.inherit_from', 'l.inherit_type', 'l.share_with', 'o.name', 'o.url', 'o.object_type', 'o.sensitivity_level'])
        .where('l.tenant_id', '=', tenantId)
        .where('l.platform', '=', platform)
        .where('l.link_type', '=', scope.linkType);
      if (scope.by === 'workspace') {
        query = query.where('l.workspace_id', '=', scope.workspaceId);
        if (position) query = query.where('l.seq', '>', position.s);
        query = query.orderBy('l.seq');
      } else {
        query = query.where('l.created_ms', '>=', scope.fromMs).where('l.created_ms', '<=', scope.toMs);
        if (position) {
          const { t, s } = position;
          query = query.where((eb) => eb(eb.refTuple('l.created_ms', 'l.seq'), '>', eb.tuple(t, s)));
        }
        query = query.orderBy('l.created_ms').orderBy('l.seq');
      }
      const rows = await query.limit(batch).execute();
      for (const row of rows) {
        position = { t: Number(row.created_ms), s: Number(row.seq) };
        yield {
          at: position,
          row: {
            id: `${row.link_id},${row.object_id}`,
            siteId: row.workspace_id,
            selfId: row.object_id,
            linkId: row.link_id,
            logonName: row.logon_name,
            createTime: new Date(Number(row.created_ms)).toISOString(),
            expireTime: row.expire_ms === null ? null : new Date(Number(row.expire_ms)).toISOString(),
            name: row.name,
            objectUrl: row.url,
            linkType: names[row.link_type] ?? String(row.link_type),
            shareBy: row.share_by,
            inheritFrom: row.inherit_from,
            inheritType: row.inherit_type,
            shareWith: Number(row.share_with),
            linkUrl: row.link_url,
            permission: row.permission,
            fileType: FOLDER_TYPES.has(row.object_type) ? 'Folder' : 'File',
            sensitivityLevel: row.sensitivity_level,
          },
        };
      }
      if (rows.length < batch) return;
    }
  };
}
