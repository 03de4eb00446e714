import { sql, type Compilable, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { queryTemplate, TemplateCache } from '../../storage/query-template.js';
import type { Engine } from '../../storage/database.js';
import { ORGANIZATION_WIDE_STREAM, type EnPowerTables } from '../schema.js';
import { lockTenant, type ObjectFilter } from './object-store.js';
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

/** The rows of one page of an object list: what its counters are read for. */
export interface PageScope {
  filter: ObjectFilter;
  afterSeq?: number;
  lastSeq: number;
}

type CounterValues = Record<string, string | number>;
/** The page's objects joined to either counter table, which share the columns a window sum reads. */
type CounterRow = { tenant_id: string; stream: string; parent_key: string; day: number; last_day: number; n: number };
type CounterTables = { o: EnPowerTables['enpower_objects']; enpower_event_days: CounterRow; enpower_event_users: CounterRow };
interface WindowShape {
  table: 'enpower_event_days' | 'enpower_event_users';
  windows: number;
  m365: boolean;
  variant: boolean;
}
interface EventPageShape {
  parent: boolean;
  m365: boolean;
  after: boolean;
  organizationWide: boolean;
}
interface TotalShape {
  streams: number;
  m365: boolean;
  variant: boolean;
}

/** A template made on first use: the store's fields are set by then. */
function lazyTemplate<V, R>(make: () => (values: V) => Promise<R[]>): (values: V) => Promise<R[]> {
  let template: ((values: V) => Promise<R[]>) | undefined;
  return (values) => (template ??= make())(values);
}

function scopeValues(page: PageScope): CounterValues {
  const values: CounterValues = { tenantId: page.filter.tenantId, kind: page.filter.kind, afterSeq: page.afterSeq ?? -1, lastSeq: page.lastSeq };
  if (page.filter.m365Tenant !== undefined) values.m365Tenant = page.filter.m365Tenant;
  if (page.filter.variant !== undefined) values.variant = page.filter.variant;
  return values;
}

/** enpower_events and the day, user and total counts kept beside them in the same transaction. */
export class EventStore {
  private readonly windowSums = new TemplateCache<CounterValues, Record<string, unknown>>((shape) => this.windowTemplate(JSON.parse(shape) as WindowShape));
  private readonly totals = new TemplateCache<CounterValues, Record<string, unknown>>((shape) => this.totalsTemplate(JSON.parse(shape) as TotalShape));

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
    const shape: EventPageShape = { parent: parentKey !== undefined, m365: m365Tenant !== undefined, after: after !== undefined, organizationWide: stream === ORGANIZATION_WIDE_STREAM };
    const values: CounterValues = { tenantId, stream, fromMs: after ? Math.max(window.fromMs, after.time) : window.fromMs, toMs: window.toMs, limit: size + 1 };
    if (parentKey !== undefined) values.parentKey = parentKey;
    if (m365Tenant !== undefined) values.m365Tenant = m365Tenant;
    if (after) Object.assign(values, { afterTime: after.time, afterSeq: after.seq });
    return this.eventPages.run(JSON.stringify(shape), values);
  }

  private readonly eventPages = new TemplateCache<CounterValues, { time_ms: number; seq: number; record_json: string }>((text) => {
    const shape = JSON.parse(text) as EventPageShape;
    const names = ['tenantId', ...(shape.organizationWide ? [] : ['stream']), 'fromMs', 'toMs', ...(shape.parent ? ['parentKey'] : []), ...(shape.m365 ? ['m365Tenant'] : []), ...(shape.after ? ['afterTime', 'afterSeq'] : []), 'limit'];
    return queryTemplate(this.db, names, (values: CounterValues) => {
      let query = this.inWindow(values.tenantId as string, shape.organizationWide ? ORGANIZATION_WIDE_STREAM : (values.stream as string), shape.parent ? (values.parentKey as string) : undefined, {
        fromMs: values.fromMs as number,
        toMs: values.toMs as number,
      }).select(['time_ms', 'seq', 'record_json']);
      if (shape.m365) query = query.where('m365_tenant', '=', values.m365Tenant as string);
      if (shape.after) query = query.where((eb) => eb(eb.refTuple('time_ms', 'seq'), '>', eb.tuple(values.afterTime as number, values.afterSeq as number)));
      return query.orderBy('time_ms').orderBy('seq').limit(values.limit as number);
    });
  });

  /**
   * Events of a parent in a window: the whole days summed from enpower_event_days, the
   * partial days at the ends counted through the index; the whole history is the total.
   */
  async count(tenantId: string, stream: string, parentKey: string, window: TimeWindow): Promise<number> {
    const firstFull = window.fromMs === dayOf(window.fromMs) ? window.fromMs : dayOf(window.fromMs) + DAY_MS;
    const endFull = dayOf(window.toMs + 1);
    if (firstFull >= endFull) return this.countEvents(tenantId, stream, parentKey, window);
    const [days] = await this.daySum({ tenantId, stream, parentKey, firstFull, endFull });
    let total = Number(days?.n ?? 0);
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
    const [row] = await this.eventCount({ tenantId, stream, parentKey, fromMs: window.fromMs, toMs: window.toMs });
    return Number(row?.n ?? 0);
  }

  private readonly daySum = lazyTemplate(() =>
    queryTemplate(this.db, ['tenantId', 'stream', 'parentKey', 'firstFull', 'endFull'], (values: CounterValues) =>
      this.db
        .selectFrom('enpower_event_days')
        .select(sql<number>`coalesce(sum(n), 0)`.as('n'))
        .where('tenant_id', '=', values.tenantId as string)
        .where('stream', '=', values.stream as string)
        .where('parent_key', '=', values.parentKey as string)
        .where('day', '>=', values.firstFull as number)
        .where('day', '<', values.endFull as number),
    ),
  );

  private readonly eventCount = lazyTemplate(() =>
    queryTemplate(this.db, ['tenantId', 'stream', 'fromMs', 'toMs', 'parentKey'], (values: CounterValues) =>
      this.inWindow(values.tenantId as string, values.stream as string, values.parentKey as string, { fromMs: values.fromMs as number, toMs: values.toMs as number }).select(sql<number>`count(*)`.as('n')),
    ),
  );


  /**
   * The counters of one page of objects for the streams asked, relative to `nowMs`. Each
   * statement joins the page's rows (a seq range of enpower_objects) to one counter table,
   * so its text does not depend on the page and it is built and prepared once per shape.
   * The join is a CROSS JOIN: SQLite then walks the page's objects and seeks each one's
   * counter rows, instead of scanning a stream's counters of every object (PostgreSQL plans
   * it as the inner join it is).
   */
  async counters(page: PageScope, needs: readonly CounterNeed[], nowMs: number): Promise<Map<string, Map<string, StreamTotals>>> {
    const result = new Map<string, Map<string, StreamTotals>>();
    const today = dayOf(nowMs);
    const startOf = (days: number) => today - (days - 1) * DAY_MS;
    const slot = (stream: string, parent: string): StreamTotals => {
      const byParent = result.get(stream) ?? new Map<string, StreamTotals>();
      result.set(stream, byParent);
      let totals = byParent.get(parent);
      if (!totals) byParent.set(parent, (totals = { days: new Map(), users: new Map(), total: 0 }));
      return totals;
    };
    const scope = scopeValues(page);
    for (const need of needs) {
      for (const [table, windows] of [
        ['enpower_event_days', need.days],
        ['enpower_event_users', need.userDays],
      ] as const) {
        if (windows.length === 0) continue;
        const shape: WindowShape = { table, windows: windows.length, m365: page.filter.m365Tenant !== undefined, variant: page.filter.variant !== undefined };
        const values: CounterValues = { ...scope, stream: need.stream, minDay: startOf(Math.max(...windows)) };
        windows.forEach((days, index) => (values[`w${index}`] = startOf(days)));
        const rows = await this.windowSums.run(JSON.stringify(shape), values);
        for (const row of rows) {
          const totals = slot(need.stream, row.parent_key as string);
          windows.forEach((days, index) => (table === 'enpower_event_days' ? totals.days : totals.users).set(days, Number(row[`w${index}`] ?? 0)));
        }
      }
    }
    const streams = needs.map((need) => need.stream);
    const shape: TotalShape = { streams: streams.length, m365: page.filter.m365Tenant !== undefined, variant: page.filter.variant !== undefined };
    const values: CounterValues = { ...scope };
    streams.forEach((stream, index) => (values[`s${index}`] = stream));
    for (const row of await this.totals.run(JSON.stringify(shape), values)) {
      Object.assign(slot(row.stream as string, row.parent_key as string), { total: Number(row.n), lastMs: Number(row.last_ms), lastValue: row.last_value as string | null });
    }
    return result;
  }

  /** The page's objects, as the object list read them: a seq range under the list's filter. */
  private pageObjects(shape: { m365: boolean; variant: boolean }, values: CounterValues) {
    let query = this.db
      .selectFrom('enpower_objects as o')
      .where('o.tenant_id', '=', values.tenantId as string)
      .where('o.kind', '=', values.kind as string)
      .where('o.seq', '>', values.afterSeq as number)
      .where('o.seq', '<=', values.lastSeq as number);
    if (shape.m365) query = query.where('o.m365_tenant', '=', values.m365Tenant as string);
    if (shape.variant) query = query.where('o.variant', '=', values.variant as number);
    return query;
  }

  private windowTemplate(shape: WindowShape) {
    const names = ['tenantId', 'kind', 'afterSeq', 'lastSeq', 'stream', 'minDay', ...Array.from({ length: shape.windows }, (_, index) => `w${index}`)];
    if (shape.m365) names.push('m365Tenant');
    if (shape.variant) names.push('variant');
    const dayColumn = shape.table === 'enpower_event_days' ? 'c.day' : 'c.last_day';
    // The two counter tables share the columns read here; Kysely cannot type a join whose table varies.
    return queryTemplate(this.db, names, (values: CounterValues) =>
      (this.pageObjects(shape, values) as unknown as SelectQueryBuilder<CounterTables, 'o', object>)
        .crossJoin(`${shape.table} as c`)
        .whereRef('c.tenant_id', '=', 'o.tenant_id')
        .where('c.stream', '=', values.stream as string)
        .whereRef('c.parent_key', '=', 'o.parent_key')
        .where(sql.ref(dayColumn), '>=', values.minDay)
        .select((eb) => [
          'o.parent_key',
          ...Array.from({ length: shape.windows }, (_, index) =>
            eb.fn
              .sum<number>(
                eb
                  .case()
                  .when(sql.ref(dayColumn), '>=', values[`w${index}`])
                  .then(shape.table === 'enpower_event_days' ? sql.ref('c.n') : sql.lit(1))
                  .else(sql.lit(0))
                  .end(),
              )
              .as(`w${index}`),
          ),
        ])
        // By seq first: the page's own index order, so SQLite needs no sort to group.
        .groupBy(['o.seq', 'o.parent_key']) as unknown as Compilable<Record<string, unknown>>,
    );
  }

  private totalsTemplate(shape: TotalShape) {
    const names = ['tenantId', 'kind', 'afterSeq', 'lastSeq', ...Array.from({ length: shape.streams }, (_, index) => `s${index}`)];
    if (shape.m365) names.push('m365Tenant');
    if (shape.variant) names.push('variant');
    return queryTemplate(this.db, names, (values: CounterValues) =>
      this.pageObjects(shape, values)
        .crossJoin('enpower_event_totals as c')
        .whereRef('c.tenant_id', '=', 'o.tenant_id')
        .where(
          'c.stream',
          'in',
          Array.from({ length: shape.streams }, (_, index) => values[`s${index}`] as string),
        )
        .whereRef('c.parent_key', '=', 'o.parent_key')
        .select(['c.stream', 'o.parent_key', 'c.n', 'c.last_ms', 'c.last_value']) as unknown as Compilable<Record<string, unknown>>,
    );
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
