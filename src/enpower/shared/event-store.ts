import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { ORGANIZATION_WIDE_STREAM, type EnPowerTables } from '../schema.js';
import { lockTenant } from './object-store.js';
import { enPowerTime, renderDocument } from './render.js';
import { lowerKey, type StreamSpec } from './specs.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const dayOf = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

/** A window of event times, both ends inclusive. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

export interface EventCursor {
  time: number;
  seq: number;
}

/** What one parent's counters are computed from, for one stream. */
export interface StreamTotals {
  /** Events in the last N days, by N. */
  days: Map<number, number>;
  /** Distinct users in the last N days, by N. */
  users: Map<number, number>;
  total: number;
  lastMs?: number;
  lastValue?: string | null;
}

export interface CounterNeed {
  stream: string;
  days: number[];
  userDays: number[];
}

const ROWS_A_STATEMENT = 500;

/** enpower_events and the day, user and total counts kept beside them in the same transaction. */
export class EventStore {
  constructor(
    private readonly db: Kysely<EnPowerTables>,
    private readonly engine: Engine,
  ) {}

  private greatest(a: RawBuilder<unknown>, b: RawBuilder<unknown>) {
    return this.engine === 'postgres' ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
  }

  /**
   * Stores events; one already stored (same producer id) is skipped, and only the stored ones
   * are counted, so a retried batch leaves every counter as it was.
   */
  async insert(tenantId: string, spec: StreamSpec, records: Array<Record<string, unknown>>): Promise<{ stored: number; duplicates: number }> {
    const unique = [...new Map(records.map((record) => [lowerKey(record[spec.idField]), record])).values()];
    const rows = unique.map((record) => {
      const timeMs = Date.parse(String(record[spec.timeField]));
      const rendered: Record<string, unknown> = { ...record };
      for (const field of spec.timeFields) if (typeof record[field] === 'string' && record[field]) rendered[field] = enPowerTime(Date.parse(record[field] as string));
      return {
        row: {
          tenant_id: tenantId,
          stream: spec.stream,
          event_key: lowerKey(record[spec.idField]),
          parent_key: lowerKey(record[spec.parentField]),
          m365_tenant: lowerKey(record.tenantId),
          time_ms: timeMs,
          user_key: spec.userField && record[spec.userField] ? lowerKey(record[spec.userField]) : null,
          record_json: renderDocument(spec.fields, rendered),
        },
        record,
      };
    });
    let stored = 0;
    await this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId);
      const counts = new CountChanges();
      for (let i = 0; i < rows.length; i += ROWS_A_STATEMENT) {
        const slice = rows.slice(i, i + ROWS_A_STATEMENT);
        const inserted = await trx
          .insertInto('enpower_events')
          .values(slice.map(({ row }) => row))
          .onConflict((oc) => oc.columns(['tenant_id', 'stream', 'event_key']).doNothing())
          .returning('event_key')
          .execute();
        const keys = new Set(inserted.map((row) => row.event_key));
        for (const { row, record } of slice) {
          if (!keys.has(row.event_key)) continue;
          stored++;
          const value = spec.valueField ? ((record[spec.valueField] as string | null | undefined) ?? null) : null;
          const user = row.user_key
            ? { key: row.user_key, id: (record[spec.userIdField ?? spec.userField!] as string | undefined) ?? null, type: (record[spec.userTypeField ?? 'userType'] as string | undefined) ?? null }
            : undefined;
          counts.add(spec.stream, row.parent_key, row.time_ms, value, user);
          for (const also of spec.alsoCounts?.(record) ?? []) counts.add(also.stream, lowerKey(also.parentKey), row.time_ms, value, user);
        }
      }
      for (const batch of chunks(counts.days(tenantId), ROWS_A_STATEMENT)) {
        await trx
          .insertInto('enpower_event_days')
          .values(batch)
          .onConflict((oc) => oc.columns(['tenant_id', 'stream', 'parent_key', 'day']).doUpdateSet((eb) => ({ n: eb('enpower_event_days.n', '+', eb.ref('excluded.n')) })))
          .execute();
      }
      for (const batch of chunks(counts.users(tenantId), ROWS_A_STATEMENT)) {
        await trx
          .insertInto('enpower_event_users')
          .values(batch)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'stream', 'parent_key', 'user_key']).doUpdateSet((eb) => ({
              n: eb('enpower_event_users.n', '+', eb.ref('excluded.n')),
              last_day: this.greatest(sql.ref('enpower_event_users.last_day'), sql.ref('excluded.last_day')),
              user_id: sql<string | null>`coalesce(${sql.ref('excluded.user_id')}, ${sql.ref('enpower_event_users.user_id')})`,
              user_type: sql<string | null>`coalesce(${sql.ref('excluded.user_type')}, ${sql.ref('enpower_event_users.user_type')})`,
            })),
          )
          .execute();
      }
      for (const batch of chunks(counts.totals(tenantId), ROWS_A_STATEMENT)) {
        await trx
          .insertInto('enpower_event_totals')
          .values(batch)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'stream', 'parent_key']).doUpdateSet((eb) => ({
              n: eb('enpower_event_totals.n', '+', eb.ref('excluded.n')),
              last_value: sql<string | null>`case when ${sql.ref('excluded.last_ms')} >= ${sql.ref('enpower_event_totals.last_ms')} then ${sql.ref('excluded.last_value')} else ${sql.ref('enpower_event_totals.last_value')} end`,
              last_ms: this.greatest(sql.ref('enpower_event_totals.last_ms'), sql.ref('excluded.last_ms')),
            })),
          )
          .execute();
      }
    });
    return { stored, duplicates: records.length - stored };
  }

  private inWindow(tenantId: string, stream: string, parentKey: string | undefined, window: TimeWindow) {
    let query = this.db
      .selectFrom('enpower_events')
      .where('tenant_id', '=', tenantId)
      // The organization-wide stream is read through its partial index, which a bound value would not match.
      .where('stream', '=', stream === ORGANIZATION_WIDE_STREAM ? sql.lit(ORGANIZATION_WIDE_STREAM) : stream)
      .where('time_ms', '>=', window.fromMs)
      .where('time_ms', '<=', window.toMs);
    if (parentKey !== undefined) query = query.where('parent_key', '=', parentKey);
    return query;
  }

  /** A page of one parent's events (or, without a parent, of the whole stream) in (time, seq) order. */
  async page(tenantId: string, stream: string, parentKey: string | undefined, window: TimeWindow, m365Tenant: string | undefined, after: EventCursor | undefined, size: number) {
    let query = this.inWindow(tenantId, stream, parentKey, after ? { fromMs: Math.max(window.fromMs, after.time), toMs: window.toMs } : window).select(['time_ms', 'seq', 'record_json']);
    if (m365Tenant !== undefined) query = query.where('m365_tenant', '=', m365Tenant);
    if (after) query = query.where((eb) => eb(eb.refTuple('time_ms', 'seq'), '>', eb.tuple(after.time, after.seq)));
    return query.orderBy('time_ms').orderBy('seq').limit(size + 1).execute();
  }

  /**
   * Events of a parent in a window: the whole days summed from enpower_event_days, the
   * partial days at the ends counted through the index; the whole history is the total.
   */
  async count(tenantId: string, stream: string, parentKey: string, window: TimeWindow): Promise<number> {
    const firstFull = window.fromMs === dayOf(window.fromMs) ? window.fromMs : dayOf(window.fromMs) + DAY_MS;
    const endFull = dayOf(window.toMs + 1);
    if (firstFull >= endFull) return this.countEvents(tenantId, stream, parentKey, window);
    const days = await this.db
      .selectFrom('enpower_event_days')
      .select(sql<number>`coalesce(sum(n), 0)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('stream', '=', stream)
      .where('parent_key', '=', parentKey)
      .where('day', '>=', firstFull)
      .where('day', '<', endFull)
      .executeTakeFirstOrThrow();
    let total = Number(days.n);
    if (window.fromMs < firstFull) total += await this.countEvents(tenantId, stream, parentKey, { fromMs: window.fromMs, toMs: firstFull - 1 });
    if (window.toMs >= endFull) total += await this.countEvents(tenantId, stream, parentKey, { fromMs: endFull, toMs: window.toMs });
    return total;
  }

  /** Events of a whole stream in a window (Power BI activities), counted through the index. */
  async countStream(tenantId: string, stream: string, window: TimeWindow, m365Tenant: string | undefined): Promise<number> {
    let query = this.inWindow(tenantId, stream, undefined, window).select(sql<number>`count(*)`.as('n'));
    if (m365Tenant !== undefined) query = query.where('m365_tenant', '=', m365Tenant);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  private async countEvents(tenantId: string, stream: string, parentKey: string, window: TimeWindow): Promise<number> {
    const row = await this.inWindow(tenantId, stream, parentKey, window).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Each parent's counters for the streams asked, relative to `nowMs`: one statement per table and stream. */
  async counters(tenantId: string, needs: readonly CounterNeed[], parentKeys: string[], nowMs: number): Promise<Map<string, Map<string, StreamTotals>>> {
    const result = new Map<string, Map<string, StreamTotals>>();
    if (parentKeys.length === 0) return result;
    const today = dayOf(nowMs);
    const startOf = (days: number) => today - (days - 1) * DAY_MS;
    const slot = (stream: string, parent: string): StreamTotals => {
      const byParent = result.get(stream) ?? new Map<string, StreamTotals>();
      result.set(stream, byParent);
      let totals = byParent.get(parent);
      if (!totals) byParent.set(parent, (totals = { days: new Map(), users: new Map(), total: 0 }));
      return totals;
    };
    for (const need of needs) {
      if (need.days.length > 0) {
        const rows = await this.db
          .selectFrom('enpower_event_days')
          .select((eb) => [
            'parent_key',
            ...need.days.map((days) => eb.fn.sum<number>(eb.case().when('day', '>=', startOf(days)).then(eb.ref('n')).else(0).end()).as(`d${days}`)),
          ])
          .where('tenant_id', '=', tenantId)
          .where('stream', '=', need.stream)
          .where('parent_key', 'in', parentKeys)
          .where('day', '>=', startOf(Math.max(...need.days)))
          .groupBy('parent_key')
          .execute();
        for (const row of rows as Array<Record<string, unknown>>) {
          const totals = slot(need.stream, row.parent_key as string);
          for (const days of need.days) totals.days.set(days, Number(row[`d${days}`] ?? 0));
        }
      }
      if (need.userDays.length > 0) {
        const rows = await this.db
          .selectFrom('enpower_event_users')
          .select((eb) => [
            'parent_key',
            ...need.userDays.map((days) => eb.fn.sum<number>(eb.case().when('last_day', '>=', startOf(days)).then(1).else(0).end()).as(`u${days}`)),
          ])
          .where('tenant_id', '=', tenantId)
          .where('stream', '=', need.stream)
          .where('parent_key', 'in', parentKeys)
          .where('last_day', '>=', startOf(Math.max(...need.userDays)))
          .groupBy('parent_key')
          .execute();
        for (const row of rows as Array<Record<string, unknown>>) {
          const totals = slot(need.stream, row.parent_key as string);
          for (const days of need.userDays) totals.users.set(days, Number(row[`u${days}`] ?? 0));
        }
      }
    }
    const totals = await this.db
      .selectFrom('enpower_event_totals')
      .select(['stream', 'parent_key', 'n', 'last_ms', 'last_value'])
      .where('tenant_id', '=', tenantId)
      .where('stream', 'in', needs.map((need) => need.stream))
      .where('parent_key', 'in', parentKeys)
      .execute();
    for (const row of totals) Object.assign(slot(row.stream, row.parent_key), { total: Number(row.n), lastMs: Number(row.last_ms), lastValue: row.last_value });
    return result;
  }

  /** Each user's events of a stream on a parent (launched users), over the whole history, in user order. */
  async userPage(tenantId: string, stream: string, parentKey: string, afterUser: string | undefined, size: number) {
    let query = this.db
      .selectFrom('enpower_event_users')
      .select(['user_key', 'user_id', 'user_type', 'n'])
      .where('tenant_id', '=', tenantId)
      .where('stream', '=', stream)
      .where('parent_key', '=', parentKey);
    if (afterUser !== undefined) query = query.where('user_key', '>', afterUser);
    return query.orderBy('user_key').limit(size + 1).execute();
  }

  async userCount(tenantId: string, stream: string, parentKey: string): Promise<number> {
    const row = await this.db
      .selectFrom('enpower_event_users')
      .select(sql<number>`count(*)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .where('stream', '=', stream)
      .where('parent_key', '=', parentKey)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Each user's events of a stream on a parent within a window, grouped from the events themselves. */
  async userPageInWindow(tenantId: string, stream: string, parentKey: string, window: TimeWindow, afterUser: string | undefined, size: number) {
    let grouped = this.inWindow(tenantId, stream, parentKey, window).select(['user_key', sql<number>`count(*)`.as('n')]).where('user_key', 'is not', null);
    if (afterUser !== undefined) grouped = grouped.where('user_key', '>', afterUser);
    const rows = await this.db
      .selectFrom(grouped.groupBy('user_key').orderBy('user_key').limit(size + 1).as('g'))
      .leftJoin('enpower_event_users as u', (join) =>
        join.onRef('u.user_key', '=', 'g.user_key').on('u.tenant_id', '=', tenantId).on('u.stream', '=', stream).on('u.parent_key', '=', parentKey),
      )
      .select(['g.user_key', 'g.n', 'u.user_id', 'u.user_type'])
      .orderBy('g.user_key')
      .execute();
    return rows.map((row) => ({ user_key: row.user_key!, n: Number(row.n), user_id: row.user_id, user_type: row.user_type }));
  }

  async userCountInWindow(tenantId: string, stream: string, parentKey: string, window: TimeWindow): Promise<number> {
    const row = await this.inWindow(tenantId, stream, parentKey, window)
      .select(sql<number>`count(distinct user_key)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** The counter rows one batch of new events adds, netted per key. */
class CountChanges {
  private readonly dayCounts = new Map<string, { stream: string; parent: string; day: number; n: number }>();
  private readonly userCounts = new Map<string, { stream: string; parent: string; user: string; id: string | null; type: string | null; lastDay: number; n: number }>();
  private readonly totalCounts = new Map<string, { stream: string; parent: string; n: number; lastMs: number; lastValue: string | null }>();

  add(stream: string, parent: string, timeMs: number, value: string | null, user: { key: string; id: string | null; type: string | null } | undefined): void {
    const day = dayOf(timeMs);
    const dayKey = `${stream}\n${parent}\n${day}`;
    const dayCount = this.dayCounts.get(dayKey);
    if (dayCount) dayCount.n++;
    else this.dayCounts.set(dayKey, { stream, parent, day, n: 1 });
    if (user) {
      const userKey = `${stream}\n${parent}\n${user.key}`;
      const existing = this.userCounts.get(userKey);
      if (existing) {
        existing.n++;
        existing.lastDay = Math.max(existing.lastDay, day);
      } else this.userCounts.set(userKey, { stream, parent, user: user.key, id: user.id, type: user.type, lastDay: day, n: 1 });
    }
    const totalKey = `${stream}\n${parent}`;
    const total = this.totalCounts.get(totalKey);
    if (!total) this.totalCounts.set(totalKey, { stream, parent, n: 1, lastMs: timeMs, lastValue: value });
    else {
      total.n++;
      if (timeMs >= total.lastMs) Object.assign(total, { lastMs: timeMs, lastValue: value });
    }
  }

  days(tenantId: string) {
    return [...this.dayCounts.values()].map(({ stream, parent, day, n }) => ({ tenant_id: tenantId, stream, parent_key: parent, day, n }));
  }

  users(tenantId: string) {
    return [...this.userCounts.values()].map(({ stream, parent, user, id, type, lastDay, n }) => ({
      tenant_id: tenantId,
      stream,
      parent_key: parent,
      user_key: user,
      user_id: id,
      user_type: type,
      last_day: lastDay,
      n,
    }));
  }

  totals(tenantId: string) {
    return [...this.totalCounts.values()].map(({ stream, parent, n, lastMs, lastValue }) => ({ tenant_id: tenantId, stream, parent_key: parent, n, last_ms: lastMs, last_value: lastValue }));
  }
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
