import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import { appendToOutbox } from '../../platform/outbox.js';
import { USER_STATUSES, type Condition } from './conditions.js';
import { GOVERNANCE_AUDIT_OUTBOX, type DirectoryTables } from './directory-schema.js';
import { msOf, optionalMs, type DirectoryObjectRecord, type DirectoryUserRecord, type FileAccessRecord, type RuleSettingRecord, type SignInRecord } from './directory-records.js';

export type UserRow = Selectable<DirectoryTables['elements_dir_users']>;
export type ObjectRow = Selectable<DirectoryTables['elements_dir_objects']>;
/** A user row with its security statuses, computed by the database from USER_STATUSES. */
export type UserWithStatus = UserRow & { statuses: number[] };

/** A user update: the directory columns and profile fields it writes, and each documented field it changes. */
export interface UserChange {
  columns: Record<string, unknown>;
  profile: Record<string, unknown>;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export interface TenantKey {
  customerId: string;
  tenantId: string;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

/** Rows per multi-row insert: well under SQLite's bound-parameter limit for the widest table. */
const CHUNK = 500;
const RISK_LEVELS = { none: 0, medium: 1, high: 2 } as const;

const chunks = <T>(items: T[]): T[][] => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));
const flag = (value: boolean) => (value ? 1 : 0);
const offset = (pageIndex: number, pageSize: number) => (pageIndex - 1) * pageSize;
const statusColumn = (code: number) => `s${code}`;

/**
 * The tenant directory of one data center: idempotent upserts from the producer routes,
 * the pages and counts the governance modules read, and the user updates of user
 * management (each with its audit record in the same transaction).
 */
export class DirectoryStore {
  constructor(readonly db: Kysely<DirectoryTables>, private readonly nowMs: () => number) {}

  now(): number {
    return this.nowMs();
  }

  async upsertUsers(key: TenantKey, users: DirectoryUserRecord[]): Promise<void> {
    const now = this.nowMs();
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks(users)) {
        const rows = part.map((user) => ({ customer_id: key.customerId, tenant_id: key.tenantId, user_id: user.id.toLowerCase(), ...userColumns(user), modified_ms: now }));
        await trx
          .insertInto('elements_dir_users')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['customer_id', 'tenant_id', 'user_id']).doUpdateSet((eb) => {
              const set: Record<string, unknown> = {};
              for (const column of Object.keys(rows[0]!)) if (!['customer_id', 'tenant_id', 'user_id'].includes(column)) set[column] = eb.ref(`excluded.${column}` as never);
              return set as never;
            }),
          )
          .execute();
      }
    });
  }

  async upsertObjects(key: TenantKey, objects: DirectoryObjectRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks(objects)) {
        const rows = part.map((object) => ({ customer_id: key.customerId, tenant_id: key.tenantId, object_id: object.id.toLowerCase(), data_source: object.dataSource, ...objectColumns(object) }));
        await trx
          .insertInto('elements_dir_objects')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['customer_id', 'tenant_id', 'data_source', 'object_id']).doUpdateSet((eb) => {
              const set: Record<string, unknown> = {};
              for (const column of Object.keys(objectColumns(part[0]!))) set[column] = eb.ref(`excluded.${column}` as never);
              return set as never;
            }),
          )
          .execute();
      }
    });
  }

  async upsertSignIns(key: TenantKey, signIns: SignInRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks(signIns)) {
        await trx
          .insertInto('elements_dir_signins')
          .values(
            part.map((signIn) => ({
              customer_id: key.customerId,
              tenant_id: key.tenantId,
              signin_id: signIn.id.toLowerCase(),
              user_id: signIn.userId.toLowerCase(),
              login_ms: msOf(signIn.loginTime),
              ip: signIn.ip,
              lat: signIn.lat,
              lon: signIn.lon,
              country: signIn.country,
              city: signIn.city,
              device_name: signIn.deviceName,
              is_risk: flag(signIn.isRisk),
            })),
          )
          .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'signin_id']).doNothing())
          .execute();
      }
    });
  }

  async upsertFileAccess(key: TenantKey, accesses: FileAccessRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const part of chunks(accesses)) {
        await trx
          .insertInto('elements_dir_file_access')
          .values(
            part.map((access) => ({
              customer_id: key.customerId,
              tenant_id: key.tenantId,
              access_id: access.id.toLowerCase(),
              user_id: access.userId.toLowerCase(),
              file_name: access.fileName,
              access_ms: msOf(access.accessTime),
              sensitive_information: access.sensitiveInformation,
            })),
          )
          .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'access_id']).doNothing())
          .execute();
      }
    });
  }

  async upsertRuleSettings(key: TenantKey, settings: RuleSettingRecord[]): Promise<void> {
    for (const setting of settings) {
      const values = { enabled: flag(setting.enabled), setting: setting.setting };
      await this.db
        .insertInto('elements_dir_rule_settings')
        .values({ customer_id: key.customerId, tenant_id: key.tenantId, rule_id: setting.ruleId.toLowerCase(), ...values })
        .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'rule_id']).doUpdateSet(values))
        .execute();
    }
  }

  async ruleSettings(key: TenantKey): Promise<Map<string, { enabled: boolean; setting: string | null }>> {
    const rows = await this.db.selectFrom('elements_dir_rule_settings').selectAll().where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).execute();
    return new Map(rows.map((row) => [row.rule_id, { enabled: row.enabled === 1, setting: row.setting }]));
  }

  /** A page of users in directory order, each with its statuses; `where` narrows it. */
  async userPage(key: TenantKey, filter: { where?: RawBuilder<boolean>; userIds?: string[] }, pageIndex: number, pageSize: number): Promise<Page<UserWithStatus>> {
    const now = this.nowMs();
    let query = this.db.selectFrom('elements_dir_users').where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId);
    if (filter.where) query = query.where(filter.where);
    if (filter.userIds) query = query.where('user_id', 'in', filter.userIds.map((id) => id.toLowerCase()));
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .select(USER_STATUSES.map((status) => sql<number>`case when ${status.where(now)} then 1 else 0 end`.as(statusColumn(status.code))))
        .orderBy('seq')
        .limit(pageSize)
        .offset(offset(pageIndex, pageSize))
        .execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(withStatuses), totalCount: Number(count.n) };
  }

  async user(key: TenantKey, userId: string): Promise<UserWithStatus | undefined> {
    const page = await this.userPage(key, { userIds: [userId] }, 1, 1);
    return page.items[0];
  }

  async countUsers(key: TenantKey, where: Condition): Promise<number> {
    const row = await this.db
      .selectFrom('elements_dir_users')
      .select(sql<number>`count(*)`.as('n'))
      .where('customer_id', '=', key.customerId)
      .where('tenant_id', '=', key.tenantId)
      .where(where(this.nowMs()))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Counts objects per data source in one scan: for each named condition, how many objects
   * of each source match it (`total` counts them all).
   */
  async countObjects(key: TenantKey, conditions: Record<string, RawBuilder<boolean>>, dataSources: readonly number[]): Promise<Map<number, Record<string, number>>> {
    const names = Object.keys(conditions);
    const rows = await this.db
      .selectFrom('elements_dir_objects')
      .select('data_source')
      .select(sql<number>`count(*)`.as('total'))
      .select(names.map((name) => sql<number>`sum(case when ${conditions[name]!} then 1 else 0 end)`.as(name)))
      .where('customer_id', '=', key.customerId)
      .where('tenant_id', '=', key.tenantId)
      .where('data_source', 'in', [...dataSources])
      .groupBy('data_source')
      .execute();
    const result = new Map<number, Record<string, number>>();
    for (const source of dataSources) result.set(source, Object.fromEntries(['total', ...names].map((name) => [name, 0])));
    for (const row of rows as Array<Record<string, unknown>>) {
      result.set(Number(row.data_source), Object.fromEntries(['total', ...names].map((name) => [name, Number(row[name] ?? 0)])));
    }
    return result;
  }

  async sumObjects(key: TenantKey, columns: Array<keyof DirectoryTables['elements_dir_objects']>): Promise<Record<string, number>> {
    const row = (await this.db
      .selectFrom('elements_dir_objects')
      .select(columns.map((column) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)`.as(column)))
      .where('customer_id', '=', key.customerId)
      .where('tenant_id', '=', key.tenantId)
      .executeTakeFirstOrThrow()) as Record<string, unknown>;
    return Object.fromEntries(columns.map((column) => [column, Number(row[column] ?? 0)]));
  }

  async objectPage(key: TenantKey, dataSource: number, where: RawBuilder<boolean>, pageIndex: number, pageSize: number): Promise<Page<ObjectRow>> {
    const query = this.db.selectFrom('elements_dir_objects').where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).where('data_source', '=', dataSource).where(where);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('seq').limit(pageSize).offset(offset(pageIndex, pageSize)).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows, totalCount: Number(count.n) };
  }

  async signInPage(key: TenantKey, risky: boolean | undefined, pageIndex: number, pageSize: number) {
    let query = this.db.selectFrom('elements_dir_signins as s').where('s.customer_id', '=', key.customerId).where('s.tenant_id', '=', key.tenantId);
    if (risky !== undefined) query = query.where('s.is_risk', '=', flag(risky));
    const [rows, count] = await Promise.all([
      query
        .leftJoin('elements_dir_users as u', (join) => join.onRef('u.customer_id', '=', 's.customer_id').onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.user_id', '=', 's.user_id'))
        .select(['s.signin_id', 's.user_id', 's.login_ms', 's.ip', 's.lat', 's.lon', 's.country', 's.city', 's.is_risk', 'u.display_name', 'u.upn'])
        .orderBy('s.login_ms', 'desc')
        .orderBy('s.seq', 'desc')
        .limit(pageSize)
        .offset(offset(pageIndex, pageSize))
        .execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows, totalCount: Number(count.n) };
  }

  /** Sign-ins, devices and accessed files of some users (a workflow's detail rows). */
  async activityOf(key: TenantKey, userIds: string[], perUser: number) {
    if (userIds.length === 0) return { signIns: [], files: [] };
    const [signIns, files] = await Promise.all([
      this.db.selectFrom('elements_dir_signins').select(['user_id', 'ip', 'login_ms', 'device_name']).where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).where('user_id', 'in', userIds).orderBy('login_ms', 'desc').execute(),
      this.db
        .selectFrom('elements_dir_file_access')
        .select(['user_id', 'file_name', 'access_ms', 'sensitive_information'])
        .where('customer_id', '=', key.customerId)
        .where('tenant_id', '=', key.tenantId)
        .where('user_id', 'in', userIds)
        .orderBy('access_ms', 'desc')
        .execute(),
    ]);
    const limit = <T extends { user_id: string }>(rows: T[]) => {
      const seen = new Map<string, number>();
      return rows.filter((row) => {
        const n = seen.get(row.user_id) ?? 0;
        seen.set(row.user_id, n + 1);
        return n < perUser;
      });
    };
    return { signIns: limit(signIns), files: limit(files) };
  }

  /** Sign-ins and file accesses, risky (a risky sign-in, or a sensitive file accessed) and normal. */
  async actionCounts(key: TenantKey): Promise<{ risky: number; normal: number }> {
    const [signIns, files] = await Promise.all([
      this.db
        .selectFrom('elements_dir_signins')
        .select([sql<number>`coalesce(sum(is_risk), 0)`.as('risky'), sql<number>`count(*)`.as('total')])
        .where('customer_id', '=', key.customerId)
        .where('tenant_id', '=', key.tenantId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('elements_dir_file_access')
        .select([sql<number>`coalesce(sum(case when sensitive_information is not null then 1 else 0 end), 0)`.as('risky'), sql<number>`count(*)`.as('total')])
        .where('customer_id', '=', key.customerId)
        .where('tenant_id', '=', key.tenantId)
        .executeTakeFirstOrThrow(),
    ]);
    const risky = Number(signIns.risky) + Number(files.risky);
    return { risky, normal: Number(signIns.total) + Number(files.total) - risky };
  }

  /**
   * Replaces a field group of one user and queues its audit record, in one transaction: the
   * write is acknowledged only once both are durable, and a change `build` refuses (it may
   * throw) leaves the user as it was. False when there is no such user.
   */
  async updateUser(key: TenantKey, userId: string, build: (before: UserRow) => UserChange, audit: (changes: UserChange['changes'], before: UserRow, nowMs: number) => { id: string } & Record<string, unknown>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('elements_dir_users').selectAll().where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).where('user_id', '=', userId.toLowerCase()).executeTakeFirst();
      if (!before) return false;
      const change = build(before);
      const now = this.nowMs();
      const profile = { ...(JSON.parse(before.profile) as Record<string, unknown>), ...change.profile };
      await trx
        .updateTable('elements_dir_users')
        .set({ ...change.columns, profile: JSON.stringify(profile), modified_ms: now } as never)
        .where('seq', '=', before.seq)
        .execute();
      const record = audit(change.changes, before, now);
      await appendToOutbox(trx as unknown as Transaction<never>, GOVERNANCE_AUDIT_OUTBOX, [{ id: record.id, tenantId: key.customerId, payload: record }], now);
      return true;
    });
  }
}

function userColumns(user: DirectoryUserRecord) {
  return {
    kind: user.kind,
    upn: user.userPrincipalName,
    display_name: user.displayName,
    mail: user.mail,
    user_type: user.userType,
    admin_roles: user.adminRoles.join(', '),
    account_enabled: flag(user.accountEnabled),
    mfa_enabled: flag(user.mfaEnabled),
    password_never_expire: flag(user.passwordNeverExpire),
    password_changed_ms: msOf(user.passwordChangedTime),
    risk_level: RISK_LEVELS[user.riskLevel],
    compliant: flag(user.compliant),
    pending_deletion: flag(user.pendingDeletion),
    is_test: flag(user.isTestUser),
    is_external: flag(user.isExternal),
    license_count: user.licenseCount,
    last_sign_in_ms: optionalMs(user.lastSignInTime),
    sign_in_count: user.signInCount,
    fixed_ms: optionalMs(user.lastFixedTime),
    created_ms: msOf(user.createdTime),
    profile: JSON.stringify(user.profile),
  };
}

function objectColumns(object: DirectoryObjectRecord) {
  return {
    name: object.name,
    owner_count: object.ownerCount,
    member_count: object.memberCount,
    guest_count: object.guestCount,
    storage_used_mb: object.storageUsedMb,
    storage_limit_mb: object.storageLimitMb,
    last_activity_ms: optionalMs(object.lastActivityTime),
    created_ms: msOf(object.createdTime),
    sensitive_everyone: object.sensitiveItems.sharedWithEveryone,
    sensitive_everyone_except_external: object.sensitiveItems.sharedWithEveryoneExceptExternalUsers,
    sensitive_anyone_link: object.sensitiveItems.sharedViaAnyoneLink,
    sensitive_specific_external: object.sensitiveItems.sharedViaLinkForSpecificExternalUsers,
    sensitive_org_link: object.sensitiveItems.sharedViaOrganizationLink,
    ransomware_ms: optionalMs(object.potentialRansomwareTime),
    unusual_activity_ms: optionalMs(object.unusualActivityTime),
    suspicious_object_ms: optionalMs(object.suspiciousObjectTime),
    detail: JSON.stringify(object.detail),
  };
}

function withStatuses(row: Record<string, unknown>): UserWithStatus {
  const statuses = USER_STATUSES.filter((status) => Number(row[statusColumn(status.code)]) === 1).map((status) => status.code);
  const user = { ...row } as Record<string, unknown>;
  for (const status of USER_STATUSES) delete user[statusColumn(status.code)];
  return { ...(user as UserRow), statuses };
}
