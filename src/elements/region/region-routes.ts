import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { RecordStore } from './record-store.js';
import { CustomerProfile, CustomerRecord, PageQuery, ProtectedUserRecord, ProtectionRecord, ScanProfileRecord, SubscriptionRecord, TenantRecord } from './records.js';

const PRODUCER_TAGS = ['producer'];
const INTERNAL_TAGS = ['Elements (internal)'];
const Ids = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 });
const CustomerParams = Type.Object({ customerId: Type.String({ maxLength: 100 }) });
const pageOf = (item: TSchema) => Type.Object({ items: Type.Array(item), totalCount: Type.Integer() });
const batch = (item: TSchema, max = 1000) => Type.Object({ value: Type.Array(item, { minItems: 1, maxItems: max }) });

type Handler = (request: FastifyRequest) => Promise<unknown>;

/** `POST /internal/elements/customers/:customerId/tenants` → `postInternalElementsCustomersTenants`: unique per method and path. */
const operationIdOf = (method: string, url: string) =>
  method.toLowerCase() +
  url
    .split('/')
    .filter((part) => part && !part.startsWith(':'))
    .map((part) => part.split('-').map((word) => word[0]!.toUpperCase() + word.slice(1)).join(''))
    .join('') +
  (url.endsWith('Id') ? 'ById' : '');

/**
 * The region side of Elements. Producer routes (`/producer/elements/…`) take a customer's
 * facts from the services that hold them (and the simulator), under the customer's own
 * producer token. Internal routes (`/internal/elements/…`) are how the global endpoint reads
 * and writes this data center's customer records: its service credential names the partner,
 * and a partner reaches only the customers it manages — another's answer as absent.
 */
export function registerElementsRegionRoutes(app: FastifyInstance, store: RecordStore): void {
  const route = (method: 'GET' | 'POST' | 'PUT', url: string, summary: string, schema: { params?: TSchema; querystring?: TSchema; body?: TSchema; response?: TSchema }, handler: Handler) =>
    app.route({
      method,
      url,
      schema: {
        operationId: operationIdOf(method, url),
        summary,
        tags: url.startsWith('/producer') ? PRODUCER_TAGS : INTERNAL_TAGS,
        security: [{ bearer: [] }],
        ...(schema.params ? { params: schema.params } : {}),
        ...(schema.querystring ? { querystring: schema.querystring } : {}),
        ...(schema.body ? { body: schema.body } : {}),
        ...(schema.response ? { response: { 200: schema.response } } : {}),
      },
      config: { permission: PRODUCER_PERMISSION },
      handler,
    });
  const tid = (request: FastifyRequest) => request.principal!.tenantId;
  /** The customer named in the path, if the calling partner manages it. */
  const managed = async (request: FastifyRequest): Promise<string> => {
    const { customerId } = request.params as { customerId: string };
    const customer = await store.customer(customerId.toLowerCase());
    if (!customer || customer.partnerId !== tid(request)) throw notFound(`No customer '${customerId}' of this partner in this data center.`);
    return customer.id;
  };
  /** The caller of a producer route is the customer itself; its record must exist first. */
  const producingCustomer = async (request: FastifyRequest): Promise<string> => {
    const customer = await store.customer(tid(request));
    if (!customer) throw notFound(`Tenant '${tid(request)}' is not an Elements customer in this data center; onboard it first.`);
    return customer.id;
  };
  const received = (count: number) => ({ received: count });

  // Producer routes: the customer's own facts.
  route('POST', '/producer/elements/subscriptions', 'Report a customer\'s subscriptions (producer API)', { body: batch(SubscriptionRecord, 100) }, async (request) => {
    const customerId = await producingCustomer(request);
    const subscriptions = (request.body as { value: SubscriptionRecord[] }).value;
    for (const subscription of subscriptions) await store.addSubscription(customerId, subscription);
    return received(subscriptions.length);
  });
  route('POST', '/producer/elements/scan-profiles', 'Report scan profiles with their containers and daily report (producer API)', { body: batch(ScanProfileRecord, 500) }, async (request) => {
    const profiles = (request.body as { value: ScanProfileRecord[] }).value;
    await store.upsertScanProfiles(await producingCustomer(request), profiles);
    return received(profiles.length);
  });
  route('POST', '/producer/elements/protected-users', 'Report users protected by Cloud Backup for Microsoft 365 (producer API)', { body: batch(ProtectedUserRecord) }, async (request) => {
    const users = (request.body as { value: ProtectedUserRecord[] }).value;
    await store.upsertProtectedUsers(await producingCustomer(request), users);
    return received(users.length);
  });
  route('POST', '/producer/elements/protection', 'Report Cloud Backup for Microsoft 365 protection per module (producer API)', { body: batch(ProtectionRecord, 100) }, async (request) => {
    const modules = (request.body as { value: ProtectionRecord[] }).value;
    await store.upsertProtection(await producingCustomer(request), modules);
    return received(modules.length);
  });
  // Internal routes: the global endpoint, on behalf of a partner.
  route('PUT', '/internal/elements/customers/:customerId', 'Write a customer record', { params: CustomerParams, body: CustomerProfile }, async (request) => {
    const profile = request.body as CustomerProfile;
    const { customerId } = request.params as { customerId: string };
    const existing = await store.customer(customerId.toLowerCase());
    if ((existing && existing.partnerId !== tid(request)) || profile.partnerId !== tid(request)) throw notFound(`No customer '${customerId}' of this partner in this data center.`);
    await store.upsertCustomer(customerId.toLowerCase(), profile);
    return received(1);
  });
  route('GET', '/internal/elements/customers', 'Page through this data center\'s customers of a partner', { querystring: PageQuery, response: pageOf(CustomerRecord) }, async (request) => {
    const { pageIndex, pageSize } = request.query as { pageIndex: number; pageSize: number };
    return store.customerPage(tid(request), pageIndex, pageSize);
  });
  route('GET', '/internal/elements/customers/:customerId', 'Read a customer record', { params: CustomerParams, response: CustomerRecord }, async (request) => (await store.customer(await managed(request)))!);
  route('POST', '/internal/elements/customers/:customerId/tenants', 'Add or update a customer\'s tenants', { params: CustomerParams, body: batch(TenantRecord, 100) }, async (request) => {
    const tenants = (request.body as { value: TenantRecord[] }).value;
    await store.upsertTenants(await managed(request), tenants);
    return received(tenants.length);
  });
  route('POST', '/internal/elements/customers/:customerId/job-status', 'Record the customer\'s backup status summary', { params: CustomerParams, body: Type.Object({ jobStatus: Type.Integer({ minimum: 0, maximum: 6 }) }, { additionalProperties: false }) }, async (request) => {
    const customer = (await store.customer(await managed(request)))!;
    await store.upsertCustomer(customer.id, { ...customer, jobStatus: (request.body as { jobStatus: number }).jobStatus });
    return received(1);
  });
  route(
    'POST',
    '/internal/elements/customers/:customerId/tenants/:tenantId/consent',
    'Record consent for service apps',
    { params: Type.Object({ customerId: Type.String(), tenantId: Type.String() }), body: Type.Object({ apps: Type.Array(Type.String(), { minItems: 1, maxItems: 2 }) }) },
    async (request) => {
      const { tenantId } = request.params as { tenantId: string };
      if (!(await store.consentApps(await managed(request), tenantId, (request.body as { apps: string[] }).apps))) throw notFound(`No tenant '${tenantId}' of this customer.`);
      return received(1);
    },
  );
  route(
    'POST',
    '/internal/elements/customers/:customerId/tenants/query',
    'Page through a customer\'s tenants',
    { params: CustomerParams, body: Type.Object({ ...PageQuery.properties, type: Type.Optional(Type.Integer()), tenantIds: Type.Optional(Ids) }), response: pageOf(TenantRecord) },
    async (request) => {
      const body = request.body as { pageIndex: number; pageSize: number; type?: number; tenantIds?: string[] };
      return store.tenantPage(await managed(request), body, body.pageIndex, body.pageSize);
    },
  );
  route('POST', '/internal/elements/customers/:customerId/subscriptions', 'Add a subscription unless the customer holds the product', { params: CustomerParams, body: SubscriptionRecord, response: Type.Object({ created: Type.Boolean() }) }, async (request) => ({
    created: await store.addSubscription(await managed(request), request.body as SubscriptionRecord),
  }));
  route('POST', '/internal/elements/subscriptions/batch', 'Read the subscriptions of customers', { body: Type.Object({ customerIds: Ids }), response: Type.Object({ items: Type.Record(Type.String(), Type.Array(SubscriptionRecord)) }) }, async (request) => {
    const owned = (await store.customers(tid(request), (request.body as { customerIds: string[] }).customerIds)).map((customer) => customer.id);
    return { items: Object.fromEntries(await store.subscriptions(owned)) };
  });
  route(
    'POST',
    '/internal/elements/customers/:customerId/scan-profiles/query',
    'Page through a customer\'s scan profiles',
    { params: CustomerParams, body: Type.Object({ ...PageQuery.properties, profileIds: Type.Optional(Ids) }), response: pageOf(ScanProfileRecord) },
    async (request) => {
      const body = request.body as { pageIndex: number; pageSize: number; profileIds?: string[] };
      return store.scanProfilePage(await managed(request), body.profileIds, body.pageIndex, body.pageSize);
    },
  );
  route('GET', '/internal/elements/customers/:customerId/scan-profiles/:profileId', 'Read a scan profile', { params: Type.Object({ customerId: Type.String(), profileId: Type.String({ maxLength: 100 }) }), response: ScanProfileRecord }, async (request) => {
    const { profileId } = request.params as { profileId: string };
    const profile = await store.scanProfile(await managed(request), profileId);
    if (!profile) throw notFound(`No scan profile '${profileId}' of this customer.`);
    return profile;
  });
  route(
    'POST',
    '/internal/elements/customers/:customerId/protected-users/query',
    'Page through a tenant\'s users protected by Cloud Backup for Microsoft 365',
    { params: CustomerParams, body: Type.Object({ ...PageQuery.properties, tenantId: Type.String(), userEmails: Type.Optional(Ids) }), response: pageOf(ProtectedUserRecord) },
    async (request) => {
      const body = request.body as { pageIndex: number; pageSize: number; tenantId: string; userEmails?: string[] };
      return store.protectedUserPage(await managed(request), body.tenantId, body.userEmails, body.pageIndex, body.pageSize);
    },
  );
  route('GET', '/internal/elements/customers/:customerId/protection', 'Page through Cloud Backup for Microsoft 365 protection per module', { params: CustomerParams, querystring: PageQuery, response: pageOf(ProtectionRecord) }, async (request) => {
    const { pageIndex, pageSize } = request.query as { pageIndex: number; pageSize: number };
    return store.protectionPage(await managed(request), pageIndex, pageSize);
  });
}
