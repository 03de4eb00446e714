import { sql, type Kysely } from 'kysely';
import type { Platform } from '../catalogue.js';
import type { InsightsTables } from '../schema.js';
import type { RowSource } from './keyset.js';

/** A site detail record (siteDetailRecords.md), fields in the sample's order. */
export interface DetailRecordRow {
  id: string;
  name: string;
  location: string;
  objectType: string;
  createdBy: string;
  module: string;
  inheritType: string;
  siteName: string;
  sensitivityLevel: string;
  exposureLevel: string;
  scannedTime: string;
  createdTime: string;
  modifiedTime: string;
  channelName: string;
  riskLevel: string;
  privacy: string;
  dataType: string[];
  sensitivityLabel: string | null;
  trainableClassifier: string | null;
  tagName: string;
  retentionLabel: string | null;
  creatorEmail: string;
  webUrl: string;
}

/** A site's risk overview (siteOverview.md). */
export interface SiteOverviewRow {
  siteName: string;
  siteUrl: string;
  riskItemCount: number;
  sensitiveItemCount: number;
  exposureItemCount: number;
}

const isoOrEmpty = (ms: number | null) => (ms === null ? '' : new Date(Number(ms)).toISOString().replace('.000Z', 'Z'));

/** The objects of one site in `seq` order, tags included. */
export function detailRecordRows(db: Kysely<InsightsTables>, tenantId: string, platform: Platform, workspaceId: string): RowSource<DetailRecordRow> {
  return async function* (after, batch) {
    let seq = after ? Number(after.s) : 0;
    for (;;) {
      const rows = await db
        .selectFrom('insights_objects as o')
        .innerJoin('insights_workspaces as w', (join) => join.onRef('w.tenant_id', '=', 'o.tenant_id').onRef('w.platform', '=', 'o.platform').onRef('w.workspace_id', '=', 'o.workspace_id'))
        .selectAll('o')
        .select(['w.title', 'w.module', 'w.url as web_url'])
        .where('o.tenant_id', '=', tenantId)
        .where('o.platform', '=', platform)
        .where('o.workspace_id', '=', workspaceId)
        .where('o.seq', '>', seq)
        .orderBy('o.seq')
        .limit(batch)
        .execute();
      for (const row of rows) {
        seq = Number(row.seq);
        yield {
          at: { s: seq },
          row: {
            id: row.object_id,
            name: row.name,
            location: row.url,
            objectType: row.object_type,
            createdBy: row.created_by,
            module: row.module,
            inheritType: row.inherit_type,
            siteName: row.title,
            sensitivityLevel: row.sensitivity_level,
            exposureLevel: row.exposure_level,
            scannedTime: isoOrEmpty(row.scanned_ms),
            createdTime: isoOrEmpty(row.created_ms),
            modifiedTime: isoOrEmpty(row.modified_ms),
            channelName: row.channel_name,
            riskLevel: row.risk_level,
            privacy: row.privacy,
            dataType: JSON.parse(row.data_types) as string[],
            sensitivityLabel: row.sensitivity_label,
            trainableClassifier: row.trainable_classifier,
            tagName: row.tag_name,
            retentionLabel: row.retention_label,
            creatorEmail: row.creator_email,
            webUrl: row.web_url,
          },
        };
      }
      if (rows.length < batch) return;
    }
  };
}

/**
 * Each site's counts of risky, sensitive and exposed objects, aggregated from its objects when
 * read. A site's risk level is its riskiest object's (-2 when no object has a sensitivity
 * definition); `riskLevels` keeps the sites whose level is listed.
 */
export function siteOverviewRows(db: Kysely<InsightsTables>, tenantId: string, riskLevels: number[]): RowSource<SiteOverviewRow> {
  return async function* (after, batch) {
    let seq = after ? Number(after.s) : 0;
    const count = (column: 'o.risk_rank' | 'o.sensitivity_rank' | 'o.exposure_rank') => sql<number>`coalesce(sum(case when ${sql.ref(column)} >= 1 then 1 else 0 end), 0)`;
    const level = sql<number>`coalesce(max(${sql.ref('o.risk_rank')}), -2)`;
    for (;;) {
      let query = db
        .selectFrom('insights_workspaces as w')
        .leftJoin('insights_objects as o', (join) => join.onRef('o.tenant_id', '=', 'w.tenant_id').onRef('o.platform', '=', 'w.platform').onRef('o.workspace_id', '=', 'w.workspace_id'))
        .select(['w.seq', 'w.title', 'w.url', count('o.risk_rank').as('risk'), count('o.sensitivity_rank').as('sensitive'), count('o.exposure_rank').as('exposure')])
        .where('w.tenant_id', '=', tenantId)
        .where('w.platform', '=', 'm365')
        .where('w.seq', '>', seq)
        .groupBy(['w.seq', 'w.title', 'w.url']);
      if (riskLevels.length > 0) query = query.having(level, 'in', riskLevels);
      const rows = await query.orderBy('w.seq').limit(batch).execute();
      for (const row of rows) {
        seq = Number(row.seq);
        yield { at: { s: seq }, row: { siteName: row.title, siteUrl: row.url, riskItemCount: Number(row.risk), sensitiveItemCount: Number(row.sensitive), exposureItemCount: Number(row.exposure) } };
      }
      if (rows.length < batch) return;
    }
  };
}
