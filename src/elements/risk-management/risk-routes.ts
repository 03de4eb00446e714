import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import type { GovernanceEndpoint, GovernanceRequest } from '../governance/endpoint.js';
import { dataPage, pageOf, pageQuery, type PageParams } from '../governance/paging.js';
import { DATA_SOURCES, isoOf, OBJECT_DATA_SOURCES } from '../tenant-directory/directory-records.js';
import type { DirectoryStore, ObjectRow, TenantKey, UserRow } from '../tenant-directory/directory-store.js';
import { rulesOf, type RiskRule } from './risk-rules.js';

const RM_TAGS = ['Elements risk management'] as const;
const RM_READ = ['elements.rm.read.all'] as const;
const RM_BASE = '/partner/external/v3/rm/customers/:customerId/tenants/:tenantId/detection/rules';
const DATA_SOURCE_CODES = [...OBJECT_DATA_SOURCES, DATA_SOURCES.Users].sort((a, b) => a - b);
const TenantParams = Type.Object({ customerId: Type.String({ minLength: 1, maxLength: 100 }), tenantId: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * Where each field of a hit item's `detail` comes from, per data source
 * (specific-rule-detail-hit-items.md): a directory column, the time columns, the object's
 * reported detail (`reported`), or the fixed mark. The group detail spells its creation time
 * `createDate`, as the page's response sample does.
 */
type Source = 'name' | 'owner_count' | 'member_count' | 'guest_count' | 'storage_used_mb' | 'storage_limit_mb' | 'created' | 'activity' | 'mark' | 'reported';
const OBJECT_DETAIL: Record<number, Array<[string, Source]>> = {
  1: [['mailboxName', 'name'], ['mailboxEmailAddress', 'reported'], ['storageUsed', 'storage_used_mb'], ['prohibitSendReceiveQuota', 'storage_limit_mb'], ['recipientType', 'reported'], ['createdDate', 'created'], ['lastActivityDate', 'activity'], ['prohibitSendQuota', 'reported'], ['mark', 'mark']],
  2: [['groupName', 'name'], ['groupEmailAddress', 'reported'], ['createdBy', 'reported'], ['groupType', 'reported'], ['ownerCount', 'owner_count'], ['memberCount', 'member_count'], ['createDate', 'created'], ['lastActivityDate', 'activity'], ['mark', 'mark'], ['sourceType', 'reported']],
  3: [['teamsName', 'name'], ['teamsUrl', 'reported'], ['createdBy', 'reported'], ['ownerCount', 'owner_count'], ['memberCount', 'member_count'], ['lastActivityDate', 'activity'], ['mark', 'mark'], ['latestCampaignInfo', 'reported']],
  4: [['siteName', 'name'], ['siteUrl', 'reported'], ['createdBy', 'reported'], ['storageUsed', 'storage_used_mb'], ['ownerCount', 'owner_count'], ['memberCount', 'member_count'], ['createdDate', 'created'], ['lastActivityDate', 'activity'], ['mark', 'mark'], ['latestCampaignInfo', 'reported'], ['lockState', 'reported']],
  5: [['displayName', 'name'], ['url', 'reported'], ['adminCount', 'owner_count'], ['storageUsed', 'storage_used_mb'], ['storageLimit', 'storage_limit_mb'], ['changeFileCount', 'reported'], ['guestsCount', 'guest_count'], ['mark', 'mark']],
  8: [['environmentName', 'name'], ['environmentMakerCount', 'reported'], ['region', 'reported'], ['type', 'reported'], ['createdDate', 'created'], ['lastActivityDate', 'activity'], ['totalUsage', 'reported'], ['mark', 'mark'], ['creatorName', 'reported'], ['creatorEmail', 'reported'], ['adminCount', 'owner_count'], ['guestUserCount', 'guest_count']],
  9: [['connectionName', 'name'], ['parentEnvironment', 'reported'], ['createdBy', 'reported'], ['createdDate', 'created'], ['mark', 'mark']],
  10: [['appName', 'name'], ['environment', 'reported'], ['createdBy', 'reported'], ['guestUserCount', 'guest_count'], ['includedInSolutions', 'reported'], ['coOwnerCount', 'reported'], ['lastSignIn', 'reported'], ['lastLaunchTime', 'activity'], ['createdDate', 'created'], ['mark', 'mark']],
  11: [['flowName', 'name'], ['environment', 'reported'], ['guestsCount', 'guest_count'], ['creatorName', 'reported'], ['type', 'reported'], ['includedInSolutions', 'reported'], ['coOwnerCount', 'reported'], ['createdDate', 'created'], ['lastActivityDate', 'activity'], ['lastSignIn', 'reported'], ['mark', 'mark']],
  12: [['workspaceName', 'name'], ['capacityName', 'reported'], ['artifactName', 'reported'], ['workspace', 'reported'], ['sensitivity', 'reported'], ['adminCount', 'owner_count'], ['lastActivityDate', 'activity'], ['createdDate', 'created'], ['guestUserCount', 'guest_count'], ['reportCount', 'reported'], ['mark', 'mark'], ['userCount', 'member_count']],
};

function objectDetail(row: ObjectRow): Record<string, unknown> {
  const reported = JSON.parse(row.detail) as Record<string, unknown>;
  const value = (field: string, source: Source): unknown => {
    switch (source) {
      case 'name':
        return row.name;
      case 'created':
        return isoOf(row.created_ms);
      case 'activity':
        return row.last_activity_ms === null ? null : isoOf(row.last_activity_ms);
      case 'mark':
        return 0;
      case 'reported':
        return reported[field] ?? null;
      default:
        return Number(row[source]);
    }
  };
  return Object.fromEntries(OBJECT_DETAIL[row.data_source]!.map(([field, source]) => [field, value(field, source)]));
}

/** A user hit item's detail; `mark` is 1 once the user's risk was fixed. */
function userDetail(row: UserRow): Record<string, unknown> {
  return {
    userName: row.display_name,
    userEmailAddress: row.mail,
    userRoles: row.admin_roles,
    upn: row.upn,
    userType: row.user_type === 'Guest' ? 1 : 2,
    MFAControlledViaCap: row.mfa_enabled === 1,
    lastSignIn: row.last_sign_in_ms === null ? null : isoOf(row.last_sign_in_ms),
    lastActivityDate: row.last_sign_in_ms === null ? null : isoOf(row.last_sign_in_ms),
    createdDate: isoOf(row.created_ms),
    signInCount: row.sign_in_count,
    mark: row.fixed_ms === null ? 0 : 1,
    sourceType: row.kind === 'local' ? 4 : 1,
  };
}

/** A hit item's record id: stable for the same rule and object. */
const hitId = (ruleId: string, objectId: string) => {
  const hex = createHash('sha1').update(`${ruleId}\u0000${objectId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export async function hitItemCount(store: DirectoryStore, key: TenantKey, rule: RiskRule): Promise<number> {
  if (!rule.enabled) return 0;
  if (rule.on === 'users') return store.countUsers(key, rule.where);
  const counts = await store.countObjects(key, { hit: rule.where(store.now()) }, [rule.dataSource]);
  return counts.get(rule.dataSource)!.hit!;
}

export const RISK_ENDPOINTS: GovernanceEndpoint[] = (() => {
  const common = { tags: RM_TAGS, permission: RM_READ, routing: 'customer' as const };
  const rulesFor = async (store: DirectoryStore, request: GovernanceRequest) => rulesOf(await store.ruleSettings(request.tenant!));
  return [
    {
      ...common,
      method: 'GET',
      path: RM_BASE,
      operationId: 'getRiskRulesOfAllDataSources',
      summary: 'Retrieve the risk rules matched in all data sources',
      params: TenantParams,
      querystring: Type.Object(
        {
          dataSources: Type.Optional(Type.Array(Type.Integer({ enum: DATA_SOURCE_CODES }), { maxItems: 20, description: 'Data sources (repeat the parameter): 1 Exchange, 2 Groups, 3 Teams, 4 SharePoint, 5 OneDrive, 6 Users, 8 Environments, 9 Connections, 10 Power Apps, 11 Power Automate, 12 Power BI' })),
          status: Type.Optional(Type.Integer({ enum: [0, 1], description: '0 Disabled, 1 Enabled' })),
        },
        { additionalProperties: false },
      ),
      response: {
        status: 200,
        schema: Type.Object({
          result: Type.Array(
            Type.Object({ ruleId: Type.String(), ruleName: Type.String(), setting: Type.Union([Type.String(), Type.Null()]), tenantId: Type.String(), customerId: Type.String(), dataSource: Type.Integer(), hitItemCount: Type.Integer() }),
          ),
        }),
      },
      async handle(request, { directory: store }) {
        const { dataSources, status } = request.query as { dataSources?: number[]; status?: number };
        const key = request.tenant!;
        const rules = (await rulesFor(store, request)).filter((candidate) => (!dataSources?.length || dataSources.includes(candidate.dataSource)) && (status === undefined || candidate.enabled === (status === 1)));
        const result = [];
        for (const candidate of rules) {
          result.push({ ruleId: candidate.id, ruleName: candidate.name, setting: candidate.setting, tenantId: key.tenantId, customerId: key.customerId, dataSource: candidate.dataSource, hitItemCount: await hitItemCount(store, key, candidate) });
        }
        return { result };
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${RM_BASE}/:ruleId/hit-items`,
      operationId: 'getHitItemsOfRiskRule',
      summary: 'Retrieve the objects matching a risk rule',
      params: Type.Object({ ...TenantParams.properties, ruleId: Type.String({ minLength: 1, maxLength: 100 }) }),
      querystring: pageQuery(),
      response: {
        status: 200,
        schema: dataPage(
          Type.Object({ detail: Type.Object({}, { additionalProperties: true, description: "The object, in the fields of the rule's data source (specific-rule-detail-hit-items.md)." }), id: Type.String(), objectid: Type.String(), ruleId: Type.String(), tenantId: Type.String(), customerId: Type.String(), dataSource: Type.Integer() }),
          'metaData',
        ),
      },
      async handle(request, { directory: store }) {
        const key = request.tenant!;
        const ruleId = request.params.ruleId!.toLowerCase();
        const found = (await rulesFor(store, request)).find((candidate) => candidate.id === ruleId);
        if (!found) throw notFound(`No risk rule '${request.params.ruleId}' in tenant '${key.tenantId}'.`);
        const page = request.query as unknown as PageParams;
        const item = (objectId: string, detail: Record<string, unknown>) => ({ detail, id: hitId(found.id, objectId), objectid: objectId, ruleId: found.id, tenantId: key.tenantId, customerId: key.customerId, dataSource: found.dataSource });
        // A disabled rule scans nothing, so it has no hit items.
        if (!found.enabled) return pageOf([], 0, page, 'metaData');
        const now = store.now();
        if (found.on === 'users') {
          const users = await store.userPage(key, { where: found.where(now) }, page.pageIndex, page.pageSize);
          return pageOf(users.items.map((user) => item(user.user_id, userDetail(user))), users.totalCount, page, 'metaData');
        }
        const objects = await store.objectPage(key, found.dataSource, found.where(now), page.pageIndex, page.pageSize);
        return pageOf(objects.items.map((object) => item(object.object_id, objectDetail(object))), objects.totalCount, page, 'metaData');
      },
    },
  ];
})();
