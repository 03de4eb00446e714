import type { Kysely } from 'kysely';
import type { Platform } from '../catalogue.js';
import type { InsightsTables } from '../schema.js';
import type { RowSource } from './keyset.js';

/** One activity event as the activity reports list it. */
export interface ActivityRow {
  time: string;
  eventType: string;
  user: string;
  email: string;
  objectName: string;
  objectUrl: string;
  objectType: string;
  location: string;
  clientIp: string;
  detail: string;
}

export interface ActivityFilter {
  tenantId: string;
  platform: Platform;
  /** The events of one object, or of one user. */
  of: { objectId: string } | { userId: string };
  fromMs: number;
  toMs: number;
  eventTypes: string[];
}

/** Activity events in (time, seq) order over the object's or the user's index. */
export function activityRows(db: Kysely<InsightsTables>, filter: ActivityFilter): RowSource<ActivityRow> {
  return async function* (after, batch) {
    let position = after ? { t: Number(after.t), s: Number(after.s) } : undefined;
    for (;;) {
      let query = db
        .selectFrom('insights_activities as a')
        .innerJoin('insights_objects as o', (join) => join.onRef('o.tenant_id', '=', 'a.tenant_id').onRef('o.platform', '=', 'a.platform').onRef('o.object_id', '=', 'a.object_id'))
        .innerJoin('insights_workspaces as w', (join) => join.onRef('w.tenant_id', '=', 'o.tenant_id').onRef('w.platform', '=', 'o.platform').onRef('w.workspace_id', '=', 'o.workspace_id'))
        .leftJoin('insights_users as u', (join) => join.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.platform', '=', 'a.platform').onRef('u.user_id', '=', 'a.user_id'))
        .select(['a.seq', 'a.time_ms', 'a.event_type', 'a.client_ip', 'a.detail', 'a.user_id', 'u.display_name', 'u.email', 'u.login_name', 'o.name', 'o.url', 'o.object_type', 'w.url as workspace_url'])
        .where('a.tenant_id', '=', filter.tenantId)
        .where('a.platform', '=', filter.platform)
        .where('a.time_ms', '>=', filter.fromMs)
        .where('a.time_ms', '<=', filter.toMs);
      query = 'objectId' in filter.of ? query.where('a.object_id', '=', filter.of.objectId) : query.where('a.user_id', '=', filter.of.userId);
      if (filter.eventTypes.length > 0) query = query.where('a.event_type', 'in', filter.eventTypes);
      if (position) {
        const { t, s } = position;
        query = query.where((eb) => eb(eb.refTuple('a.time_ms', 'a.seq'), '>', eb.tuple(t, s)));
      }
      const rows = await query.orderBy('a.time_ms').orderBy('a.seq').limit(batch).execute();
      for (const row of rows) {
        position = { t: Number(row.time_ms), s: Number(row.seq) };
        yield {
          at: position,
          row: {
            time: new Date(Number(row.time_ms)).toISOString(),
            eventType: row.event_type,
            user: row.display_name ?? row.user_id,
            email: row.email || row.login_name || '',
            objectName: row.name,
            objectUrl: row.url,
            objectType: row.object_type,
            location: row.workspace_url,
            clientIp: row.client_ip,
            detail: row.detail,
          },
        };
      }
      if (rows.length < batch) return;
    }
  };
}
