import { SeededRandom } from '../../platform/random.js';
import type { ProducedM365Job } from '../m365/jobs/job-schemas.js';
import { M365_JOB_TYPES, type M365Location } from '../m365/catalogue.js';
import { counts, iso, outcome, pad, reports, slots, stamp, type Schedule, type SimulatedJob } from './timeline.js';

/**
 * Cloud Backup for Microsoft 365 as a tenant sees it: every service backed up on its
 * schedule (Exchange hourly, SharePoint and OneDrive several times a day, the rest daily) in
 * the central location and the Multi-Geo satellites NAM, EUR and APC (the docs' samples ask
 * for Location=NAM); daily retention, occasional
 * deletion, restore and export jobs; failures with job errors, exceptions, skipped objects.
 */
export interface M365SimulationOptions {
  tenantId: string;
  domain: string;
  startMs: number;
  endMs: number;
  seed: string;
  /** Exactly this many jobs; absent: the schedules' own rate. */
  jobs?: number;
}

interface JobSpec {
  jobType: number;
  serviceType: number;
  location: M365Location;
  /** Typical objects per run and minutes per run. */
  objects: number;
  minutes: number;
}

const backup = (serviceType: number, perDay: number, objects: number, minutes: number, location: M365Location = 'PrimaryGeoLocation'): Schedule<JobSpec> => ({
  perDay,
  spec: { jobType: M365_JOB_TYPES.Backup, serviceType, location, objects, minutes },
});

/** The schedules the simulator runs; backup-frequency reports the same numbers. */
export const M365_SCHEDULES: Schedule<JobSpec>[] = [
  backup(0, 24, 420, 25), // Exchange Online, hourly
  backup(1, 4, 160, 40), // SharePoint Online
  backup(2, 4, 240, 35), // OneDrive
  backup(3, 1, 60, 20), // Microsoft 365 Groups
  backup(4, 1, 12, 15), // Project Online
  backup(5, 1, 30, 10), // Public Folder
  backup(6, 2, 45, 30), // Teams
  backup(9, 1, 20, 8), // Yammer Group (Viva Engage)
  backup(10, 1, 300, 45), // Personal Chat (Teams Chat)
  backup(11, 1, 25, 6), // Power BI
  backup(12, 1, 40, 6), // Power Automate
  backup(14, 1, 18, 5), // Power Apps
  backup(0, 6, 90, 20, 'EUR'),
  backup(1, 2, 35, 25, 'EUR'),
  backup(2, 2, 60, 25, 'EUR'),
  backup(0, 6, 110, 20, 'NAM'),
  backup(1, 2, 45, 25, 'NAM'),
  backup(2, 2, 70, 25, 'NAM'),
  backup(0, 3, 40, 20, 'APC'),
  backup(1, 1, 20, 25, 'APC'),
  { perDay: 1, spec: { jobType: M365_JOB_TYPES.Retention, serviceType: 1, location: 'PrimaryGeoLocation', objects: 200, minutes: 30 } },
  { perDay: 0.15, spec: { jobType: M365_JOB_TYPES.Deletion, serviceType: 2, location: 'PrimaryGeoLocation', objects: 3, minutes: 10 } },
  { perDay: 0.3, spec: { jobType: M365_JOB_TYPES.Restore, serviceType: 1, location: 'PrimaryGeoLocation', objects: 40, minutes: 12 } },
  { perDay: 0.2, spec: { jobType: M365_JOB_TYPES.Restore, serviceType: 0, location: 'PrimaryGeoLocation', objects: 25, minutes: 8 } },
  { perDay: 0.2, spec: { jobType: M365_JOB_TYPES.Export, serviceType: 2, location: 'PrimaryGeoLocation', objects: 60, minutes: 15 } },
];

const ERRORS = [
  { isErrorCode: false, value: 'The remote server returned an error: (429) Too Many Requests.', url: null },
  { isErrorCode: true, value: 'Error code: 0x00010005. The object was locked by another process.', url: 'https://learn.avepoint.com/Error-Codes/0x00010005' },
  { isErrorCode: true, value: 'Error code: 0x0001A20B. Access to the mailbox was denied.', url: 'https://learn.avepoint.com/Error-Codes/0x0001A20B' },
  { isErrorCode: false, value: 'The operation has timed out.', url: null },
  { isErrorCode: true, value: 'Error code: 0x00020014. The item exceeds the maximum size.', url: 'https://learn.avepoint.com/Error-Codes/0x00020014' },
];

const PREFIX: Record<number, string> = { 1: 'IB', 2: 'RS', 3: 'EX', 4: 'DL', 5: 'RT' };

/** The producer's reports of the simulated jobs, batched, in arrival order. */
export function simulateM365Jobs(options: M365SimulationOptions): Generator<ProducedM365Job[]> {
  return reports(m365Jobs(options), options.endMs);
}

/** The simulated jobs oldest first, each with its start and finish report. */
export function* m365Jobs(options: M365SimulationOptions): Generator<SimulatedJob<ProducedM365Job>> {
  const random = new SeededRandom(`${options.seed}:backup:m365:${options.tenantId}`);
  for (const slot of slots(M365_SCHEDULES, options, random, options.jobs)) {
    const spec = slot.spec;
    const result = outcome(random);
    const count = counts(random, result, spec.objects);
    const durationMs = Math.round(spec.minutes * (0.4 + random.next() * 1.2) * 60_000) + random.int(5, 59) * 1000;
    // A service's first backup in the window is a full backup (FB), the later ones incremental.
    const prefix = spec.jobType === M365_JOB_TYPES.Backup && slot.run === 0 ? 'FB' : PREFIX[spec.jobType]!;
    const id = `${prefix}${stamp(slot.atMs)}${pad(slot.index, 6)}`;
    const base = { id, jobType: spec.jobType, serviceType: spec.serviceType, startTime: iso(slot.atMs), location: spec.location };
    const errors = result === 'finished' ? [] : [{ ...random.pick(ERRORS), number: Math.max(1, count.failed) }];
    const state = result === 'finished' ? 'Finished' : result === 'exception' ? 'Finished with Exception' : result === 'failed' ? 'Failed' : 'Partially Finished';
    yield {
      startMs: slot.atMs,
      finishMs: slot.atMs + durationMs,
      started: { ...base, state: 'In Progress', backupDetails: { totalCount: count.total, failedCount: 0, successfulCount: 0, skippedCount: 0 } },
      finished: {
        ...base,
        state,
        finishTime: iso(slot.atMs + durationMs),
        backupDetails: { totalCount: count.total, failedCount: count.failed, successfulCount: count.successful, skippedCount: count.skipped },
        jobErrors: errors,
      },
    };
  }
}

const SITES = ['Finance', 'HR', 'Marketing', 'Engineering', 'Legal', 'ProjectPhoenix', 'Sales'];
const CENTRAL: M365Location = 'PrimaryGeoLocation';
/** The Multi-Geo satellites of the simulated tenant, as the simulated world has them. */
const SATELLITES: M365Location[] = ['NAM', 'EUR', 'APC'];
const SATELLITE_OF_SITE: Partial<Record<number, M365Location>> = { 1: 'NAM', 3: 'APC', 4: 'EUR' };
const SATELLITE_OF_USER: Partial<Record<number, M365Location>> = { 2: 'NAM', 5: 'APC', 7: 'EUR' };
const USERS = ['alexw', 'meganb', 'lidiah', 'pradeepg', 'johannal', 'nestorw', 'diegos', 'adelev'];
const LIBRARIES = ['Documents', 'Shared Documents', 'Site Assets', 'Contracts'];

/** The sites, group and team sites and OneDrives that are protected, so a restore can name them. */
export function m365ProtectedObjects(options: M365SimulationOptions) {
  const firstBackupTime = iso(options.startMs - 365 * 86_400_000);
  const host = `https://${options.domain.split('.')[0]}.sharepoint.com`;
  return [
    ...SITES.map((site, i) => ({
      serviceType: i === 5 ? 6 : i === 6 ? 3 : 1,
      siteUrl: `${host}/sites/${site}`,
      displayName: site,
      location: SATELLITE_OF_SITE[i] ?? CENTRAL,
      libraries: LIBRARIES.slice(0, 2 + (i % 3)),
      firstBackupTime,
    })),
    ...USERS.map((user, i) => ({
      serviceType: 2,
      oneDriveUpn: `${user}@${options.domain}`,
      displayName: `${user}@${options.domain}`,
      location: SATELLITE_OF_USER[i] ?? CENTRAL,
      libraries: ['Documents'],
      firstBackupTime,
    })),
  ];
}

/**
 * Detections of unusual activity, about two a week, some of them potential ransomware. The
 * first ones of every history visit each location in turn, so a location filter (the docs'
 * sample asks for NAM) finds one in any window whatever the tenant's random draw.
 */
export function m365UnusualActivities(options: M365SimulationOptions) {
  const random = new SeededRandom(`${options.seed}:backup:m365-unusual:${options.tenantId}`);
  const host = `https://${options.domain.split('.')[0]}.sharepoint.com`;
  const days = Math.max(1, Math.round((options.endMs - options.startMs) / 86_400_000));
  const owner = `admin@${options.domain}`;
  const everyLocation: M365Location[] = [CENTRAL, ...SATELLITES];
  return Array.from({ length: Math.max(everyLocation.length, Math.round(days * 0.3)) }, (_, i) => {
    const service = random.pick([1, 2, 0, 6]);
    const objectId = service === 2 ? `${random.pick(USERS)}@${options.domain}` : service === 0 ? `${random.pick(USERS)}@${options.domain} (mailbox)` : `${host}/sites/${random.pick(SITES)}`;
    return {
      id: `ua-${options.tenantId.slice(0, 8)}-${options.seed && options.seed !== 'meridian' ? `${options.seed}-` : ''}${i}`,
      detectedTime: iso(options.startMs + Math.floor(random.next() * (options.endMs - options.startMs))),
      serviceType: service,
      objectId,
      kind: random.chance(0.35) ? 'PotentialRansomwareAttack' : 'UnusualActivity',
      tenantOwner: owner,
      location: random.chance(0.45) ? random.pick(SATELLITES) : CENTRAL,
    };
  }).map((detection, i) => (i < everyLocation.length ? { ...detection, location: everyLocation[i]! } : detection));
}

/** backup-frequency: the schedules above, per location, starting at a fixed minute of the day. */
export function m365BackupFrequency(scale: number) {
  const byLocation = new Map<string, Array<{ serviceType: number; frequency: number; firstStartTime: string }>>();
  for (const schedule of M365_SCHEDULES) {
    if (schedule.spec.jobType !== M365_JOB_TYPES.Backup) continue;
    const list = byLocation.get(schedule.spec.location) ?? [];
    const minute = (schedule.spec.serviceType * 7) % 60;
    list.push({ serviceType: schedule.spec.serviceType, frequency: Math.min(96, Math.max(1, Math.round(schedule.perDay * scale))), firstStartTime: `0${schedule.spec.serviceType % 4}:${String(minute).padStart(2, '0')}:22` });
    byLocation.set(schedule.spec.location, list);
  }
  return [...byLocation.entries()].map(([location, value]) => ({ location, value }));
}

/** retention-policy, as the sample shapes it: a default, and per-service and per-container overrides. */
export function m365RetentionPolicies() {
  const policy = (location: string, customized: boolean) => ({
    location,
    enableDailyRetentionPolicy: false,
    enableCustomizedRetentionPolicy: customized,
    retentionPeriod: '1 years',
    servicePolicies: [
      { serviceType: 0, containerPolicies: [], retentionPeriod: '2 years', unassignedObjectRetentionPeriod: '2 years' },
      { serviceType: 1, containerPolicies: [], retentionPeriod: '1 years', unassignedObjectRetentionPeriod: '1 years' },
      { serviceType: 2, containerPolicies: [], retentionPeriod: 'Unlimited', unassignedObjectRetentionPeriod: 'Unlimited' },
      {
        serviceType: 3,
        containerPolicies: [
          { containerId: '5c8b139c-f380-4473-be2b-338d8cd938ce', containerName: 'Default Group Container', retentionPeriod: '3 years' },
          { containerId: '438d1332-44bc-445b-9b1d-e9e3802694e8', containerName: 'Project groups', retentionPeriod: '1 years' },
        ],
        retentionPeriod: '1 years',
        unassignedObjectRetentionPeriod: '1 years',
      },
      {
        serviceType: 6,
        containerPolicies: [{ containerId: '6daffbb9-fc7b-491f-9dfe-aacd4e51e79f', containerName: 'Default Team Container', retentionPeriod: '1 years' }],
        retentionPeriod: '1 years',
        unassignedObjectRetentionPeriod: 'Unlimited',
      },
      { serviceType: 11, containerPolicies: [], retentionPeriod: '6 months', unassignedObjectRetentionPeriod: '6 months' },
    ],
  });
  return [policy(CENTRAL, true), ...SATELLITES.map((location) => policy(location, location === 'NAM'))];
}

export function m365LicenseConsumption() {
  return [
    { location: 'PrimaryGeoLocation', outOfPolicyTime: null, purchasedUserSeats: 100, assignedUserSeats: 47, purchasedStorageSize: 2048, protectedSize: 812 },
    { location: 'EUR', outOfPolicyTime: null, purchasedUserSeats: 25, assignedUserSeats: 11, purchasedStorageSize: 512, protectedSize: 133 },
    { location: 'NAM', outOfPolicyTime: null, purchasedUserSeats: 40, assignedUserSeats: 29, purchasedStorageSize: 1024, protectedSize: 402 },
    { location: 'APC', outOfPolicyTime: null, purchasedUserSeats: 15, assignedUserSeats: 6, purchasedStorageSize: 256, protectedSize: 58 },
  ];
}
