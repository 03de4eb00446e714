import { Type, type Static } from 'typebox';
import { NullableString, OpenObject } from '../../platform/schema.js';
import { GEO_LOCATIONS, PRODUCT_TYPE_NAMES, PRODUCT_TYPES } from '../catalogue.js';


/** GET /aos/audit query (main/services-and-features/aos/aos.md, "Query Parameters"). */
export const AuditQuery = Type.Object({
  startTime: Type.Optional(Type.String({ description: 'Start of the time range, ISO 8601. Required.' })),
  endTime: Type.Optional(Type.String({ description: 'End of the time range, ISO 8601; at most 7 days after startTime. Required.' })),
  productTypes: Type.Optional(
    Type.Array(Type.String(), { description: `Products to include (repeat or comma-separate): ${PRODUCT_TYPE_NAMES.join(', ')}.` }),
  ),
  geoLocations: Type.Optional(Type.Array(Type.String(), { description: `Multi-Geo locations: ${GEO_LOCATIONS.join(', ')}.` })),
  skipToken: Type.Optional(Type.String({ description: 'Continuation token from a previous nextLink.' })),
});

/** UserActivityAuditLogItemModel, in the response sample's field order. */
export const AuditRecord = Type.Object({
  actionName: NullableString(),
  actionUser: NullableString(),
  actionParameters: NullableString(),
  actionTime: Type.String(),
  controllerName: NullableString(),
  product: Type.String({ enum: Object.values(PRODUCT_TYPES) }),
  geoLocation: NullableString(),
  previousValue: NullableString(),
  currentValue: NullableString(),
  partnerTenantOwner: NullableString(),
  status: NullableString(),
  comment: NullableString(),
  objectType: NullableString(),
  operationType: NullableString(),
  module: NullableString(),
  functionality: NullableString(),
  objectName: NullableString(),
  action: NullableString(),
  clientIP: NullableString(),
  additionalDetails: OpenObject(),
});
export type AuditRecord = Static<typeof AuditRecord>;

/** ApiResultOfUserActivityModel. */
export const AuditPage = Type.Object({
  nextLink: NullableString(),
  data: Type.Array(AuditRecord),
});

export const AosError = Type.Object({ traceId: Type.String(), error: Type.String(), statusCode: Type.Integer() });

const OptionalText = (maxLength: number) => Type.Optional(NullableString({ maxLength }));

/** What a product service reports: the record plus the producer's own id, which makes retries harmless. */
export const ProducedAuditRecord = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, description: 'Producer-supplied id; a record is stored once per id.' }),
    actionTime: Type.String({ description: 'ISO 8601' }),
    productType: Type.String({ enum: PRODUCT_TYPE_NAMES }),
    geoLocation: Type.Optional(NullableString({ enum: [...GEO_LOCATIONS, null] })),
    actionName: OptionalText(500),
    actionUser: OptionalText(500),
    actionParameters: OptionalText(8000),
    controllerName: OptionalText(200),
    previousValue: OptionalText(8000),
    currentValue: OptionalText(8000),
    partnerTenantOwner: OptionalText(500),
    status: OptionalText(100),
    comment: OptionalText(2000),
    objectType: OptionalText(200),
    operationType: OptionalText(200),
    module: OptionalText(200),
    functionality: OptionalText(200),
    objectName: OptionalText(1000),
    action: OptionalText(200),
    clientIP: OptionalText(64),
    additionalDetails: Type.Optional(Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type ProducedAuditRecord = Static<typeof ProducedAuditRecord>;

export const ProducedAuditBatch = Type.Object({ value: Type.Array(ProducedAuditRecord, { minItems: 1, maxItems: 1000 }) });
export const ProducerResult = Type.Object({ received: Type.Integer(), stored: Type.Integer(), duplicates: Type.Integer() });
