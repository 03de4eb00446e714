import { Type, type Static } from 'typebox';

/**
 * What a data center tells the global endpoint about its customers, and what producers
 * (the global endpoint's writes, the simulator) tell it: the internal shapes of the
 * region-side Elements API. Both versions of the partner API serialize from these.
 */
const Id = Type.String({ minLength: 1, maxLength: 100 });

export const TenantRecord = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 256 }),
    type: Type.Integer({ enum: [0, 1, 2, 3], description: '0 Microsoft 365, 1 Salesforce, 2 Google, 3 Dynamics 365' }),
    domain: Type.Optional(Type.String({ maxLength: 256 })),
    aadEnvironment: Type.Integer({ enum: [0, 2, 4, 5] }),
    platformEnvironmentType: Type.Integer({ minimum: 0, maximum: 8 }),
    availableUserSeat: Type.Optional(Type.Integer({ minimum: 0 })),
    assignedUserSeat: Type.Optional(Type.Integer({ minimum: 0 })),
    consentedApps: Type.Optional(Type.Array(Type.String({ enum: ['PartnerTenantSettingManagement', 'PartnerWorkspaceOnboarding'] }), { maxItems: 2 })),
  },
  { additionalProperties: false },
);
export type TenantRecord = Static<typeof TenantRecord>;

export const CustomerProfile = Type.Object(
  {
    partnerId: Id,
    organization: Type.String({ minLength: 1, maxLength: 256 }),
    ownerEmail: Type.String({ minLength: 3, maxLength: 320 }),
    firstName: Type.String({ maxLength: 128 }),
    lastName: Type.String({ maxLength: 128 }),
    countryCode: Type.String({ minLength: 2, maxLength: 2 }),
    telephoneNumber: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    managementMode: Type.Integer({ enum: [0, 1, 2] }),
    tags: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50 }),
    jobStatus: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    createdAt: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type CustomerProfile = Static<typeof CustomerProfile>;

export const CustomerRecord = Type.Object({
  id: Type.String(),
  ...CustomerProfile.properties,
  jobStatus: Type.Integer(),
  createdAt: Type.String(),
  tenants: Type.Array(TenantRecord),
});
export type CustomerRecord = Static<typeof CustomerRecord>;

/** get-all-services.md's 18 product fields, all strings. */
export const PRODUCT_FIELDS = [
  'service', 'subscriptionModel', 'purchasedUserSeats', 'purchasedUnits', 'microsoftLicenseAssigned', 'microsoftLicenseAvailable', 'purchasedCapacity',
  'protectedCapacity', 'storage', 'retention', 'consumedStorage', 'expirationDate', 'change', 'source', 'paymentType', 'subscriptionName', 'package',
  'contractEndDate',
] as const;
export const ProductRow = Type.Object(Object.fromEntries(PRODUCT_FIELDS.map((field) => [field, Type.String({ maxLength: 256 })])) as Record<(typeof PRODUCT_FIELDS)[number], ReturnType<typeof Type.String>>, { additionalProperties: false });
export type ProductRow = Record<(typeof PRODUCT_FIELDS)[number], string>;

export const SubscriptionRecord = Type.Object(
  { product: Type.Integer(), userSeats: Type.Integer({ minimum: 0 }), row: ProductRow },
  { additionalProperties: false },
);
export type SubscriptionRecord = Static<typeof SubscriptionRecord>;

export const Container = Type.Object({ containersName: Type.String({ maxLength: 256 }), objectType: Type.Integer({ minimum: 0, maximum: 105 }) }, { additionalProperties: false });

/** A scan profile with its containers and its latest daily report (get-customer-scan-profile-detail.md, -changes.md). */
export const ScanProfileRecord = Type.Object(
  {
    profileId: Id,
    profileName: Type.String({ maxLength: 256 }),
    description: Type.String({ maxLength: 2000 }),
    tenantId: Id,
    tenantDomain: Type.String({ maxLength: 256 }),
    scanMode: Type.Integer({ enum: [0, 1] }),
    createdTime: Type.String(),
    modifiedTime: Type.String(),
    impersonationAccount: Type.Union([Type.String({ maxLength: 320 }), Type.Null()]),
    scanInplaceArchivedMailboxes: Type.Boolean(),
    isIgnoreLockedSiteEnabled: Type.Boolean(),
    enableDailyScan: Type.String({ pattern: '^(No|[0-2][0-9]:[0-5][0-9])$' }),
    isSendOutOfPolicyNotification: Type.Boolean(),
    containers: Type.Array(Container, { maxItems: 200 }),
    dailyReport: Type.Union([
      Type.Object(
        {
          lastUpdateTime: Type.String(),
          lastScanStatus: Type.Integer({ minimum: 0, maximum: 14 }),
          newRegisteredContent: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10000 }),
          removedFromMicrosoft365OrOutOfPolicyObjects: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10000 }),
          movedToAnotherContainerObjects: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10000 }),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
export type ScanProfileRecord = Static<typeof ScanProfileRecord>;

export const ProtectedUserRecord = Type.Object(
  {
    tenantId: Id,
    id: Id,
    email: Type.String({ minLength: 3, maxLength: 320 }),
    displayName: Type.String({ maxLength: 256 }),
    moduleStatus: Type.Array(Type.Object({ module: Type.Integer({ enum: [0, 2] }), isProtected: Type.Boolean() }, { additionalProperties: false }), { maxItems: 2 }),
  },
  { additionalProperties: false },
);
export type ProtectedUserRecord = Static<typeof ProtectedUserRecord>;

export const ProtectionRecord = Type.Object(
  {
    serviceModule: Type.String({ minLength: 1, maxLength: 100 }),
    totalScannedObjects: Type.Integer({ minimum: 0 }),
    totalProtectedObjects: Type.Integer({ minimum: 0 }),
    dataSizeStoredInAvePoint: Type.String({ maxLength: 64 }),
    dataSizeStoredInBYOS: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type ProtectionRecord = Static<typeof ProtectionRecord>;

export const PageQuery = Type.Object({ pageIndex: Type.Integer({ minimum: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 1000 }) });
export interface Page<T> {
  items: T[];
  totalCount: number;
}
