/** The Insights vocabulary, as the pages name it. */

export const PLATFORMS = ['m365', 'google'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Workspaces ("data sources") of Insights for Microsoft 365 (userPermissionsExport.md). */
export const M365_DATA_SOURCES = ['Microsoft Teams', 'SharePoint Online', 'OneDrive', 'Microsoft 365 Group'] as const;
/** Workspaces of Insights for Google Workspace (googleUserPermissionsExport.md). */
export const GOOGLE_DATA_SOURCES = ['User Drive', 'Shared Drive'] as const;
/** The names the Google samples send for the same two (`my drive`, `shared drive`). */
export const GOOGLE_DATA_SOURCE_ALIASES: Record<string, (typeof GOOGLE_DATA_SOURCES)[number]> = { 'my drive': 'User Drive', 'user drive': 'User Drive', 'shared drive': 'Shared Drive' };

/** Sharing link types: request integers and the display names responses carry (linkSummary.md). */
export const M365_LINK_TYPES: Record<number, string> = {
  32: 'Links for Specific External Users',
  64: 'Organization Links',
  128: 'Anyone Links',
};
export const GOOGLE_LINK_TYPES: Record<number, string> = {
  301: 'Target Audience Links',
  303: 'Anyone Links',
};

/** Levels of sensitivity, exposure and risk, ranked: the rank orders and filters them. */
export const LEVELS = ['N/A', 'No risk', 'Not sensitive', 'Low', 'Medium', 'High'] as const;
export type Level = (typeof LEVELS)[number];

/** siteOverview.md riskLevel: 0 No risk, 1 Low, 2 Medium, 3 High, -2 no sensitivity definition applied. */
export const RISK_RANKS: Record<string, number> = { 'N/A': -2, 'No risk': 0, 'Not sensitive': 0, Low: 1, Medium: 2, High: 3 };
export const RISK_LEVEL_CODES = [-2, 0, 1, 2, 3] as const;
export const rankOf = (level: string): number => RISK_RANKS[level] ?? -2;

/**
 * The principal names of the four special groups (groupAccessReport.md note). A permission
 * granted to one reaches every user it stands for, in the user access reads and exports.
 */
export const SPECIAL_PRINCIPALS = {
  everyone: { name: 'Everyone', loginName: 'c:0(.s|true' },
  everyoneExceptExternalUsers: { name: 'Everyone except external users', loginName: 'c:0-.f|rolemanager|spo-grid-all-users' },
  allUsersWindows: { name: 'All Users (windows)', loginName: 'c:0!.s|windows' },
  allUsersMembership: { name: 'All Users (membership)', loginName: 'c:0!.s|forms%3amembership' },
} as const;
export type SpecialPrincipal = keyof typeof SPECIAL_PRINCIPALS;
/** The special groups that include external users too. */
export const SPECIAL_INCLUDING_EXTERNAL: readonly SpecialPrincipal[] = ['everyone'];

export const PRINCIPAL_KINDS = ['user', 'group', 'link', 'special'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** The key a permission entry is indexed under: what user access looks up for each principal a user stands in. */
export const principalKey = (kind: PrincipalKind, id: string): string => `${kind[0]}:${id}`;

export const OBJECT_TYPES = ['Site Collection', 'Site', 'Library', 'List', 'Folder', 'File', 'List Item', 'Drive'] as const;

/** userSummary.md lastSignIn buckets. */
export function lastSignInBucket(lastSignInMs: number | null, nowMs: number, isExternal: boolean): string {
  if (lastSignInMs === null) return isExternal ? 'N/A' : 'None';
  const days = (nowMs - lastSignInMs) / 86_400_000;
  if (days < 90) return 'Less than 90 Days';
  if (days < 180) return 'More than 90 Days';
  return 'More than 180 Days';
}

/** Event types the simulator draws from, by platform (objectActivities.md, googleObjectActivities.md samples). */
export const M365_EVENT_TYPES = ['ListViewed', 'ListItemViewed', 'FileAccessed', 'FileModified', 'FileDownloaded', 'SharingSet', 'SharingLinkCreated', 'FileDeleted'] as const;
export const GOOGLE_EVENT_TYPES = ['create', 'view', 'edit', 'download', 'label_added', 'change_user_access', 'delete'] as const;

/** How long a finished export's file is kept for download. */
export const EXPORT_FILE_TTL_MS = 24 * 60 * 60 * 1000;
/** siteUrls and driveIds of one export (sitePermissionsExport.md, drivePermissionsExport.md). */
export const MAX_EXPORT_CONTAINERS = 100;
export const MAX_PAGE_SIZE = 100;
