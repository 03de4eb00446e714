/**
 * The Elements pages' enumerations, kept as data: data-center ids of onboard-customer.md,
 * the jobs enums of get-customer-jobs.md, products of add-service.md and
 * get-avpt-products-overview-type.md, and the customer's jobStatus of get-all-customers.md.
 */

/**
 * onboard-customer.md's `dataCenter` GUIDs onto Meridian's data-center codes. The page lists
 * 17 commercial and 1 GOV data center; the other five of main/Overview.md (uae, aos2,
 * fedramp, za, qa) have no documented GUID, so Meridian gives them fixed ids of its own.
 */
export const DATA_CENTER_IDS: Readonly<Record<string, string>> = {
  '0b635b49-4c56-4e52-800a-1fa79b2d5b08': 'au',
  '7b9835ec-7299-4177-85e3-ba5cb3b2e041': 'ca',
  'e44bb3ed-f1d8-4055-8c77-c8fd8cd63409': 'us',
  '49681f94-26a7-4825-aca2-df2eca7c0f81': 'fr',
  'ab2faf29-9e66-45ce-bf37-32f8cf484fb2': 'gcp-au',
  '7bd9748b-b52b-4e4d-9389-e70dccee3b2d': 'gcp-us',
  '4f77581e-1a6f-47fd-9f68-9134a4f6989b': 'gcp-jp',
  '8998f218-708f-4084-8647-32ed67042487': 'gcp-kr',
  'e38cb1b7-efa9-490e-ab46-83b45a94d1da': 'gcp-we',
  '3225f6f8-a98c-425e-8279-c6696d99659d': 'de',
  'ca577c72-83bd-454c-af62-da3d0586691d': 'jp',
  'e4f66389-8219-4432-9af1-01a9fe62a640': 'kr',
  'f1cdd2b2-ac32-4509-8784-fb2b947ef519': 'ne',
  '0d4a9846-97ad-4c09-bb1c-8fbe93eaf3c6': 'sg',
  'f8ccd75d-d979-417c-96ee-ae256a3af091': 'ch',
  'd95b9c82-a426-400f-8256-70646fdd1b4f': 'uk',
  '4f93bdff-9b11-47b9-aa68-a86bfa09f61c': 'we',
  'd9210f50-bdb1-4f8f-a2bb-99694d11f2da': 'gov',
  // Undocumented: Meridian's own ids.
  '6d657269-6469-616e-0000-000000000001': 'uae',
  '6d657269-6469-616e-0000-000000000002': 'aos2',
  '6d657269-6469-616e-0000-000000000003': 'fedramp',
  '6d657269-6469-616e-0000-000000000004': 'za',
  '6d657269-6469-616e-0000-000000000005': 'qa',
};

const CODE_TO_ID = new Map(Object.entries(DATA_CENTER_IDS).map(([id, code]) => [code, id]));

export function dataCenterOfId(id: string): string | undefined {
  return DATA_CENTER_IDS[id.trim().toLowerCase()];
}

export function dataCenterId(code: string): string {
  return CODE_TO_ID.get(code)!;
}

/** get-all-customers.md `jobStatus`; v2 renders the names. */
export const CUSTOMER_JOB_STATUS = ['N/A', 'Working', 'Failed', 'Waiting for configuration', 'Multiple issues found', 'Finished with exception', 'No backup updates'] as const;

/** get-all-customers.md `managementMode`. */
export const MANAGEMENT_MODES = [0, 1, 2] as const;

/** get-customer-jobs.md `jobType`. */
export const JOB_TYPES: Readonly<Record<number, string>> = {
  0: 'Microsoft 365 Scan',
  7: 'Microsoft 365',
  10: 'Google Workspace Scan',
  11: 'Google Workspace',
  12: 'IaaS + PaaS',
  15: 'Salesforce',
  16: 'Dynamics 365',
};

/** get-customer-jobs.md `jobModule`. */
export const JOB_MODULES: Readonly<Record<number, string>> = {
  0: 'None', 8: 'Archiver', 10: 'Retention', 302: 'SharePoint Online', 303: 'Exchange Online', 304: 'Microsoft 365 Groups', 305: 'OneDrive',
  306: 'Project Online', 307: 'Exchange Online Public Folder', 308: 'Microsoft Teams', 309: 'Teams Chat', 310: 'Power BI', 311: 'Power Automate',
  312: 'Power Apps', 355: 'Cloud Backup for Azure', 356: 'Azure Virtual Machine', 357: 'Disk', 358: 'Microsoft Entra ID', 359: 'Storage',
  360: 'Admin Portal Settings', 361: 'Amazon EC2', 362: 'Native Azure SQL Backup Monitoring', 363: 'Dev Ops', 364: 'Microsoft Entra ID B2C',
  365: 'Azure SQL Backup', 366: 'Google Virtual Machine Instance', 367: 'Azure VMware Solution', 368: 'Microsoft SQL Server in Azure VM',
  369: 'Google Cloud Storage', 370: 'Cosmos DB', 371: 'Azure PostgreSQL', 401: 'Dynamics 365', 402: 'Viva Engage', 501: 'Gmail', 502: 'Calendar',
  503: 'Contacts', 504: 'Drive', 505: 'Shared Drives', 506: 'Google Classroom', 507: 'Chat', 508: 'Google Directory', 550: 'Dynamics CRM Backup',
  551: 'Dynamics Unified Operations Backup',
};

/** get-customer-jobs.md `status`. */
export const JOB_STATUS: readonly string[] = [
  'None', 'Running', 'Finished', 'Failed', 'Finished with exception', 'Skipped', 'Pending', 'Failed to start', 'Canceled', 'Rejected', 'Stopped',
  'Not scanned', 'Disabled', 'Not started', 'Waiting for configuration',
];

/**
 * The Microsoft 365 backup modules (jobType 7) as the regional `/backup/m365/cloudbackupjobs`
 * filters them: jobModule → that list's `objectType` (m365/jobs/list-jobs.md).
 */
export const M365_MODULE_OBJECT_TYPES: ReadonlyArray<{ jobModule: number; objectType: number }> = [
  { jobModule: 303, objectType: 1 },
  { jobModule: 302, objectType: 2 },
  { jobModule: 305, objectType: 3 },
  { jobModule: 304, objectType: 4 },
  { jobModule: 306, objectType: 5 },
  { jobModule: 307, objectType: 6 },
  { jobModule: 308, objectType: 7 },
  { jobModule: 402, objectType: 8 },
  { jobModule: 309, objectType: 9 },
  { jobModule: 310, objectType: 10 },
  { jobModule: 311, objectType: 11 },
  { jobModule: 312, objectType: 12 },
];

/**
 * The Google Workspace modules (jobType 11) onto the regional `/backup/google/admin/jobs`
 * `appType`s (google/google.md); a Vault service counts as its module, Users and Groups as
 * Google Directory.
 */
export const GOOGLE_MODULE_APP_TYPES: ReadonlyArray<{ jobModule: number; appTypes: readonly number[] }> = [
  { jobModule: 501, appTypes: [1, 8192] },
  { jobModule: 502, appTypes: [4] },
  { jobModule: 503, appTypes: [8] },
  { jobModule: 504, appTypes: [2, 16384] },
  { jobModule: 505, appTypes: [64, 32768] },
  { jobModule: 506, appTypes: [128] },
  { jobModule: 507, appTypes: [4096] },
  { jobModule: 508, appTypes: [256, 512] },
];

/**
 * The IaaS + PaaS modules (jobType 12) onto the regional `/backup/vm/jobs` `serviceType` and
 * that service's backup `jobType` (iaas-paas/iaas-paas.md). Services without a jobModule
 * (AWS Setting, Amazon S3, Entra External ID) and modules without a service (355, 357) have
 * no list.
 */
export const IAAS_MODULE_SERVICES: ReadonlyArray<{ jobModule: number; serviceType: number; backupJobType: number }> = [
  { jobModule: 356, serviceType: 1, backupJobType: 1 },
  { jobModule: 358, serviceType: 2, backupJobType: 128 },
  { jobModule: 359, serviceType: 4, backupJobType: 1024 },
  { jobModule: 360, serviceType: 64, backupJobType: 20003 },
  { jobModule: 361, serviceType: 256, backupJobType: 20009 },
  { jobModule: 362, serviceType: 512, backupJobType: 20012 },
  { jobModule: 363, serviceType: 1024, backupJobType: 20014 },
  { jobModule: 364, serviceType: 4096, backupJobType: 20019 },
  { jobModule: 365, serviceType: 2048, backupJobType: 20016 },
  { jobModule: 366, serviceType: 8192, backupJobType: 20022 },
  { jobModule: 367, serviceType: 21000, backupJobType: 60010 },
  { jobModule: 368, serviceType: 20000, backupJobType: 60000 },
  { jobModule: 369, serviceType: 23000, backupJobType: 70010 },
  { jobModule: 370, serviceType: 24000, backupJobType: 80000 },
  { jobModule: 371, serviceType: 25000, backupJobType: 60100 },
];

/** The Dynamics 365 modules (jobType 16) onto the regional `/dynamicsbackup/jobs` `module` names (d365/d365.md). */
export const D365_MODULE_NAMES: ReadonlyArray<{ jobModule: number; module: string }> = [
  { jobModule: 401, module: 'Power Platform' },
  { jobModule: 550, module: 'Customer Engagement' },
  { jobModule: 551, module: 'Finance and Operations' },
];

/** Each regional list's job states onto get-customer-jobs.md `status` (its page names the states). */
export const REGIONAL_JOB_STATUS = {
  /** list-jobs.md `state` names. */
  m365: { 'In Progress': 1, Finished: 2, Failed: 3, 'Finished with Exception': 4, 'Partially Finished': 4 } as Readonly<Record<string, number>>,
  /** google.md: 0 In progress, 2 Finished, 3 Failed, 7 Finished with exception. */
  google: { 0: 1, 2: 2, 3: 3, 7: 4 } as Readonly<Record<number, number>>,
  /** iaas-paas.md flags: 0 Not started, 1 In progress, 2 Successful, 4 Skipped, 8 Exception, 16 Failed, 32 Waiting, 64 Stopped. */
  iaas: { 0: 13, 1: 1, 2: 2, 4: 5, 8: 4, 16: 3, 32: 6, 64: 10 } as Readonly<Record<number, number>>,
  /** salesforcebackup/jobs.md: 1 In progress, 2 Finished, 3 Finished with exception, 4 Failed, 5 Paused (it resumes: running), 6 Stopped, 7 Skipped. */
  salesforce: { 1: 1, 2: 2, 3: 4, 4: 3, 5: 1, 6: 10, 7: 5 } as Readonly<Record<number, number>>,
  /** d365.md: 2 In progress, 3 Finished, 4 Failed, 7 Finished with exception. */
  d365: { 2: 1, 3: 2, 4: 3, 7: 4 } as Readonly<Record<number, number>>,
};

/** get-avpt-products-overview-type.md `productType`. */
export const PRODUCT_TYPES: Readonly<Record<number, string>> = {
  1: 'DocAve Online', 4: 'Cloud Governance', 32: 'Cloud Backup for Salesforce', 40: 'Baseline management', 41: 'Risk management',
  42: 'Workspace management', 49: 'User management', 60: 'MyHub', 65: 'WorkSpace management - storage optimization', 257: 'TyGraph',
  2048: 'Cloud Backup for Microsoft 365', 4096: 'Cloud Management', 8192: 'Cloud Archiving', 65536: 'Opus', 131072: 'Cloud Backup for Dynamics 365',
  4194304: 'Insights', 8388608: 'Policies for Microsoft 365', 16777216: 'Fly', 33554432: 'Cloud Backup for Google Workspace', 67108864: 'Cense',
  134217728: 'Enpower', 1073741824: 'Cloud Backup for IaaS + PaaS',
};

/** add-service.md `product`: what a partner can add, and the pool resources each draws on. */
export const ADDABLE_PRODUCTS: Readonly<Record<number, { resources: readonly string[]; premium: boolean; storage: boolean }>> = {
  2048: { resources: ['Office365Backup', 'Office365PPBackup', 'Office365EXODBackup'], premium: false, storage: true },
  274: { resources: ['Office365Backup'], premium: false, storage: false },
  40: { resources: ['PartnerTenantSettingManagement'], premium: true, storage: false },
  42: { resources: ['PartnerWorkspaceOnboarding'], premium: true, storage: false },
  49: { resources: ['PartnerUserManagement'], premium: true, storage: false },
  65: { resources: ['PartnerStorageOptimization'], premium: true, storage: false },
};

export const POOL_RESOURCES = ['Office365Backup', 'Office365PPBackup', 'Office365EXODBackup', 'PartnerTenantSettingManagement', 'PartnerWorkspaceOnboarding', 'PartnerUserManagement', 'PartnerStorageOptimization'] as const;

/** Display names of added products (get-all-services.md `service`). */
export const SERVICE_NAMES: Readonly<Record<number, string>> = {
  2048: 'Cloud Backup for Microsoft 365', 274: 'Cloud Backup Express', 40: 'Baseline management', 42: 'Workspace management',
  49: 'User and device management', 65: 'Workspace management - storage optimization',
};

export const SOURCE_NAMES: Readonly<Record<number, string>> = { 1: 'AvePoint pooled subscription', 2: 'Marketplace pooled subscription', 6: 'LARS AvePoint pooled subscription' };

/** get-m365-tenant-product-apps.md `productName`. */
export const SERVICE_APPS = ['PartnerTenantSettingManagement', 'PartnerWorkspaceOnboarding'] as const;
export type ServiceApp = (typeof SERVICE_APPS)[number];

/** get-customer-scan-profile-detail.md container `objectType`; v2 renders the names. */
export const CONTAINER_OBJECT_TYPES: Readonly<Record<number, string>> = {
  0: 'SiteCollection', 1: 'Mailbox', 2: 'OneDrive', 5: 'Microsoft365Group', 6: 'ProjectOnline', 7: 'PublicFolder', 9: 'Channel', 10: 'User',
  11: 'NoneUnifiedGroup', 12: 'PowerPlatformEnvironment', 13: 'PowerPlatformConnection', 14: 'PowerApps', 15: 'PowerAutomate', 16: 'PowerBIWorkspace',
  17: 'ActiveDirectoryMailbox', 18: 'ActiveDirectoryUser', 19: 'ActiveDirectoryGroup', 20: 'PowerPlatformSolution', 21: 'PowerCopilotStudio',
  22: 'PowerPage', 23: 'LoopContainer', 24: 'SharePointAgent', 25: 'AzureAIFoundryAgent', 100: 'GoogleUser', 101: 'GoogleSharedDrive',
  102: 'GoogleClassroom', 103: 'GoogleMailbox', 104: 'GoogleGroup', 105: 'GoogleVaultMatter',
};

/** The permissions of each version; read endpoints also accept the readwrite permission of their area. */
export const V3 = {
  customersRead: ['elements.customers.read.all', 'elements.customers.readwrite.all'],
  customersWrite: ['elements.customers.readwrite.all'],
  licenseRead: ['elements.license.read.all', 'elements.license.readwrite.all'],
  licenseWrite: ['elements.license.readwrite.all'],
  cbProtected: ['elements.cbprotected.read.all'],
  jobs: ['elements.jobs.read.all'],
  scanProfiles: ['elements.scanprofiles.read.all'],
} as const;

export const V2 = {
  customers: ['partner.customers.read.all'],
  cbProtected: ['partner.cbprotected.read.all'],
  jobs: ['partner.jobs.read.all'],
  scanProfiles: ['partner.scanprofiles.read.all'],
  license: ['partner.license.read.all'],
} as const;

/** Every Elements permission: a token holding one of them makes its tenant a partner. */
export const ELEMENTS_PERMISSIONS: readonly string[] = [...new Set([...Object.values(V3).flat(), ...Object.values(V2).flat()])];
