import { Type, type Static, type TSchema } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { LEVELS, PLATFORMS, SPECIAL_PRINCIPALS } from '../catalogue.js';

/** What product services report into the permission graph. Every item carries the producer's id; a retry overwrites, never duplicates. */
const Id = Type.String({ minLength: 1, maxLength: 400, description: 'Producer-supplied id; an item is stored once per id and platform, a later report replaces it.' });
const Platform = Type.Optional(Type.String({ enum: [...PLATFORMS], description: "'m365' (default) or 'google'." }));
const Time = (description: string) => Type.Optional(NullableString({ description: `${description}, ISO 8601.` }));
const Text = (maxLength = 1000) => Type.Optional(NullableString({ maxLength }));
const Level = Type.Optional(Type.String({ enum: [...LEVELS] }));
const Ids = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 400 }), { maxItems: 100_000, description }));

export const ProducedUser = Type.Object(
  {
    id: Id,
    platform: Platform,
    loginName: Type.String({ minLength: 1, maxLength: 500, description: 'User principal name (guests: `…#ext#@tenant`); Google: the primary email.' }),
    email: Text(500),
    displayName: Type.String({ maxLength: 500 }),
    userStatus: Type.Optional(Type.String({ enum: ['Active', 'Blocked'] })),
    trustStatus: Type.Optional(Type.String({ enum: ['Trusted', 'Not Trusted'] })),
    external: Type.Optional(Type.Boolean()),
    lastSignIn: Time('Last sign-in; null when the user never signed in'),
    createdOn: Time('When the account was created'),
  },
  { additionalProperties: false },
);

export const ProducedGroup = Type.Object(
  {
    id: Id,
    platform: Platform,
    displayName: Type.String({ maxLength: 500 }),
    email: Text(500),
    groupType: Type.String({ maxLength: 100, description: 'Security Group, Mail-enabled security group, Distribution group, Microsoft 365 Group, SharePoint Group, Google Group.' }),
    membershipType: Type.Optional(Type.String({ enum: ['Assigned', 'Dynamic'] })),
    scope: Type.Optional(Type.String({ enum: ['directory', 'site'], description: "'directory' (default; listed by the group summary) or 'site' (a SharePoint group)." })),
    createdOn: Time('When the group was created'),
    memberIds: Ids('User ids of the members; when present it replaces the membership.'),
    memberGroupIds: Ids('Ids of groups (of the same platform) that are members of this one, whose members reach what it reaches, at any depth; when present it replaces them.'),
  },
  { additionalProperties: false },
);

export const ProducedWorkspace = Type.Object(
  {
    id: Id,
    platform: Platform,
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'Site collection URL; for a Google drive, its URL or id.' }),
    title: Type.String({ maxLength: 500 }),
    module: Type.String({ maxLength: 100, description: 'Microsoft Teams, SharePoint Online, OneDrive, Microsoft 365 Group; User Drive, Shared Drive.' }),
    createdOn: Time('When it was created'),
  },
  { additionalProperties: false },
);

export const ProducedObject = Type.Object(
  {
    id: Id,
    platform: Platform,
    workspaceId: Type.String({ minLength: 1, maxLength: 400 }),
    url: Type.String({ minLength: 1, maxLength: 4000 }),
    name: Type.String({ maxLength: 1000 }),
    objectType: Type.String({ maxLength: 100, description: 'Site Collection, Site, Library, List, Folder, File, List Item, Drive.' }),
    createdBy: Text(500),
    creatorEmail: Text(500),
    createdTime: Time('Created'),
    modifiedTime: Time('Last modified'),
    scannedTime: Time('Last scanned'),
    channelName: Text(500),
    privacy: Text(100),
    sensitivityLevel: Level,
    exposureLevel: Level,
    riskLevel: Level,
    dataTypes: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100 })),
    sensitivityLabel: Text(500),
    trainableClassifier: Text(500),
    retentionLabel: Text(500),
    tagName: Text(200),
    inheritType: Type.Optional(Type.String({ enum: ['Unique', 'Inheritance'] })),
  },
  { additionalProperties: false },
);

export const ProducedPermission = Type.Object(
  {
    id: Id,
    platform: Platform,
    objectId: Type.String({ minLength: 1, maxLength: 400 }),
    principalKind: Type.String({ enum: ['user', 'group', 'special'], description: 'Who holds it; a sharing link grants its own entry (see sharing-links).' }),
    principalId: Type.String({ minLength: 1, maxLength: 400, description: `A user id, a group id, or a special group: ${Object.keys(SPECIAL_PRINCIPALS).join(', ')}.` }),
    permission: Type.String({ maxLength: 200, description: 'Full Control, Edit, Contribute, Read, …' }),
    inheritType: Type.Optional(Type.String({ enum: ['Unique', 'Inheritance'] })),
  },
  { additionalProperties: false },
);

export const ProducedSharingLink = Type.Object(
  {
    id: Id,
    platform: Platform,
    objectId: Type.String({ minLength: 1, maxLength: 400 }),
    linkType: Type.Integer({ enum: [32, 64, 128, 301, 303], description: '32 Specific, 64 Organization, 128 Anyone; Google 301 Target audience, 303 Anyone.' }),
    createdTime: Type.String({ description: 'ISO 8601' }),
    expireTime: Time('When it expires'),
    shareBy: Type.String({ maxLength: 500 }),
    linkUrl: Type.String({ maxLength: 4000 }),
    permission: Type.String({ maxLength: 200 }),
    inheritFrom: Text(2000),
    inheritType: Type.Optional(Type.String({ enum: ['Unique', 'Inheritance'] })),
    logonName: Text(500),
    memberIds: Ids('User ids the link gives access to; when present it replaces them.'),
  },
  { additionalProperties: false },
);

export const ProducedActivity = Type.Object(
  {
    id: Id,
    platform: Platform,
    objectId: Type.String({ minLength: 1, maxLength: 400 }),
    userId: Type.String({ minLength: 1, maxLength: 400 }),
    eventType: Type.String({ minLength: 1, maxLength: 200 }),
    time: Type.String({ description: 'ISO 8601' }),
    clientIp: Text(64),
    detail: Text(4000),
  },
  { additionalProperties: false },
);

export type ProducedUser = Static<typeof ProducedUser>;
export type ProducedGroup = Static<typeof ProducedGroup>;
export type ProducedWorkspace = Static<typeof ProducedWorkspace>;
export type ProducedObject = Static<typeof ProducedObject>;
export type ProducedPermission = Static<typeof ProducedPermission>;
export type ProducedSharingLink = Static<typeof ProducedSharingLink>;
export type ProducedActivity = Static<typeof ProducedActivity>;

export const Batch = <T extends TSchema>(item: T) => Type.Object({ value: Type.Array(item, { minItems: 1, maxItems: 5000 }) }, { additionalProperties: false });
export const ProducerResult = Type.Object({ received: Type.Integer() });
