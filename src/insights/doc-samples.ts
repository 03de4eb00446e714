import { DOC_SAMPLE_OBJECTS } from '../simulator/doc-samples.js';
import type { M365World } from '../simulator/world.js';
import type { ProducedActivity, ProducedGroup, ProducedObject, ProducedPermission, ProducedSharingLink, ProducedUser, ProducedWorkspace } from './graph/producer-schemas.js';
import type { ProducerBatch } from './simulator.js';

const SAMPLES = DOC_SAMPLE_OBJECTS.insights;
const google = { platform: 'google' as const };

/**
 * What the Insights pages' request samples name, in the demo tenant's graph: the guest and
 * colleague of the user samples, the group of groupAccessReport.md, the sites of the site
 * samples (with their roots, a library and a file each, reachable by the guest, the colleague
 * and the group), sharing links and activities at the samples' own dates (2023–2025), and
 * the Google account, group, drives and file of the Google samples. People's names are the
 * world's; everything is fixed, so every sample finds its rows whatever the draws.
 */
export function* docSampleInsights(world: M365World): Generator<ProducerBatch> {
  const [admin, second, third] = [world.users[0]!, world.users[1] ?? world.users[0]!, world.users[2] ?? world.users[0]!];
  const guestId = `${world.tenantId}:doc-sample:guest`;
  const colleagueId = `${world.tenantId}:doc-sample:colleague`;
  const users: ProducedUser[] = [
    { id: guestId, loginName: SAMPLES.guest.loginName, email: SAMPLES.guest.email, displayName: 'Jane (insightstest)', userStatus: 'Active', trustStatus: 'Not Trusted', external: true, lastSignIn: '2025-01-08T09:12:00Z', createdOn: '2022-07-01T08:00:00Z' },
    { id: colleagueId, loginName: SAMPLES.colleague.email, email: SAMPLES.colleague.email, displayName: 'John (insightstest)', userStatus: 'Active', trustStatus: 'Trusted', external: false, lastSignIn: '2025-01-08T10:00:00Z', createdOn: '2022-07-01T08:00:00Z' },
  ];
  yield { feed: 'users', value: users };
  const group: ProducedGroup = { id: SAMPLES.groupId, displayName: 'July 2022 Public Team 01', email: 'july2022publicteam01@m365x636363.onmicrosoft.com', groupType: 'Microsoft 365 Group', membershipType: 'Assigned', createdOn: '2022-07-01T08:00:00Z', memberIds: [guestId, colleagueId, admin.id] };
  yield { feed: 'groups', value: [group] };

  const sites = Object.entries(SAMPLES.sites).map(([key, site]) => ({ key, id: 'id' in site ? site.id : `${world.tenantId}:doc-sample:site:${key}`, url: site.url }));
  const workspaces: ProducedWorkspace[] = sites.map((site) => ({ id: site.id, url: site.url, title: site.url.slice(site.url.lastIndexOf('/') + 1), module: site.key === 'publicTeam' || site.key === 'teams001' ? 'Microsoft Teams' : 'SharePoint Online', createdOn: '2022-07-01T08:00:00Z' }));
  yield { feed: 'workspaces', value: workspaces };
  const objects: ProducedObject[] = sites.flatMap((site) => [
    { id: `${site.id}:root`, workspaceId: site.id, url: site.url, name: site.url.slice(site.url.lastIndexOf('/') + 1), objectType: 'Site Collection', inheritType: 'Unique', createdTime: '2022-07-01T08:00:00Z', scannedTime: '2025-01-09T00:00:00Z', sensitivityLevel: 'Medium', exposureLevel: 'High', riskLevel: 'High', privacy: 'Public' },
    { id: `${site.id}:library`, workspaceId: site.id, url: `${site.url}/shared documents`, name: 'Documents', objectType: 'Library', inheritType: 'Inheritance', createdTime: '2022-07-01T08:00:00Z', scannedTime: '2025-01-09T00:00:00Z', sensitivityLevel: 'Medium', exposureLevel: 'High', riskLevel: 'Medium' },
    { id: `${site.id}:file`, workspaceId: site.id, url: `${site.url}/shared documents/customer list.xlsx`, name: 'Customer List.xlsx', objectType: 'File', inheritType: 'Unique', createdBy: second.displayName, creatorEmail: second.mail, createdTime: '2022-12-15T10:00:00Z', scannedTime: '2025-01-09T00:00:00Z', sensitivityLevel: 'High', exposureLevel: 'High', riskLevel: 'High', dataTypes: ['Credit Card Number'], sensitivityLabel: 'Confidential' },
  ]);
  yield { feed: 'objects', value: objects };
  // Everyone the samples ask about can reach every sample site: the group, the guest and the colleague directly.
  const permissions: ProducedPermission[] = objects.flatMap((object) => [
    { id: `${object.id}:group`, objectId: object.id, principalKind: 'group' as const, principalId: SAMPLES.groupId, permission: 'Edit', inheritType: object.inheritType },
    { id: `${object.id}:guest`, objectId: object.id, principalKind: 'user' as const, principalId: guestId, permission: 'Read', inheritType: object.inheritType },
    { id: `${object.id}:colleague`, objectId: object.id, principalKind: 'user' as const, principalId: colleagueId, permission: 'Contribute', inheritType: object.inheritType },
    { id: `${object.id}:admin`, objectId: object.id, principalKind: 'user' as const, principalId: admin.id, permission: 'Full Control', inheritType: object.inheritType },
  ]);
  yield { feed: 'permissions', value: permissions };
  // Specific links (32) on every sample site's file: one made in January 2023 (linkExport.md's window), and now-dated ones.
  const links: ProducedSharingLink[] = sites.map((site, index) => ({
    id: `${site.id}:link`,
    objectId: `${site.id}:file`,
    linkType: 32,
    createdTime: index === 0 ? '2023-01-16T09:30:00Z' : '2024-12-10T09:30:00Z',
    expireTime: null,
    shareBy: second.displayName,
    linkUrl: `${site.url}/:x:/s/doc-sample-${index}`,
    permission: 'View',
    inheritType: 'Unique',
    memberIds: [guestId],
  }));
  yield { feed: 'sharing-links', value: links };
  const teams001 = sites.find((site) => site.key === 'teams001')!;
  const activities: ProducedActivity[] = [
    // userActivitiesExport.md: the guest's views in 2023-01..04.
    ...['2023-01-10T09:00:00Z', '2023-02-14T11:30:00Z', '2023-03-20T15:45:00Z'].flatMap((time, index) => [
      { id: `${world.tenantId}:doc-sample:guest-activity:${index}:list`, objectId: `${sites[0]!.id}:library`, userId: guestId, eventType: 'ListViewed', time, clientIp: '10.20.30.40' },
      { id: `${world.tenantId}:doc-sample:guest-activity:${index}:item`, objectId: `${sites[0]!.id}:file`, userId: guestId, eventType: 'ListItemViewed', time, clientIp: '10.20.30.40' },
    ]),
    // objectActivities.md: views of contosoteams001 between 2024-12-03 and 2025-01-09.
    ...['2024-12-05T08:15:00Z', '2024-12-18T13:00:00Z', '2025-01-07T16:20:00Z'].flatMap((time, index) => [
      { id: `${world.tenantId}:doc-sample:site-activity:${index}:list`, objectId: `${teams001.id}:root`, userId: third.id, eventType: 'ListViewed', time, clientIp: '10.20.30.41' },
      { id: `${world.tenantId}:doc-sample:site-activity:${index}:item`, objectId: `${teams001.id}:root`, userId: colleagueId, eventType: 'ListItemViewed', time, clientIp: '10.20.30.42' },
    ]),
  ];
  yield { feed: 'activities', value: activities };

  // Google: the account (with its own My Drive, named by its email), the group, two shared drives and a file.
  const g = SAMPLES.google;
  const googleUserId = `${world.tenantId}:doc-sample:google-user`;
  yield { feed: 'users', value: [{ ...google, id: googleUserId, loginName: g.user, email: g.user, displayName: 'Andy (insights dev)', userStatus: 'Active', lastSignIn: '2025-09-30T08:00:00Z', createdOn: '2024-01-10T08:00:00Z' } satisfies ProducedUser] };
  const googleGroupId = `${world.tenantId}:doc-sample:google-group`;
  yield { feed: 'groups', value: [{ ...google, id: googleGroupId, displayName: 'Insights sales dev', email: g.group, groupType: 'Google Group', createdOn: '2024-01-10T08:00:00Z', memberIds: [googleUserId] } satisfies ProducedGroup] };
  const drives = [
    { id: g.sharedDrive, title: 'Insights Dev', module: 'Shared Drive' },
    { id: g.userSharedDrive, title: 'Insights Sales', module: 'Shared Drive' },
    { id: g.user, title: "Andy's My Drive", module: 'User Drive' },
  ];
  yield { feed: 'workspaces', value: drives.map((drive): ProducedWorkspace => ({ ...google, id: drive.id, url: `https://drive.google.com/drive/folders/${drive.id}`, title: drive.title, module: drive.module, createdOn: '2024-01-10T08:00:00Z' })) };
  const googleObjects: ProducedObject[] = [
    ...drives.map((drive): ProducedObject => ({ ...google, id: `${drive.id}:root`, workspaceId: drive.id, url: `https://drive.google.com/drive/folders/${drive.id}`, name: drive.title, objectType: 'Drive', inheritType: 'Unique' })),
    { ...google, id: g.objectId, workspaceId: g.sharedDrive, url: `https://docs.google.com/document/d/${g.objectId}`, name: 'Roadmap 2025', objectType: 'File', createdTime: '2025-01-02T09:00:00Z', sensitivityLevel: 'Medium', exposureLevel: 'High', inheritType: 'Unique' },
  ];
  yield { feed: 'objects', value: googleObjects };
  yield {
    feed: 'permissions',
    value: googleObjects.flatMap((object): ProducedPermission[] => [
      { ...google, id: `${object.id}:group`, objectId: object.id, principalKind: 'group', principalId: googleGroupId, permission: 'Content manager', inheritType: 'Unique' },
      { ...google, id: `${object.id}:user`, objectId: object.id, principalKind: 'user', principalId: googleUserId, permission: 'Editor', inheritType: 'Unique' },
    ]),
  };
  // googleLinkExport.md: an Anyone link (303) of May 2025.
  yield { feed: 'sharing-links', value: [{ ...google, id: `${g.objectId}:link`, objectId: g.objectId, linkType: 303, createdTime: '2025-05-12T10:00:00Z', shareBy: 'Andy (insights dev)', linkUrl: `https://docs.google.com/document/d/${g.objectId}`, permission: 'Viewer', memberIds: [] } satisfies ProducedSharingLink] };
  yield {
    feed: 'activities',
    value: [
      // googleObjectActivities.md (January 2025) and googleUserActivitiesExport.md (May to October 2025): create and label_added.
      ...['2025-01-02T09:00:00Z', '2025-01-20T14:00:00Z', '2025-05-15T09:00:00Z', '2025-08-01T12:00:00Z'].map((time, index): ProducedActivity => ({ ...google, id: `${world.tenantId}:doc-sample:google-activity:${index}`, objectId: g.objectId, userId: googleUserId, eventType: index % 2 === 0 ? 'create' : 'label_added', time })),
    ],
  };
}
