import { Type } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { RISK_LEVEL_CODES } from '../catalogue.js';
import { ListEnvelope } from '../envelope.js';
import { BodyPaging } from '../paging.js';

const SiteUrls = Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { minItems: 1, description: 'Site collection URLs, at most 100.' });

export const SitePermissionsBody = Type.Object({ siteUrls: SiteUrls, ...BodyPaging }, { additionalProperties: false });

export const SitePermission = Type.Object({
  module: Type.String(),
  name: Type.String(),
  url: Type.String(),
  objectType: Type.String(),
  principalName: Type.String(),
  email: Type.String(),
  principalType: Type.String(),
  permission: Type.String(),
  numberOfMembers: Type.Integer(),
  isExternalUser: Type.Boolean(),
  inheritType: Type.String(),
  linkGivingAccessTo: NullableString(),
});
export const SitePermissionPage = ListEnvelope('values', SitePermission);

const RiskLevel = Type.Integer({ enum: [...RISK_LEVEL_CODES] });
export const SiteOverviewBody = Type.Object(
  {
    riskLevel: Type.Optional(Type.Union([Type.Array(RiskLevel, { maxItems: 5 }), RiskLevel, Type.Null()], { description: 'Risk levels: 0 No risk, 1 Low, 2 Medium, 3 High, -2 No sensitivity definition applied. One or a list.' })),
    ...BodyPaging,
  },
  { additionalProperties: false },
);
export const SiteOverview = Type.Object({ siteName: Type.String(), siteUrl: Type.String(), riskItemCount: Type.Integer(), sensitiveItemCount: Type.Integer(), exposureItemCount: Type.Integer() });
export const SiteOverviewPage = ListEnvelope('values', SiteOverview);

export const SiteUrlParams = Type.Object({ siteUrl: Type.String({ minLength: 1, description: 'The site URL, URL-encoded.' }) });
export const SiteIdPage = ListEnvelope('values', Type.String());

export const DetailRecordsBody = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 400 }), ...BodyPaging }, { additionalProperties: false });
export const DetailRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  location: Type.String(),
  objectType: Type.String(),
  createdBy: Type.String(),
  module: Type.String(),
  inheritType: Type.String(),
  siteName: Type.String(),
  sensitivityLevel: Type.String(),
  exposureLevel: Type.String(),
  scannedTime: Type.String(),
  createdTime: Type.String(),
  modifiedTime: Type.String(),
  channelName: Type.String(),
  riskLevel: Type.String(),
  privacy: Type.String(),
  dataType: Type.Array(Type.String()),
  sensitivityLabel: NullableString(),
  trainableClassifier: NullableString(),
  tagName: Type.String(),
  retentionLabel: NullableString(),
  creatorEmail: Type.String(),
  webUrl: Type.String(),
});
export const DetailRecordPage = ListEnvelope('values', DetailRecord);
