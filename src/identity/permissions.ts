/**
 * Every permission an app registration can hold: the "Services and Permissions" table of
 * main/register-app.md, the permissions named on individual endpoint pages (main and
 * elements), and Meridian's own producer permission for the services that feed data in.
 */

export interface PermissionInfo {
  name: string;
  service: string;
  usage: string;
}

const p = (service: string, name: string, usage: string): PermissionInfo => ({ service, name, usage });

import { PRODUCER_PERMISSION } from '../platform/producer.js';

export { PRODUCER_PERMISSION };

/**
 * Meridian's own: an app holding it signs its tenant's administrators in to the console and
 * the admin API, confined to that tenant (src/identity/admin/admin-access.ts). Only the
 * operator grants it.
 */
export const TENANT_ADMIN_PERMISSION = 'meridian.tenant.admin';

export const PERMISSIONS: readonly PermissionInfo[] = [
  p('AvePoint Online Services', 'audit.read.all', 'Get the audit records of activities in your AvePoint Online Services tenant.'),
  p('AvePoint Online Services', 'autodiscovery.readwrite.all', 'Get the scan job information of AvePoint Online Services.'),
  p('Cloud Backup for Dynamics 365', 'dynamics.readwrite.all', 'Get job information from Cloud Backup for Dynamics 365.'),
  p('Cloud Backup for IaaS + PaaS', 'platformbackup.readwrite.all', 'Get job information from Cloud Backup for IaaS + PaaS.'),
  p('Cloud Backup for Microsoft 365', 'microsoft365backup.jobInfo.read.all', 'Get job information from Cloud Backup for Microsoft 365.'),
  p('Cloud Backup for Microsoft 365', 'microsoft365backup.subscriptionInfo.read.all', 'Get the subscription consumption information of Cloud Backup for Microsoft 365.'),
  p('Cloud Backup for Microsoft 365', 'microsoft365backup.settings.read.all', 'Get the backup settings and retention period information of Cloud Backup for Microsoft 365.'),
  p('Cloud Backup for Microsoft 365', 'microsoft365backup.unusualActivity.read.all', 'Get the basic information of unusual activities detected by Cloud Backup for Microsoft 365.'),
  p('Cloud Backup for Microsoft 365', 'microsoft365backup.restore.readwrite.all', 'Perform restore jobs in Cloud Backup for Microsoft 365.'),
  p('Cloud Backup for Google Workspace', 'gsuite.graph.read.all', 'Get job information from Cloud Backup for Google Workspace.'),
  p('Cloud Backup for Salesforce', 'salesforce.public.read.all', 'Get job information, monitor alerts and unusual activities from Cloud Backup for Salesforce.'),
  p('AvePoint Opus', 'records.readwrite.all', 'Submit records to AvePoint Opus, retrieve due records, and destroy records.'),
  p('EnPower', 'enpower.data.read.all', 'Retrieve data from EnPower.'),
  p('Insights', 'insights.graph.readwrite.all', 'Retrieve or export data from Insights.'),
  p('Fly', 'fly.graph.readwrite.all', 'Perform migrations with Fly.'),
  p('Cloud Governance', 'cloudgovernance.fullcontrol.all', 'Manage data in Cloud Governance.'),
  p('Confide', 'confide.graph.readwrite.all', 'Manage privileged users and permissions in Confide.'),
  p('Document Management System Online', 'dmso.graph.readwrite.all', 'Retrieve audit records.'),
  // Elements partner API (global endpoint); main/services-and-features/elements and elements/.
  p('Elements', 'partner.customers.read.all', 'Get the partner\'s customers.'),
  p('Elements', 'partner.license.read.all', 'Get service subscriptions of the partner\'s customers.'),
  p('Elements', 'partner.jobs.read.all', 'Get backup jobs of the partner\'s customers.'),
  p('Elements', 'partner.scanprofiles.read.all', 'Get scan profiles of the partner\'s customers.'),
  p('Elements', 'partner.cbprotected.read.all', 'Get the data protection status of the partner\'s customers.'),
  p('Elements', 'elements.customers.read.all', 'Get customers and their tenants.'),
  p('Elements', 'elements.customers.readwrite.all', 'Onboard customers and create authorization links.'),
  p('Elements', 'elements.license.read.all', 'Get service subscriptions and product overviews.'),
  p('Elements', 'elements.license.readwrite.all', 'Add services to customers.'),
  p('Elements', 'elements.jobs.read.all', 'Get customers\' jobs.'),
  p('Elements', 'elements.scanprofiles.read.all', 'Get customers\' scan profiles and their changes.'),
  p('Elements', 'elements.cbprotected.read.all', 'Get Cloud Backup for Microsoft 365 protection data.'),
  p('Elements', 'elements.bm.baseline.read.all', 'Get baselines and baseline reports.'),
  p('Elements', 'elements.bm.baseline.readwrite.all', 'Create baselines.'),
  p('Elements', 'elements.bm.tenant.read.all', 'Get baseline tenants and jobs.'),
  p('Elements', 'elements.bm.tenant.readwrite.all', 'Run baseline tenant actions.'),
  p('Elements', 'elements.wm.read.all', 'Get workspace management overviews.'),
  p('Elements', 'elements.rm.read.all', 'Get risk management detections.'),
  p('Elements', 'elements.um.user.read.all', 'Get users and security overviews.'),
  p('Elements', 'elements.um.user.readwrite.all', 'Update users.'),
  p('Meridian', PRODUCER_PERMISSION, 'Push product data (jobs, events, inventory) into a region through the producer API.'),
  p('Meridian', TENANT_ADMIN_PERMISSION, "Administer this tenant in the console and the admin API: its app registrations, secrets, certificates, audit records and settings (granted by the operator only)."),
];

/** Meridian's own permissions: not the docs', never granted to the demo app. */
export const MERIDIAN_PERMISSION_NAMES: ReadonlySet<string> = new Set([PRODUCER_PERMISSION, TENANT_ADMIN_PERMISSION]);

const byLowerName = new Map(PERMISSIONS.map((perm) => [perm.name.toLowerCase(), perm]));

/** Permission names are matched case-insensitively, as clients type them in either case. */
export function findPermission(name: string): PermissionInfo | undefined {
  return byLowerName.get(name.trim().toLowerCase());
}

/** The documented permissions, i.e. everything a customer-facing app may hold. */
export const DOCUMENTED_PERMISSION_NAMES = PERMISSIONS.filter((perm) => !MERIDIAN_PERMISSION_NAMES.has(perm.name)).map((perm) => perm.name);
