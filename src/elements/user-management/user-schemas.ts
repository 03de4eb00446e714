import { Type } from 'typebox';

export const UM_TAGS = ['Elements user management'] as const;
/** The reads list `elements.um.user.read.all`; the readwrite permission satisfies them too (docs/compatibility.md). */
export const UM_READ = ['elements.um.user.read.all', 'elements.um.user.readwrite.all'] as const;
export const UM_WRITE = ['elements.um.user.readwrite.all'] as const;

const Guid = Type.String({ minLength: 1, maxLength: 100 });
export const TenantParams = Type.Object({ customerId: Guid, tenantId: Guid });
export const UserParams = Type.Object({ customerId: Guid, tenantId: Guid, userId: Guid });

const Text = Type.Union([Type.String(), Type.Null()]);
const Status = Type.Array(Type.Integer({ minimum: 0, maximum: 8 }), { description: '0 MFA disabled, 1 Sign-in blocked, 2 Password expired, 3 High risk, 4 Medium risk, 5 Compliance, 6 Inactive, 7 Pending deletion, 8 Test user' });

/** A user row of the security users and users batch pages (dashboard_public_api.md, get-information-of-users.md). */
export const UserListItem = Type.Object({
  id: Type.String(),
  userPrincipalName: Type.String(),
  mail: Type.String(),
  displayName: Type.String(),
  firstName: Text,
  lastName: Text,
  employeeId: Text,
  location: Text,
  company: Text,
  department: Text,
  mobile: Text,
  jobTitle: Text,
  isTestUser: Type.Boolean(),
  age: Type.Integer({ description: 'The password age in days.' }),
  startDate: Text,
  endDate: Text,
  countryOrRegion: Text,
  status: Status,
});

/** The fields a local (hybrid) user has beyond a cloud user's; a single-user read adds them for local users. */
export const LOCAL_ONLY_FIELDS = ['middleName', 'initials', 'comment', 'departmentNumber', 'webPage', 'poBox', 'personalTitle', 'ipPhone', 'homePhone', 'pager', 'notes', 'homeDirectory', 'profilePath', 'logonScript'] as const;

/** get-information-of-user.md, in the response sample's order. */
export const UserDetail = Type.Object({
  id: Type.String(),
  manager: Text,
  firstName: Text,
  lastName: Text,
  displayName: Type.String(),
  jobTitle: Text,
  employeeId: Text,
  alternateEmailAddress: Type.Array(Type.String()),
  company: Text,
  department: Text,
  location: Text,
  passwordNeverExpire: Type.Boolean(),
  lastChangeDate: Type.String(),
  age: Type.Union([Type.Integer(), Type.Null()], { description: 'The age in years from the birthday.' }),
  isTestUser: Type.Boolean(),
  officePhone: Text,
  mobile: Text,
  birthday: Text,
  mail: Type.String(),
  usageLocation: Text,
  preferredLanguage: Text,
  enforceStart: Type.Boolean(),
  enforceStartDateTime: Text,
  enforceEnd: Type.Boolean(),
  enforceEndDateTime: Text,
  postalCode: Text,
  countryRegion: Text,
  state: Text,
  address: Text,
  loginName: Type.String(),
  status: Status,
  isExternal: Type.Boolean(),
  fax: Text,
  sponsor: Text,
  template: Text,
  city: Text,
  ...Object.fromEntries(LOCAL_ONLY_FIELDS.map((field) => [field, Type.Optional(Text)])),
});
