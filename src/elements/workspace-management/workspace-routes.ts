import { sql } from 'kysely';
import { Type } from 'typebox';
import type { GovernanceEndpoint } from '../governance/endpoint.js';
import { rulesOf, WORKSPACE_SOURCES } from '../risk-management/risk-rules.js';
import { anyOf, DAY_MS, OBJECT_CONDITIONS } from '../tenant-directory/conditions.js';
import { DATA_SOURCES } from '../tenant-directory/directory-records.js';

const WM_TAGS = ['Elements workspace management'] as const;
const WM_READ = ['elements.wm.read.all'] as const;
const WM_BASE = '/partner/external/v3/wm/customers/:customerId/tenants/:tenantId/overview';
const TenantParams = Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 100 }), tenantId: Type.String({ minLength: 1, maxLength: 100 }) });
const counters = (names: readonly string[]) => Type.Object(Object.fromEntries(names.map((name) => [name, Type.Integer()])));

const { Exchange, Groups, Teams, SharePoint, OneDrive } = DATA_SOURCES;
/** The workspace kinds by their name in the counters, and their data source. */
const KINDS = { teams: Teams, sharePointSites: SharePoint, oneDrives: OneDrive, groups: Groups } as const;
const OWNED_KINDS = ['teams', 'sharePointSites', 'oneDrives', 'groups'] as const;
const cap = (name: string) => name[0]!.toUpperCase() + name.slice(1);

const WORKSPACE_COUNTERS = [
  'workspaces', 'teams', 'sharePointSites', 'oneDrives', 'groups', 'exchangeMailboxes', 'activeWorkspaces', 'inactiveWorkspaces', 'orphanedWorkspaces',
  'orphanedTeams', 'orphanedSharePointSites', 'orphanedOneDrives', 'orphanedGroups', 'workspacesWithGuestUsers', 'teamsWithGuestUsers', 'sharePointSitesWithGuestUsers',
  'oneDrivesWithGuestUsers', 'groupsWithGuestUsers', 'reachingStorageLimitWorkspaces', 'reachingStorageLimitTeams', 'reachingStorageLimitSharePoint',
  'reachingStorageLimitSharePointSites', 'reachingStorageLimitOneDrives', 'reachingStorageLimitGroups', 'reachingStorageLimitMailboxes',
] as const;
const RANSOMWARE_COUNTERS = OWNED_KINDS.flatMap((kind) => [`${kind}UnderPotentialRansomwareAttack`, `${kind}WithUnusualActivities`, `${kind}WithSuspiciousObjects`]);
const DSPM_COUNTERS = {
  sensitiveItemsSharedWithEveryone: 'sensitive_everyone',
  sensitiveItemsSharedWithEveryoneExceptExternalUsers: 'sensitive_everyone_except_external',
  sensitiveItemsSharedViaAnyoneLink: 'sensitive_anyone_link',
  sensitiveItemsSharedViaLinkForSpecificExternalUsers: 'sensitive_specific_external',
  sensitiveItemsSharedViaOrganizationLink: 'sensitive_org_link',
} as const;

/**
 * The four workspace overviews, counted from the tenant directory's workspaces (Teams,
 * SharePoint sites, OneDrives, groups and Exchange mailboxes) with the same conditions the
 * risk rules use: a workspace out of compliance is one an enabled risk rule of its data
 * source matches.
 */
export const WORKSPACE_ENDPOINTS: GovernanceEndpoint[] = (() => {
  const common = { tags: WM_TAGS, permission: WM_READ, routing: 'customer' as const, params: TenantParams, method: 'GET' as const };
  return [
    {
      ...common,
      path: `${WM_BASE}/workspace`,
      operationId: 'getTotalOfWorkspaces',
      summary: 'Retrieve the workspace counters of a tenant',
      response: { status: 200, schema: counters(WORKSPACE_COUNTERS) },
      async handle({ tenant }, { directory: store }) {
        const now = store.now();
        const counts = await store.countObjects(
          tenant!,
          { active: OBJECT_CONDITIONS.active(now), inactive: OBJECT_CONDITIONS.inactive(now), orphaned: OBJECT_CONDITIONS.orphaned(now), guests: OBJECT_CONDITIONS.withGuests(now), full: OBJECT_CONDITIONS.reachingStorageLimit(now) },
          WORKSPACE_SOURCES,
        );
        const of = (source: number, name: string) => counts.get(source)![name]!;
        const sum = (sources: readonly number[], name: string) => sources.reduce((total, source) => total + of(source, name), 0);
        const owned = OWNED_KINDS.map((kind) => KINDS[kind]);
        const result: Record<string, number> = {
          workspaces: sum(WORKSPACE_SOURCES, 'total'),
          exchangeMailboxes: of(Exchange, 'total'),
          activeWorkspaces: sum(WORKSPACE_SOURCES, 'active'),
          inactiveWorkspaces: sum(WORKSPACE_SOURCES, 'inactive'),
          orphanedWorkspaces: sum(owned, 'orphaned'),
          workspacesWithGuestUsers: sum(owned, 'guests'),
          reachingStorageLimitWorkspaces: sum(WORKSPACE_SOURCES, 'full'),
          reachingStorageLimitMailboxes: of(Exchange, 'full'),
        };
        for (const kind of OWNED_KINDS) {
          result[kind] = of(KINDS[kind], 'total');
          result[`orphaned${cap(kind)}`] = of(KINDS[kind], 'orphaned');
          result[`${kind}WithGuestUsers`] = of(KINDS[kind], 'guests');
          result[`reachingStorageLimit${cap(kind)}`] = of(KINDS[kind], 'full');
        }
        // The page's sample names the SharePoint counter both ways; both are served.
        result.reachingStorageLimitSharePoint = result.reachingStorageLimitSharePointSites!;
        return result;
      },
    },
    {
      ...common,
      path: `${WM_BASE}/data-protection/compliance-rate`,
      operationId: 'getTotalOfWorkspacesInCompliance',
      summary: 'Retrieve the numbers of workspaces in and out of compliance',
      response: { status: 200, schema: counters(['workspacesInCompliance', 'workspacesOutOfCompliance']) },
      async handle({ tenant }, { directory: store }) {
        const now = store.now();
        const rules = rulesOf(await store.ruleSettings(tenant!)).filter((rule) => rule.enabled && rule.on === 'objects');
        const outOfCompliance = sql<boolean>`(${sql.join(
          WORKSPACE_SOURCES.map((source) => sql`(data_source = ${source} and ${anyOf(rules.filter((rule) => rule.dataSource === source).map((rule) => rule.where), now)})`),
          sql` or `,
        )})`;
        const counts = await store.countObjects(tenant!, { out: outOfCompliance }, WORKSPACE_SOURCES);
        let total = 0;
        let out = 0;
        for (const source of WORKSPACE_SOURCES) {
          total += counts.get(source)!.total!;
          out += counts.get(source)!.out!;
        }
        return { workspacesInCompliance: total - out, workspacesOutOfCompliance: out };
      },
    },
    {
      ...common,
      path: `${WM_BASE}/dspm/insights`,
      operationId: 'getTotalOfWorkspaceDspmInsights',
      summary: 'Retrieve the numbers of sensitive items shared broadly',
      response: { status: 200, schema: counters(Object.keys(DSPM_COUNTERS)) },
      async handle({ tenant }, { directory: store }) {
        const sums = await store.sumObjects(tenant!, Object.values(DSPM_COUNTERS));
        return Object.fromEntries(Object.entries(DSPM_COUNTERS).map(([name, column]) => [name, sums[column]!]));
      },
    },
    {
      ...common,
      path: `${WM_BASE}/data-protection/ransomware-detection`,
      operationId: 'getTotalOfWorkspaceRansomwareDetection',
      summary: 'Retrieve the workspaces with ransomware signals over the last 7 days',
      response: { status: 200, schema: counters(RANSOMWARE_COUNTERS) },
      async handle({ tenant }, { directory: store }) {
        const since = store.now() - 7 * DAY_MS;
        const within = (column: string) => sql<boolean>`(${sql.ref(column)} is not null and ${sql.ref(column)} >= ${since})`;
        const counts = await store.countObjects(tenant!, { attack: within('ransomware_ms'), unusual: within('unusual_activity_ms'), suspicious: within('suspicious_object_ms') }, Object.values(KINDS));
        const result: Record<string, number> = {};
        for (const kind of OWNED_KINDS) {
          const of = counts.get(KINDS[kind])!;
          result[`${kind}UnderPotentialRansomwareAttack`] = of.attack!;
          result[`${kind}WithUnusualActivities`] = of.unusual!;
          result[`${kind}WithSuspiciousObjects`] = of.suspicious!;
        }
        return result;
      },
    },
  ];
})();
