import { invalidParameter } from '../../platform/errors.js';
import { single } from '../../platform/query.js';

/**
 * The documented values of Cloud Backup for Microsoft 365 (main/services-and-features/m365):
 * overview.md's `location` and `serviceType` tables, and list-jobs.md's filter enums.
 */

/** overview.md, "Parameter: location". PrimaryGeoLocation is the central location. */
export const M365_LOCATIONS = [
  'PrimaryGeoLocation', 'NAM', 'EUR', 'GBR', 'JPN', 'APC', 'AUS', 'CAN', 'IND', 'FRA', 'ARE', 'ZAF', 'CHE', 'KOR',
  'DEU', 'BRA', 'NOR', 'SWE', 'QAT', 'POL', 'ITA', 'ISR', 'MEX', 'NZL', 'ESP', 'TWN',
] as const;
export type M365Location = (typeof M365_LOCATIONS)[number];
export const CENTRAL_LOCATION: M365Location = 'PrimaryGeoLocation';

/** overview.md, "Attribute: serviceType". */
export const M365_SERVICE_TYPES = {
  0: 'Exchange Online',
  1: 'SharePoint Online',
  2: 'OneDrive',
  3: 'Microsoft 365 Groups',
  4: 'Project Online',
  5: 'Public Folder',
  6: 'Teams',
  7: 'Public Folder Metadata',
  8: 'Private Channel',
  9: 'Yammer Group',
  10: 'Personal Chat',
  11: 'Power BI',
  12: 'Power Automate',
  13: 'Shared Channel',
  14: 'Power Apps',
} as const;
export const M365_SERVICE_TYPE_VALUES = Object.keys(M365_SERVICE_TYPES).map(Number);

/**
 * list-jobs.md's `objectType` numbers the services differently from `serviceType` (1-based,
 * and some services folded together): each value maps to the serviceTypes it covers.
 */
export const M365_OBJECT_TYPES: Record<number, number[]> = {
  1: [0], // Exchange Online
  2: [1], // SharePoint Online
  3: [2], // OneDrive
  4: [3], // Microsoft 365 Groups
  5: [4], // Project Online
  6: [5, 7], // Public Folder (its metadata jobs included)
  7: [6, 8, 13], // Teams (private and shared channels included)
  8: [9], // Viva Engage (Yammer Group)
  9: [10], // Teams Chat (Personal Chat)
  10: [11], // Power BI
  11: [12], // Power Automate
  12: [14], // Power Apps
};

/** list-jobs.md's `jobType` (0 = All is a filter value only). */
export const M365_JOB_TYPES = { Backup: 1, Restore: 2, Export: 3, Deletion: 4, Retention: 5 } as const;

/** list-jobs.md's `jobState` numbers, and the `state` text a job carries in responses. */
export const M365_JOB_STATES = {
  'In Progress': 1,
  Finished: 2,
  Failed: 3,
  'Finished with Exception': 4,
  'Partially Finished': 5,
} as const;
export type M365StateName = keyof typeof M365_JOB_STATES;
export const M365_STATE_NAMES = Object.keys(M365_JOB_STATES) as M365StateName[];
export const M365_STATE_BY_VALUE = new Map(M365_STATE_NAMES.map((name) => [M365_JOB_STATES[name], name]));
export const M365_RUNNING_STATES: readonly number[] = [M365_JOB_STATES['In Progress']];

const byLower = new Map(M365_LOCATIONS.map((location) => [location.toLowerCase(), location]));

/** The `location` parameter, any case; undefined when absent. */
export function parseLocation(value: unknown, name = 'location'): M365Location | undefined {
  const text = single(value)?.trim();
  if (!text) return undefined;
  const match = byLower.get(text.toLowerCase());
  if (!match) throw invalidParameter(name, `has an unknown value '${text.slice(0, 40)}'; valid values are ${M365_LOCATIONS.join(', ')}`);
  return match;
}
