import { fields, type FieldMap } from '../shared/fields.js';
import type { CollectionSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/eol/groups.md (`eolReportGroups`), in the response sample's order. */
export const EOL_GROUP_FIELDS = fields({
  displayName: 'string', tenantDomain: 'string', mail: 'string', mailNickname: 'string', mailEnabled: 'boolean', groupType: 'integer',
  deletedDateTime: 'string', teamStatus: 'integer', membershipType: 'integer', visibility: 'integer', createdDateTime: 'string', tenantId: 'string',
  objectId: 'string', actionType: 'integer', actionTime: 'string', operatorId: 'string', operatorUserPrincipalName: 'string',
  operatorDisplayName: 'string', platform: 'integer',
});

/** main/services-and-features/enpower/eol/viva-groups.md (`eolReportGroups`), in the response sample's order. */
export const EOL_VIVA_GROUP_FIELDS = fields({
  displayName: 'string', tenantDomain: 'string', mail: 'string', mailNickname: 'string', mailEnabled: 'boolean', groupType: 'integer',
  deletedDateTime: 'string', vivaStatus: 'integer', membershipType: 'integer', visibility: 'integer', createdDateTime: 'string', tenantId: 'string',
  objectId: 'string', actionType: 'integer', actionTime: 'string', operatorId: 'string', operatorUserPrincipalName: 'string',
  operatorDisplayName: 'string', platform: 'integer', teamStatus: 'integer',
});

/** main/services-and-features/enpower/eol/sharepoint.md (`eolReportSPSites`), in the response sample's order. */
export const EOL_SITE_FIELDS = fields({
  displayName: 'string', url: 'string', templateName: 'string', ownerName: 'string', ownerEmail: 'string', siteConnectGroup: 'string',
  connectedGroupId: 'string', isTeamsSite: 'string', hubSiteDisplayName: 'string', createdDateTime: 'string', createdBy: 'string',
  createdByEmail: 'string', createdFrom: 'string', deletedTime: 'string', deletedBy: 'string', storageUsed: 'string', fileViewedOrEdited: 'integer',
  pageViews: 'integer', pageVisits: 'integer', fileStored: 'integer', externalSharing: 'string', scanTime: 'string', tenantName: 'string',
  tenantId: 'string', objectId: 'string', actionType: 'integer', actionTime: 'string', operatorId: 'string', operatorUserPrincipalName: 'string',
  operatorDisplayName: 'string', platform: 'integer',
});

/** main/services-and-features/enpower/eol/teams.md (`eolReportTeams`), in the response sample's order. */
export const EOL_TEAM_FIELDS = fields({
  displayName: 'string', description: 'string', emailAddress: 'string', sensitivity: 'string', tenantDomain: 'string', privacy: 'integer',
  classification: 'string', groupId: 'string', siteUrl: 'string', storageUsed: 'string', createTime: 'string', tenantId: 'string',
  objectId: 'string', actionType: 'integer', actionTime: 'string', operatorId: 'string', operatorUserPrincipalName: 'string',
  operatorDisplayName: 'string', platform: 'integer',
});

const eol = (kind: string, producerPath: string, fieldMap: FieldMap, tenantNameField: string): CollectionSpec => ({ kind, producerPath, fields: fieldMap, idField: 'objectId', tenantNameFields: [tenantNameField] });

export const EOL_GROUPS = eol('eolGroup', 'eol-groups', EOL_GROUP_FIELDS, 'tenantDomain');
export const EOL_VIVA_GROUPS = eol('eolVivaGroup', 'eol-viva-groups', EOL_VIVA_GROUP_FIELDS, 'tenantDomain');
export const EOL_SITES = eol('eolSite', 'eol-sites', EOL_SITE_FIELDS, 'tenantName');
export const EOL_TEAMS = eol('eolTeam', 'eol-teams', EOL_TEAM_FIELDS, 'tenantDomain');
