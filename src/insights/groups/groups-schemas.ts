import { Type } from 'typebox';
import { ListEnvelope } from '../envelope.js';
import { NullableString } from '../../platform/schema.js';

export const GroupSummary = Type.Object({
  displayName: Type.String(),
  groupId: Type.String(),
  email: NullableString(),
  groupType: Type.String(),
  membershipType: Type.String(),
  createdOn: Type.String(),
  externalMemberCount: Type.Integer(),
});
export const GroupSummaryPage = ListEnvelope('values', GroupSummary);
