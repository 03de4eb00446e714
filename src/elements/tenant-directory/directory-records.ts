import { Type, type Static } from 'typebox';

/**
 * What a customer's tenant reports into its directory through the producer routes
 * (`/producer/elements/directory/…`): the shapes the simulator writes and a real connector
 * would. Ids are the producer's, so every write is an idempotent upsert.
 */
const Id = Type.String({ minLength: 1, maxLength: 100 });
/** ISO 8601 date and time (what every governance page writes its times as). */
export const ISO_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?(Z|[+-]\\d{2}:\\d{2})$';
const Time = Type.String({ pattern: ISO_TIME_PATTERN, maxLength: 40 });
const OptionalTime = Type.Optional(Type.Union([Time, Type.Null()]));
const Text = (maxLength: number) => Type.String({ maxLength });
/** A count the directory stores (an integer column): bounded, as every request integer is. */
const Count = () => Type.Integer({ minimum: 0, maximum: 2_000_000_000 });

/**
 * The user fields that are only ever read whole or replaced by a PUT's field group (the
 * user pages' fields that no rule tests). A user read renders them; a PUT replaces some.
 */
export const PROFILE_TEXT_FIELDS = [
  'firstName', 'lastName', 'jobTitle', 'employeeId', 'company', 'department', 'location', 'officePhone', 'mobile', 'fax', 'birthday', 'usageLocation',
  'preferredLanguage', 'enforceStartDateTime', 'enforceEndDateTime', 'postalCode', 'countryRegion', 'state', 'address', 'city', 'manager', 'sponsor',
  'template', 'middleName', 'initials', 'comment', 'departmentNumber', 'webPage', 'poBox', 'personalTitle', 'ipPhone', 'homePhone', 'pager', 'notes',
  'homeDirectory', 'profilePath', 'logonScript',
] as const;
export type ProfileTextField = (typeof PROFILE_TEXT_FIELDS)[number];

export const UserProfile = Type.Object(
  {
    ...(Object.fromEntries(PROFILE_TEXT_FIELDS.map((field) => [field, Type.Optional(Text(2048))])) as Record<ProfileTextField, ReturnType<typeof Type.Optional<ReturnType<typeof Text>>>>),
    enforceStart: Type.Optional(Type.Boolean()),
    enforceEnd: Type.Optional(Type.Boolean()),
    alternateEmailAddress: Type.Optional(Type.Array(Text(256), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type UserProfile = Partial<Record<ProfileTextField, string>> & { enforceStart?: boolean; enforceEnd?: boolean; alternateEmailAddress?: string[] };

export const DirectoryUserRecord = Type.Object(
  {
    id: Id,
    kind: Type.Union([Type.Literal('cloud'), Type.Literal('local')], { description: 'cloud: a Microsoft Entra user; local: synchronised from on-premises AD (hybrid).' }),
    userPrincipalName: Type.String({ minLength: 3, maxLength: 1024 }),
    displayName: Text(256),
    mail: Text(256),
    userType: Type.Union([Type.Literal('Member'), Type.Literal('Guest')]),
    adminRoles: Type.Array(Text(128), { maxItems: 20 }),
    accountEnabled: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    passwordNeverExpire: Type.Boolean(),
    passwordChangedTime: Time,
    riskLevel: Type.Union([Type.Literal('none'), Type.Literal('medium'), Type.Literal('high')]),
    compliant: Type.Boolean(),
    pendingDeletion: Type.Boolean(),
    isTestUser: Type.Boolean(),
    isExternal: Type.Boolean(),
    licenseCount: Type.Integer({ minimum: 0, maximum: 1000 }),
    lastSignInTime: OptionalTime,
    signInCount: Count(),
    lastFixedTime: OptionalTime,
    createdTime: Time,
    profile: UserProfile,
  },
  { additionalProperties: false },
);
export type DirectoryUserRecord = Static<typeof DirectoryUserRecord>;

/** Data sources of risk management (all-data-source-match-risk-rule.md); 7 is not documented. */
export const DATA_SOURCES = { Exchange: 1, Groups: 2, Teams: 3, SharePoint: 4, OneDrive: 5, Users: 6, Environments: 8, Connections: 9, PowerApps: 10, PowerAutomate: 11, PowerBI: 12 } as const;
export const OBJECT_DATA_SOURCES = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12] as const;

export const DirectoryObjectRecord = Type.Object(
  {
    id: Id,
    dataSource: Type.Integer({ enum: [...OBJECT_DATA_SOURCES] }),
    name: Text(512),
    ownerCount: Count(),
    memberCount: Count(),
    guestCount: Count(),
    storageUsedMb: Count(),
    storageLimitMb: Count(),
    lastActivityTime: OptionalTime,
    createdTime: Time,
    sensitiveItems: Type.Object(
      {
        sharedWithEveryone: Count(),
        sharedWithEveryoneExceptExternalUsers: Count(),
        sharedViaAnyoneLink: Count(),
        sharedViaLinkForSpecificExternalUsers: Count(),
        sharedViaOrganizationLink: Count(),
      },
      { additionalProperties: false },
    ),
    potentialRansomwareTime: OptionalTime,
    unusualActivityTime: OptionalTime,
    suspiciousObjectTime: OptionalTime,
    /** The data source's `detail` fields of specific-rule-detail-hit-items.md, without `mark`. */
    // Values without a `type`: the request validator coerces types (a union's first branch would turn numbers into strings).
    detail: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 40 }),
  },
  { additionalProperties: false },
);
export type DirectoryObjectRecord = Static<typeof DirectoryObjectRecord>;

export const SignInRecord = Type.Object(
  {
    id: Id,
    userId: Id,
    loginTime: Time,
    ip: Text(64),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    country: Text(64),
    city: Text(128),
    deviceName: Text(128),
    isRisk: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SignInRecord = Static<typeof SignInRecord>;

export const FileAccessRecord = Type.Object(
  {
    id: Id,
    userId: Id,
    fileName: Text(512),
    accessTime: Time,
    sensitiveInformation: Type.Union([Text(256), Type.Null()]),
  },
  { additionalProperties: false },
);
export type FileAccessRecord = Static<typeof FileAccessRecord>;

export const RuleSettingRecord = Type.Object(
  { ruleId: Id, enabled: Type.Boolean(), setting: Type.Union([Text(256), Type.Null()]) },
  { additionalProperties: false },
);
export type RuleSettingRecord = Static<typeof RuleSettingRecord>;

export const msOf = (time: string): number => Date.parse(time);
export const optionalMs = (time: string | null | undefined): number | null => (time ? Date.parse(time) : null);
export const isoOf = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
