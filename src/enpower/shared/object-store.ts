import { sql, type Kysely, type Transaction } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { queryTemplate, TemplateCache } from '../../storage/query-template.js';
import type { EnPowerTables } from '../schema.js';
import { renderDocument } from './render.js';
import { lowerKey, type CollectionSpec, type EdgeKind } from './specs.js';

export interface ObjectFilter {
  tenantId: string;
  kind: string;
  /** The selected Microsoft 365 tenant (lower-cased id); absent for all of the organization's. */
  m365Tenant?: string;
  /** Mailbox kinds: 1 or 2; absent for both. */
  variant?: number;
  groupKey?: string;
}

export interface ObjectRow {
  seq: number;
  parent_key: string;
  environment_key: string | null;
  doc_json: string;
}

export interface FoundObject {
  parentKey: string;
  m365Tenant: string;
}

/** enpower_objects, enpower_tenants and enpower_edges: the inventory and the connections it uses. */
export class ObjectStore {
  private readonly finder: (values: { tenantId: string; kind: string; key: string }) => Promise<Array<{ parent_key: string; m365_tenant: string }>>;

  constructor(
    private readonly db: Kysely<EnPowerTables>,
    private readonly engine: Engine,
  ) {
    this.finder = queryTemplate(db, ['tenantId', 'kind', 'key'], (values: { tenantId: string; kind: string; key: string }) =>
      db
        .selectFrom('enpower_objects')
        .select(['parent_key', 'm365_tenant'])
        .where('tenant_id', '=', values.tenantId)
        .where('kind', '=', values.kind)
        .where((eb) => eb.or([eb('parent_key', '=', values.key), eb('object_key', '=', values.key)]))
        .limit(1),
    );
  }

  /** Writes a collector's report of objects; a repeated report changes nothing but `updated_ms`. */
  async upsert(tenantId: string, spec: CollectionSpec, documents: Array<Record<string, unknown>>, nowMs: number): Promise<number> {
    const unique = [...new Map(documents.map((document) => [lowerKey(document[spec.idField]), document])).values()];
    const computed = new Set(Object.keys(spec.computed ?? {}));
    await this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId);
      const tenantNames = new Map<string, string>();
      for (let i = 0; i < unique.length; i += 200) {
        const rows = unique.slice(i, i + 200).map((document) => {
          const m365 = lowerKey(document.tenantId);
          tenantNames.set(m365, m365);
          for (const field of spec.tenantNameFields) if (typeof document[field] === 'string' && document[field]) tenantNames.set(lowerKey(document[field]), m365);
          return {
            tenant_id: tenantId,
            kind: spec.kind,
            object_key: lowerKey(document[spec.idField]),
            parent_key: lowerKey(document[spec.parentField ?? spec.idField]),
            m365_tenant: m365,
            environment_key: spec.environmentField ? lowerKey(document[spec.environmentField]) || null : null,
            group_key: spec.groupField ? ((document[spec.groupField] as string | null | undefined) ?? null) : null,
            variant: spec.variantOf?.(document) ?? 0,
            display_name: typeof document.displayName === 'string' ? document.displayName : typeof document.name === 'string' ? document.name : null,
            doc_json: renderDocument(spec.fields, document, computed),
            updated_ms: nowMs,
          };
        });
        await trx
          .insertInto('enpower_objects')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'kind', 'object_key']).doUpdateSet((eb) => ({
              parent_key: eb.ref('excluded.parent_key'),
              m365_tenant: eb.ref('excluded.m365_tenant'),
              environment_key: eb.ref('excluded.environment_key'),
              group_key: eb.ref('excluded.group_key'),
              variant: eb.ref('excluded.variant'),
              display_name: eb.ref('excluded.display_name'),
              doc_json: eb.ref('excluded.doc_json'),
              updated_ms: eb.ref('excluded.updated_ms'),
            })),
          )
          .execute();
      }
      const names = [...tenantNames].filter(([name]) => name !== '');
      if (names.length > 0) {
        await trx
          .insertInto('enpower_tenants')
          .values(names.map(([name, m365]) => ({ tenant_id: tenantId, name_key: name, m365_tenant: m365 })))
          .onConflict((oc) => oc.columns(['tenant_id', 'name_key']).doUpdateSet((eb) => ({ m365_tenant: eb.ref('excluded.m365_tenant') })))
          .execute();
      }
      if (spec.edges) for (const document of unique) await this.replaceEdges(trx, tenantId, spec, document);
    });
    return unique.length;
  }

  /**
   * Keeps the edges that stay (and their seq, so a walk through connection usage sees each
   * once), removes the ones the object no longer reports and adds the new ones.
   */
  private async replaceEdges(trx: Transaction<EnPowerTables>, tenantId: string, spec: CollectionSpec, document: Record<string, unknown>): Promise<void> {
    const edge = spec.edges!;
    const fromKey = lowerKey(document[spec.parentField ?? spec.idField]);
    const targets = [...new Map(edge.targets(document).filter(Boolean).map((target) => [lowerKey(target), target])).entries()];
    let removal = trx.deleteFrom('enpower_edges').where('tenant_id', '=', tenantId).where('kind', '=', edge.kind).where('from_key', '=', fromKey);
    if (targets.length > 0) removal = removal.where('to_key', 'not in', targets.map(([key]) => key));
    await removal.execute();
    if (targets.length === 0) return;
    const flowId = document[spec.parentField ?? spec.idField];
    const environmentId = spec.environmentField ? (document[spec.environmentField] ?? null) : null;
    await trx
      .insertInto('enpower_edges')
      .values(
        targets.map(([key, connectionId]) => ({
          tenant_id: tenantId,
          kind: edge.kind,
          from_key: fromKey,
          to_key: key,
          m365_tenant: lowerKey(document.tenantId),
          doc_json: JSON.stringify({ flowId, environmentId, connectionId }),
        })),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'from_key', 'to_key']).doNothing())
      .execute();
  }

  /** Removes objects (and the connection usage they reported) from every list. */
  async remove(tenantId: string, spec: CollectionSpec, ids: string[]): Promise<number> {
    const keys = [...new Set(ids.map(lowerKey))];
    if (keys.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId);
      const removed = await trx
        .deleteFrom('enpower_objects')
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', spec.kind)
        .where('object_key', 'in', keys)
        .returning('parent_key')
        .execute();
      if (spec.edges && removed.length > 0) {
        await trx
          .deleteFrom('enpower_edges')
          .where('tenant_id', '=', tenantId)
          .where('kind', '=', spec.edges.kind)
          .where(
            'from_key',
            'in',
            removed.map((row) => row.parent_key),
          )
          .execute();
      }
      return removed.length;
    });
  }

  /** The Microsoft 365 tenant a `tenant` parameter names (by id, domain or name), or undefined. */
  async resolveTenant(tenantId: string, name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('enpower_tenants').select('m365_tenant').where('tenant_id', '=', tenantId).where('name_key', '=', lowerKey(name)).executeTakeFirst();
    return row?.m365_tenant;
  }

  private matching(filter: ObjectFilter) {
    let query = this.db.selectFrom('enpower_objects').where('tenant_id', '=', filter.tenantId).where('kind', '=', filter.kind);
    if (filter.m365Tenant !== undefined) query = query.where('m365_tenant', '=', filter.m365Tenant);
    if (filter.variant !== undefined) query = query.where('variant', '=', filter.variant);
    if (filter.groupKey !== undefined) query = query.where('group_key', '=', filter.groupKey);
    return query;
  }

  /** One page in seq order; one row more than asked tells whether another page follows. */
  async page(filter: ObjectFilter, afterSeq: number | undefined, size: number): Promise<ObjectRow[]> {
    return this.pages.run(shapeOf(filter, { after: afterSeq !== undefined }), { ...filterValues(filter), afterSeq: afterSeq ?? -1, limit: size + 1 });
  }

  async count(filter: ObjectFilter): Promise<number> {
    const [row] = await this.counts.run(shapeOf(filter), filterValues(filter));
    return Number(row?.n ?? 0);
  }

  /** The list statements, built and compiled once per combination of filters (their values are bound). */
  private readonly pages = new TemplateCache<FilterValues, ObjectRow>((shape) => {
    const { after } = JSON.parse(shape) as { after: boolean };
    return queryTemplate(this.db, templateNames(shape, ['afterSeq', 'limit'].slice(after ? 0 : 1)), (values: FilterValues) => {
      let query = this.matching(filterOf(shape, values)).select(['seq', 'parent_key', 'environment_key', 'doc_json']);
      if (after) query = query.where('seq', '>', values.afterSeq as number);
      return query.orderBy('seq').limit(values.limit as number);
    });
  });

  private readonly counts = new TemplateCache<FilterValues, { n: number }>((shape) =>
    queryTemplate(this.db, templateNames(shape, []), (values: FilterValues) => this.matching(filterOf(shape, values)).select(sql<number>`count(*)`.as('n'))),
  );

  /** The objects of a kind per value of their group column (data sources by type, ...). */
  async countsByGroup(filter: ObjectFilter): Promise<Array<{ group: string | null; n: number }>> {
    const rows = await this.matching(filter).select(['group_key', sql<number>`count(*)`.as('n')]).groupBy('group_key').orderBy('group_key').execute();
    return rows.map((row) => ({ group: row.group_key, n: Number(row.n) }));
  }

  /** An object named in a path: by the id its drill-downs use, or by its own id. */
  async find(tenantId: string, kind: string, id: string): Promise<FoundObject | undefined> {
    const [row] = await this.finder({ tenantId, kind, key: lowerKey(id) });
    return row ? { parentKey: row.parent_key, m365Tenant: row.m365_tenant } : undefined;
  }

  /** How many objects of each kind each environment holds. */
  async childCounts(tenantId: string, environmentKeys: string[], kinds: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    if (environmentKeys.length === 0) return result;
    const rows = await this.db
      .selectFrom('enpower_objects')
      .select(['environment_key', 'kind', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId)
      .where('environment_key', 'in', environmentKeys)
      .where('kind', 'in', [...kinds])
      .groupBy(['environment_key', 'kind'])
      .execute();
    for (const row of rows) {
      const counts = result.get(row.environment_key!) ?? new Map<string, number>();
      counts.set(row.kind, Number(row.n));
      result.set(row.environment_key!, counts);
    }
    return result;
  }

  /** The display names of the apps or flows using each connection, in name order. */
  async edgeNames(tenantId: string, edge: EdgeKind, objectKind: string, connectionKeys: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (connectionKeys.length === 0) return result;
    const rows = await this.db
      .selectFrom('enpower_edges as e')
      .innerJoin('enpower_objects as o', (join) => join.onRef('o.tenant_id', '=', 'e.tenant_id').on('o.kind', '=', objectKind).onRef('o.parent_key', '=', 'e.from_key'))
      .select(['e.to_key', 'o.display_name'])
      .where('e.tenant_id', '=', tenantId)
      .where('e.kind', '=', edge)
      .where('e.to_key', 'in', connectionKeys)
      .orderBy('e.to_key')
      .orderBy('o.display_name')
      .execute();
    for (const row of rows) {
      const names = result.get(row.to_key) ?? [];
      names.push(row.display_name ?? '');
      result.set(row.to_key, names);
    }
    return result;
  }

  /** Connection usage: flow → connection edges in seq order. */
  async edgePage(filter: { tenantId: string; kind: EdgeKind; m365Tenant?: string; fromKey?: string }, afterSeq: number | undefined, size: number) {
    let query = this.edgesMatching(filter).select(['seq', 'doc_json']);
    if (afterSeq !== undefined) query = query.where('seq', '>', afterSeq);
    return query.orderBy('seq').limit(size + 1).execute();
  }

  async edgeCount(filter: { tenantId: string; kind: EdgeKind; m365Tenant?: string; fromKey?: string }): Promise<number> {
    const row = await this.edgesMatching(filter).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private edgesMatching(filter: { tenantId: string; kind: EdgeKind; m365Tenant?: string; fromKey?: string }) {
    let query = this.db.selectFrom('enpower_edges').where('tenant_id', '=', filter.tenantId).where('kind', '=', filter.kind);
    if (filter.m365Tenant !== undefined) query = query.where('m365_tenant', '=', filter.m365Tenant);
    if (filter.fromKey !== undefined) query = query.where('from_key', '=', filter.fromKey);
    return query;
  }
}

type FilterValues = Record<string, string | number>;
const FILTER_COLUMNS = ['m365Tenant', 'variant', 'groupKey'] as const;

/** Which of a filter's optional parts are present (and the caller's own flags): what decides the SQL. */
function shapeOf(filter: ObjectFilter, flags: Record<string, boolean> = {}): string {
  return JSON.stringify({ ...Object.fromEntries(FILTER_COLUMNS.map((name) => [name, filter[name] !== undefined])), ...flags });
}

function filterValues(filter: ObjectFilter): FilterValues {
  const values: FilterValues = { tenantId: filter.tenantId, kind: filter.kind };
  for (const name of FILTER_COLUMNS) if (filter[name] !== undefined) values[name] = filter[name]!;
  return values;
}

function templateNames(shape: string, extra: string[]): string[] {
  const present = JSON.parse(shape) as Record<string, boolean>;
  return ['tenantId', 'kind', ...FILTER_COLUMNS.filter((name) => present[name]), ...extra];
}

/** The filter a template is built with: its values are the template's slots. */
function filterOf(shape: string, values: FilterValues): ObjectFilter {
  const present = JSON.parse(shape) as Record<string, boolean>;
  return {
    tenantId: values.tenantId as string,
    kind: values.kind as string,
    ...(present.m365Tenant ? { m365Tenant: values.m365Tenant as string } : {}),
    ...(present.variant ? { variant: values.variant as number } : {}),
    ...(present.groupKey ? { groupKey: values.groupKey as string } : {}),
  };
}

/**
 * On PostgreSQL, a tenant's writers take turns, so seq values become visible in the order
 * they were drawn: a reader's keyset position is then never passed by a later commit of a
 * smaller seq. (SQLite has one writer anyway.)
 */
export async function lockTenant(trx: Transaction<EnPowerTables>, engine: Engine, tenantId: string): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`enpower:${tenantId}`}))`.execute(trx);
}
