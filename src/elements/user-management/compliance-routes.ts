import { sql } from 'kysely';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import type { GovernanceEndpoint } from '../governance/endpoint.js';
import { dataPage, pageOf, pageQuery, type PageParams } from '../governance/paging.js';
import { DAY_MS, USER_CONDITIONS, userStatus, type Condition } from '../tenant-directory/conditions.js';
import { isoOf } from '../tenant-directory/directory-records.js';
import { TenantParams, UM_READ, UM_TAGS } from './user-schemas.js';

const UM_BASE = '/partner/external/v3/um/customers/:customerId/tenants/:tenantId/overview/security/compliances';

/**
 * The risk-analysis workflows of user management: each finds users by one directory
 * condition (the same conditions as the security statuses and risk rules). Categories are
 * get-risk-analyze-workflow.md's: 1 Network security, 2 Endpoint security, 3 Identity access,
 * 4 Configuration security. The two ids the docs show are theirs, filled in to fit their masks
 * (`8fc933ed-****-41fe-****-afbf326f27ff` is "User MFA disabled" on the list page;
 * get-compliance-category.md asks for `4dbd4e4e-****-4d38-****-2e22****b0c4`, whose sample
 * user has sign-ins and a file with sensitive information): a client that lists the workflows
 * and then asks for one by id gets the docs' ids both ways.
 */
export const WORKFLOWS: ReadonlyArray<{ id: string; displayName: string; category: 1 | 2 | 3 | 4; where: Condition }> = [
  { id: '8fc933ed-6d65-41fe-9e72-afbf326f2701', displayName: 'Risky sign-ins from unfamiliar locations', category: 1, where: USER_CONDITIONS.riskySignIns },
  { id: '4dbd4e4e-7c1a-4d38-9b5e-2e22a6f1b0c4', displayName: 'Sensitive files accessed', category: 2, where: USER_CONDITIONS.sensitiveFileAccess },
  { id: '8fc933ed-6d65-41fe-9e72-afbf326f27ff', displayName: 'User MFA disabled', category: 3, where: userStatus(0) },
  { id: '8fc933ed-6d65-41fe-9e72-afbf326f2704', displayName: 'High-risk users', category: 3, where: userStatus(3) },
  { id: '8fc933ed-6d65-41fe-9e72-afbf326f2705', displayName: 'Passwords set to never expire', category: 4, where: USER_CONDITIONS.passwordNeverExpires },
  { id: '8fc933ed-6d65-41fe-9e72-afbf326f2706', displayName: 'Global administrators without a password expiration date', category: 4, where: USER_CONDITIONS.globalAdminWithoutPasswordExpiry },
];

/** How many sign-ins and accessed files a workflow's user row lists. */
const ACTIVITY_PER_USER = 5;

const WorkflowUser = Type.Object({
  userDisplayName: Type.String(),
  userPrincipalName: Type.String(),
  userId: Type.String(),
  loginIps: Type.Array(Type.Object({ loginIP: Type.String(), loginTime: Type.String() })),
  files: Type.Array(Type.Object({ accessedFileName: Type.String(), accessTime: Type.String(), sensitiveInformation: Type.String({ description: 'The sensitive information types found in the file; empty when none.' }) })),
  devices: Type.Array(Type.Object({ deviceName: Type.String() })),
});

const SignIn = Type.Object({
  id: Type.String(),
  loginTime: Type.String(),
  userId: Type.String(),
  userDisplayName: Type.Union([Type.String(), Type.Null()]),
  userPrincipalName: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(),
  lat: Type.Number(),
  lon: Type.Number(),
  country: Type.String(),
  city: Type.String(),
  isRisk: Type.Boolean(),
});

export const COMPLIANCE_ENDPOINTS: GovernanceEndpoint[] = (() => {
  const common = { tags: UM_TAGS, permission: UM_READ, routing: 'customer' as const, params: TenantParams };
  return [
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/workflows`,
      operationId: 'getRiskAnalyzeWorkflows',
      summary: 'Retrieve the risk analysis workflows',
      querystring: pageQuery({ catagory: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'The category (the docs spell it catagory): 1 Network security, 2 Endpoint security, 3 Identity access, 4 Configuration security' })) }),
      response: { status: 200, schema: dataPage(Type.Object({ workflowId: Type.String(), workflowDisplayName: Type.String() })) },
      async handle({ query }) {
        const page = query as unknown as PageParams & { catagory?: number };
        const matching = WORKFLOWS.filter((workflow) => page.catagory === undefined || workflow.category === page.catagory);
        const start = (page.pageIndex - 1) * page.pageSize;
        return pageOf(matching.slice(start, start + page.pageSize).map((workflow) => ({ workflowId: workflow.id, workflowDisplayName: workflow.displayName })), matching.length, page);
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/workflows/:workflowId`,
      operationId: 'getComplianceCategory',
      summary: 'Retrieve the risky users of a workflow',
      params: Type.Object({ ...TenantParams.properties, workflowId: Type.String({ minLength: 1, maxLength: 100 }) }),
      querystring: pageQuery(),
      response: { status: 200, schema: dataPage(WorkflowUser, 'metadata', { last7DayFixCount: Type.Integer(), riskUserCount: Type.Integer() }) },
      async handle({ tenant, params, query }, { directory: store }) {
        const workflow = WORKFLOWS.find((candidate) => candidate.id === params.workflowId!.toLowerCase());
        if (!workflow) throw notFound(`No workflow '${params.workflowId}'; the workflows list names them.`);
        const page = query as unknown as PageParams;
        const now = store.now();
        const users = await store.userPage(tenant!, { where: workflow.where(now) }, page.pageIndex, page.pageSize);
        const fixed = await store.countUsers(tenant!, (at) => sql<boolean>`(fixed_ms is not null and fixed_ms >= ${at - 7 * DAY_MS})`);
        const activity = await store.activityOf(tenant!, users.items.map((user) => user.user_id), ACTIVITY_PER_USER);
        const rows = users.items.map((user) => {
          const signIns = activity.signIns.filter((signIn) => signIn.user_id === user.user_id);
          return {
            userDisplayName: user.display_name,
            userPrincipalName: user.upn,
            userId: user.user_id,
            loginIps: signIns.map((signIn) => ({ loginIP: signIn.ip, loginTime: isoOf(signIn.login_ms) })),
            files: activity.files.filter((file) => file.user_id === user.user_id).map((file) => ({ accessedFileName: file.file_name, accessTime: isoOf(file.access_ms), sensitiveInformation: file.sensitive_information ?? '' })),
            devices: [...new Set(signIns.map((signIn) => signIn.device_name))].map((deviceName) => ({ deviceName })),
          };
        });
        return { last7DayFixCount: fixed, riskUserCount: users.totalCount, ...pageOf(rows, users.totalCount, page) };
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/actions`,
      operationId: 'getRiskActions',
      summary: 'Retrieve the counts of risky and normal actions',
      querystring: Type.Object({ types: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, description: '0 Normal action, 1 Risky action; both when absent' })) }, { additionalProperties: false }),
      response: { status: 200, schema: Type.Object({ riskyActionCount: Type.Integer(), normalActionCount: Type.Integer() }) },
      async handle({ tenant, query }, { directory: store }) {
        const counts = await store.actionCounts(tenant!);
        const types = query.types as number | undefined;
        // A type that was not asked for counts as 0, so a client summing both fields gets what it asked for.
        return { riskyActionCount: types === 0 ? 0 : counts.risky, normalActionCount: types === 1 ? 0 : counts.normal };
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/signins`,
      operationId: 'getSignIns',
      summary: 'Retrieve sign-in records',
      querystring: pageQuery({ risky: Type.Optional(Type.Boolean({ description: 'Only risky sign-ins (true) or only the others (false)' })) }),
      response: { status: 200, schema: dataPage(SignIn) },
      async handle({ tenant, query }, { directory: store }) {
        const page = query as unknown as PageParams & { risky?: boolean };
        const signIns = await store.signInPage(tenant!, page.risky, page.pageIndex, page.pageSize);
        return pageOf(
          signIns.items.map((row) => ({
            id: row.signin_id,
            loginTime: isoOf(row.login_ms),
            userId: row.user_id,
            userDisplayName: row.display_name,
            userPrincipalName: row.upn,
            ip: row.ip,
            lat: row.lat,
            lon: row.lon,
            country: row.country,
            city: row.city,
            isRisk: row.is_risk === 1,
          })),
          signIns.totalCount,
          page,
        );
      },
    },
  ];
})();
