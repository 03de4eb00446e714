import { Type } from 'typebox';
import { NullableString } from '../../platform/schema.js';
import { ListEnvelope } from '../envelope.js';
import { BodyPaging } from '../paging.js';

export const LinkSummaryBody = Type.Object(
  {
    siteUrl: Type.String({ minLength: 1, maxLength: 2048, description: 'The SharePoint site URL.' }),
    linkType: Type.Integer({ enum: [32, 64, 128], description: '32 Specific, 64 Organization, 128 Anyone.' }),
    ...BodyPaging,
  },
  { additionalProperties: false },
);

export const LinkSummary = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  selfId: Type.String(),
  linkId: Type.String(),
  logonName: Type.String(),
  createTime: Type.String(),
  expireTime: NullableString(),
  name: Type.String(),
  objectUrl: Type.String(),
  linkType: Type.String(),
  shareBy: Type.String(),
  inheritFrom: NullableString(),
  inheritType: Type.String(),
  shareWith: Type.Integer(),
  linkUrl: Type.String(),
  permission: Type.String(),
  fileType: Type.String(),
  sensitivityLevel: Type.String(),
});
export const LinkSummaryPage = ListEnvelope('values', LinkSummary);
