import { Type, type TSchema } from 'typebox';
import { ApiError, badRequest, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { GovernanceEndpoint } from '../governance/endpoint.js';
import { ISO_TIME_PATTERN, isoOf } from '../tenant-directory/directory-records.js';
import type { UserChange, UserRow } from '../tenant-directory/directory-store.js';
import { UM_TAGS, UM_WRITE, UserParams } from './user-schemas.js';
import { COUNTRIES, LANGUAGES } from './value-lists.js';

/**
 * The 18 user PUTs of user management, declared as data: each is a field group (every field
 * required, as its page marks them, with the page's length limits) that replaces those
 * fields of one user. `updateEndpoints` turns each row into a documented endpoint; they
 * differ only in this table.
 */
type FieldType = { type: 'text'; maxLength?: number; check?: 'usageLocation' | 'language' | 'country' | 'principal' | 'upn' } | { type: 'bool' } | { type: 'time' } | { type: 'emails' };

interface FieldGroup {
  /** `users` (cloud users) or `local-users` (hybrid/local users). */
  collection: 'users' | 'local-users';
  segment: string;
  operationId: string;
  summary: string;
  /** Which users the path takes: a `users/` group with a local twin takes cloud users only. */
  appliesTo: 'cloud' | 'local' | 'any';
  fields: Record<string, FieldType>;
}

const text = (maxLength?: number, check?: Extract<FieldType, { type: 'text' }>['check']): FieldType => ({ type: 'text', ...(maxLength ? { maxLength } : {}), ...(check ? { check } : {}) });
const bool: FieldType = { type: 'bool' };
const time: FieldType = { type: 'time' };

const CLOUD_CONTACT = { officePhone: text(64), mobile: text(64), fax: text(64) };
const CLOUD_GENERAL = { firstName: text(64), lastName: text(64), displayName: text(256), jobTitle: text(), employeeId: text(16) };
const CLOUD_OFFICE = { company: text(64), department: text(64), location: text(64) };
const CLOUD_LOCATION = { postalCode: text(40), countryRegion: text(255, 'country'), state: text(128), address: text(1024), city: text(128) };

export const FIELD_GROUPS: readonly FieldGroup[] = [
  {
    collection: 'users', segment: 'account-information', operationId: 'updateAccountInformationOfUser', summary: 'Update the account information of a user', appliesTo: 'any',
    fields: { mail: text(256), usageLocation: text(128, 'usageLocation'), preferredLanguage: text(64, 'language'), enforceStart: bool, enforceStartDateTime: time, enforceEnd: bool, enforceEndDateTime: time },
  },
  { collection: 'users', segment: 'birthday', operationId: 'updateBirthdayOfUser', summary: 'Update the birthday of a user', appliesTo: 'any', fields: { birthday: time } },
  { collection: 'users', segment: 'contact-information', operationId: 'updateContactInformationOfCloudUser', summary: 'Update the contact information of a cloud user', appliesTo: 'cloud', fields: CLOUD_CONTACT },
  { collection: 'users', segment: 'alternate-email-address', operationId: 'updateAlternateEmailAddressOfUser', summary: 'Update the alternate email addresses of a user', appliesTo: 'any', fields: { alternateEmailAddress: { type: 'emails' } } },
  { collection: 'users', segment: 'general-information', operationId: 'updateGeneralInformationOfCloudUser', summary: 'Update the general information of a cloud user', appliesTo: 'cloud', fields: CLOUD_GENERAL },
  { collection: 'users', segment: 'istest', operationId: 'updateIsTestUserProperty', summary: 'Update the test user property of a user', appliesTo: 'any', fields: { isTestUser: bool } },
  { collection: 'users', segment: 'manager', operationId: 'updateManagerOfUser', summary: 'Update the manager of a user', appliesTo: 'any', fields: { userPrincipalName: text(1024, 'principal') } },
  { collection: 'users', segment: 'office', operationId: 'updateOfficeInformationOfCloudUser', summary: 'Update the office information of a cloud user', appliesTo: 'cloud', fields: CLOUD_OFFICE },
  { collection: 'users', segment: 'office-information', operationId: 'updateOfficeLocationInformationOfCloudUser', summary: 'Update the office location information of a cloud user', appliesTo: 'cloud', fields: CLOUD_LOCATION },
  { collection: 'users', segment: 'password-setting', operationId: 'updatePasswordSettingOfUser', summary: 'Update the password setting of a user', appliesTo: 'any', fields: { passwordNeverExpire: bool } },
  { collection: 'users', segment: 'sponsor', operationId: 'updateSponsorOfUser', summary: 'Update the sponsor of a user', appliesTo: 'any', fields: { userPrincipalName: text(1024, 'upn') } },
  { collection: 'users', segment: 'isexternal', operationId: 'updateIsExternalUserProperty', summary: 'Update the external user property of a user', appliesTo: 'any', fields: { isExternal: bool } },
  {
    collection: 'local-users', segment: 'contact-information', operationId: 'updateContactInformationOfLocalUser', summary: 'Update the contact information of a hybrid/local user', appliesTo: 'local',
    fields: { ...CLOUD_CONTACT, ipPhone: text(30), homePhone: text(30), pager: text(30) },
  },
  {
    collection: 'local-users', segment: 'general-information', operationId: 'updateGeneralInformationOfLocalUser', summary: 'Update the general information of a hybrid/local user', appliesTo: 'local',
    fields: { ...CLOUD_GENERAL, middleName: text(64), initials: text(6), comment: text(30) },
  },
  { collection: 'local-users', segment: 'office', operationId: 'updateOfficeInformationOfLocalUser', summary: 'Update the office information of a hybrid/local user', appliesTo: 'local', fields: { ...CLOUD_OFFICE, departmentNumber: text(10) } },
  {
    collection: 'local-users', segment: 'office-information', operationId: 'updateOfficeLocationInformationOfLocalUser', summary: 'Update the office location information of a hybrid/local user', appliesTo: 'local',
    fields: { ...CLOUD_LOCATION, webPage: text(2048), poBox: text(40), personalTitle: text(64) },
  },
  { collection: 'local-users', segment: 'notes', operationId: 'updateNotesOfLocalUser', summary: 'Update the notes of a hybrid/local user', appliesTo: 'local', fields: { notes: text(1024) } },
  { collection: 'local-users', segment: 'profile', operationId: 'updateProfileOfLocalUser', summary: 'Update the profile of a hybrid/local user', appliesTo: 'local', fields: { homeDirectory: text(520), profilePath: text(520), logonScript: text(520) } },
];

/** Fields held in their own directory column (rules and lists read them); the rest live in the profile. */
const COLUMNS: Record<string, string> = { mail: 'mail', displayName: 'display_name', isTestUser: 'is_test', isExternal: 'is_external', passwordNeverExpire: 'password_never_expire' };
/** The body field that a group stores under another profile name. */
const PROFILE_NAME: Record<string, Record<string, string>> = { manager: { userPrincipalName: 'manager' }, sponsor: { userPrincipalName: 'sponsor' } };

function fieldSchema(field: FieldType): TSchema {
  switch (field.type) {
    case 'bool':
      return Type.Boolean();
    case 'time':
      return Type.String({ pattern: ISO_TIME_PATTERN, maxLength: 40, description: 'ISO 8601 date and time' });
    case 'emails':
      return Type.Array(Type.String({ minLength: 3, maxLength: 256, pattern: '^[^@\\s]+@[^@\\s]+$' }), { maxItems: 20 });
    case 'text':
      return Type.String(field.maxLength ? { maxLength: field.maxLength } : { maxLength: 4096 });
  }
}

const COUNTRY_NAMES = new Map(Object.values(COUNTRIES).map((name) => [name.toLowerCase(), name]));
const LANGUAGE_CODES = new Map(LANGUAGES.map((code) => [code.toLowerCase(), code]));
const USAGE_CODES = new Map(Object.keys(COUNTRIES).map((code) => [code.toLowerCase(), code]));

/** Checks a value against its documented list or form, and returns it in the list's spelling. */
function checked(name: string, value: string, check: Extract<FieldType, { type: 'text' }>['check'], user: UserRow): string {
  const fail = (problem: string) => {
    throw badRequest(`The field '${name}' ${problem}.`, 'invalid_parameter');
  };
  switch (check) {
    case 'usageLocation':
      return USAGE_CODES.get(value.trim().toLowerCase()) ?? fail('is not a usage location of usage_location.md (an ISO 3166 code such as US)');
    case 'language':
      return LANGUAGE_CODES.get(value.trim().toLowerCase()) ?? fail('is not a preferred language of language.md (such as en-US)');
    case 'country':
      return COUNTRY_NAMES.get(value.trim().toLowerCase()) ?? fail('is not a country or region of countryorregion.md (such as United States)');
    case 'upn':
      return /^[^@\s]+@[^@\s]+$/.test(value) ? value : fail('is not a user principal name');
    case 'principal':
      // A cloud user's manager is named by UPN; any other user's by its distinguished name.
      if (user.kind === 'local') return /^CN=.+,DC=.+/i.test(value) ? value : fail("is not a distinguished name (CN=…,DC=…), as a hybrid/local user's manager is named");
      return /^[^@\s]+@[^@\s]+$/.test(value) ? value : fail('is not a user principal name');
    default:
      return value;
  }
}

export const UPDATE_ENDPOINTS: GovernanceEndpoint[] = FIELD_GROUPS.map((group) => ({
    method: 'PUT' as const,
    path: `/partner/external/v3/um/customers/:customerId/tenants/:tenantId/${group.collection}/:userId/${group.segment}`,
    operationId: group.operationId,
    summary: group.summary,
    tags: UM_TAGS,
    permission: UM_WRITE,
    routing: 'customer' as const,
    params: UserParams,
    body: Type.Object(Object.fromEntries(Object.entries(group.fields).map(([name, field]) => [name, fieldSchema(field)])), { additionalProperties: false }),
    response: { status: 204 },
    async handle({ tenant, params, body, partnerId }, { directory: store }) {
      const key = tenant!;
      const userId = params.userId!;
      const changed = await store.updateUser(
        key,
        userId,
        (before) => {
          if (group.appliesTo !== 'any' && before.kind !== group.appliesTo) {
            const other = group.appliesTo === 'cloud' ? `local-users/${userId}/${group.segment}` : `users/${userId}/${group.segment}`;
            throw new ApiError(400, 'wrong_user_kind', `User '${userId}' is a ${before.kind === 'local' ? 'hybrid/local' : 'cloud'} user; update it through ${other}.`);
          }
          return changeOf(group, body, before);
        },
        (fields, before, after) => auditRecord(group, partnerId, key.tenantId, before, fields, after),
      );
      if (!changed) throw notFound(`No user '${userId}' in tenant '${key.tenantId}'.`);
    },
}));

/** The group's body as directory columns and profile fields, each value checked against its page, and what it changes. */
function changeOf(group: FieldGroup, body: Record<string, unknown>, user: UserRow): UserChange {
  const columns: Record<string, unknown> = {};
  const profile: Record<string, unknown> = {};
  const changes: UserChange['changes'] = [];
  const current = JSON.parse(user.profile) as Record<string, unknown>;
  for (const [name, field] of Object.entries(group.fields)) {
    let value = body[name];
    if (field.type === 'text' && field.check) value = checked(name, value as string, field.check, user);
    const column = COLUMNS[name];
    if (column) {
      const stored = field.type === 'bool' ? (value ? 1 : 0) : value;
      const before = (user as unknown as Record<string, unknown>)[column];
      if (before !== stored) changes.push({ field: name, before: field.type === 'bool' ? before === 1 : before, after: value });
      columns[column] = stored;
    } else {
      const profileName = PROFILE_NAME[group.segment]?.[name] ?? name;
      const before = current[profileName] ?? null;
      if (JSON.stringify(before) !== JSON.stringify(value)) changes.push({ field: name, before, after: value });
      profile[profileName] = value;
    }
  }
  return { columns, profile, changes };
}

/** The audit record of one PUT: who changed which fields of which user, with before and after. */
function auditRecord(group: FieldGroup, partnerId: string, tenantId: string, user: UserRow, fields: UserChange['changes'], at: number) {
  return {
    id: newId(),
    actionTime: isoOf(at),
    productType: 'Portal',
    actionName: group.summary,
    actionUser: `partner:${partnerId}`,
    objectType: 'User',
    objectName: user.upn,
    module: 'Elements user management',
    functionality: `${group.collection}/${group.segment}`,
    operationType: 'Update',
    status: 'Successful',
    previousValue: JSON.stringify(Object.fromEntries(fields.map((f) => [f.field, f.before]))),
    currentValue: JSON.stringify(Object.fromEntries(fields.map((f) => [f.field, f.after]))),
    additionalDetails: { userId: user.user_id, tenantId, fieldsChanged: fields.map((f) => f.field), partnerId },
  };
}
