import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import type { GovernanceEndpoint } from '../governance/endpoint.js';
import { dataPage, idFilter, IdList, pageOf, pageQuery, type PageParams } from '../governance/paging.js';
import { userStatus } from '../tenant-directory/conditions.js';
import { TenantParams, UM_READ, UM_TAGS, UserDetail, UserListItem, UserParams } from './user-schemas.js';
import { userDetail, userListItem } from './user-view.js';

const UM_BASE = '/partner/external/v3/um/customers/:customerId/tenants/:tenantId';

/** The user reads of user management: the security users dashboard, one user, and a batch of users. */
export const USER_READ_ENDPOINTS: GovernanceEndpoint[] = (() => {
  const common = { tags: UM_TAGS, permission: UM_READ, routing: 'customer' as const };
  return [
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/overview/security/users`,
      operationId: 'getSecurityUsers',
      summary: 'Retrieve information of security users',
      params: TenantParams,
      querystring: pageQuery(
        { status: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, description: '0 MFA disabled, 1 Sign-in blocked, 2 Password expired, 3 High risk, 4 Medium risk, 5 Compliance, 6 Inactive, 7 Pending deletion, 8 Test user' })) },
        { defaultSize: 100 },
      ),
      response: { status: 200, schema: dataPage(UserListItem) },
      async handle({ tenant, query }, { directory: store }) {
        const page = query as unknown as PageParams & { status?: number };
        const now = store.now();
        const users = await store.userPage(tenant!, page.status === undefined ? {} : { where: userStatus(page.status)(now) }, page.pageIndex, page.pageSize);
        return pageOf(users.items.map((user) => userListItem(user, now)), users.totalCount, page);
      },
    },
    {
      ...common,
      method: 'GET',
      path: `${UM_BASE}/users/:userId`,
      operationId: 'getInformationOfUser',
      summary: 'Retrieve information of a user',
      params: UserParams,
      response: { status: 200, schema: UserDetail },
      async handle({ tenant, params }, { directory: store }) {
        const user = await store.user(tenant!, params.userId!);
        if (!user) throw notFound(`No user '${params.userId}' in tenant '${tenant!.tenantId}'.`);
        return userDetail(user, store.now());
      },
    },
    {
      ...common,
      method: 'POST',
      path: `${UM_BASE}/users/batch`,
      operationId: 'getInformationOfUsers',
      summary: 'Retrieve information of users',
      params: TenantParams,
      querystring: pageQuery(),
      body: Type.Object({ userIds: Type.Optional(IdList('users')) }, { additionalProperties: false }),
      response: { status: 200, schema: dataPage(UserListItem) },
      async handle({ tenant, query, body }, { directory: store }) {
        const page = query as unknown as PageParams;
        const userIds = idFilter(body, 'userIds');
        const users = await store.userPage(tenant!, userIds ? { userIds } : {}, page.pageIndex, page.pageSize);
        const now = store.now();
        return pageOf(users.items.map((user) => userListItem(user, now)), users.totalCount, page);
      },
    },
  ];
})();
