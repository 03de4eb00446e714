/**
 * The documented values of /aos/audit's filters (main/services-and-features/aos/aos.md):
 * the `productTypes` parameter values with the `product` names records carry, and the
 * Multi-Geo `geoLocations` codes.
 */
export const PRODUCT_TYPES = {
  Office365Management: 'Cloud Management',
  Office365Backup: 'Cloud Backup for Microsoft 365',
  GovernanceAutomation: 'Cloud Governance',
  Portal: 'AvePoint Online Services',
  PolicyEnforcer: 'Policies for Microsoft 365',
  CPManagement: 'Insights',
  SMP: 'EnPower',
  VDR: 'Confide',
  AvePointRecords: 'Opus',
  GsuiteBackup: 'Cloud Backup for Google Workspace',
  CRMBackup: 'Cloud Backup for Dynamics 365',
} as const;

export type ProductType = keyof typeof PRODUCT_TYPES;
export const PRODUCT_TYPE_NAMES = Object.keys(PRODUCT_TYPES) as ProductType[];

export const GEO_LOCATIONS = [
  'PrimaryGeoLocation', 'NAM', 'EUR', 'GBR', 'JPN', 'APC', 'AUS', 'CAN', 'IND', 'FRA', 'ARE', 'ZAF', 'CHE', 'KOR',
  'DEU', 'BRA', 'NOR', 'SWE', 'QAT', 'POL', 'ITA', 'ISR', 'MEX', 'NZL', 'ESP', 'TWN',
] as const;
export type GeoLocation = (typeof GEO_LOCATIONS)[number];

/** Scan job enums (main/services-and-features/aos/jobs.md). */
export const SCAN_JOB_TYPES = [0, 10, 11] as const;
export const SCAN_JOB_STATES = { Running: 1, Finished: 2, Failed: 3, FinishedWithException: 4, Skipped: 5, Stopped: 10 } as const;
export const SCAN_JOB_STATE_VALUES = Object.values(SCAN_JOB_STATES);
export const SCAN_PROFILE_CATEGORIES = [0, 1, 2, 3] as const;
