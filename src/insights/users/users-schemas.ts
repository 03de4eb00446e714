import { Type } from 'typebox';
import { ListEnvelope } from '../envelope.js';
import { BodyPaging } from '../paging.js';

/** POST /insights/users/access body (userPermissions.md; the page calls them query parameters, the sample sends JSON). */
export const UserAccessBody = Type.Object(
  {
    siteUrls: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 100 }), Type.Null()], { description: 'Site collection URLs to limit the permissions to.' })),
    emails: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 100, description: 'Email addresses or user principal names.' }),
    ...BodyPaging,
  },
  { additionalProperties: false },
);

export const UserPermission = Type.Object({
  module: Type.String(),
  siteName: Type.String(),
  name: Type.String(),
  location: Type.String(),
  objectType: Type.String(),
  inheritType: Type.String(),
  permission: Type.String(),
  sensitivityLevel: Type.String(),
  dataType: Type.String(),
  isDirect: Type.Boolean(),
  sensitivityLabel: Type.String(),
  trainableClassifier: Type.String(),
  inheritedFrom: Type.String(),
});
export const UserPermissionPage = ListEnvelope('values', UserPermission);

export const UserSummary = Type.Object({
  displayName: Type.String(),
  loginName: Type.String(),
  email: Type.String(),
  userStatus: Type.String(),
  trustStatus: Type.String(),
  sitesWithDirectAccess: Type.Integer(),
  LastSignIn: Type.String({ description: 'Less than 90 Days, More than 90 Days, More than 180 Days, None, N/A (spelled as the sample spells it).' }),
  createdOn: Type.String(),
});
export const UserSummaryPage = ListEnvelope('results', UserSummary);
