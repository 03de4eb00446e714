import { fields } from '../shared/fields.js';
import type { CollectionSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/exchange/resourcemailboxes.md (`resourceMailboxes`), in the response sample's order. */
export const RESOURCE_MAILBOX_FIELDS = fields({
  id: 'string', userId: 'string', principalName: 'string', name: 'string', emailAddress: 'string', displayName: 'string', recipientType: 'string',
  status: 'string', hiddenFromAddressListsEnabled: 'boolean', createTime: 'string', modifiedTime: 'string', tenantId: 'string',
  tenantDomain: 'string', container: 'string', containerId: 'string', itemCount: 'integer', storageUsed: 'integer', issueWarningQuota: 'integer',
  prohibitSendQuota: 'integer', prohibitSendReceiveQuota: 'integer', deletedItemCount: 'integer', deletedItemSize: 'integer',
  firstScanTime: 'string', officeLocation: 'string', businessPhones: 'string', department: 'string', companyName: 'string', streetAddress: 'string',
  city: 'string', state: 'string', postalCode: 'string', countryOrRegion: 'string', resourceCapacity: 'integer', addressBookPolicy: 'string',
  customAttributes: 'customAttributes', notes: 'string', primaryContact: 'user', secondaryContact: 'user', metadata: 'metadata',
  isRegistered: 'boolean', phase: 'string', claimStatus: 'string',
});

/** main/services-and-features/enpower/exchange/userandsharedmailboxes.md (`mailboxes`), in the response sample's order. */
export const MAILBOX_FIELDS = fields({
  id: 'string', userId: 'string', principalName: 'string', name: 'string', emailAddress: 'string', displayName: 'string', recipientType: 'string',
  status: 'string', hiddenFromAddressListsEnabled: 'boolean', createTime: 'string', modifiedTime: 'string', tenantId: 'string',
  tenantDomain: 'string', container: 'string', containerId: 'string', itemCount: 'integer', storageUsed: 'integer', issueWarningQuota: 'integer',
  prohibitSendQuota: 'integer', prohibitSendReceiveQuota: 'integer', deletedItemCount: 'integer', deletedItemSize: 'integer',
  firstScanTime: 'string', firstName: 'string', lastName: 'string', alias: 'string', autoReplyEnabled: 'boolean', litigationHoldEnabled: 'boolean',
  emailForwardingEnabled: 'boolean', archiveStatus: 'string', archiveName: 'string', lastActivityDate: 'string', forwardingAddressDomain: 'string',
  externalForwardingAddressDomain: 'string', externalEmailForwardingEnabled: 'boolean', recipientLimits: 'string',
  mailboxPolicies: 'mailboxPolicies', primaryContact: 'user', secondaryContact: 'user', lastRenewalTime: 'string', phaseStartTime: 'string',
  renewalDueDate: 'string', nextRenewalDate: 'string', lastRenewalBy: 'user', renewProfileApplied: 'boolean', metadata: 'metadata',
  electionProfileApplied: 'boolean', isRegistered: 'boolean', phase: 'string', phaseAssignees: 'assignees', renewProfile: 'profile',
  electionProfile: 'profile', claimStatus: 'string',
});

/** The second of the two kinds a filter tells apart ("Shared mailbox", "Equipment mailbox") is 2, the first 1. */
const variantOf = (second: string) => (mailbox: Record<string, unknown>) => (String(mailbox.recipientType ?? '').toLowerCase().includes(second) ? 2 : 1);

export const MAILBOXES: CollectionSpec = {
  kind: 'mailbox',
  producerPath: 'mailboxes',
  fields: MAILBOX_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantDomain'],
  variantOf: variantOf('shared'),
};

export const RESOURCE_MAILBOXES: CollectionSpec = {
  kind: 'resourceMailbox',
  producerPath: 'resourcemailboxes',
  fields: RESOURCE_MAILBOX_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantDomain'],
  variantOf: variantOf('equipment'),
};
