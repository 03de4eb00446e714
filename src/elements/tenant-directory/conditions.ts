import { sql, type RawBuilder } from 'kysely';

/**
 * The facts every governance answer is computed from, each written once as SQL over the
 * directory tables: a user's security statuses (user management), the risk rules' matches
 * (risk management) and the workspace counters (workspace management) all use these, so a
 * user made a test user shows up at once in the dashboard filter, its status list and the
 * "test user accounts" rule count.
 */
export type Condition = (nowMs: number) => RawBuilder<boolean>;

export const DAY_MS = 24 * 60 * 60 * 1000;
/** A password older than this (and not set to never expire) is expired. */
export const PASSWORD_MAX_AGE_DAYS = 90;
/** No sign-in (or activity) for this long makes a user (or workspace) inactive. */
export const INACTIVE_DAYS = 90;
/** Activity within this window makes a workspace active. */
export const ACTIVE_DAYS = 30;

const before = (column: string, nowMs: number, days: number) => sql<boolean>`(${sql.ref(column)} is null or ${sql.ref(column)} < ${nowMs - days * DAY_MS})`;

/** The security statuses of dashboard_public_api.md (0–8), in code order. */
export const USER_STATUSES: ReadonlyArray<{ code: number; name: string; where: Condition }> = [
  { code: 0, name: 'MFA disabled', where: () => sql`mfa_enabled = 0` },
  { code: 1, name: 'Sign-in blocked', where: () => sql`account_enabled = 0` },
  { code: 2, name: 'Password expired', where: (now) => sql`(password_never_expire = 0 and password_changed_ms < ${now - PASSWORD_MAX_AGE_DAYS * DAY_MS})` },
  { code: 3, name: 'High risk', where: () => sql`risk_level = 2` },
  { code: 4, name: 'Medium risk', where: () => sql`risk_level = 1` },
  { code: 5, name: 'Compliance', where: () => sql`compliant = 0` },
  { code: 6, name: 'Inactive', where: (now) => before('last_sign_in_ms', now, INACTIVE_DAYS) },
  { code: 7, name: 'Pending deletion', where: () => sql`pending_deletion = 1` },
  { code: 8, name: 'Test user', where: () => sql`is_test = 1` },
];

export const userStatus = (code: number): Condition => USER_STATUSES.find((status) => status.code === code)!.where;

/** Conditions on users beyond the statuses, for risk rules and workflows. */
export const USER_CONDITIONS = {
  guest: (() => sql`user_type = 'Guest'`) as Condition,
  passwordNeverExpires: (() => sql`password_never_expire = 1`) as Condition,
  globalAdminWithoutPasswordExpiry: (() => sql`(admin_roles like '%Global Administrator%' and password_never_expire = 1)`) as Condition,
  blockedButLicensed: (() => sql`(account_enabled = 0 and license_count > 0)`) as Condition,
  riskySignIns: ((now) =>
    sql`exists (select 1 from elements_dir_signins s where s.customer_id = elements_dir_users.customer_id and s.tenant_id = elements_dir_users.tenant_id and s.user_id = elements_dir_users.user_id and s.is_risk = 1 and s.login_ms >= ${now - 30 * DAY_MS})`) as Condition,
  sensitiveFileAccess: ((now) =>
    sql`exists (select 1 from elements_dir_file_access f where f.customer_id = elements_dir_users.customer_id and f.tenant_id = elements_dir_users.tenant_id and f.user_id = elements_dir_users.user_id and f.sensitive_information is not null and f.access_ms >= ${now - 30 * DAY_MS})`) as Condition,
};

/** Conditions on workspaces and Power Platform objects (elements_dir_objects). */
export const OBJECT_CONDITIONS = {
  orphaned: (() => sql`owner_count = 0`) as Condition,
  withGuests: (() => sql`guest_count > 0`) as Condition,
  reachingStorageLimit: (() => sql`(storage_limit_mb > 0 and storage_used_mb * 10 >= storage_limit_mb * 9)`) as Condition,
  active: ((now) => sql`(last_activity_ms is not null and last_activity_ms >= ${now - ACTIVE_DAYS * DAY_MS})`) as Condition,
  inactive: ((now) => before('last_activity_ms', now, INACTIVE_DAYS)) as Condition,
  sharedWithEveryone: (() => sql`(sensitive_everyone + sensitive_everyone_except_external + sensitive_anyone_link) > 0`) as Condition,
  fewOwners: (() => sql`owner_count = 1`) as Condition,
};

export const anyOf = (conditions: Condition[], nowMs: number): RawBuilder<boolean> =>
  conditions.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(conditions.map((condition) => condition(nowMs)), sql` or `)})`;
