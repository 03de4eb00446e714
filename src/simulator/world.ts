import { createHash } from 'node:crypto';
import { SeededRandom } from '../platform/random.js';

/**
 * The one simulated Microsoft 365 world of a tenant: its people, groups, Teams, sites,
 * mailboxes and Power Platform objects, built once and deterministically from the tenant and
 * the seed. Every module's part of the simulator draws from it, so a user who owns a Power App
 * in EnPower is the same user (same id, name and mail) who shares a file in Insights and signs
 * in in Elements. Object ids are derived from the tenant, the kind and the ordinal, so they do
 * not depend on the order in which a module reads the world, nor on its size: user #7 is the
 * same whether the world has 50 users or 100,000.
 */

export type GeoLocation = 'NAM' | 'EUR' | 'APC' | 'GBR' | 'JPN' | 'CAN' | 'AUS';

export interface WorldUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  mail: string;
  department: string;
  jobTitle: string;
  country: string;
  city: string;
  usageLocation: string;
  geoLocation: GeoLocation;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  /** A local (hybrid) user synchronised from on-premises Active Directory. */
  onPremisesSynced: boolean;
  createdMs: number;
  /** Undefined for a user who never signed in. */
  lastSignInMs: number | undefined;
  licenses: string[];
  /** The user's manager, another user's id; undefined at the top of the organization. */
  managerId: string | undefined;
}

export type GroupKind = 'Microsoft 365' | 'Security' | 'Distribution' | 'Mail-enabled security';

export interface WorldGroup {
  id: string;
  displayName: string;
  mail: string | undefined;
  kind: GroupKind;
  memberIds: string[];
  /**
   * Groups that are members of this group (nested groups): their members are this group's
   * members too, at any depth. Microsoft 365 groups hold users only, as in Entra ID.
   */
  memberGroupIds: string[];
  ownerIds: string[];
  visibility: 'Public' | 'Private';
  createdMs: number;
}

export interface WorldTeam {
  id: string;
  groupId: string;
  displayName: string;
  siteId: string;
  channels: string[];
}

export type SiteKind = 'Team site' | 'Communication site' | 'OneDrive';

export interface WorldSite {
  id: string;
  url: string;
  title: string;
  kind: SiteKind;
  ownerIds: string[];
  groupId: string | undefined;
  geoLocation: GeoLocation;
  storageUsedMb: number;
  createdMs: number;
}

export type MailboxKind = 'User' | 'Shared' | 'Room' | 'Equipment';

export interface WorldMailbox {
  id: string;
  userId: string | undefined;
  address: string;
  displayName: string;
  kind: MailboxKind;
  geoLocation: GeoLocation;
  sizeMb: number;
  createdMs: number;
}

export interface WorldEnvironment {
  id: string;
  displayName: string;
  kind: 'Default' | 'Production' | 'Sandbox' | 'Developer' | 'Trial';
  region: string;
  ownerId: string;
  securityGroupId: string | undefined;
  createdMs: number;
}

/** A Power Platform or Power BI object owned by a world user, in an environment where it applies. */
export interface WorldOwnedObject {
  id: string;
  displayName: string;
  ownerId: string;
  environmentId: string | undefined;
  createdMs: number;
}

export interface M365World {
  tenantId: string;
  tenantName: string;
  domain: string;
  /** Multi-Geo: the tenant's default location first. */
  geoLocations: GeoLocation[];
  users: WorldUser[];
  groups: WorldGroup[];
  teams: WorldTeam[];
  sites: WorldSite[];
  mailboxes: WorldMailbox[];
  environments: WorldEnvironment[];
  powerApps: WorldOwnedObject[];
  flows: WorldOwnedObject[];
  powerBiWorkspaces: WorldOwnedObject[];
  copilotAgents: WorldOwnedObject[];
  powerPagesSites: WorldOwnedObject[];
}

export interface WorldOptions {
  tenantId: string;
  tenantName: string;
  seed: string;
  /** How many users; every other count follows from it. Default 60. */
  users?: number;
  /** Times are laid out before this instant (default: now, to the hour, so a day's calls agree). */
  endMs?: number;
}

export const DEFAULT_WORLD_USERS = 60;

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

const GIVEN = ['Alex', 'Maria', 'Chen', 'Fatima', 'John', 'Li', 'Sven', 'Aiko', 'Omar', 'Priya', 'Lucas', 'Emma', 'Noah', 'Olivia', 'Mateo', 'Sofia', 'Yuki', 'Amir', 'Ingrid', 'Kwame', 'Elena', 'Ravi', 'Hana', 'Diego'];
const SURNAMES = ['Smith', 'Garcia', 'Wang', 'Khan', 'Mueller', 'Tanaka', 'Silva', 'Novak', 'Patel', 'Brown', 'Johansson', 'Rossi', 'Kim', 'Dubois', 'Okafor', 'Nguyen', 'Cohen', 'Murphy'];
const DEPARTMENTS: { name: string; titles: string[] }[] = [
  { name: 'Finance', titles: ['Accountant', 'Financial Analyst', 'Controller'] },
  { name: 'Human Resources', titles: ['HR Generalist', 'Recruiter', 'HR Director'] },
  { name: 'Sales', titles: ['Account Executive', 'Sales Manager', 'Sales Engineer'] },
  { name: 'Marketing', titles: ['Marketing Specialist', 'Content Strategist', 'Brand Manager'] },
  { name: 'Engineering', titles: ['Software Engineer', 'Engineering Manager', 'Site Reliability Engineer'] },
  { name: 'Legal', titles: ['Counsel', 'Paralegal', 'Compliance Officer'] },
  { name: 'IT', titles: ['Systems Administrator', 'Security Analyst', 'IT Manager'] },
  { name: 'Operations', titles: ['Operations Analyst', 'Project Manager', 'Facilities Coordinator'] },
];
const PLACES: { geo: GeoLocation; country: string; usage: string; cities: string[] }[] = [
  { geo: 'NAM', country: 'United States', usage: 'US', cities: ['New York', 'Seattle', 'Chicago', 'Austin'] },
  { geo: 'CAN', country: 'Canada', usage: 'CA', cities: ['Toronto', 'Vancouver'] },
  { geo: 'EUR', country: 'Germany', usage: 'DE', cities: ['Berlin', 'Munich'] },
  { geo: 'EUR', country: 'Netherlands', usage: 'NL', cities: ['Amsterdam'] },
  { geo: 'GBR', country: 'United Kingdom', usage: 'GB', cities: ['London', 'Manchester'] },
  { geo: 'APC', country: 'Singapore', usage: 'SG', cities: ['Singapore'] },
  { geo: 'JPN', country: 'Japan', usage: 'JP', cities: ['Tokyo', 'Osaka'] },
  { geo: 'AUS', country: 'Australia', usage: 'AU', cities: ['Sydney', 'Melbourne'] },
];
/** How often each place is drawn: most of a tenant sits at its default location. */
const PLACE_WEIGHTS = [40, 5, 15, 5, 10, 10, 8, 7];
const LICENSES = ['Microsoft 365 E3', 'Microsoft 365 E5', 'Office 365 E1', 'Microsoft 365 Business Premium', 'Power BI Pro', 'Power Apps Premium', 'Microsoft Copilot for Microsoft 365'];
const PROJECTS = ['Phoenix', 'Atlas', 'Orion', 'Northwind', 'Contoso Retail', 'Fabrikam Launch', 'Helios', 'Board Documents', 'Legal Hold', 'Mark 8 Project Team', 'Sales and Marketing', 'Digital Initiative Public Relations', 'Retail', 'U.S. Sales'];
const ROOMS = ['Conference Room Adams', 'Conference Room Baker', 'Conference Room Crystal', 'Board Room', 'Training Room'];
const EQUIPMENT = ['Projector 1', 'Company Car', 'Video Kit'];
const APP_NAMES = ['Expense Tracker', 'Leave Request', 'Asset Inventory', 'Visitor Check-in', 'Help Desk', 'Onboarding Checklist', 'Field Inspection', 'Budget Planner', 'Travel Request', 'Contract Review'];
const FLOW_NAMES = ['Approve expense', 'Notify new hire', 'Sync SharePoint list', 'Archive old files', 'Daily sales digest', 'Escalate ticket', 'Save attachments to OneDrive', 'Weekly report reminder'];
const AGENT_NAMES = ['HR Helper', 'IT Support Agent', 'Sales Coach', 'Policy Assistant', 'Travel Assistant'];
const PAGES_NAMES = ['Partner Portal', 'Customer Self-Service', 'Event Registration', 'Supplier Onboarding'];
const BI_NAMES = ['Sales Analytics', 'Finance Reporting', 'HR Insights', 'Operations Dashboard', 'Executive Scorecard'];

const cache = new Map<string, M365World>();

/** The tenant's world, built once per tenant, seed, size and hour. */
export function buildWorld(options: WorldOptions): M365World {
  const userCount = Math.max(1, Math.floor(options.users ?? DEFAULT_WORLD_USERS));
  const endMs = Math.floor((options.endMs ?? Date.now()) / HOUR_MS) * HOUR_MS;
  const key = JSON.stringify([options.tenantId, options.tenantName, options.seed, userCount, endMs]);
  let world = cache.get(key);
  if (!world) {
    world = new WorldBuilder({ ...options, users: userCount, endMs }).build();
    if (cache.size > 32) cache.delete(cache.keys().next().value!);
    cache.set(key, world);
  }
  return world;
}

/** The tenant's mail domain, as the world and every module spell it. */
export function tenantDomain(tenantName: string): string {
  return `${tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'tenant'}.onmicrosoft.com`;
}

/** A stable GUID for the n-th object of a kind in a tenant. */
export function worldId(tenantId: string, kind: string, ordinal: number): string {
  const hex = createHash('sha1').update(`${tenantId}\u0000${kind}\u0000${ordinal}`).digest('hex');
  // RFC 4122 layout, version 5 (name-based, SHA-1).
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

class WorldBuilder {
  private readonly random: SeededRandom;
  private readonly domain: string;
  private readonly sharePointHost: string;
  private readonly endMs: number;
  private readonly userCount: number;

  constructor(private readonly options: WorldOptions & { users: number; endMs: number }) {
    this.random = new SeededRandom(`${options.seed}:world:${options.tenantId}`);
    this.domain = tenantDomain(options.tenantName);
    this.sharePointHost = `${this.domain.split('.')[0]}.sharepoint.com`;
    this.endMs = options.endMs;
    this.userCount = options.users;
  }

  build(): M365World {
    const users = this.buildUsers();
    const groups = this.buildGroups(users);
    const teams: WorldTeam[] = [];
    const sites = this.buildSites(users, groups, teams);
    const mailboxes = this.buildMailboxes(users);
    const environments = this.buildEnvironments(users, groups);
    const owned = (kind: string, names: string[], count: number, inEnvironment: boolean): WorldOwnedObject[] =>
      Array.from({ length: count }, (_, i) => ({
        id: worldId(this.options.tenantId, kind, i),
        displayName: count > names.length ? `${names[i % names.length]} ${Math.floor(i / names.length) + 1}` : names[i]!,
        ownerId: this.member(users).id,
        environmentId: inEnvironment ? this.random.pick(environments).id : undefined,
        createdMs: this.pastMs(720),
      }));
    return {
      tenantId: this.options.tenantId,
      tenantName: this.options.tenantName,
      domain: this.domain,
      geoLocations: [...new Set<GeoLocation>(['NAM', ...users.map((user) => user.geoLocation)])],
      users,
      groups,
      teams,
      sites,
      mailboxes,
      environments,
      powerApps: owned('power-app', APP_NAMES, Math.max(3, Math.ceil(this.userCount / 5)), true),
      flows: owned('flow', FLOW_NAMES, Math.max(3, Math.ceil(this.userCount / 4)), true),
      powerBiWorkspaces: owned('powerbi-workspace', BI_NAMES, Math.max(2, Math.ceil(this.userCount / 20)), false),
      copilotAgents: owned('copilot-agent', AGENT_NAMES, Math.max(2, Math.ceil(this.userCount / 25)), true),
      powerPagesSites: owned('power-pages-site', PAGES_NAMES, Math.max(1, Math.ceil(this.userCount / 40)), true),
    };
  }

  /** A time within the last `days` days. */
  private pastMs(days: number): number {
    return this.endMs - Math.floor(this.random.next() * days * DAY_MS);
  }

  /** A signed-in, enabled member: who owns things. */
  private member(users: WorldUser[]): WorldUser {
    for (let tries = 0; tries < 8; tries++) {
      const user = this.random.pick(users);
      if (user.userType === 'Member' && user.accountEnabled) return user;
    }
    return users[0]!;
  }

  private place(): (typeof PLACES)[number] {
    const total = PLACE_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
    let draw = this.random.next() * total;
    for (let i = 0; i < PLACES.length; i++) {
      draw -= PLACE_WEIGHTS[i]!;
      if (draw < 0) return PLACES[i]!;
    }
    return PLACES[0]!;
  }

  private buildUsers(): WorldUser[] {
    const users: WorldUser[] = [];
    const usesOfName = new Map<string, number>();
    for (let i = 0; i < this.userCount; i++) {
      const givenName = this.random.pick(GIVEN);
      const surname = this.random.pick(SURNAMES);
      // Guests are a few percent of a tenant, never the first (admin) account; user #3 always is
      // one, so every tenant, however small, has a guest for the reports that single them out.
      const guest = i === 3 || (i > 0 && this.random.chance(0.05));
      const base = `${givenName}.${surname}`.toLowerCase();
      // The n-th person of a name gets the alias with n appended, as admins number them.
      const uses = (usesOfName.get(base) ?? 0) + 1;
      usesOfName.set(base, uses);
      const alias = uses === 1 ? base : `${base}${uses}`;
      const place = this.place();
      const department = this.random.pick(DEPARTMENTS);
      const externalMail = `${alias}@${this.random.pick(['fabrikam.com', 'outlook.com', 'gmail.com', 'adatum.com'])}`;
      const neverSignedIn = this.random.chance(0.05);
      users.push({
        id: worldId(this.options.tenantId, 'user', i),
        displayName: `${givenName} ${surname}`,
        givenName,
        surname,
        // Guests' UPNs follow Entra's #EXT# form, which is why the docs double-encode them.
        userPrincipalName: guest ? `${externalMail.replace('@', '_')}#EXT#@${this.domain}` : `${alias}@${this.domain}`,
        mail: guest ? externalMail : `${alias}@${this.domain}`,
        department: guest ? '' : department.name,
        jobTitle: guest ? '' : this.random.pick(department.titles),
        country: place.country,
        city: this.random.pick(place.cities),
        usageLocation: place.usage,
        geoLocation: place.geo,
        userType: guest ? 'Guest' : 'Member',
        accountEnabled: i === 0 || !this.random.chance(0.04),
        onPremisesSynced: !guest && (i === 2 || this.random.chance(0.3)),
        createdMs: this.pastMs(1500),
        lastSignInMs: neverSignedIn ? undefined : this.pastMs(this.random.chance(0.85) ? 7 : 120),
        licenses: guest ? [] : [this.random.pick(LICENSES.slice(0, 4)), ...(this.random.chance(0.3) ? [this.random.pick(LICENSES.slice(4))] : [])],
        managerId: i === 0 ? undefined : worldId(this.options.tenantId, 'user', Math.floor((i - 1) / 8)),
      });
    }
    return users;
  }

  private buildGroups(users: WorldUser[]): WorldGroup[] {
    const count = Math.max(4, Math.ceil(this.userCount / 10));
    const kinds: GroupKind[] = ['Microsoft 365', 'Microsoft 365', 'Security', 'Distribution', 'Mail-enabled security'];
    const groups = Array.from({ length: count }, (_, i): WorldGroup => {
      const kind = kinds[i % kinds.length]!;
      const name = i < PROJECTS.length ? PROJECTS[i]! : `${this.random.pick(PROJECTS)} ${Math.floor(i / PROJECTS.length) + 1}`;
      const size = Math.min(users.length, this.random.int(2, 25));
      const members = new Set<string>();
      while (members.size < size) members.add(this.random.pick(users).id);
      const owner = this.member(users).id;
      members.add(owner);
      const alias = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
      return {
        id: worldId(this.options.tenantId, 'group', i),
        displayName: name,
        mail: kind === 'Security' ? undefined : `${alias}@${this.domain}`,
        kind,
        memberIds: [...members],
        memberGroupIds: [],
        ownerIds: [owner],
        visibility: this.random.chance(0.7) ? 'Private' : 'Public',
        createdMs: this.pastMs(900),
      };
    });
    // Nesting, two deep in every run of five groups: the distribution group holds the security
    // group before it, the mail-enabled security group holds that distribution group. Drawn
    // from no random numbers, so every other part of the world is as it was without nesting.
    groups.forEach((group, i) => {
      const inner = groups[i - 1];
      if (inner && ((group.kind === 'Distribution' && inner.kind === 'Security') || (group.kind === 'Mail-enabled security' && inner.kind === 'Distribution'))) group.memberGroupIds.push(inner.id);
    });
    return groups;
  }

  private buildSites(users: WorldUser[], groups: WorldGroup[], teams: WorldTeam[]): WorldSite[] {
    const sites: WorldSite[] = [];
    const byId = new Map(users.map((user) => [user.id, user]));
    const geoOf = (userId: string) => byId.get(userId)?.geoLocation ?? 'NAM';
    const add = (site: Omit<WorldSite, 'id'>) => {
      const id = worldId(this.options.tenantId, 'site', sites.length);
      sites.push({ id, ...site });
      return id;
    };
    add({ url: `https://${this.sharePointHost}`, title: 'Communication site', kind: 'Communication site', ownerIds: [users[0]!.id], groupId: undefined, geoLocation: 'NAM', storageUsedMb: 2048, createdMs: this.pastMs(1500) });
    groups.forEach((group, i) => {
      if (group.kind !== 'Microsoft 365') return;
      const path = group.displayName.replace(/[^A-Za-z0-9]+/g, '');
      const siteId = add({ url: `https://${this.sharePointHost}/sites/${path}`, title: group.displayName, kind: 'Team site', ownerIds: group.ownerIds, groupId: group.id, geoLocation: geoOf(group.ownerIds[0]!), storageUsedMb: this.random.int(50, 20000), createdMs: group.createdMs });
      // Most Microsoft 365 groups are Teams-enabled.
      if (i % 4 !== 3) teams.push({ id: worldId(this.options.tenantId, 'team', i), groupId: group.id, displayName: group.displayName, siteId, channels: ['General', ...(this.random.chance(0.6) ? ['Announcements'] : []), ...(this.random.chance(0.4) ? ['Projects'] : [])] });
    });
    for (let i = 0; i < Math.max(1, Math.ceil(this.userCount / 30)); i++) {
      const title = `${this.random.pick(['News', 'Intranet', 'Policies', 'Events', 'Knowledge Base'])} ${i + 1}`;
      add({ url: `https://${this.sharePointHost}/sites/${title.replace(/\s+/g, '')}`, title, kind: 'Communication site', ownerIds: [this.member(users).id], groupId: undefined, geoLocation: this.random.pick(['NAM', 'EUR', 'APC'] as const), storageUsedMb: this.random.int(10, 5000), createdMs: this.pastMs(1200) });
    }
    const myHost = `${this.domain.split('.')[0]}-my.sharepoint.com`;
    for (const user of users) {
      if (user.userType !== 'Member' || user.licenses.length === 0) continue;
      add({ url: `https://${myHost}/personal/${user.userPrincipalName.replace(/[@.]/g, '_')}`, title: user.displayName, kind: 'OneDrive', ownerIds: [user.id], groupId: undefined, geoLocation: user.geoLocation, storageUsedMb: this.random.int(1, 50000), createdMs: user.createdMs });
    }
    return sites;
  }

  private buildMailboxes(users: WorldUser[]): WorldMailbox[] {
    const mailboxes: WorldMailbox[] = [];
    const add = (mailbox: Omit<WorldMailbox, 'id'>) => mailboxes.push({ id: worldId(this.options.tenantId, 'mailbox', mailboxes.length), ...mailbox });
    for (const user of users) {
      if (user.userType !== 'Member' || user.licenses.length === 0) continue;
      add({ userId: user.id, address: user.mail, displayName: user.displayName, kind: 'User', geoLocation: user.geoLocation, sizeMb: this.random.int(5, 49000), createdMs: user.createdMs });
    }
    const shared = Math.max(2, Math.ceil(this.userCount / 20));
    for (let i = 0; i < shared; i++) {
      const name = `${this.random.pick(['Support', 'Info', 'Billing', 'Careers', 'Press', 'Orders'])}${i >= 6 ? ` ${i}` : ''}`;
      add({ userId: undefined, address: `${name.toLowerCase().replace(/\s+/g, '')}@${this.domain}`, displayName: name, kind: 'Shared', geoLocation: 'NAM', sizeMb: this.random.int(100, 20000), createdMs: this.pastMs(1000) });
    }
    ROOMS.slice(0, Math.max(2, Math.min(ROOMS.length, Math.ceil(this.userCount / 25)))).forEach((room) =>
      add({ userId: undefined, address: `${room.toLowerCase().replace(/[^a-z0-9]+/g, '')}@${this.domain}`, displayName: room, kind: 'Room', geoLocation: 'NAM', sizeMb: this.random.int(1, 500), createdMs: this.pastMs(1000) }),
    );
    EQUIPMENT.slice(0, Math.max(1, Math.min(EQUIPMENT.length, Math.ceil(this.userCount / 50)))).forEach((item) =>
      add({ userId: undefined, address: `${item.toLowerCase().replace(/[^a-z0-9]+/g, '')}@${this.domain}`, displayName: item, kind: 'Equipment', geoLocation: 'NAM', sizeMb: this.random.int(1, 100), createdMs: this.pastMs(1000) }),
    );
    return mailboxes;
  }

  private buildEnvironments(users: WorldUser[], groups: WorldGroup[]): WorldEnvironment[] {
    const security = groups.filter((group) => group.kind === 'Security');
    const plan: { name: string; kind: WorldEnvironment['kind']; region: string }[] = [
      { name: `${this.options.tenantName} (default)`, kind: 'Default', region: 'unitedstates' },
      { name: 'Production', kind: 'Production', region: 'unitedstates' },
      { name: 'Sandbox', kind: 'Sandbox', region: 'europe' },
      { name: 'Developer', kind: 'Developer', region: 'unitedstates' },
      { name: 'Trial', kind: 'Trial', region: 'asia' },
    ];
    const count = Math.min(plan.length, Math.max(3, Math.ceil(this.userCount / 30)));
    return plan.slice(0, count).map((entry, i) => ({
      id: worldId(this.options.tenantId, 'environment', i),
      displayName: entry.name,
      kind: entry.kind,
      region: entry.region,
      ownerId: i === 0 ? users[0]!.id : this.member(users).id,
      securityGroupId: i > 0 && security.length > 0 ? security[i % security.length]!.id : undefined,
      createdMs: this.pastMs(1200),
    }));
  }
}
