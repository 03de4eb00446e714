import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { ADDABLE_PRODUCTS, POOL_RESOURCES, PRODUCT_TYPES, SERVICE_NAMES, SOURCE_NAMES, V3 } from '../catalogue.js';
import { markUnavailable, projected } from '../customers/customer-routes.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import { PRODUCT_FIELDS, type ProductRow, type SubscriptionRecord } from '../region/records.js';
import { filterIds, idFilter, partnerRoute, V3_TAGS, v3List } from '../shared/routes.js';
import type { SeatDraw, SeatPools } from './seat-pools.js';

const MONTH_MS = 30 * 24 * 3600 * 1000;

/** add-service.md "Subscription items". */
const LicenseItem = Type.Object(
  {
    resource: Type.String({ enum: [...POOL_RESOURCES] }),
    subscriptionSourceType: Type.Integer({ enum: [1, 2, 6], description: '1 AvePoint pool, 2 Marketplace pool, 6 LARS AvePoint pool' }),
    isSameAsPool: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    expireTime: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    saleType: Type.Optional(Type.Integer({ enum: [0, 1, 2] })),
    packageType: Type.Optional(Type.Integer({ enum: [0, 1, 2] })),
    customerSize: Type.Optional(Type.Integer({ minimum: 0 })),
    userSeat: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    contractEndDate: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    paymentType: Type.Integer({ enum: [0, 1], description: '0 Prepaid, 1 Pay as you go' }),
  },
  { additionalProperties: false },
);
/** add-service.md "Request Body Parameters" (all four forms). */
const AddServiceBody = Type.Object(
  {
    product: Type.Integer({ enum: Object.keys(ADDABLE_PRODUCTS).map(Number), description: '2048 CB M365, 274 CB Express, 40 Baseline, 42 Workspace, 49 User and device, 65 WM storage optimization' }),
    licenseType: Type.Integer({ enum: [0, 1], description: '0 Trial, 1 Enterprise (pooled)' }),
    avepointStorageType: Type.Optional(Type.Union([Type.Integer({ enum: [0, 1] }), Type.Null()])),
    retentionYear: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()])),
    byos: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    storageProfileId: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    licenseItems: Type.Optional(Type.Union([Type.Array(LicenseItem, { maxItems: 10 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type AddServiceBody = Static<typeof AddServiceBody>;

const AddServiceResult = Type.Object({
  customerId: Type.String(),
  product: Type.Integer(),
  status: Type.Integer({ description: '1 Successful, 3 Partner has no subscription, 4 User seat insufficient, 7 Subscription already exists, 11 Expiration time earlier than current time, 17 Premium service reached limit, 18 Expiration time less than one month (the other documented codes are not produced)' }),
});

export const ProductSchema = Type.Object(Object.fromEntries(PRODUCT_FIELDS.map((field) => [field, Type.String()])));
export const V3Services = Type.Object({ customerId: Type.String(), organization: Type.String(), customer: Type.String(), products: Type.Array(ProductSchema) });

const ADD_STATUS = { successful: 1, noSubscription: 3, seatsInsufficient: 4, alreadyExists: 7, expired: 11, premiumLimit: 17, underOneMonth: 18 } as const;
const DRAW_STATUS = { 'no-pool': ADD_STATUS.noSubscription, insufficient: ADD_STATUS.seatsInsufficient, 'premium-limit': ADD_STATUS.premiumLimit } as const;

/** The row get-all-services.md lists for a subscription, fixed when it is added. */
export function productRow(body: AddServiceBody, poolExpiry: number | undefined): ProductRow {
  const items = body.licenseItems ?? [];
  const first = items[0];
  const seats = items.reduce((sum, item) => sum + item.userSeat, 0);
  const expiry = first?.expireTime ?? (poolExpiry ? new Date(poolExpiry).toISOString().replace(/\.\d{3}Z$/, 'Z') : 'N/A');
  const storage = body.byos ? 'Bring your own storage' : body.avepointStorageType === 0 ? 'AvePoint storage (Microsoft Azure Blob)' : body.avepointStorageType === 1 ? 'AvePoint storage (Amazon S3)' : 'N/A';
  const row: ProductRow = Object.fromEntries(PRODUCT_FIELDS.map((field) => [field, 'N/A'])) as ProductRow;
  return {
    ...row,
    service: SERVICE_NAMES[body.product] ?? String(body.product),
    subscriptionModel: body.licenseType === 0 ? 'Trial' : 'N/A',
    purchasedUserSeats: seats ? String(seats) : 'N/A',
    microsoftLicenseAssigned: '0',
    microsoftLicenseAvailable: '0',
    storage,
    retention: body.retentionYear ? `Retain data for ${body.retentionYear} year${body.retentionYear === 1 ? '' : 's'}` : 'N/A',
    expirationDate: body.licenseType === 0 ? 'N/A' : expiry,
    source: first ? (SOURCE_NAMES[first.subscriptionSourceType] ?? 'AvePoint subscription') : 'Trial subscription',
    paymentType: first ? (first.paymentType === 1 ? 'Pay as you go' : 'Prepaid') : 'N/A',
    package: body.product === 2048 && first?.packageType !== undefined ? (['Standard', 'Core', 'Flex'][first.packageType] ?? 'N/A') : 'N/A',
    contractEndDate: first?.contractEndDate ?? 'N/A',
  };
}

/** Checks add-service.md's notes that a schema cannot say; a refusal changes nothing. */
function validate(body: AddServiceBody): void {
  const product = ADDABLE_PRODUCTS[body.product]!;
  if (product.storage && !body.byos && (body.avepointStorageType == null || body.retentionYear == null)) {
    throw invalidParameter('avepointStorageType', 'and retentionYear are required unless byos is true (add-service.md)');
  }
  if (body.byos && !body.storageProfileId) throw invalidParameter('storageProfileId', 'is required when byos is true');
  if (body.licenseType === 1 && !body.licenseItems?.length) throw invalidParameter('licenseItems', 'must list at least one subscription item for an Enterprise (pooled) subscription');
  for (const [index, item] of (body.licenseItems ?? []).entries()) {
    if (!product.resources.includes(item.resource)) throw invalidParameter(`licenseItems[${index}].resource`, `must be one of ${product.resources.join(', ')} for product ${body.product}`);
    if (item.isSameAsPool === false && !item.expireTime) throw invalidParameter(`licenseItems[${index}].expireTime`, 'is required when isSameAsPool is false');
  }
}

export function registerServiceRoutes(app: FastifyInstance, data: PartnerData, pools: SeatPools): void {
  const subscriptionsOf = async (entry: DirectoryEntry) =>
    (await data.internal<{ items: Record<string, SubscriptionRecord[]> }>(entry, { method: 'POST', path: '/internal/elements/subscriptions/batch', body: { customerIds: [entry.customer_id] } })).items[entry.customer_id] ?? [];

  partnerRoute(
    app,
    {
      method: 'POST',
      url: '/partner/external/v3/general/customers/:customerId/services',
      operationId: 'addService',
      summary: 'Add a service',
      description: 'elements/general/service subscription/add-service.md. Draws the items\' seats from the partner\'s pools; adding a product the customer holds answers status 7 and changes nothing.',
      tags: V3_TAGS,
      permission: V3.licenseWrite,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }) }),
      body: AddServiceBody,
      response: AddServiceResult,
    },
    async (request) => {
      const body = request.body as AddServiceBody;
      validate(body);
      const entry = await data.customer(partnerOf(request), (request.params as { customerId: string }).customerId);
      const answer = (status: number) => ({ customerId: entry.customer_id, product: body.product, status });
      if ((await subscriptionsOf(entry)).some((subscription) => subscription.product === body.product)) return answer(ADD_STATUS.alreadyExists);
      const now = data.clock.nowMs();
      for (const item of body.licenseItems ?? []) {
        const expiry = item.expireTime ? Date.parse(item.expireTime) : undefined;
        if (expiry !== undefined && expiry <= now) return answer(ADD_STATUS.expired);
        if (expiry !== undefined && expiry < now + MONTH_MS) return answer(ADD_STATUS.underOneMonth);
      }
      const premium = ADDABLE_PRODUCTS[body.product]!.premium;
      const items = body.licenseType === 1 ? body.licenseItems! : [];
      // A premium trial still counts against the partner's premium allowance of its pool.
      const draws: SeatDraw[] =
        items.length > 0
          ? items.map((item) => ({ partnerId: entry.partner_id, customerId: entry.customer_id, product: body.product, resource: item.resource, sourceType: item.subscriptionSourceType, seats: item.userSeat, premium }))
          : premium
            ? [{ partnerId: entry.partner_id, customerId: entry.customer_id, product: body.product, resource: ADDABLE_PRODUCTS[body.product]!.resources[0]!, sourceType: 1, seats: 0, premium }]
            : [];
      if (draws.length > 0) {
        const outcome = await pools.draw(draws, now);
        if (outcome !== 'drawn' && outcome !== 'drawn-before') return answer(DRAW_STATUS[outcome]);
      }
      const pool = items[0] ? await pools.find(entry.partner_id, items[0].resource, items[0].subscriptionSourceType) : undefined;
      const subscription: SubscriptionRecord = { product: body.product, userSeats: items.reduce((sum, item) => sum + item.userSeat, 0), row: productRow(body, pool?.expires_at) };
      const { created } = await data.internal<{ created: boolean }>(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/subscriptions`, body: subscription });
      return answer(created ? ADD_STATUS.successful : ADD_STATUS.alreadyExists);
    },
  );

  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/services/batch',
      operationId: 'getAllServices',
      summary: 'Retrieve all services of customers',
      description: 'elements/general/service subscription/get-all-services.md',
      permission: V3.licenseRead,
      body: idFilter('customerIds', 'Only these customers'),
      item: V3Services,
    },
    async (request, paging, reply) => {
      const page = await servicePage(data, request, paging);
      markUnavailable(reply, page.unavailable);
      return { data: page.rows.map(({ row }) => row), totalCount: page.totalCount };
    },
  );

  partnerRoute(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/avpt-products/type/:productType/overview',
      operationId: 'getAvePointProductOverview',
      summary: 'Retrieve AvePoint product overview',
      description: 'elements/general/tenant/get-avpt-products-overview-type.md: the user seats of the customer\'s subscriptions of that product.',
      tags: V3_TAGS,
      permission: V3.licenseRead,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }), productType: Type.Integer({ enum: Object.keys(PRODUCT_TYPES).map(Number) }) }),
      response: Type.Object({ productType: Type.Integer(), purchasedUserSeat: Type.Integer() }),
    },
    async (request) => {
      const { customerId, productType } = request.params as { customerId: string; productType: number };
      const subscriptions = await subscriptionsOf(await data.customer(partnerOf(request), customerId));
      return { productType, purchasedUserSeat: subscriptions.filter((s) => s.product === productType).reduce((sum, s) => sum + s.userSeats, 0) };
    },
  );

  app.post(
    '/producer/elements/seat-pools',
    {
      schema: {
        operationId: 'produceSeatPools',
        summary: 'Report the partner\'s license pools (producer API)',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: Type.Object({
          value: Type.Array(
            Type.Object(
              {
                resource: Type.String({ enum: [...POOL_RESOURCES] }),
                subscriptionSourceType: Type.Integer({ enum: [1, 2, 6] }),
                totalSeats: Type.Integer({ minimum: 0 }),
                premiumLimit: Type.Optional(Type.Integer({ minimum: 0, description: 'How many customers may hold a premium service from this pool (default 100).' })),
                expirationDate: Type.String({ format: 'date-time' }),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 50 },
          ),
        }),
        response: { 200: Type.Object({ received: Type.Integer() }) },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const { value } = request.body as { value: Array<{ resource: string; subscriptionSourceType: number; totalSeats: number; premiumLimit?: number; expirationDate: string }> };
      await pools.upsert(partnerOf(request).partnerId, value.map((pool) => ({ resource: pool.resource, subscriptionSourceType: pool.subscriptionSourceType, totalSeats: pool.totalSeats, premiumLimit: pool.premiumLimit ?? 100, expiresAtMs: Date.parse(pool.expirationDate) })));
      return { received: value.length };
    },
  );
}

/** One page of services rows (v3 item, plus the tenants v2 joins into `tenantId`). */
export async function servicePage(data: PartnerData, request: import('fastify').FastifyRequest, paging: { pageIndex: number; pageSize: number }) {
  const page = await data.subscriptionPage(partnerOf(request), filterIds(request.body, 'customerIds'), paging);
  return {
    ...page,
    rows: page.rows.map(({ entry, subscriptions }) => ({
      row: { customerId: entry.customer_id, organization: entry.organization, customer: entry.owner_email, products: (subscriptions ?? []).map((s) => s.row) },
      tenants: projected(entry).tenants,
    })),
  };
}
