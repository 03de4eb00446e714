import { sql, type Generated } from 'kysely';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/**
 * The EnPower module's tables in a regional database. Times are epoch milliseconds; every
 * `*_key` column is the lower-cased form of an id, so that lookups ignore the case clients
 * send ids in (the docs' request samples write GUIDs in upper case, the responses in lower).
 */
export interface EnPowerTables {
  /**
   * The inventory: one row per object of every collection (environments, apps, flows,
   * mailboxes, end-of-life records, ...). `doc_json` is the object's documented JSON, in the
   * sample's field order, with each computed field left as a marker the list renderer fills.
   * An update keeps the row's seq, so a walk through the pages sees each object once.
   */
  enpower_objects: {
    seq: Generated<number>;
    tenant_id: string;
    kind: string;
    object_key: string;
    /** The id the object's events and drill-down paths name it by (appId, flowId, botId, ...). */
    parent_key: string;
    m365_tenant: string;
    environment_key: string | null;
    /** datasourceType of data sources and semantic models: what the counts by type group on. */
    group_key: string | null;
    /** 1/2 for user/shared and room/equipment mailboxes, else 0. */
    variant: number;
    display_name: string | null;
    doc_json: string;
    updated_ms: number;
  };
  /** Names (id, domain, display name) by which the `tenant` parameter selects a Microsoft 365 tenant. */
  enpower_tenants: {
    tenant_id: string;
    name_key: string;
    m365_tenant: string;
  };
  /** Flow → connection ('flow') and app → connection ('app') usage, from the flows' and apps' reports. */
  enpower_edges: {
    seq: Generated<number>;
    tenant_id: string;
    kind: string;
    from_key: string;
    to_key: string;
    m365_tenant: string;
    doc_json: string;
  };
  /** Activity, launch, run and Power BI audit events; each rendered once, at write time. */
  enpower_events: {
    seq: Generated<number>;
    tenant_id: string;
    stream: string;
    event_key: string;
    parent_key: string;
    m365_tenant: string;
    time_ms: number;
    user_key: string | null;
    record_json: string;
  };
  /** How many events of a stream each parent had on each UTC day: the rolling counters sum these. */
  enpower_event_days: {
    tenant_id: string;
    stream: string;
    parent_key: string;
    day: number;
    n: number;
  };
  /** Each user's events of a stream on a parent, and the last day they had one: distinct users in a window count these. */
  enpower_event_users: {
    tenant_id: string;
    stream: string;
    parent_key: string;
    user_key: string;
    user_id: string | null;
    user_type: string | null;
    last_day: number;
    n: number;
  };
  /** All-time count, last event time and the last event's value (a desktop run's status) per parent and stream. */
  enpower_event_totals: {
    tenant_id: string;
    stream: string;
    parent_key: string;
    n: number;
    last_ms: number;
    last_value: string | null;
  };
}

/** The stream whose events are listed across parents (/powerbiactiveusers), so it has its own time index. */
export const ORGANIZATION_WIDE_STREAM = 'powerbi-activities';

export const enPowerMigrations: ModuleMigrations = {
  module: 'enpower',
  migrations: {
    '001_inventory_and_events': (engine) => ({
      async up(db) {
        await addSequenceColumn(db.schema.createTable('enpower_objects'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('object_key', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('m365_tenant', 'text', (c) => c.notNull())
          .addColumn('environment_key', 'text')
          .addColumn('group_key', 'text')
          .addColumn('variant', 'integer', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('doc_json', 'text', (c) => c.notNull())
          .addColumn('updated_ms', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('enpower_objects_producer_id', ['tenant_id', 'kind', 'object_key'])
          .execute();
        await db.schema.createIndex('enpower_objects_page').on('enpower_objects').columns(['tenant_id', 'kind', 'seq']).execute();
        await db.schema.createIndex('enpower_objects_m365_page').on('enpower_objects').columns(['tenant_id', 'kind', 'm365_tenant', 'seq']).execute();
        await db.schema.createIndex('enpower_objects_parent').on('enpower_objects').columns(['tenant_id', 'kind', 'parent_key']).execute();
        await db.schema.createIndex('enpower_objects_environment').on('enpower_objects').columns(['tenant_id', 'environment_key', 'kind']).execute();
        await db.schema.createIndex('enpower_objects_group').on('enpower_objects').columns(['tenant_id', 'kind', 'group_key']).execute();

        await db.schema
          .createTable('enpower_tenants')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull())
          .addColumn('m365_tenant', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('enpower_tenants_pk', ['tenant_id', 'name_key'])
          .execute();

        await addSequenceColumn(db.schema.createTable('enpower_edges'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('from_key', 'text', (c) => c.notNull())
          .addColumn('to_key', 'text', (c) => c.notNull())
          .addColumn('m365_tenant', 'text', (c) => c.notNull())
          .addColumn('doc_json', 'text', (c) => c.notNull())
          .addUniqueConstraint('enpower_edges_pair', ['tenant_id', 'kind', 'from_key', 'to_key'])
          .execute();
        await db.schema.createIndex('enpower_edges_page').on('enpower_edges').columns(['tenant_id', 'kind', 'seq']).execute();
        await db.schema.createIndex('enpower_edges_to').on('enpower_edges').columns(['tenant_id', 'kind', 'to_key']).execute();

        await addSequenceColumn(db.schema.createTable('enpower_events'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('event_key', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('m365_tenant', 'text', (c) => c.notNull())
          .addColumn('time_ms', 'bigint', (c) => c.notNull())
          .addColumn('user_key', 'text')
          .addColumn('record_json', 'text', (c) => c.notNull())
          .addUniqueConstraint('enpower_events_producer_id', ['tenant_id', 'stream', 'event_key'])
          .execute();
        await db.schema.createIndex('enpower_events_parent_time').on('enpower_events').columns(['tenant_id', 'stream', 'parent_key', 'time_ms', 'seq']).execute();
        await db.schema
          .createIndex('enpower_events_organization_time')
          .on('enpower_events')
          .columns(['tenant_id', 'time_ms', 'seq'])
          .where(sql.ref('stream'), '=', sql.lit(ORGANIZATION_WIDE_STREAM))
          .execute();

        await db.schema
          .createTable('enpower_event_days')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('day', 'bigint', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('enpower_event_days_pk', ['tenant_id', 'stream', 'parent_key', 'day'])
          .execute();
        await db.schema
          .createTable('enpower_event_users')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('user_key', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text')
          .addColumn('user_type', 'text')
          .addColumn('last_day', 'bigint', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('enpower_event_users_pk', ['tenant_id', 'stream', 'parent_key', 'user_key'])
          .execute();
        await db.schema
          .createTable('enpower_event_totals')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('stream', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addColumn('last_ms', 'bigint', (c) => c.notNull())
          .addColumn('last_value', 'text')
          .addPrimaryKeyConstraint('enpower_event_totals_pk', ['tenant_id', 'stream', 'parent_key'])
          .execute();
      },
    }),
  },
};
