import { SeededRandom } from '../platform/random.js';
import { worldId, type M365World, type WorldUser } from '../simulator/world.js';
import { CONNECTIONS } from './connections/connection-schemas.js';
import { BOT_ACTIVITIES, BOTS } from './copilotstudio/agent-schemas.js';
import { ENVIRONMENTS } from './environments/environment-schemas.js';
import { EOL_GROUPS, EOL_SITES, EOL_TEAMS, EOL_VIVA_GROUPS } from './eol/eol-schemas.js';
import { MAILBOXES, RESOURCE_MAILBOXES } from './exchange/mailbox-schemas.js';
import { CLOUD_FLOW_ACTIVITIES, CLOUD_FLOW_RUNS, CLOUD_FLOWS, DESKTOP_FLOW_RUNS, DESKTOP_FLOWS } from './flows/flow-schemas.js';
import { POWER_PAGE_ACTIVITIES, POWER_PAGES } from './pages/page-schemas.js';
import { POWER_APP_ACTIVITIES, POWER_APP_LAUNCHES, POWER_APPS } from './powerapps/powerapp-schemas.js';
import { ARTIFACTS, DATASOURCES, POWER_BI_ACTIVITIES, SEMANTIC_MODELS, WORKSPACES } from './powerbi/powerbi-schemas.js';
import type { FieldCode, FieldMap } from './shared/fields.js';
import { enPowerTime } from './shared/render.js';
import type { CollectionSpec, StreamSpec } from './shared/specs.js';

/**
 * A Microsoft 365 tenant's EnPower estate drawn from the simulated world: its environments,
 * apps, flows, agents, sites and workspaces are the world's (same ids, names and owners),
 * widened to `objects` when more are asked for; its mailboxes are the world's mailboxes and
 * its end-of-life records the world's groups, sites and Teams. Events follow from it.
 */
export type Document = Record<string, unknown>;
export type Inventory = Map<CollectionSpec, Document[]>;

const DAY_MS = 24 * 60 * 60 * 1000;

const EMPTY: Record<FieldCode, () => unknown> = {
  string: () => '',
  integer: () => 0,
  number: () => 0,
  boolean: () => false,
  strings: () => [],
  json: () => null,
  user: () => null,
  profile: () => null,
  assignees: () => null,
  metadata: () => [],
  securityGroup: () => null,
  flowOwner: () => null,
  coOwners: () => [],
  flowConnections: () => [],
  customAttributes: () => Object.fromEntries(Array.from({ length: 15 }, (_, index) => [`customAttribute${index + 1}`, ''])),
  mailboxPolicies: () => null,
};

/** Every field of the entity, empty unless `values` says otherwise, as a collector reports an object it knows little about. */
function documentOf(fields: FieldMap, values: Document, computed: readonly string[] = []): Document {
  const document: Document = {};
  for (const [name, code] of Object.entries(fields)) if (!computed.includes(name)) document[name] = name in values ? values[name] : EMPTY[code]();
  for (const [name, value] of Object.entries(values)) if (!(name in fields)) document[name] = value;
  return document;
}

const userDetails = (user: WorldUser, tenantId: string) => ({
  id: user.id,
  displayName: user.displayName,
  email: user.mail,
  tenantId,
  userPrincipalName: user.userPrincipalName,
  objectId: user.id,
  jobTitle: user.jobTitle,
  department: user.department,
  companyName: null,
  office: user.city,
  city: user.city,
  countryOrRegion: user.country,
});

export interface InventoryOptions {
  seed: string;
  endMs: number;
  /** About how many objects in all; the world's own objects come first. */
  objects?: number;
}

export function simulateInventory(world: M365World, options: InventoryOptions): Inventory {
  const random = new SeededRandom(`${options.seed}:enpower:${world.tenantId}`);
  const t = (ms: number) => enPowerTime(ms);
  const past = (days: number) => options.endMs - Math.floor(random.next() * days * DAY_MS);
  const user = (id: string) => world.users.find((candidate) => candidate.id === id) ?? world.users[0]!;
  const members = world.users.filter((candidate) => candidate.userType === 'Member');
  const anyMember = () => random.pick(members.length > 0 ? members : world.users);
  const tenant = { tenantId: world.tenantId };
  const container = (name: string) => ({ containerId: worldId(world.tenantId, 'enpower-container', 0), container: `${world.tenantName}-${name}` });
  const scale = Math.max(1, Math.ceil((options.objects ?? 0) / 100));
  const widen = <T extends { id: string; displayName: string; ownerId: string; environmentId: string | undefined; createdMs: number }>(base: T[], kind: string, count: number) =>
    Array.from({ length: Math.max(base.length, count) }, (_, index) => {
      const source = base[index % base.length]!;
      return index < base.length ? source : { ...source, id: worldId(world.tenantId, `enpower-${kind}`, index), displayName: `${source.displayName} (${index})`, ownerId: anyMember().id, createdMs: past(720) };
    });
  /** The Cloud Governance lifecycle block: a third of the objects are registered, with contacts, a phase and profiles. */
  const governance = (names: { lastRenewalBy?: string; isRegistered?: string; renewProfile?: string; electionProfile?: string } = {}, unassigned: unknown = null) => {
    const registered = random.chance(0.35);
    const primary = anyMember();
    const secondary = anyMember();
    const renewal = past(180);
    return {
      primaryContact: registered ? userDetails(primary, world.tenantId) : null,
      secondaryContact: registered ? userDetails(secondary, world.tenantId) : null,
      phase: registered ? random.pick(['Active', 'Renewal', 'RenewalExpired', 'Election']) : '',
      phaseAssignees: registered ? [userDetails(primary, world.tenantId)] : '',
      lastRenewalTime: registered ? t(renewal) : '',
      phaseStartTime: registered ? t(renewal) : '',
      renewalDueDate: registered ? t(renewal + 180 * DAY_MS) : '',
      nextRenewalDate: registered ? t(renewal + 180 * DAY_MS) : '',
      [names.lastRenewalBy ?? 'lastRenewalBy']: registered ? userDetails(primary, world.tenantId) : null,
      renewProfileApplied: registered,
      [names.isRegistered ?? 'isRegistered']: registered,
      [names.renewProfile ?? 'renewProfile']: registered ? { id: worldId(world.tenantId, 'cg-renewal-profile', 0), name: 'Yearly renewal' } : unassigned,
      metadata: registered ? [{ metadataType: 4, value: random.pick(['Confidential', 'General', 'Internal']), id: worldId(world.tenantId, 'cg-metadata', 0), name: 'Classification', metadataSetting: null }] : [],
      electionProfileApplied: registered,
      [names.electionProfile ?? 'electionProfile']: registered ? { id: worldId(world.tenantId, 'cg-election-profile', 0), name: 'Owner election' } : unassigned,
      claimStatus: registered ? random.pick(['Claimed', 'Unclaimed']) : '',
    };
  };
  const inventory: Inventory = new Map();
  const put = (spec: CollectionSpec, documents: Document[]) => inventory.set(spec, documents.map((document) => documentOf(spec.fields, document, Object.keys(spec.computed ?? {}))));

  const environments = world.environments.map((environment, index) => {
    const owner = user(environment.ownerId);
    const group = world.groups.find((candidate) => candidate.id === environment.securityGroupId);
    return {
      ...tenant,
      id: environment.id,
      name: environment.id,
      dataverseInstanceUrl: `https://org${environment.id.slice(0, 8)}.crm.dynamics.com`,
      displayName: environment.displayName,
      tenant: world.domain,
      ...container('Environments'),
      createdTime: t(environment.createdMs),
      lastModifiedTime: t(Math.min(options.endMs, environment.createdMs + 30 * DAY_MS)),
      region: environment.region,
      environmentType: environment.kind,
      isDefault: index === 0,
      enPowerPolicyId: '00000000-0000-0000-0000-000000000000',
      enPowerPolicyName: null,
      enPowerPolicyStatus: 'Not applied',
      environmentOwnerId: owner.id,
      environmentOwnerDisplayName: owner.displayName,
      environmentOwnerDepartment: owner.department,
      environmentOwnerUserPrincipalName: owner.userPrincipalName,
      environmentOwnerOffice: owner.city,
      hasManaged: random.chance(0.4),
      ownerIsDisabled: !owner.accountEnabled,
      hasDataverse: environment.kind !== 'Developer',
      hasDlpPolicy: true,
      dlpPolicies: random.int(1, 3),
      ownerUserType: owner.userType,
      numberOfAdmins: random.int(1, 4),
      numberOfMakers: random.int(1, 20),
      numberOfUsers: random.int(5, world.users.length),
      numberOfGuestUsers: world.users.filter((candidate) => candidate.userType === 'Guest').length,
      hasSecurityGroup: group !== undefined,
      securityGroupId: group?.id ?? '',
      securityGroup: group
        ? {
            id: group.id,
            enPowerObjId: null,
            tenantId: world.tenantId,
            containerId: null,
            photo: null,
            displayName: group.displayName,
            realDisplayName: group.displayName,
            userPrincipalName: null,
            securityEnabled: true,
            mailEnabled: group.mail !== undefined,
            accountEnabled: null,
            mailNickname: group.displayName.replace(/\W+/g, ''),
            email: group.mail ?? '',
            type: 1,
            userType: null,
            groupTypes: group.kind === 'Microsoft 365' ? ['Unified'] : [],
            officeLocation: null,
            jobTitle: null,
            exchangeRecipientType: null,
            groupType: group.kind === 'Microsoft 365' ? 1 : 2,
            membershipType: 1,
          }
        : null,
      securityGroupType: group?.kind === 'Microsoft 365' ? 'Microsoft 365 Group' : group ? 'Security Group' : '',
      numberOfSecurityGroupOwners: group?.ownerIds.length ?? 0,
      numberOfSecurityGroupUsers: group?.memberIds.length ?? 0,
      totalUsage: `${random.int(100, 4000)}.00 MB`,
      usageOfDatabase: `${random.int(100, 3000)}.00 MB`,
      usageOfDatabasePercentage: `${random.int(1, 100)}%`,
      usageOfFile: `${random.int(0, 500)} MB`,
      usageOfFilePercentage: `${random.int(0, 50)}%`,
      usageOfLog: `${random.int(0, 100)} MB`,
      usageOfLogPercentage: `${random.int(0, 20)}%`,
      ...governance({}, 'N/A'),
    };
  });
  put(ENVIRONMENTS, environments);
  const environmentOf = (id: string | undefined) => world.environments.find((environment) => environment.id === id) ?? world.environments[0]!;

  const connectors = [
    { id: 'shared_office365', name: 'Office 365 Outlook', tier: 'Standard', publisher: 'Microsoft', color: '#0078D4' },
    { id: 'shared_sharepointonline', name: 'SharePoint', tier: 'Standard', publisher: 'Microsoft', color: '#036C70' },
    { id: 'shared_teams', name: 'Microsoft Teams', tier: 'Standard', publisher: 'Microsoft', color: '#4B53BC' },
    { id: 'shared_sql', name: 'SQL Server', tier: 'Premium', publisher: 'Microsoft', color: '#BA141A' },
    { id: 'shared_salesforce', name: 'Salesforce', tier: 'Premium', publisher: 'Microsoft', color: '#1EB8EB' },
  ];
  const connections = world.environments.flatMap((environment) =>
    connectors.slice(0, Math.min(connectors.length, 2 + scale)).map((connector, index) => {
      const owner = user(environment.ownerId);
      return {
        ...tenant,
        id: worldId(world.tenantId, `enpower-connection-${environment.id}`, index).replace(/-/g, ''),
        tenantName: world.domain,
        containerId: worldId(world.tenantId, 'enpower-container', 0),
        containerName: `${world.tenantName}-Connections`,
        displayName: `${connector.name} (${owner.mail})`,
        iconUri: `https://connectoricons-prod.azureedge.net/${connector.id}/icon.png`,
        connectorId: connector.id,
        connectorDisplayName: connector.name,
        connectorIconBrandColor: connector.color,
        environmentId: environment.id,
        environmentDisplayName: environment.displayName,
        isCustom: false,
        tier: connector.tier,
        connectorOwnerDisplayName: null,
        connectorCreatedTime: t(environment.createdMs),
        publisher: connector.publisher,
        status: random.chance(0.9) ? 'Connected' : 'Error',
        connectionSource: null,
        ownerId: owner.id,
        ownerDisplayName: owner.displayName,
        ownerUserPrincipalName: owner.userPrincipalName,
        ownerStatus: owner.accountEnabled ? 'Enabled' : 'Disabled',
        ownerCountry: owner.country,
      };
    }),
  );
  put(CONNECTIONS, connections);
  const connectionsIn = (environmentId: string) => connections.filter((connection) => connection.environmentId === environmentId);
  const pickConnections = (environmentId: string) => connectionsIn(environmentId).filter(() => random.chance(0.5));

  const apps = widen(world.powerApps, 'power-app', Math.ceil((options.objects ?? 0) * 0.25)).map((app) => {
    const owner = user(app.ownerId);
    const environment = environmentOf(app.environmentId);
    const used = pickConnections(environment.id);
    const canvas = random.chance(0.75);
    return {
      ...tenant,
      id: `${app.id}_${environment.id}`,
      appId: app.id,
      displayName: app.displayName,
      tenantDomain: world.domain,
      ...container('Apps'),
      environment: environment.id,
      environmentName: environment.displayName,
      ownerDisplayName: owner.displayName,
      ownerStatus: owner.accountEnabled ? 'Enable' : 'Disable',
      createdOn: t(app.createdMs),
      modifiedOn: t(Math.min(options.endMs, app.createdMs + random.int(0, 200) * DAY_MS)),
      sharedUsers: random.int(0, 30),
      sharedGroups: random.int(0, 4),
      sharedOrganization: random.chance(0.1),
      appType: canvas ? 'Canvas' : 'Model-driven',
      appTypeDetail: 'Standard',
      siteUrl: null,
      backgroundColor: 'RGBA(0,176,240,1)',
      coOwnerCount: random.int(0, 3),
      guestUserCount: random.int(0, 2),
      ownerUserType: owner.userType,
      connectorCount: used.length,
      hasPremiumConnection: used.some((connection) => connection.tier === 'Premium'),
      environmentType: environment.kind,
      environmentHasSecurityGroup: environment.securityGroupId !== undefined,
      creatorDepartment: owner.department,
      creatorDisplayName: owner.displayName,
      creatorCountry: owner.country,
      creatorId: owner.id,
      creatorJobTitle: owner.jobTitle,
      connectorTier: used.some((connection) => connection.tier === 'Premium') ? 'Premium' : 'Standard',
      lastPublishOn: t(Math.min(options.endMs, app.createdMs + random.int(0, 300) * DAY_MS)),
      quarantineState: random.chance(0.05) ? 'Quarantined' : 'NotQuarantined',
      status: canvas ? 'None' : 'Published',
      solutionNames: null,
      isManaged: null,
      ownerUserPrincipalName: owner.userPrincipalName,
      creatorUserPrincipalName: owner.userPrincipalName,
      creatorOfficeLocation: owner.city,
      ...governance(),
      connectionIds: used.map((connection) => connection.id),
    };
  });
  put(POWER_APPS, apps);

  const flowBase = widen(world.flows, 'flow', Math.ceil((options.objects ?? 0) * 0.25));
  const desktopShare = Math.max(1, Math.floor(flowBase.length / 5));
  const cloudFlows = flowBase.slice(desktopShare).map((flow) => {
    const owner = user(flow.ownerId);
    const environment = environmentOf(flow.environmentId);
    const coOwners = world.users.filter(() => random.chance(2 / world.users.length)).slice(0, 3);
    return {
      ...tenant,
      flowId: flow.id,
      displayName: flow.displayName,
      environmentId: environment.id,
      environment: environment.displayName,
      tenantDomain: world.domain,
      ...container('CloudFlows'),
      type: random.pick(['Automated', 'Instant', 'Scheduled']),
      createdTime: t(flow.createdMs),
      status: random.chance(0.85) ? 'Started' : 'Stopped',
      flowTrigger: random.pick(['PowerAppsButton', 'Recurrence', 'OnNewEmail', 'OnItemCreated']),
      triggered: true,
      actionCount: random.int(1, 40),
      lastModifiedTime: t(Math.min(options.endMs, flow.createdMs + random.int(0, 200) * DAY_MS)),
      owner: { id: owner.id, name: owner.displayName, department: owner.department, office: owner.city, status: owner.accountEnabled ? 'Enable' : 'Disable', userType: owner.userType, country: owner.country, email: owner.mail, jobTitle: owner.jobTitle, userPrincipalName: owner.userPrincipalName },
      creator: owner.displayName,
      creatorDepartment: owner.department,
      creatorOffice: owner.city,
      creatorStatus: owner.accountEnabled ? 'Enable' : 'Disable',
      creatorUserType: owner.userType,
      creatorCountry: owner.country,
      creatorEmail: owner.mail,
      creatorId: owner.id,
      creatorJobTitle: owner.jobTitle,
      creatorUpn: owner.userPrincipalName,
      coOwners: coOwners.length,
      coOwnerDetails: coOwners.map((coOwner) => ({ displayName: coOwner.displayName, userPrincipalName: coOwner.userPrincipalName })),
      users: random.int(1, 20),
      solutions: 'None',
      connections: pickConnections(environment.id).map((connection) => ({
        connectionName: connection.id,
        connectionDisplayName: connection.displayName,
        connectorName: connection.connectorId,
        connectorDisplayName: connection.connectorDisplayName,
        iconUri: connection.iconUri,
        type: connection.tier,
      })),
      ...governance({ lastRenewalBy: 'lastRenewedBy', isRegistered: 'registered', renewProfile: 'renewalProfile', electionProfile: 'contactElectionProfile' }),
    };
  });
  put(CLOUD_FLOWS, cloudFlows);
  const desktopFlows = flowBase.slice(0, desktopShare).map((flow) => {
    const owner = user(flow.ownerId);
    const environment = environmentOf(flow.environmentId);
    return {
      ...tenant,
      flowId: `${flow.id.slice(0, -4)}d${flow.id.slice(-3)}`,
      displayName: `${flow.displayName} (desktop)`,
      tenantDomain: world.domain,
      ...container('DesktopFlows'),
      environmentId: environment.id,
      environment: environment.displayName,
      creatorId: owner.id,
      creatorDisplayName: owner.displayName,
      creatorType: owner.userType,
      creatorDepartment: owner.department,
      creatorUpn: owner.userPrincipalName,
      creatorCountry: owner.country,
      creatorEmail: owner.mail,
      creatorJobTitle: owner.jobTitle,
      creatorOffice: owner.city,
      users: random.int(1, 5),
      type: 'Desktop',
      status: 'Published',
      triggered: true,
      createdTime: t(flow.createdMs),
      modifiedTime: t(Math.min(options.endMs, flow.createdMs + random.int(0, 100) * DAY_MS)),
      schemaVersion: '2',
    };
  });
  put(DESKTOP_FLOWS, desktopFlows);

  const workspaces = widen(world.powerBiWorkspaces, 'powerbi-workspace', Math.ceil((options.objects ?? 0) * 0.04)).map((workspace) => ({
    ...tenant,
    id: workspace.id,
    name: workspace.displayName,
    description: null,
    tenantName: world.domain,
    ...container('Workspaces'),
    type: 'Workspace',
    state: 'Active',
    capacityId: null,
    capacityName: null,
    capacitySkuTier: null,
    upgradeStatus: 'N/A',
    resourceUrl: `https://app.powerbi.com/groups/${workspace.id}`,
    createdDateTime: t(workspace.createdMs),
    contacts: null,
    sharePointStorage: null,
    isServiceApp: null,
    allowContributorUpdateApp: null,
    azureConnection: null,
    numberOfReports: random.int(1, 10),
    numberOfDashboards: random.int(0, 4),
    numberOfDataSets: random.int(1, 6),
    numberOfAdmins: 1,
    numberOfMembers: random.int(1, 10),
    numberOfViewers: random.int(0, 30),
    numberOfUsers: random.int(1, 40),
    ...governance(),
    datasource: null,
  }));
  put(WORKSPACES, workspaces);
  const datasourceTypes = ['Sql', 'SharePointList', 'Extension', 'AnalysisServices', 'Web'];
  const datasources = datasourceTypes.slice(0, Math.min(datasourceTypes.length, 2 + scale)).flatMap((type, index) =>
    Array.from({ length: 1 + (index % 3) * scale }, (_, ordinal) => ({ ...tenant, datasourceId: worldId(world.tenantId, `enpower-datasource-${type}`, ordinal), datasourceType: type, connectionDetails: JSON.stringify({ server: `${type.toLowerCase()}${ordinal}.contoso.com` }) })),
  );
  put(DATASOURCES, datasources);
  const artifacts = workspaces.flatMap((workspace, index) =>
    ['Report', 'Dashboard', 'Dataset'].map((type, ordinal) => {
      const owner = anyMember();
      const datasource = datasources[(index + ordinal) % datasources.length]!;
      return {
        ...tenant,
        id: worldId(world.tenantId, `enpower-artifact-${workspace.id}`, ordinal),
        name: `${workspace.name} ${type}`,
        description: null,
        tenantName: world.domain,
        ...container('Artifacts'),
        owner: owner.userPrincipalName,
        type,
        state: 'Active',
        resourceUrl: `https://app.powerbi.com/groups/${workspace.id}/${type.toLowerCase()}s`,
        workspaceId: workspace.id,
        parentName: workspace.name,
        parentType: 'Workspace',
        parentState: 'Active',
        sensitivityLabelName: random.pick(['General', 'Confidential', '']),
        createdDateTime: workspace.createdDateTime,
        createdBy: owner.userPrincipalName,
        createdById: owner.id,
        modifiedBy: owner.userPrincipalName,
        modifiedDateTime: workspace.createdDateTime,
        modifiedById: owner.id,
        configuredBy: null,
        configuredById: null,
        numberOfGuests: null,
        numberOfUsers: null,
        numberOfDirectShares: null,
        lastRefreshDate: type === 'Dataset' ? t(past(3)) : '',
        datasource: type === 'Dataset' ? datasource.datasourceId : null,
        creatorDisplayName: owner.displayName,
        creatorDepartment: owner.department,
        numberOfRefreshHistories: type === 'Dataset' ? random.int(1, 30) : 0,
      };
    }),
  );
  put(ARTIFACTS, artifacts);
  put(
    SEMANTIC_MODELS,
    artifacts
      .filter((artifact) => artifact.type === 'Dataset')
      .map((artifact) => {
        const datasource = datasources.find((candidate) => candidate.datasourceId === artifact.datasource)!;
        return { ...tenant, id: artifact.id, name: artifact.name, datasourceId: datasource.datasourceId, datasourceType: datasource.datasourceType, isRefreshable: random.chance(0.8) };
      }),
  );

  const bots = widen(world.copilotAgents, 'copilot-agent', Math.ceil((options.objects ?? 0) * 0.03)).map((agent) => {
    const owner = user(agent.ownerId);
    const environment = environmentOf(agent.environmentId);
    return {
      ...tenant,
      botId: agent.id,
      tenantName: world.domain,
      ...container('Agents'),
      environmentId: environment.id,
      environment: environment.displayName,
      displayName: agent.displayName,
      description: `${agent.displayName} answers questions of the ${owner.department || 'whole'} team.`,
      ownerId: owner.id,
      ownerUserPrincipalName: owner.userPrincipalName,
      creatorId: owner.id,
      creatorDisplayName: owner.displayName,
      creatorUserPrincipalName: owner.userPrincipalName,
      creatorDepartment: owner.department,
      creatorOffice: owner.city,
      creatorCountry: owner.country,
      creatorJobTitle: owner.jobTitle,
      creatorEmail: owner.mail,
      createdTime: t(agent.createdMs),
      lastModifiedTime: t(Math.min(options.endMs, agent.createdMs + 20 * DAY_MS)),
      lastPublishedTime: t(Math.min(options.endMs, agent.createdMs + 21 * DAY_MS)),
      primaryLanguage: 'en-US',
      sharedWithOrganization: random.chance(0.3),
      sharedUsers: random.int(0, 50),
      sharedGroups: random.int(0, 3),
      instructions: 'Answer from the knowledge sources only; be brief.',
      useAIGeneralKnowledge: random.chance(0.5),
      useGenAIOrchestration: random.chance(0.6),
      knowledgeSourceCount: random.int(1, 6),
      promptCount: random.int(0, 4),
      skillCount: random.int(0, 3),
      toolCount: random.int(0, 8),
      restAPIToolCount: random.int(0, 2),
      useWebSearch: random.chance(0.3),
    };
  });
  put(BOTS, bots);
  const pages = widen(world.powerPagesSites, 'power-pages-site', Math.ceil((options.objects ?? 0) * 0.02)).map((site) => {
    const owner = user(site.ownerId);
    const environment = environmentOf(site.environmentId);
    const slug = site.displayName.toLowerCase().replace(/\W+/g, '-');
    return {
      ...tenant,
      id: site.id,
      tenantName: world.domain,
      containerId: worldId(world.tenantId, 'enpower-container', 0),
      containerName: `${world.tenantName}-Pages`,
      siteId: site.id,
      environmentId: environment.id,
      environmentName: environment.displayName,
      name: site.displayName,
      websiteName: site.displayName,
      templateName: 'Default',
      websiteUrl: `https://${slug}.powerappsportals.com`,
      defaultLanguage: 'English',
      type: random.chance(0.7) ? 'Production' : 'Trial',
      ownerId: owner.id,
      ownerDisplayName: owner.displayName,
      ownerDepartment: owner.department,
      ownerOffice: owner.city,
      siteVisibility: random.chance(0.5) ? 'Public' : 'Private',
      dataModel: 'Enhanced',
      anonymousAccess: 'Enabled',
      createdTime: t(site.createdMs),
      creatorId: owner.id,
      creatorDisplayName: owner.displayName,
      creatorUserPrincipalName: owner.userPrincipalName,
      creatorDepartment: owner.department,
      creatorCountry: owner.country,
      creatorJobTitle: owner.jobTitle,
      creatorEmail: owner.mail,
      creatorOffice: owner.city,
      modifiedTime: t(Math.min(options.endMs, site.createdMs + 10 * DAY_MS)),
      modifiedId: owner.id,
      modifiedDisplayName: owner.displayName,
      siteStatus: 'Running',
      activationStatus: 'Activated',
    };
  });
  put(POWER_PAGES, pages);

  const mailbox = (source: M365World['mailboxes'][number]) => {
    const owner = source.userId ? user(source.userId) : undefined;
    const quota = source.kind === 'User' ? 102400 : 51200;
    return {
      ...tenant,
      id: source.id,
      userId: source.userId ?? '',
      principalName: source.address,
      name: source.address.split('@')[0],
      emailAddress: source.address,
      displayName: source.displayName,
      recipientType: `${source.kind} mailbox`,
      status: 'Normal',
      hiddenFromAddressListsEnabled: false,
      createTime: t(source.createdMs),
      modifiedTime: t(Math.min(options.endMs, source.createdMs + 40 * DAY_MS)),
      tenantDomain: world.domain,
      ...container('Mailboxes'),
      itemCount: Math.round(source.sizeMb * 12),
      storageUsed: source.sizeMb,
      issueWarningQuota: quota - 2048,
      prohibitSendQuota: quota - 1024,
      prohibitSendReceiveQuota: quota,
      deletedItemCount: random.int(0, 500),
      deletedItemSize: random.int(0, 200),
      firstScanTime: t(Math.min(options.endMs, source.createdMs + DAY_MS)),
      owner,
    };
  };
  const userAndShared = world.mailboxes.filter((candidate) => candidate.kind === 'User' || candidate.kind === 'Shared');
  put(
    MAILBOXES,
    userAndShared.map((source) => {
      const { owner, ...base } = mailbox(source);
      return {
        ...base,
        firstName: owner?.givenName ?? null,
        lastName: owner?.surname ?? null,
        alias: base.name,
        autoReplyEnabled: random.chance(0.05),
        litigationHoldEnabled: random.chance(0.1),
        emailForwardingEnabled: random.chance(0.05),
        archiveStatus: random.chance(0.3) ? 'Active' : 'None',
        archiveName: '',
        lastActivityDate: t(owner?.lastSignInMs ?? source.createdMs),
        recipientLimits: '500',
        mailboxPolicies: { addressBookPolicy: null, retentionPolicy: 'Default MRM Policy', roleAssignmentPolicy: 'Default Role Assignment Policy', sharingPolicy: 'Default Sharing Policy' },
        ...governance({}, 'N/A'),
      };
    }),
  );
  put(
    RESOURCE_MAILBOXES,
    world.mailboxes
      .filter((candidate) => candidate.kind === 'Room' || candidate.kind === 'Equipment')
      .map((source) => {
        const { owner: _owner, ...base } = mailbox(source);
        const registered = governance();
        return {
          ...base,
          officeLocation: random.pick(world.users).city,
          businessPhones: '[]',
          department: '',
          companyName: world.tenantName,
          resourceCapacity: source.kind === 'Room' ? random.int(4, 20) : 0,
          addressBookPolicy: null,
          notes: '',
          primaryContact: registered.primaryContact,
          secondaryContact: registered.secondaryContact,
          metadata: registered.metadata,
          isRegistered: registered.isRegistered,
          phase: registered.phase,
          claimStatus: registered.claimStatus,
        };
      }),
  );

  // End-of-life records: a few of the world's groups, sites and Teams were deleted or archived through MyHub.
  const operator = anyMember();
  const action = () => ({ actionType: random.pick([1, 2, 8]), actionTime: new Date(past(90)).toISOString().replace('Z', ''), operatorId: operator.id, operatorUserPrincipalName: operator.userPrincipalName, operatorDisplayName: operator.displayName, platform: 2 });
  // A fifth of them, the first always (a Microsoft 365 group, the world's first Team), so every list has some.
  const retired = <T>(items: T[]) => items.filter((_, index) => index === 0 || random.chance(0.2));
  const groupType = { 'Microsoft 365': 1, Security: 2, Distribution: 4, 'Mail-enabled security': 8 } as const;
  const eolGroup = (group: M365World['groups'][number]) => ({
    ...tenant,
    displayName: group.displayName,
    tenantDomain: world.domain,
    mail: group.mail ?? '',
    mailNickname: group.displayName.replace(/\W+/g, ''),
    mailEnabled: group.mail !== undefined,
    groupType: groupType[group.kind],
    deletedDateTime: new Date(past(90)).toISOString().replace('Z', ''),
    teamStatus: world.teams.some((team) => team.groupId === group.id) ? 2 : 1,
    membershipType: 1,
    visibility: group.visibility === 'Public' ? 1 : 2,
    createdDateTime: new Date(group.createdMs).toISOString().replace('.000Z', ''),
    objectId: group.id,
    ...action(),
  });
  const retiredGroups = retired(world.groups);
  put(EOL_GROUPS, retiredGroups.map(eolGroup));
  put(
    EOL_VIVA_GROUPS,
    retiredGroups.filter((group) => group.kind === 'Microsoft 365').map((group) => ({ ...eolGroup(group), vivaStatus: random.pick([1, 2]) })),
  );
  put(
    EOL_SITES,
    retired(world.sites.filter((site) => site.kind !== 'OneDrive')).map((site) => {
      const owner = user(site.ownerIds[0] ?? world.users[0]!.id);
      return {
        ...tenant,
        displayName: site.title,
        url: site.url,
        templateName: site.kind === 'Team site' ? 'Team site' : 'Communication site',
        ownerName: owner.displayName,
        ownerEmail: owner.mail,
        siteConnectGroup: site.groupId ? 'Yes' : 'No',
        connectedGroupId: site.groupId ?? '',
        isTeamsSite: world.teams.some((team) => team.siteId === site.id) ? 'Yes' : 'No',
        hubSiteDisplayName: '',
        createdDateTime: new Date(site.createdMs).toISOString().replace('.000Z', ''),
        createdBy: owner.displayName,
        createdByEmail: owner.mail,
        createdFrom: site.groupId ? 'Microsoft 365 Group' : 'SharePoint',
        deletedTime: new Date(past(90)).toISOString().replace('.000Z', ''),
        deletedBy: operator.displayName,
        storageUsed: String(site.storageUsedMb),
        fileViewedOrEdited: null,
        pageViews: null,
        pageVisits: null,
        fileStored: null,
        externalSharing: 'Off',
        scanTime: new Date(past(90)).toISOString().replace('Z', ''),
        tenantName: world.domain,
        objectId: site.id,
        ...action(),
      };
    }),
  );
  put(
    EOL_TEAMS,
    retired(world.teams).map((team) => {
      const group = world.groups.find((candidate) => candidate.id === team.groupId);
      const site = world.sites.find((candidate) => candidate.id === team.siteId);
      return {
        ...tenant,
        displayName: team.displayName,
        description: `${team.displayName} team`,
        emailAddress: group?.mail ?? '',
        sensitivity: '',
        tenantDomain: world.domain,
        privacy: group?.visibility === 'Public' ? 1 : 2,
        classification: null,
        groupId: team.groupId,
        siteUrl: site?.url ?? '',
        storageUsed: (site?.storageUsedMb ?? 0).toFixed(2),
        createTime: new Date(group?.createdMs ?? options.endMs).toISOString().replace('Z', ''),
        objectId: team.id,
        ...action(),
      };
    }),
  );
  return inventory;
}

export interface EventOptions {
  seed: string;
  endMs: number;
  days: number;
  /** How many events in all, spread over the streams and their parents. */
  count: number;
  batchSize?: number;
}

/** Which share of the events each stream gets. */
const STREAM_WEIGHTS: Array<{ spec: StreamSpec; parents: CollectionSpec; weight: number }> = [
  { spec: POWER_APP_LAUNCHES, parents: POWER_APPS, weight: 30 },
  { spec: POWER_APP_ACTIVITIES, parents: POWER_APPS, weight: 15 },
  { spec: CLOUD_FLOW_RUNS, parents: CLOUD_FLOWS, weight: 25 },
  { spec: CLOUD_FLOW_ACTIVITIES, parents: CLOUD_FLOWS, weight: 5 },
  { spec: DESKTOP_FLOW_RUNS, parents: DESKTOP_FLOWS, weight: 5 },
  { spec: BOT_ACTIVITIES, parents: BOTS, weight: 8 },
  { spec: POWER_PAGE_ACTIVITIES, parents: POWER_PAGES, weight: 4 },
  { spec: POWER_BI_ACTIVITIES, parents: ARTIFACTS, weight: 8 },
];

/** Events over the last `days` days, in batches per stream; the same options make the same events. */
export function* simulateEvents(world: M365World, inventory: Inventory, options: EventOptions): Generator<{ spec: StreamSpec; records: Document[] }> {
  const random = new SeededRandom(`${options.seed}:enpower-events:${world.tenantId}`);
  const total = STREAM_WEIGHTS.reduce((sum, entry) => sum + entry.weight, 0);
  const batchSize = options.batchSize ?? 1000;
  const startMs = options.endMs - options.days * DAY_MS;
  for (const { spec, parents, weight } of STREAM_WEIGHTS) {
    const objects = inventory.get(parents) ?? [];
    const count = Math.round((options.count * weight) / total);
    if (objects.length === 0 || count === 0) continue;
    let batch: Document[] = [];
    for (let i = 0; i < count; i++) {
      // A few objects get most of the use, as in a real estate; the first always has some
      // (its drill-downs are never empty, whatever the draws).
      const draw = objects[Math.floor(objects.length * random.next() ** 2)]!;
      const parent = i === 0 ? objects[0]! : draw;
      const who = random.pick(world.users);
      const timeMs = startMs + Math.floor(random.next() * (options.endMs - startMs));
      const id = worldId(world.tenantId, `enpower-${spec.stream}`, i);
      batch.push(eventOf(spec, parent, who, timeMs, id, random, world.tenantId));
      if (batch.length === batchSize) {
        yield { spec, records: batch };
        batch = [];
      }
    }
    if (batch.length > 0) yield { spec, records: batch };
  }
}

function eventOf(spec: StreamSpec, parent: Document, who: WorldUser, timeMs: number, id: string, random: SeededRandom, tenantId: string): Document {
  const iso = new Date(timeMs).toISOString();
  const user = { userId: who.userPrincipalName, userKey: who.id, userType: who.userType === 'Member' ? 'Regular' : 'Guest' };
  const ip = `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
  switch (spec) {
    case POWER_APP_LAUNCHES:
      return { id, objectId: parent.appId, creationTime: iso, ...user, clientIP: ip };
    case POWER_APP_ACTIVITIES:
      return { id, objectId: parent.appId, creationTime: iso, ...user, clientIP: ip, activityType: random.pick(['EditApp', 'PublishApp', 'ShareApp']), dataSource: 'PowerApps', itemName: parent.displayName };
    case CLOUD_FLOW_RUNS:
    case DESKTOP_FLOW_RUNS: {
      const durationMs = random.int(2, 600) * 1000;
      const end = new Date(timeMs + durationMs).toISOString();
      const duration = `${Math.floor(durationMs / 60000)}m ${Math.floor(durationMs / 1000) % 60}s`;
      return spec === CLOUD_FLOW_RUNS
        ? { id, objectId: parent.flowId, creationTime: iso, startTime: iso, endTime: end, duration, state: random.chance(0.9) ? 'Succeeded' : 'Failed' }
        : { id, attendedMode: random.pick(['Attended', 'Unattended']), objectId: parent.flowId, startTime: iso, endTime: end, duration, runStatus: random.chance(0.9) ? 'Succeeded' : 'Failed', requested: who.displayName };
    }
    case CLOUD_FLOW_ACTIVITIES:
      return { id, objectId: parent.flowId, creationTime: iso, ...user, activityType: random.pick(['CreateFlow', 'EditFlow', 'DeleteFlow']), dataSource: 'MicrosoftFlow', itemName: parent.displayName };
    case BOT_ACTIVITIES:
      return { id, objectId: parent.botId, creationTime: iso, ...user, activityType: random.pick(['BotCreate', 'BotUpdate', 'BotPublish']), dataSource: 'CopilotStudio' };
    case POWER_PAGE_ACTIVITIES:
      return { id, objectId: parent.id, creationTime: iso, ...user, activityType: random.pick(['PortalCreated', 'PortalUpdated']), dataSource: 'PowerPlatform', clientIP: ip, resultStatus: 'Succeeded' };
    default:
      return {
        id,
        tenantId,
        userId: who.id,
        userPrincipalName: who.userPrincipalName,
        displayName: who.displayName,
        department: who.department,
        operation: random.pick(['ViewReport', 'ViewReport', 'ViewDashboard', 'ExportReport', 'CreateFolder']),
        activityTime: iso,
        isSuccess: random.chance(0.97),
        pbiObjectId: parent.id,
        pbiObjectName: parent.name,
        pbiObjectType: parent.type,
        workspaceId: parent.workspaceId,
      };
  }
}
