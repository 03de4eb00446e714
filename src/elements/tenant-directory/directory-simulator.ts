import type { ProducerClient } from '../../platform/product-module.js';
import { SeededRandom } from '../../platform/random.js';
import { buildWorld, worldId, type M365World, type WorldUser } from '../../simulator/world.js';
import { DAY_MS } from './conditions.js';
import { isoOf, type DirectoryObjectRecord, type DirectoryUserRecord, type FileAccessRecord, type SignInRecord } from './directory-records.js';

/**
 * A customer tenant's directory drawn from the one simulated Microsoft 365 world, so a user
 * here is the same user every other module shows. What the world does not hold (MFA, risk,
 * sign-in locations, sharing of sensitive items, ransomware signals, configuration settings)
 * is drawn deterministically from the tenant and seed.
 */
export interface DirectorySimulation {
  users: DirectoryUserRecord[];
  objects: DirectoryObjectRecord[];
  signIns: SignInRecord[];
  fileAccess: FileAccessRecord[];
  settings: Array<{ source: string; configuration: string; value: string; retrievable: boolean; writable: boolean }>;
}

export interface DirectorySimulationOptions {
  tenantId: string;
  tenantName: string;
  seed: string;
  users: number;
  endMs: number;
  /** Sign-ins and file accesses per user (0 leaves activity out: a bare directory for benchmarks). */
  activityPerUser?: number;
  /** Ids the first cloud (not synced) users take, everywhere they are named: the demo's docs-sample users. */
  cloudUserIds?: readonly string[];
  /** Ids the first hybrid/local (synced) users take, likewise. */
  localUserIds?: readonly string[];
}

const PLACES: Record<string, { lat: number; lon: number; language: string; state: string }> = {
  US: { lat: 40.71, lon: -74.0, language: 'en-US', state: 'NY' },
  CA: { lat: 43.65, lon: -79.38, language: 'en-CA', state: 'ON' },
  DE: { lat: 52.52, lon: 13.4, language: 'de-DE', state: 'BE' },
  NL: { lat: 52.37, lon: 4.9, language: 'nl-NL', state: 'NH' },
  GB: { lat: 51.5, lon: -0.12, language: 'en-GB', state: 'LND' },
  SG: { lat: 1.35, lon: 103.82, language: 'en-SG', state: 'SG' },
  JP: { lat: 35.68, lon: 139.69, language: 'ja-JP', state: 'Tokyo' },
  AU: { lat: -33.87, lon: 151.21, language: 'en-AU', state: 'NSW' },
};
const FILES = ['Q3 forecast.xlsx', 'Payroll 2026.xlsx', 'Board minutes.docx', 'Customer list.csv', 'Roadmap.pptx', 'Contract draft.docx', 'Benefits overview.pdf'];
const SENSITIVE = ['Personal Data', 'Credit Card Number', 'Financial Data', 'Health Records'];
const GROUP_TYPES = { 'Microsoft 365': 1, Security: 2, Distribution: 4, 'Mail-enabled security': 8 } as const;
const RECIPIENT_TYPES = { User: 1, Shared: 2, Room: 4, Equipment: 8 } as const;
const ENVIRONMENT_TYPES = { Default: 1, Trial: 2, Sandbox: 4, Production: 8, Developer: 64 } as const;
const SETTINGS: Array<[string, string]> = [
  ['Intune', 'DeviceCompliancePolicies > MacOSCompliancePolicy'], ['Intune', 'DeviceCompliancePolicies > Windows10/11CompliancePolicy'], ['Intune', 'DeviceCompliancePolicies > iOSCompliancePolicy'],
  ['Intune', 'DeviceConfigurations > BitLockerEncryption'], ['Intune', 'AppProtectionPolicies > AndroidManagedAppProtection'], ['Intune', 'EnrollmentRestrictions > PlatformRestrictions'],
  ['Entra', 'ConditionalAccess > RequireMfaForAdmins'], ['Entra', 'ConditionalAccess > BlockLegacyAuthentication'], ['Entra', 'AuthenticationMethods > Fido2'],
  ['Entra', 'PasswordProtection > BannedPasswords'], ['Entra', 'ExternalIdentities > GuestInviteSettings'], ['Entra', 'SecurityDefaults > Enabled'],
  ['Exchange', 'AntiSpamPolicies > Default'], ['Exchange', 'AntiMalwarePolicies > Default'], ['Exchange', 'OutboundSpamPolicies > AutoForwarding'],
  ['Exchange', 'SharingPolicies > DefaultSharingPolicy'], ['Exchange', 'MailboxAuditing > Enabled'],
  ['SharePoint', 'Sharing > ExternalSharingCapability'], ['SharePoint', 'Sharing > DefaultLinkType'], ['SharePoint', 'AccessControl > IdleSessionSignOut'],
  ['SharePoint', 'Versioning > MajorVersionLimit'], ['Teams', 'MeetingPolicies > AllowAnonymousUsersToJoin'], ['Teams', 'MessagingPolicies > AllowUserDeleteMessage'],
  ['Teams', 'ExternalAccess > AllowFederatedUsers'], ['Teams', 'GuestAccess > AllowGuestAccess'], ['Defender', 'SafeLinksPolicies > Default'], ['Defender', 'SafeAttachmentPolicies > Default'],
];

export function simulateDirectory(options: DirectorySimulationOptions): DirectorySimulation {
  const simulation = simulateWorldDirectory(options);
  const given = (kind: DirectoryUserRecord['kind'], ids: readonly string[] = []) => ids.map((id, index) => [simulation.users.filter((user) => user.kind === kind)[index]?.id, id] as const);
  const renames = [...given('cloud', options.cloudUserIds), ...given('local', options.localUserIds)].filter(([from]) => from !== undefined);
  if (renames.length === 0) return simulation;
  // Renamed in every record that names the user (sign-ins, managers, owners), so the directory stays whole.
  let text = JSON.stringify(simulation);
  for (const [from, to] of renames) text = text.replaceAll(from!, to);
  return JSON.parse(text) as DirectorySimulation;
}

function simulateWorldDirectory(options: DirectorySimulationOptions): DirectorySimulation {
  const world = buildWorld({ tenantId: options.tenantId, tenantName: options.tenantName, seed: options.seed, users: options.users, endMs: options.endMs });
  const random = new SeededRandom(`${options.seed}:elements-directory:${options.tenantId}`);
  const now = options.endMs;
  const byId = new Map(world.users.map((user) => [user.id, user]));
  const users = world.users.map((user, index) => directoryUser(world, user, index, byId, random, now));
  const objects = directoryObjects(world, byId, random, now);
  const activity = options.activityPerUser ?? 2;
  const signIns: SignInRecord[] = [];
  const fileAccess: FileAccessRecord[] = [];
  if (activity > 0) {
    for (const [index, user] of world.users.entries()) {
      if (user.lastSignInMs === undefined) continue;
      const place = PLACES[user.usageLocation] ?? PLACES.US!;
      const risky = users[index]!.riskLevel !== 'none';
      for (let n = 0; n < random.int(1, activity * 2); n++) {
        const away = random.chance(risky ? 0.4 : 0.03);
        signIns.push({
          id: worldId(options.tenantId, `signin:${user.id}`, n),
          userId: user.id,
          loginTime: isoOf(Math.min(user.lastSignInMs, now - random.int(0, 29) * DAY_MS)),
          ip: away ? `185.${random.int(1, 254)}.${random.int(1, 254)}.${random.int(1, 254)}` : `20.${random.int(1, 254)}.${random.int(1, 254)}.${random.int(1, 254)}`,
          lat: away ? 55.75 : place.lat,
          lon: away ? 37.62 : place.lon,
          country: away ? 'RU' : user.usageLocation,
          city: away ? 'Moscow' : user.city,
          deviceName: `${random.pick(['DESKTOP', 'LAPTOP', 'IPHONE', 'ANDROID'])}-${random.hex(6).toUpperCase()}`,
          isRisk: away,
        });
      }
      for (let n = 0; n < random.int(0, activity); n++) {
        fileAccess.push({
          id: worldId(options.tenantId, `file-access:${user.id}`, n),
          userId: user.id,
          fileName: random.pick(FILES),
          accessTime: isoOf(now - random.int(0, 29) * DAY_MS - random.int(0, 86_000_000)),
          sensitiveInformation: random.chance(0.2) ? random.pick(SENSITIVE) : null,
        });
      }
    }
  }
  const settings = SETTINGS.map(([source, configuration]) => ({ source, configuration, value: JSON.stringify({ enabled: random.chance(0.7), level: random.int(1, 3) }), retrievable: random.chance(0.95), writable: random.chance(0.95) }));
  return { users, objects, signIns, fileAccess, settings };
}

function directoryUser(world: M365World, user: WorldUser, index: number, byId: Map<string, WorldUser>, random: SeededRandom, now: number): DirectoryUserRecord {
  const local = user.onPremisesSynced;
  const place = PLACES[user.usageLocation] ?? PLACES.US!;
  const manager = user.managerId ? byId.get(user.managerId) : undefined;
  const sponsor = user.userType === 'Guest' ? world.users[0] : undefined;
  const born = Date.UTC(1960 + random.int(0, 40), random.int(0, 11), random.int(1, 28));
  const dn = (person: WorldUser) => `CN=${person.displayName},OU=Users,DC=${world.domain.split('.')[0]},DC=local`;
  const risk = random.next();
  return {
    id: user.id,
    kind: local ? 'local' : 'cloud',
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    mail: user.mail,
    userType: user.userType,
    adminRoles: index === 0 || random.chance(0.01) ? ['Global Administrator'] : random.chance(0.03) ? ['User Administrator'] : [],
    accountEnabled: user.accountEnabled,
    mfaEnabled: random.chance(0.8),
    passwordNeverExpire: index === 0 || random.chance(0.08),
    passwordChangedTime: isoOf(now - random.int(1, 180) * DAY_MS),
    riskLevel: risk < 0.03 ? 'high' : risk < 0.1 ? 'medium' : 'none',
    compliant: random.chance(0.92),
    pendingDeletion: random.chance(0.01),
    isTestUser: random.chance(0.02),
    isExternal: user.userType === 'Guest',
    licenseCount: user.licenses.length,
    lastSignInTime: user.lastSignInMs === undefined ? null : isoOf(user.lastSignInMs),
    signInCount: user.lastSignInMs === undefined ? 0 : random.int(1, 400),
    lastFixedTime: random.chance(0.05) ? isoOf(now - random.int(0, 13) * DAY_MS) : null,
    createdTime: isoOf(user.createdMs),
    profile: {
      firstName: user.givenName,
      lastName: user.surname,
      jobTitle: user.jobTitle,
      employeeId: String(100000 + index),
      company: world.tenantName,
      department: user.department,
      location: `${user.city} office`,
      officePhone: `+1 555 01${String(index % 100).padStart(2, '0')}`,
      mobile: `+1 555 02${String(index % 100).padStart(2, '0')}`,
      fax: `+1 555 03${String(index % 100).padStart(2, '0')}`,
      birthday: isoOf(born),
      usageLocation: user.usageLocation,
      preferredLanguage: place.language,
      enforceStart: false,
      enforceStartDateTime: isoOf(user.createdMs),
      enforceEnd: false,
      enforceEndDateTime: isoOf(user.createdMs + 3650 * DAY_MS),
      postalCode: String(10000 + random.int(0, 89999)),
      countryRegion: user.country,
      state: place.state,
      address: `${random.int(1, 999)} Main Street`,
      city: user.city,
      manager: manager ? (local ? dn(manager) : manager.userPrincipalName) : '',
      sponsor: sponsor?.userPrincipalName ?? '',
      template: user.userType === 'Guest' ? 'guest-template' : 'standard-template',
      alternateEmailAddress: [`${user.givenName.toLowerCase()}.${user.surname.toLowerCase()}@alternate.example`],
      ...(local
        ? {
            middleName: '',
            initials: `${user.givenName[0]}${user.surname[0]}`,
            comment: '',
            departmentNumber: String(random.int(10, 99)),
            webPage: `https://intranet.${world.domain}/people/${index}`,
            poBox: '',
            personalTitle: '',
            ipPhone: '',
            homePhone: '',
            pager: '',
            notes: '',
            homeDirectory: `\\\\fs01\\home\\${user.givenName.toLowerCase()}`,
            profilePath: `\\\\fs01\\profiles\\${user.givenName.toLowerCase()}`,
            logonScript: 'logon.bat',
          }
        : {}),
    },
  };
}

function directoryObjects(world: M365World, byId: Map<string, WorldUser>, random: SeededRandom, now: number): DirectoryObjectRecord[] {
  const guestsIn = (ids: readonly string[]) => ids.filter((id) => byId.get(id)?.userType === 'Guest').length;
  const creator = (ids: readonly string[]) => (ids[0] ? (byId.get(ids[0])?.displayName ?? '') : '');
  const recent = (probability: number) => (random.chance(probability) ? isoOf(now - random.int(0, 6) * DAY_MS) : null);
  const activity = () => isoOf(now - (random.chance(0.7) ? random.int(0, 20) : random.int(31, 400)) * DAY_MS);
  const shared = (probability: number) => {
    const some = () => (random.chance(probability) ? random.int(1, 12) : 0);
    return { sharedWithEveryone: some(), sharedWithEveryoneExceptExternalUsers: some(), sharedViaAnyoneLink: some(), sharedViaLinkForSpecificExternalUsers: some(), sharedViaOrganizationLink: some() };
  };
  const none = shared(0);
  const base = (id: string, dataSource: number, name: string, createdMs: number) => ({
    id,
    dataSource,
    name,
    ownerCount: 0,
    memberCount: 0,
    guestCount: 0,
    storageUsedMb: 0,
    storageLimitMb: 0,
    lastActivityTime: activity(),
    createdTime: isoOf(createdMs),
    sensitiveItems: none,
    potentialRansomwareTime: null as string | null,
    unusualActivityTime: null as string | null,
    suspiciousObjectTime: null as string | null,
  });
  const signals = () => ({ potentialRansomwareTime: recent(0.02), unusualActivityTime: recent(0.05), suspiciousObjectTime: recent(0.03) });
  // Some workspaces lost their owners (people left): the orphaned counters and rules find them.
  const owners = (ids: readonly string[]) => (random.chance(0.06) ? 0 : ids.length);
  const objects: DirectoryObjectRecord[] = [];
  const groupsById = new Map(world.groups.map((group) => [group.id, group]));
  for (const [index, group] of world.groups.entries()) {
    objects.push({
      ...base(group.id, 2, group.displayName, group.createdMs),
      ...signals(),
      // The first group's owners have all left: every tenant has an orphaned group to find.
      ownerCount: index === 0 ? 0 : owners(group.ownerIds),
      memberCount: group.memberIds.length,
      guestCount: guestsIn(group.memberIds),
      detail: { groupEmailAddress: group.mail ?? '', createdBy: creator(group.ownerIds), groupType: GROUP_TYPES[group.kind], sourceType: 1 },
    });
  }
  for (const team of world.teams) {
    const group = groupsById.get(team.groupId);
    const site = world.sites.find((candidate) => candidate.id === team.siteId);
    objects.push({
      ...base(team.id, 3, team.displayName, group?.createdMs ?? now),
      ...signals(),
      ownerCount: owners(group?.ownerIds ?? []),
      memberCount: group?.memberIds.length ?? 0,
      guestCount: guestsIn(group?.memberIds ?? []),
      detail: { teamsUrl: site?.url ?? '', createdBy: creator(group?.ownerIds ?? []), latestCampaignInfo: '' },
    });
  }
  for (const site of world.sites) {
    const oneDrive = site.kind === 'OneDrive';
    const members = site.groupId ? (groupsById.get(site.groupId)?.memberIds ?? []) : site.ownerIds;
    const limit = oneDrive ? 1024 * 1024 : 25 * 1024 * 1024;
    objects.push({
      ...base(site.id, oneDrive ? 5 : 4, site.title, site.createdMs),
      ...signals(),
      ownerCount: owners(site.ownerIds),
      memberCount: members.length,
      guestCount: guestsIn(members),
      storageUsedMb: random.chance(0.03) ? Math.floor(limit * 0.95) : site.storageUsedMb,
      storageLimitMb: limit,
      sensitiveItems: shared(0.15),
      detail: oneDrive ? { url: site.url, changeFileCount: random.int(0, 300) } : { siteUrl: site.url, createdBy: creator(site.ownerIds), latestCampaignInfo: '', lockState: 1 },
    });
  }
  for (const mailbox of world.mailboxes) {
    const limit = 50 * 1024;
    objects.push({
      ...base(mailbox.id, 1, mailbox.displayName, mailbox.createdMs),
      ownerCount: mailbox.userId ? 1 : 0,
      memberCount: 1,
      storageUsedMb: mailbox.sizeMb,
      storageLimitMb: limit,
      detail: { mailboxEmailAddress: mailbox.address, recipientType: RECIPIENT_TYPES[mailbox.kind], prohibitSendQuota: limit - 2048 },
    });
  }
  const environmentName = new Map(world.environments.map((environment) => [environment.id, environment.displayName]));
  for (const environment of world.environments) {
    const owner = byId.get(environment.ownerId);
    objects.push({
      ...base(environment.id, 8, environment.displayName, environment.createdMs),
      ownerCount: 1,
      memberCount: random.int(1, 40),
      guestCount: random.chance(0.2) ? random.int(1, 3) : 0,
      detail: { environmentMakerCount: random.int(1, 20), region: 0, type: ENVIRONMENT_TYPES[environment.kind], totalUsage: random.int(1, 5000) * 1024 * 1024, creatorName: owner?.displayName ?? '', creatorEmail: owner?.mail ?? '' },
    });
  }
  const owned = (items: M365World['powerApps'], dataSource: number, detail: (item: M365World['powerApps'][number]) => DirectoryObjectRecord['detail']) => {
    for (const item of items) {
      objects.push({ ...base(item.id, dataSource, item.displayName, item.createdMs), ownerCount: 1 + (random.chance(0.5) ? random.int(1, 3) : 0), memberCount: random.int(1, 200), guestCount: random.chance(0.1) ? random.int(1, 4) : 0, detail: detail(item) });
    }
  };
  const environmentOf = (item: { environmentId: string | undefined }) => (item.environmentId ? (environmentName.get(item.environmentId) ?? '') : '');
  owned(world.powerApps, 10, (app) => ({ environment: environmentOf(app), createdBy: byId.get(app.ownerId)?.displayName ?? '', includedInSolutions: random.int(0, 1), coOwnerCount: random.int(0, 3), lastSignIn: activity() }));
  owned(world.flows, 11, (flow) => ({ environment: environmentOf(flow), creatorName: byId.get(flow.ownerId)?.displayName ?? '', type: random.pick([1, 2, 4, 8]), includedInSolutions: random.int(0, 1), coOwnerCount: random.int(0, 2), lastSignIn: activity() }));
  owned(world.powerBiWorkspaces, 12, (workspace) => ({ capacityName: 'Shared capacity', artifactName: `${workspace.displayName} report`, workspace: workspace.displayName, sensitivity: random.pick(['General', 'Confidential', 'Highly Confidential']), reportCount: random.int(1, 30) }));
  // Connections are not in the world: one per flow's connector, in the flow's environment.
  world.flows.forEach((flow, index) => {
    if (index % 2 === 1) return;
    objects.push({
      ...base(worldId(world.tenantId, 'connection', index), 9, `${random.pick(['Office 365 Outlook', 'SharePoint', 'Microsoft Teams', 'SQL Server'])} ${index / 2 + 1}`, flow.createdMs),
      ownerCount: 1,
      detail: { parentEnvironment: environmentOf(flow), createdBy: byId.get(flow.ownerId)?.displayName ?? '' },
    });
  });
  return objects;
}

/** Writes a simulated directory through the producer routes, under the customer's producer token. */
export async function seedTenantDirectory(producer: ProducerClient, tenantId: string, simulation: DirectorySimulation): Promise<Record<string, number>> {
  const post = async (path: string, items: unknown[], size: number) => {
    for (let i = 0; i < items.length; i += size) await producer.post(`/producer/elements/${path}`, { tenantId, value: items.slice(i, i + size) });
  };
  await post('directory/users', simulation.users, 1000);
  await post('directory/objects', simulation.objects, 1000);
  await post('directory/sign-ins', simulation.signIns, 5000);
  await post('directory/file-access', simulation.fileAccess, 5000);
  await post('baseline/settings', simulation.settings, 1000);
  return { directoryUsers: simulation.users.length, directoryObjects: simulation.objects.length, signIns: simulation.signIns.length, fileAccess: simulation.fileAccess.length };
}

/** A customer tenant's directory for the partner simulator: simulated and written, its counts added to `report`. */
export async function seedCustomerDirectory(producer: ProducerClient, options: Omit<DirectorySimulationOptions, 'activityPerUser'>, report: Record<string, number>): Promise<void> {
  const counts = await seedTenantDirectory(producer, options.tenantId, simulateDirectory(options));
  for (const [name, count] of Object.entries(counts)) report[name] = (report[name] ?? 0) + count;
}
