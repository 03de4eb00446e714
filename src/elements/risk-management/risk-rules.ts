import { OBJECT_CONDITIONS, USER_CONDITIONS, userStatus, type Condition } from '../tenant-directory/conditions.js';
import { DATA_SOURCES } from '../tenant-directory/directory-records.js';

/**
 * The risk rules Meridian evaluates, per data source of all-data-source-match-risk-rule.md.
 * Each is one directory condition, so a rule's `hitItemCount` is the count of its hit items,
 * and the same condition drives the security statuses and workspace counters. A tenant may
 * enable or disable a rule (producer route `…/directory/risk-rules`); the default is `enabled`.
 */
export interface RiskRule {
  id: string;
  name: string;
  dataSource: number;
  on: 'users' | 'objects';
  where: Condition;
  enabled: boolean;
  setting: string | null;
}

/**
 * A rule's id, in the form the pages show: specific-rule-detail-hit-items.md names "Groups
 * without owners" `00000002-9E63-4A52-9946-00000036` whole (a last group of eight), and the
 * rules list masks others as `00000002-****-4A52-****-00000023`; the rule's number ends it.
 */
export const riskRuleId = (n: number) => `00000002-9e63-4a52-9946-${String(n).padStart(8, '0')}`;

const rule = (n: number, name: string, dataSource: number, where: Condition, options: { enabled?: boolean; setting?: string } = {}): RiskRule => ({
  id: riskRuleId(n),
  name,
  dataSource,
  on: dataSource === DATA_SOURCES.Users ? 'users' : 'objects',
  where,
  enabled: options.enabled ?? true,
  setting: options.setting ?? null,
});

const { Exchange, Groups, Teams, SharePoint, OneDrive, Users, Environments, Connections, PowerApps, PowerAutomate, PowerBI } = DATA_SOURCES;

export const RISK_RULES: readonly RiskRule[] = [
  rule(19, 'Users without MFA enabled', Users, userStatus(0)),
  rule(23, 'Global administrator without a password expiration date', Users, USER_CONDITIONS.globalAdminWithoutPasswordExpiry),
  rule(24, 'Inactive users', Users, userStatus(6), { setting: '90 days' }),
  rule(25, 'High-risk users', Users, userStatus(3)),
  rule(26, 'Test user accounts', Users, userStatus(8)),
  rule(27, 'Guest users', Users, USER_CONDITIONS.guest),
  rule(28, 'Blocked users with assigned licenses', Users, USER_CONDITIONS.blockedButLicensed, { enabled: false }),
  rule(30, 'Inactive mailboxes', Exchange, OBJECT_CONDITIONS.inactive, { setting: '90 days' }),
  rule(31, 'Mailboxes reaching their storage limit', Exchange, OBJECT_CONDITIONS.reachingStorageLimit, { setting: '90%' }),
  rule(36, 'Groups without owners', Groups, OBJECT_CONDITIONS.orphaned),
  rule(37, 'Groups with guest users', Groups, OBJECT_CONDITIONS.withGuests),
  rule(40, 'Teams without owners', Teams, OBJECT_CONDITIONS.orphaned),
  rule(41, 'Teams with guest users', Teams, OBJECT_CONDITIONS.withGuests),
  rule(42, 'Inactive Teams', Teams, OBJECT_CONDITIONS.inactive, { setting: '90 days' }),
  rule(45, 'Sites without owners', SharePoint, OBJECT_CONDITIONS.orphaned),
  rule(46, 'Sites with sensitive items shared with everyone', SharePoint, OBJECT_CONDITIONS.sharedWithEveryone),
  rule(47, 'Sites reaching their storage limit', SharePoint, OBJECT_CONDITIONS.reachingStorageLimit, { setting: '90%' }),
  rule(50, 'OneDrives shared with guests', OneDrive, OBJECT_CONDITIONS.withGuests),
  rule(51, 'OneDrives reaching their storage limit', OneDrive, OBJECT_CONDITIONS.reachingStorageLimit, { setting: '90%' }),
  rule(55, 'Environments with guest users', Environments, OBJECT_CONDITIONS.withGuests),
  rule(58, 'Inactive connections', Connections, OBJECT_CONDITIONS.inactive, { setting: '90 days' }),
  rule(60, 'Power Apps shared with guests', PowerApps, OBJECT_CONDITIONS.withGuests),
  rule(61, 'Power Apps with a single owner', PowerApps, OBJECT_CONDITIONS.fewOwners, { enabled: false }),
  rule(63, 'Inactive flows', PowerAutomate, OBJECT_CONDITIONS.inactive, { setting: '90 days' }),
  rule(65, 'Power BI workspaces with guest users', PowerBI, OBJECT_CONDITIONS.withGuests),
];

/** The workspace data sources: what workspace management counts and its compliance rate covers. */
export const WORKSPACE_SOURCES = [Exchange, Groups, Teams, SharePoint, OneDrive] as const;

/** The rules with a tenant's own enablement and setting applied. */
export function rulesOf(settings: Map<string, { enabled: boolean; setting: string | null }>): RiskRule[] {
  return RISK_RULES.map((candidate) => {
    const own = settings.get(candidate.id);
    return own ? { ...candidate, enabled: own.enabled, setting: own.setting ?? candidate.setting } : candidate;
  });
}
