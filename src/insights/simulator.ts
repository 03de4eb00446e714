import { createHash } from 'node:crypto';
import { SeededRandom } from '../platform/random.js';
import type { M365World, WorldSite, WorldUser } from '../simulator/world.js';
import { GOOGLE_EVENT_TYPES, M365_EVENT_TYPES, type Level } from './catalogue.js';
import type { ProducedActivity, ProducedGroup, ProducedObject, ProducedPermission, ProducedSharingLink, ProducedUser, ProducedWorkspace } from './graph/producer-schemas.js';

export interface InsightsSimulation {
  world: M365World;
  seed: string;
  endMs: number;
  days: number;
  /** Files and folders across the tenant's sites (each site also has its root and its library). */
  objects: number;
  /**
   * Security groups whose one member is the world's first user, each granted Read on every
   * object: that user's access grows by `objects` rows per group (the benchmark's large reports).
   */
  reviewerGroups: number;
  activities: number;
  googleObjects: number;
}

/** A producer call: the path under /producer/insights and one batch for it. */
export interface ProducerBatch {
  feed: 'users' | 'groups' | 'workspaces' | 'objects' | 'permissions' | 'sharing-links' | 'activities';
  value: unknown[];
}

/** Items per producer call (the routes take up to 5000). */
const BATCH = 2500;
const FILE_NAMES = ['Budget', 'Roadmap', 'Contract', 'Customer List', 'Payroll', 'Design Spec', 'Meeting Notes', 'Q3 Forecast', 'Onboarding', 'Passport Scans', 'Vendor Agreement', 'Press Release'];
const EXTENSIONS = ['docx', 'xlsx', 'pptx', 'pdf', 'txt'];
const FOLDERS = ['General', 'Projects', 'Archive', 'Finance', 'For share'];
const DATA_TYPES = ['U.S. Social Security Number (SSN)', 'Credit Card Number', 'U.S. / U.K. Passport Number', 'International Banking Account Number (IBAN)', 'EU Debit Card Number'];
const LABELS = ['Confidential', 'Highly Confidential', 'General', 'Public'];
const CLASSIFIERS = ['Agreements', 'Resumes', 'Source Code', 'Financial Statements'];
const LEVELS: Level[] = ['N/A', 'Not sensitive', 'Low', 'Medium', 'High'];

const iso = (ms: number) => new Date(ms).toISOString();
const stableId = (...parts: string[]) => {
  const hex = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

function moduleOf(site: WorldSite, world: M365World): string {
  if (site.kind === 'OneDrive') return 'OneDrive';
  if (site.kind === 'Team site') return world.teams.some((team) => team.siteId === site.id) ? 'Microsoft Teams' : 'Microsoft 365 Group';
  return 'SharePoint Online';
}

const GROUP_TYPES: Record<string, string> = { 'Microsoft 365': 'Microsoft 365 Group', Security: 'Security Group', Distribution: 'Distribution group', 'Mail-enabled security': 'Mail-enabled security group' };

/**
 * The Insights part of the simulated world, in the order the producer API needs it (nodes
 * before the edges that name them), a batch at a time so a million permission entries never
 * sit in memory at once. Deterministic for a tenant, seed and size.
 */
export function* simulateInsights(options: InsightsSimulation): Generator<ProducerBatch> {
  const { world } = options;
  const random = new SeededRandom(`${options.seed}:insights:${world.tenantId}`);
  const startMs = options.endMs - options.days * 86_400_000;
  const members = world.users.filter((user) => user.userType === 'Member');
  const pickUser = () => random.pick(world.users);
  const pickMember = () => random.pick(members.length > 0 ? members : world.users);

  // Users and directory groups, as the world has them.
  yield* batches('users', world.users.map((user): ProducedUser => ({
    id: user.id,
    loginName: user.userPrincipalName,
    email: user.userType === 'Guest' ? user.mail : user.mail,
    displayName: user.displayName,
    userStatus: user.accountEnabled ? 'Active' : 'Blocked',
    trustStatus: user.userType === 'Guest' ? (random.chance(0.6) ? 'Trusted' : 'Not Trusted') : random.chance(0.3) ? 'Trusted' : 'Not Trusted',
    external: user.userType === 'Guest',
    lastSignIn: user.lastSignInMs === undefined ? null : iso(user.lastSignInMs),
    createdOn: iso(user.createdMs),
  })));
  const reviewers: ProducedGroup[] = Array.from({ length: options.reviewerGroups }, (_, index) => ({
    id: stableId(world.tenantId, 'insights-reviewers', String(index)),
    displayName: `Insights Reviewers ${index + 1}`,
    groupType: 'Security Group',
    membershipType: 'Assigned',
    createdOn: iso(startMs),
    memberIds: [world.users[0]!.id],
  }));
  yield* batches('groups', [
    ...world.groups.map((group): ProducedGroup => ({
      id: group.id,
      displayName: group.displayName,
      email: group.mail ?? null,
      groupType: GROUP_TYPES[group.kind] ?? group.kind,
      membershipType: random.chance(0.2) ? 'Dynamic' : 'Assigned',
      createdOn: iso(group.createdMs),
      memberIds: group.memberIds,
      memberGroupIds: group.memberGroupIds,
    })),
    ...reviewers,
  ]);

  // Sites, each with its SharePoint groups (owners, members, visitors).
  const sites = world.sites;
  const siteGroups = (site: WorldSite) => ({ owners: `${site.id}:owners`, members: `${site.id}:members`, visitors: `${site.id}:visitors` });
  // A communication site's visitors include a directory group that holds other groups, so
  // their members read the site through two or three levels of nesting.
  const nestingGroups = world.groups.filter((group) => group.memberGroupIds.length > 0 && !world.groups.some((outer) => outer.memberGroupIds.includes(group.id)));
  const communication = sites.filter((site) => site.kind === 'Communication site');
  const visitorGroupsOf = (site: WorldSite) => (site.kind === 'Communication site' && nestingGroups.length > 0 ? [nestingGroups[communication.indexOf(site) % nestingGroups.length]!.id] : undefined);
  yield* batches('groups', sites.flatMap((site): ProducedGroup[] => {
    const ids = siteGroups(site);
    const group = site.groupId ? world.groups.find((candidate) => candidate.id === site.groupId) : undefined;
    const memberIds = group ? group.memberIds : Array.from({ length: 3 }, pickMember).map((user) => user.id);
    return [
      { id: ids.owners, displayName: `${site.title} Owners`, groupType: 'SharePoint Group', scope: 'site', createdOn: iso(site.createdMs), memberIds: site.ownerIds },
      { id: ids.members, displayName: `${site.title} Members`, groupType: 'SharePoint Group', scope: 'site', createdOn: iso(site.createdMs), memberIds },
      { id: ids.visitors, displayName: `${site.title} Visitors`, groupType: 'SharePoint Group', scope: 'site', createdOn: iso(site.createdMs), memberIds: Array.from({ length: 2 }, pickUser).map((user) => user.id), memberGroupIds: visitorGroupsOf(site) },
    ];
  }));
  yield* batches('workspaces', sites.map((site): ProducedWorkspace => ({ id: site.id, url: site.url, title: site.title, module: moduleOf(site, world), createdOn: iso(site.createdMs) })));

  // Objects: every site's root and library, then files and folders spread over the sites.
  const roots = sites.flatMap((site): ProducedObject[] => [
    { id: `${site.id}:root`, workspaceId: site.id, url: site.url, name: site.title, objectType: 'Site Collection', inheritType: 'Unique', createdTime: iso(site.createdMs), scannedTime: iso(options.endMs), sensitivityLevel: 'Not sensitive', exposureLevel: 'Low', riskLevel: 'No risk', privacy: site.kind === 'Communication site' ? 'Public' : 'Private' },
    { id: `${site.id}:library`, workspaceId: site.id, url: `${site.url}/shared documents`, name: 'Documents', objectType: 'Library', inheritType: 'Inheritance', createdTime: iso(site.createdMs), scannedTime: iso(options.endMs), sensitivityLevel: 'Not sensitive', exposureLevel: 'Low', riskLevel: 'No risk' },
  ]);
  yield* batches('objects', roots);
  const teamOf = new Map(world.teams.map((team) => [team.siteId, team]));
  // Each file draws from its own generator, so reading the files again (for their permissions, links) sees the same files.
  const fileOf = (index: number): ProducedObject & { unique: boolean; ownerId: string } => {
    const random = new SeededRandom(`${options.seed}:insights-object:${index}`);
    const pickMember = () => random.pick(members.length > 0 ? members : world.users);
    const site = sites[index % sites.length]!;
    const folder = teamOf.get(site.id)?.channels[index % (teamOf.get(site.id)?.channels.length ?? 1)] ?? FOLDERS[index % FOLDERS.length]!;
    const isFolder = index % 9 === 0;
    const name = isFolder ? `${folder} ${Math.floor(index / sites.length)}` : `${FILE_NAMES[index % FILE_NAMES.length]} ${index}.${EXTENSIONS[index % EXTENSIONS.length]}`;
    const sensitivity = LEVELS[random.int(0, LEVELS.length - 1)]!;
    const sensitive = sensitivity === 'Low' || sensitivity === 'Medium' || sensitivity === 'High';
    const exposure = random.pick(['Low', 'Medium', 'High', 'N/A'] as const);
    const risk: Level = !sensitive ? (sensitivity === 'N/A' ? 'N/A' : 'No risk') : sensitivity === 'High' && exposure !== 'Low' ? 'High' : exposure === 'High' ? 'Medium' : 'Low';
    const owner = site.ownerIds[0] ? (world.users.find((user) => user.id === site.ownerIds[0]) ?? pickMember()) : pickMember();
    const createdMs = random.int(site.createdMs, options.endMs);
    return {
      id: stableId(world.tenantId, 'insights-object', String(index)),
      workspaceId: site.id,
      url: `${site.url}/shared documents/${folder.toLowerCase()}/${name.toLowerCase()}`,
      name,
      objectType: isFolder ? 'Folder' : 'File',
      createdBy: owner.displayName,
      creatorEmail: owner.mail,
      createdTime: iso(createdMs),
      modifiedTime: random.chance(0.7) ? iso(random.int(createdMs, options.endMs)) : null,
      scannedTime: iso(options.endMs),
      channelName: teamOf.has(site.id) ? folder : '',
      privacy: site.kind === 'Communication site' ? 'Public' : 'Private',
      sensitivityLevel: sensitivity,
      exposureLevel: exposure,
      riskLevel: risk,
      dataTypes: sensitive ? [DATA_TYPES[index % DATA_TYPES.length]!] : [],
      sensitivityLabel: random.chance(0.3) ? random.pick(LABELS) : null,
      trainableClassifier: random.chance(0.2) ? random.pick(CLASSIFIERS) : null,
      retentionLabel: random.chance(0.1) ? 'Retain 7 years' : null,
      inheritType: index % 5 === 0 ? 'Unique' : 'Inheritance',
      unique: index % 5 === 0,
      ownerId: owner.id,
    };
  };
  const files = () => ({
    *[Symbol.iterator]() {
      for (let index = 0; index < options.objects; index++) yield fileOf(index);
    },
  });
  yield* batches('objects', mapIterable(files(), ({ unique: _unique, ownerId: _owner, ...object }) => object));

  // Permission entries: each object inherits its site's groups, unique ones get their own grants too.
  const grants = function* (): Generator<ProducedPermission> {
    const siteEntries = (site: WorldSite, objectId: string, inheritType: 'Unique' | 'Inheritance'): ProducedPermission[] => {
      const ids = siteGroups(site);
      return [
        { id: `${objectId}:owners`, objectId, principalKind: 'group', principalId: ids.owners, permission: 'Full Control', inheritType },
        { id: `${objectId}:members`, objectId, principalKind: 'group', principalId: ids.members, permission: 'Edit', inheritType },
        { id: `${objectId}:visitors`, objectId, principalKind: 'group', principalId: ids.visitors, permission: 'Read', inheritType },
      ];
    };
    for (const site of sites) {
      yield* siteEntries(site, `${site.id}:root`, 'Unique');
      yield* siteEntries(site, `${site.id}:library`, 'Inheritance');
      for (const ownerId of site.kind === 'OneDrive' ? site.ownerIds : []) yield { id: `${site.id}:root:owner`, objectId: `${site.id}:root`, principalKind: 'user', principalId: ownerId, permission: 'Full Control', inheritType: 'Unique' };
    }
    for (const file of files()) {
      const site = sites.find((candidate) => candidate.id === file.workspaceId)!;
      yield* siteEntries(site, file.id, file.unique ? 'Unique' : 'Inheritance');
      if (file.unique) {
        yield { id: `${file.id}:direct`, objectId: file.id, principalKind: 'user', principalId: random.pick(world.users).id, permission: random.pick(['Contribute', 'Read', 'Edit']), inheritType: 'Unique' };
        if (random.chance(0.3)) yield { id: `${file.id}:everyone`, objectId: file.id, principalKind: 'special', principalId: 'everyoneExceptExternalUsers', permission: 'Read', inheritType: 'Unique' };
      }
    }
    for (const group of reviewers) {
      for (const root of roots) yield { id: `${root.id}:${group.id}`, objectId: root.id, principalKind: 'group', principalId: group.id, permission: 'Read', inheritType: 'Unique' };
      for (const file of files()) yield { id: `${file.id}:${group.id}`, objectId: file.id, principalKind: 'group', principalId: group.id, permission: 'Read', inheritType: 'Unique' };
    }
  };
  yield* batches('permissions', grants());

  // Sharing links on about one file in ten: Specific (to guests too), Organization, Anyone.
  const links = function* (): Generator<ProducedSharingLink> {
    for (const file of files()) {
      if (!random.chance(0.1)) continue;
      const linkType = random.pick([32, 32, 32, 64, 64, 128] as const);
      const owner = world.users.find((user) => user.id === file.ownerId)!;
      const given: WorldUser[] = linkType === 128 ? [] : Array.from({ length: random.int(1, 3) }, linkType === 32 ? pickUser : pickMember);
      const id = stableId(world.tenantId, 'insights-link', file.id);
      yield {
        id,
        objectId: file.id,
        linkType,
        createdTime: iso(random.int(Date.parse(file.createdTime!), options.endMs)),
        expireTime: linkType === 128 && random.chance(0.5) ? iso(options.endMs + 30 * 86_400_000) : null,
        shareBy: owner.displayName,
        linkUrl: `${file.url.split('/shared documents')[0]}/:${file.objectType === 'Folder' ? 'f' : 'w'}:/s/${random.hex(32)}`,
        permission: random.chance(0.5) ? 'Edit' : 'View',
        inheritType: 'Unique',
        memberIds: [...new Set(given.map((user) => user.id))],
      };
    }
  };
  yield* batches('sharing-links', links());

  // Activities on files, by users who can reach them or not.
  const fileList = options.objects > 0 ? Math.min(options.objects, 5000) : 0;
  const activities = function* (): Generator<ProducedActivity> {
    const targets = [...roots.map((root) => root.id), ...Array.from({ length: fileList }, (_, index) => stableId(world.tenantId, 'insights-object', String(index)))];
    for (let index = 0; index < options.activities; index++) {
      yield {
        id: stableId(world.tenantId, 'insights-activity', String(index)),
        objectId: random.pick(targets),
        userId: pickUser().id,
        eventType: random.pick(M365_EVENT_TYPES),
        time: iso(random.int(startMs, options.endMs)),
        clientIp: `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
      };
    }
  };
  yield* batches('activities', activities());

  yield* simulateGoogle(options, random, startMs);
}

/** Google Workspace: the same people with their primary emails, user drives and shared drives. */
function* simulateGoogle(options: InsightsSimulation, random: SeededRandom, startMs: number): Generator<ProducerBatch> {
  if (options.googleObjects <= 0) return;
  const { world } = options;
  const people = world.users.filter((user) => user.userType === 'Member').slice(0, 40);
  if (people.length === 0) return;
  const google = { platform: 'google' as const };
  const driveId = (seed: string) => `0A${createHash('sha1').update(seed).digest('base64url').slice(0, 17)}`;
  yield* batches('users', people.map((user): ProducedUser => ({ ...google, id: user.id, loginName: user.mail, email: user.mail, displayName: user.displayName, userStatus: user.accountEnabled ? 'Active' : 'Blocked', lastSignIn: user.lastSignInMs === undefined ? null : iso(user.lastSignInMs), createdOn: iso(user.createdMs) })));
  const mailed = world.groups.filter((group) => group.mail);
  const groups = mailed.map((group): ProducedGroup => ({
    ...google,
    id: group.id,
    displayName: group.displayName,
    email: group.mail!,
    groupType: 'Google Group',
    createdOn: iso(group.createdMs),
    memberIds: group.memberIds.filter((id) => people.some((user) => user.id === id)),
    // Google groups nest too; only groups with an address are Google groups.
    memberGroupIds: group.memberGroupIds.filter((id) => mailed.some((inner) => inner.id === id)),
  }));
  yield* batches('groups', groups);
  const shared = ['Engineering', 'Marketing', 'Finance'].map((name) => ({ id: driveId(`${world.tenantId}:shared:${name}`), title: name, module: 'Shared Drive', group: groups.find((group) => group.displayName.includes(name)) ?? groups[0] }));
  const personal = people.slice(0, 10).map((user) => ({ id: driveId(`${world.tenantId}:my:${user.id}`), title: `${user.displayName}'s My Drive`, module: 'User Drive', owner: user }));
  const drives = [...shared, ...personal];
  yield* batches('workspaces', drives.map((drive): ProducedWorkspace => ({ ...google, id: drive.id, url: `https://drive.google.com/drive/folders/${drive.id}`, title: drive.title, module: drive.module, createdOn: iso(startMs) })));
  const objects = Array.from({ length: options.googleObjects }, (_, index): ProducedObject => {
    const drive = drives[index % drives.length]!;
    const id = `1${createHash('sha1').update(`${world.tenantId}:gfile:${index}`).digest('base64url').slice(0, 32)}`;
    const name = `${FILE_NAMES[index % FILE_NAMES.length]} ${index}`;
    return { ...google, id, workspaceId: drive.id, url: `https://docs.google.com/document/d/${id}`, name, objectType: index % 7 === 0 ? 'Folder' : 'File', createdTime: iso(random.int(startMs, options.endMs)), sensitivityLevel: random.pick(LEVELS), exposureLevel: random.pick(['Low', 'Medium', 'High'] as const), inheritType: index % 4 === 0 ? 'Unique' : 'Inheritance' };
  });
  yield* batches('objects', [...drives.map((drive): ProducedObject => ({ ...google, id: `${drive.id}:root`, workspaceId: drive.id, url: `https://drive.google.com/drive/folders/${drive.id}`, name: drive.title, objectType: 'Drive', inheritType: 'Unique' })), ...objects]);
  const permissions: ProducedPermission[] = [];
  for (const drive of drives) {
    const holder: ProducedPermission = 'owner' in drive
      ? { ...google, id: `${drive.id}:owner`, objectId: `${drive.id}:root`, principalKind: 'user', principalId: drive.owner.id, permission: 'Owner', inheritType: 'Unique' }
      : { ...google, id: `${drive.id}:members`, objectId: `${drive.id}:root`, principalKind: 'group', principalId: drive.group!.id!, permission: 'Content manager', inheritType: 'Unique' };
    permissions.push(holder);
    for (const object of objects.filter((candidate) => candidate.workspaceId === drive.id)) {
      permissions.push({ ...holder, id: `${object.id}:${holder.id}`, objectId: object.id, inheritType: object.inheritType! });
      if (object.inheritType === 'Unique') permissions.push({ ...google, id: `${object.id}:direct`, objectId: object.id, principalKind: 'user', principalId: random.pick(people).id, permission: random.pick(['Editor', 'Viewer', 'Commenter']), inheritType: 'Unique' });
    }
  }
  yield* batches('permissions', permissions);
  yield* batches('sharing-links', objects.filter((_, index) => index % 6 === 0).map((object, index): ProducedSharingLink => ({
    ...google,
    id: `${object.id}:link`,
    objectId: object.id,
    linkType: index % 2 === 0 ? 301 : 303,
    createdTime: object.createdTime!,
    shareBy: random.pick(people).displayName,
    linkUrl: object.url,
    permission: random.pick(['Viewer', 'Editor']),
    memberIds: index % 2 === 0 ? [random.pick(people).id] : [],
  })));
  yield* batches('activities', Array.from({ length: Math.min(options.activities, options.googleObjects * 4) }, (_, index): ProducedActivity => ({
    ...google,
    id: `${world.tenantId}:gact:${index}`,
    objectId: random.pick(objects).id,
    userId: random.pick(people).id,
    eventType: random.pick(GOOGLE_EVENT_TYPES),
    time: iso(random.int(startMs, options.endMs)),
  })));
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

function* batches(feed: ProducerBatch['feed'], items: Iterable<unknown>): Generator<ProducerBatch> {
  let batch: unknown[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === BATCH) {
      yield { feed, value: batch };
      batch = [];
    }
  }
  if (batch.length > 0) yield { feed, value: batch };
}
