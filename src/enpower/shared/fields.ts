import { Type, type TObject, type TSchema } from 'typebox';
import { NullableBoolean, NullableInteger, NullableNumber, NullableString } from '../../platform/schema.js';

/**
 * EnPower's entities have 5 to 82 fields each, most of them nullable scalars. Each entity is
 * declared once as an ordered map of field name to type code (in its response sample's
 * order); the response schema, the producer schema and the renderer's field order all come
 * from that one map.
 */
export type FieldCode =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'strings'
  | 'json'
  | 'user'
  | 'profile'
  | 'assignees'
  | 'metadata'
  | 'securityGroup'
  | 'flowOwner'
  | 'coOwners'
  | 'flowConnections'
  | 'customAttributes'
  | 'mailboxPolicies';

export type FieldMap = Readonly<Record<string, FieldCode>>;

const nullableObject = (properties: Record<string, TSchema>, description?: string) =>
  Type.Unsafe<Record<string, unknown> | null>({ ...Type.Object(properties), type: ['object', 'null'], ...(description ? { description } : {}) });

const objectOf = (names: string[], code: (name: string) => TSchema = () => NullableString()) => Object.fromEntries(names.map((name) => [name, code(name)]));

/** Cloud Governance "User Details" (12 fields). */
const USER_DETAILS = objectOf(['id', 'displayName', 'email', 'tenantId', 'userPrincipalName', 'objectId', 'jobTitle', 'department', 'companyName', 'office', 'city', 'countryOrRegion']);

const SECURITY_GROUP: Record<string, TSchema> = {
  ...objectOf(['id', 'enPowerObjId', 'tenantId', 'containerId', 'photo', 'displayName', 'realDisplayName', 'userPrincipalName']),
  securityEnabled: NullableBoolean(),
  mailEnabled: NullableBoolean(),
  accountEnabled: NullableBoolean(),
  mailNickname: NullableString(),
  email: NullableString(),
  type: NullableInteger({ description: '0 user, 1 group, 2 mailbox, 3 user or shared mailbox, 4 resource mailbox, 5 mail user, 6 mail contact, 7 SharePoint, 8 OneDrive for Business, 9 recipient, 10 none' }),
  userType: NullableString(),
  groupTypes: Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' } }),
  officeLocation: NullableString(),
  jobTitle: NullableString(),
  exchangeRecipientType: NullableInteger({ description: '1 dynamic distribution group, 2 mail contact, 4 mail non-universal group, 8 mail universal distribution group, 16 mail universal security group, 32 mail user, 64 public folder, 128 user mailbox' }),
  groupType: NullableInteger(),
  membershipType: NullableInteger(),
};

const METADATA_ITEM = Type.Object({
  metadataType: NullableInteger({ description: '0 none, 1 single line of text, 2 multiple lines of text, 3 yes/no, 4 choice, 5 people picker filter profile, 6 managed metadata, 7 hyperlink, 8 user profile property, 9 Microsoft Entra property, 10 lookup, 11 user property' }),
  value: Type.Unknown(),
  id: NullableString(),
  name: NullableString(),
  metadataSetting: Type.Unknown(),
});

const schemaOf: Record<FieldCode, () => TSchema> = {
  string: () => NullableString(),
  integer: () => NullableInteger(),
  number: () => NullableNumber(),
  boolean: () => NullableBoolean(),
  strings: () => Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' } }),
  json: () => Type.Unknown(),
  user: () => nullableObject(USER_DETAILS, 'Cloud Governance user details'),
  // The tables type these as objects; the samples write an unassigned profile as "N/A" and an
  // unassigned assignee as "". Any JSON value is kept as reported (a union of types would make
  // the validator coerce "" into another type).
  profile: () => Type.Unknown({ description: 'Cloud Governance profile {id, name}, or "N/A"' }),
  assignees: () => Type.Unknown({ description: 'The current Cloud Governance phase assignee(s), or ""' }),
  metadata: () => Type.Unsafe<unknown[] | null>({ type: ['array', 'null'], items: METADATA_ITEM }),
  securityGroup: () => nullableObject(SECURITY_GROUP),
  flowOwner: () => nullableObject(objectOf(['id', 'name', 'department', 'office', 'status', 'userType', 'country', 'email', 'jobTitle', 'userPrincipalName'])),
  coOwners: () => Type.Unsafe<unknown[] | null>({ type: ['array', 'null'], items: Type.Object(objectOf(['displayName', 'userPrincipalName'])) }),
  flowConnections: () =>
    Type.Unsafe<unknown[] | null>({ type: ['array', 'null'], items: Type.Object(objectOf(['connectionName', 'connectionDisplayName', 'connectorName', 'connectorDisplayName', 'iconUri', 'type'])) }),
  customAttributes: () => nullableObject(objectOf(Array.from({ length: 15 }, (_, index) => `customAttribute${index + 1}`))),
  mailboxPolicies: () => nullableObject(objectOf(['addressBookPolicy', 'retentionPolicy', 'roleAssignmentPolicy', 'sharingPolicy'])),
};

/** The response schema of one entity: every field present, in the map's order. */
export function entitySchema(fields: FieldMap, description?: string): TObject {
  const properties = Object.fromEntries(Object.entries(fields).map(([name, code]) => [name, schemaOf[code]()]));
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

/**
 * What a producer may report of an entity: any of its fields but the computed ones, plus its
 * own extras; `required` names the fields without which the entity cannot be stored.
 */
export function producerSchema(fields: FieldMap, options: { computed: readonly string[]; required: readonly string[]; extras?: Record<string, TSchema> }): TObject {
  const properties: Record<string, TSchema> = {};
  for (const [name, code] of Object.entries(fields)) {
    if (options.computed.includes(name)) continue;
    const schema = options.required.includes(name) ? Type.String({ minLength: 1, maxLength: 400 }) : schemaOf[code]();
    properties[name] = options.required.includes(name) ? schema : Type.Optional(schema);
  }
  for (const [name, schema] of Object.entries(options.extras ?? {})) properties[name] = options.required.includes(name) ? schema : Type.Optional(schema);
  return Type.Object(properties, { additionalProperties: false });
}

/** `fields({...})` keeps the literal map typed as a FieldMap. */
export const fields = <T extends FieldMap>(map: T): T => map;
