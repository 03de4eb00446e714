import { fields } from '../shared/fields.js';
import type { CollectionSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/environments.md (`environments`), in the response sample's order. */
export const ENVIRONMENT_FIELDS = fields({
  id: 'string', name: 'string', dataverseInstanceUrl: 'string', displayName: 'string', tenantId: 'string', tenant: 'string', containerId: 'string',
  container: 'string', createdTime: 'string', lastModifiedTime: 'string', region: 'string', environmentType: 'string', isDefault: 'boolean',
  enPowerPolicyId: 'string', enPowerPolicyName: 'string', enPowerPolicyStatus: 'string', environmentOwnerId: 'string',
  environmentOwnerDisplayName: 'string', environmentOwnerDepartment: 'string', environmentOwnerUserPrincipalName: 'string',
  environmentOwnerOffice: 'string', hasManaged: 'boolean', ownerIsDisabled: 'boolean', totalNumberOfAppsAndFlows: 'integer', hasDataverse: 'boolean',
  hasDlpPolicy: 'boolean', dlpPolicies: 'integer', hasPremiumConnection: 'boolean', ownerUserType: 'string', numberOfAdmins: 'integer',
  numberOfMakers: 'integer', numberOfShadowUsers: 'integer', numberOfApps: 'integer', numberOfFlows: 'integer', numberOfDesktopFlows: 'integer',
  numberOfConnections: 'integer', numberOfGuestUsers: 'integer', numberOfUsers: 'integer', hasSecurityGroup: 'boolean', hasEnPowerPolicy: 'boolean',
  securityGroupId: 'string', securityGroup: 'securityGroup', securityGroupType: 'string', numberOfSecurityGroupOwners: 'integer',
  numberOfSecurityGroupUsers: 'integer', totalUsage: 'string', usageOfDatabase: 'string', usageOfDatabasePercentage: 'string', usageOfFile: 'string',
  usageOfFilePercentage: 'string', usageOfLog: 'string', usageOfLogPercentage: 'string', primaryContact: 'user', secondaryContact: 'user',
  lastRenewalTime: 'string', phaseStartTime: 'string', renewalDueDate: 'string', nextRenewalDate: 'string', lastRenewalBy: 'user',
  renewProfileApplied: 'boolean', metadata: 'metadata', electionProfileApplied: 'boolean', isRegistered: 'boolean', phase: 'string',
  phaseAssignees: 'assignees', renewProfile: 'profile', electionProfile: 'profile', claimStatus: 'string',
});

export const ENVIRONMENTS: CollectionSpec = {
  kind: 'environment',
  producerPath: 'environments',
  fields: ENVIRONMENT_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenant'],
  computed: {
    numberOfApps: { from: 'children', kinds: ['powerApp'] },
    numberOfFlows: { from: 'children', kinds: ['cloudFlow'] },
    numberOfDesktopFlows: { from: 'children', kinds: ['desktopFlow'] },
    numberOfConnections: { from: 'children', kinds: ['connection'] },
    totalNumberOfAppsAndFlows: { from: 'children', kinds: ['powerApp', 'cloudFlow', 'desktopFlow'] },
  },
};
