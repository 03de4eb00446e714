import type { ColumnDefinitionBuilder, Generated } from 'kysely';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/**
 * The Insights permission graph of each tenant, for Microsoft 365 (`platform` 'm365') and
 * Google Workspace ('google'), in a regional database. Times are epoch milliseconds. Every
 * `*_key` column is the lower-cased, fully decoded form a path or body value is matched on.
 *
 * users ─< group_members >─ groups ─< group_nesting (groups in groups, any depth, cycles allowed)
 *                                          workspaces (site collections, Google drives)
 *   │                                          └─< objects (the site itself, lists, folders, files)
 *   ├─< link_members >─ sharing_links ─────────────┤
 *   └── permissions (principal_key: u:user, g:group, l:link, s:everyone…) ─┘
 *                                            activities (object, user, event type, time)
 */
export interface InsightsTables {
  insights_users: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    user_id: string;
    login_name: string;
    login_key: string;
    email: string;
    email_key: string;
    display_name: string;
    user_status: string;
    trust_status: string;
    is_external: number;
    last_sign_in_ms: number | null;
    created_ms: number;
  };
  insights_groups: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    group_id: string;
    group_key: string;
    display_name: string;
    email: string | null;
    email_key: string | null;
    group_type: string;
    membership_type: string;
    /** 'directory' (Entra ID or Google groups, in the group summary) or 'site' (SharePoint groups). */
    scope: string;
    created_ms: number;
  };
  insights_group_members: {
    tenant_id: string;
    platform: string;
    group_id: string;
    user_id: string;
  };
  /** Nested groups: `member_group_id` is a member of `group_id`, so its members are too. */
  insights_group_nesting: {
    tenant_id: string;
    platform: string;
    group_id: string;
    member_group_id: string;
  };
  insights_workspaces: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    workspace_id: string;
    url: string;
    url_key: string;
    title: string;
    /** The data source: Microsoft Teams, SharePoint Online, OneDrive, Microsoft 365 Group, User Drive, Shared Drive. */
    module: string;
    created_ms: number;
  };
  insights_objects: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    object_id: string;
    workspace_id: string;
    url: string;
    url_key: string;
    name: string;
    object_type: string;
    created_by: string;
    creator_email: string;
    created_ms: number;
    modified_ms: number | null;
    scanned_ms: number | null;
    channel_name: string;
    privacy: string;
    sensitivity_level: string;
    sensitivity_rank: number;
    exposure_level: string;
    exposure_rank: number;
    risk_level: string;
    risk_rank: number;
    data_types: string;
    sensitivity_label: string | null;
    trainable_classifier: string | null;
    retention_label: string | null;
    tag_name: string;
    inherit_type: string;
  };
  insights_permissions: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    permission_id: string;
    object_id: string;
    workspace_id: string;
    module: string;
    principal_key: string;
    principal_kind: string;
    principal_id: string;
    principal_name: string;
    principal_email: string;
    permission: string;
    inherit_type: string;
  };
  insights_sharing_links: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    link_id: string;
    object_id: string;
    workspace_id: string;
    link_type: number;
    logon_name: string;
    created_ms: number;
    expire_ms: number | null;
    share_by: string;
    link_url: string;
    permission: string;
    inherit_from: string | null;
    inherit_type: string;
    share_with: number;
  };
  insights_link_members: {
    tenant_id: string;
    platform: string;
    link_id: string;
    user_id: string;
  };
  insights_activities: {
    seq: Generated<number>;
    tenant_id: string;
    platform: string;
    activity_id: string;
    object_id: string;
    user_id: string;
    event_type: string;
    time_ms: number;
    client_ip: string;
    detail: string;
  };
  insights_export_jobs: {
    /** The export's jobId: an integer, as exportstatus and exportfile type it. */
    seq: Generated<number>;
    tenant_id: string;
    kind: string;
    params_json: string;
    runner_job_id: string | null;
    created_ms: number;
    finished_ms: number | null;
    blob_id: string | null;
    file_name: string | null;
    row_count: number | null;
    expires_ms: number | null;
  };
}

export const insightsMigrations: ModuleMigrations = {
  module: 'insights',
  migrations: {
    '001_permission_graph': (engine) => ({
      async up(db) {
        const table = (name: string) => addSequenceColumn(db.schema.createTable(name), engine, 'seq').addColumn('tenant_id', 'text', (c) => c.notNull()).addColumn('platform', 'text', (c) => c.notNull());
        const text = (c: ColumnDefinitionBuilder) => c.notNull();

        await table('insights_users')
          .addColumn('user_id', 'text', text)
          .addColumn('login_name', 'text', text)
          .addColumn('login_key', 'text', text)
          .addColumn('email', 'text', text)
          .addColumn('email_key', 'text', text)
          .addColumn('display_name', 'text', text)
          .addColumn('user_status', 'text', text)
          .addColumn('trust_status', 'text', text)
          .addColumn('is_external', 'integer', text)
          .addColumn('last_sign_in_ms', 'bigint')
          .addColumn('created_ms', 'bigint', text)
          .addUniqueConstraint('insights_users_producer_id', ['tenant_id', 'platform', 'user_id'])
          .execute();
        await db.schema.createIndex('insights_users_login').on('insights_users').columns(['tenant_id', 'platform', 'login_key']).execute();
        await db.schema.createIndex('insights_users_email').on('insights_users').columns(['tenant_id', 'platform', 'email_key']).execute();
        await db.schema.createIndex('insights_users_order').on('insights_users').columns(['tenant_id', 'platform', 'seq']).execute();

        await table('insights_groups')
          .addColumn('group_id', 'text', text)
          .addColumn('group_key', 'text', text)
          .addColumn('display_name', 'text', text)
          .addColumn('email', 'text')
          .addColumn('email_key', 'text')
          .addColumn('group_type', 'text', text)
          .addColumn('membership_type', 'text', text)
          .addColumn('scope', 'text', text)
          .addColumn('created_ms', 'bigint', text)
          .addUniqueConstraint('insights_groups_producer_id', ['tenant_id', 'platform', 'group_id'])
          .execute();
        await db.schema.createIndex('insights_groups_key').on('insights_groups').columns(['tenant_id', 'platform', 'group_key']).execute();
        await db.schema.createIndex('insights_groups_email').on('insights_groups').columns(['tenant_id', 'platform', 'email_key']).execute();
        await db.schema.createIndex('insights_groups_order').on('insights_groups').columns(['tenant_id', 'platform', 'scope', 'seq']).execute();

        await db.schema
          .createTable('insights_group_members')
          .addColumn('tenant_id', 'text', text)
          .addColumn('platform', 'text', text)
          .addColumn('group_id', 'text', text)
          .addColumn('user_id', 'text', text)
          .addPrimaryKeyConstraint('insights_group_members_pk', ['tenant_id', 'platform', 'group_id', 'user_id'])
          .execute();
        await db.schema.createIndex('insights_group_members_user').on('insights_group_members').columns(['tenant_id', 'platform', 'user_id']).execute();

        await table('insights_workspaces')
          .addColumn('workspace_id', 'text', text)
          .addColumn('url', 'text', text)
          .addColumn('url_key', 'text', text)
          .addColumn('title', 'text', text)
          .addColumn('module', 'text', text)
          .addColumn('created_ms', 'bigint', text)
          .addUniqueConstraint('insights_workspaces_producer_id', ['tenant_id', 'platform', 'workspace_id'])
          .execute();
        await db.schema.createIndex('insights_workspaces_url').on('insights_workspaces').columns(['tenant_id', 'platform', 'url_key']).execute();

        await table('insights_objects')
          .addColumn('object_id', 'text', text)
          .addColumn('workspace_id', 'text', text)
          .addColumn('url', 'text', text)
          .addColumn('url_key', 'text', text)
          .addColumn('name', 'text', text)
          .addColumn('object_type', 'text', text)
          .addColumn('created_by', 'text', text)
          .addColumn('creator_email', 'text', text)
          .addColumn('created_ms', 'bigint', text)
          .addColumn('modified_ms', 'bigint')
          .addColumn('scanned_ms', 'bigint')
          .addColumn('channel_name', 'text', text)
          .addColumn('privacy', 'text', text)
          .addColumn('sensitivity_level', 'text', text)
          .addColumn('sensitivity_rank', 'integer', text)
          .addColumn('exposure_level', 'text', text)
          .addColumn('exposure_rank', 'integer', text)
          .addColumn('risk_level', 'text', text)
          .addColumn('risk_rank', 'integer', text)
          .addColumn('data_types', 'text', text)
          .addColumn('sensitivity_label', 'text')
          .addColumn('trainable_classifier', 'text')
          .addColumn('retention_label', 'text')
          .addColumn('tag_name', 'text', text)
          .addColumn('inherit_type', 'text', text)
          .addUniqueConstraint('insights_objects_producer_id', ['tenant_id', 'platform', 'object_id'])
          .execute();
        await db.schema.createIndex('insights_objects_workspace').on('insights_objects').columns(['tenant_id', 'platform', 'workspace_id', 'seq']).execute();
        await db.schema.createIndex('insights_objects_url').on('insights_objects').columns(['tenant_id', 'platform', 'url_key']).execute();

        await table('insights_permissions')
          .addColumn('permission_id', 'text', text)
          .addColumn('object_id', 'text', text)
          .addColumn('workspace_id', 'text', text)
          .addColumn('module', 'text', text)
          .addColumn('principal_key', 'text', text)
          .addColumn('principal_kind', 'text', text)
          .addColumn('principal_id', 'text', text)
          .addColumn('principal_name', 'text', text)
          .addColumn('principal_email', 'text', text)
          .addColumn('permission', 'text', text)
          .addColumn('inherit_type', 'text', text)
          .addUniqueConstraint('insights_permissions_producer_id', ['tenant_id', 'platform', 'permission_id'])
          .execute();
        // A principal's access in keyset order; a workspace's permissions in keyset order.
        await db.schema.createIndex('insights_permissions_principal').on('insights_permissions').columns(['tenant_id', 'platform', 'principal_key', 'seq']).execute();
        await db.schema.createIndex('insights_permissions_workspace').on('insights_permissions').columns(['tenant_id', 'platform', 'workspace_id', 'seq']).execute();

        await table('insights_sharing_links')
          .addColumn('link_id', 'text', text)
          .addColumn('object_id', 'text', text)
          .addColumn('workspace_id', 'text', text)
          .addColumn('link_type', 'integer', text)
          .addColumn('logon_name', 'text', text)
          .addColumn('created_ms', 'bigint', text)
          .addColumn('expire_ms', 'bigint')
          .addColumn('share_by', 'text', text)
          .addColumn('link_url', 'text', text)
          .addColumn('permission', 'text', text)
          .addColumn('inherit_from', 'text')
          .addColumn('inherit_type', 'text', text)
          .addColumn('share_with', 'integer', text)
          .addUniqueConstraint('insights_sharing_links_producer_id', ['tenant_id', 'platform', 'link_id'])
          .execute();
        await db.schema.createIndex('insights_links_workspace').on('insights_sharing_links').columns(['tenant_id', 'platform', 'workspace_id', 'link_type', 'seq']).execute();
        await db.schema.createIndex('insights_links_created').on('insights_sharing_links').columns(['tenant_id', 'platform', 'link_type', 'created_ms', 'seq']).execute();

        await db.schema
          .createTable('insights_link_members')
          .addColumn('tenant_id', 'text', text)
          .addColumn('platform', 'text', text)
          .addColumn('link_id', 'text', text)
          .addColumn('user_id', 'text', text)
          .addPrimaryKeyConstraint('insights_link_members_pk', ['tenant_id', 'platform', 'link_id', 'user_id'])
          .execute();
        await db.schema.createIndex('insights_link_members_user').on('insights_link_members').columns(['tenant_id', 'platform', 'user_id']).execute();

        await table('insights_activities')
          .addColumn('activity_id', 'text', text)
          .addColumn('object_id', 'text', text)
          .addColumn('user_id', 'text', text)
          .addColumn('event_type', 'text', text)
          .addColumn('time_ms', 'bigint', text)
          .addColumn('client_ip', 'text', text)
          .addColumn('detail', 'text', text)
          .addUniqueConstraint('insights_activities_producer_id', ['tenant_id', 'platform', 'activity_id'])
          .execute();
        await db.schema.createIndex('insights_activities_object').on('insights_activities').columns(['tenant_id', 'platform', 'object_id', 'time_ms', 'seq']).execute();
        await db.schema.createIndex('insights_activities_user').on('insights_activities').columns(['tenant_id', 'platform', 'user_id', 'time_ms', 'seq']).execute();

        await addSequenceColumn(db.schema.createTable('insights_export_jobs'), engine, 'seq')
          .addColumn('tenant_id', 'text', text)
          .addColumn('kind', 'text', text)
          .addColumn('params_json', 'text', text)
          .addColumn('runner_job_id', 'text')
          .addColumn('created_ms', 'bigint', text)
          .addColumn('finished_ms', 'bigint')
          .addColumn('blob_id', 'text')
          .addColumn('file_name', 'text')
          .addColumn('row_count', 'bigint')
          .addColumn('expires_ms', 'bigint')
          .execute();
        await db.schema.createIndex('insights_export_jobs_expiry').on('insights_export_jobs').columns(['expires_ms']).execute();
      },
    }),
    '002_nested_groups': () => ({
      async up(db) {
        const text = (c: ColumnDefinitionBuilder) => c.notNull();
        await db.schema
          .createTable('insights_group_nesting')
          .addColumn('tenant_id', 'text', text)
          .addColumn('platform', 'text', text)
          .addColumn('group_id', 'text', text)
          .addColumn('member_group_id', 'text', text)
          .addPrimaryKeyConstraint('insights_group_nesting_pk', ['tenant_id', 'platform', 'group_id', 'member_group_id'])
          .execute();
        // Upwards, from a user's groups to the groups holding them: what every access read walks.
        await db.schema.createIndex('insights_group_nesting_member').on('insights_group_nesting').columns(['tenant_id', 'platform', 'member_group_id']).execute();
      },
    }),
  },
};
