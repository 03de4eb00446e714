import { describe, expect, it } from 'vitest';
import { buildWorld, worldId } from '../../src/simulator/world.js';

const base = { tenantId: '7f0c1a52-0000-4000-8000-000000000001', tenantName: 'Contoso', seed: 'meridian', endMs: Date.UTC(2026, 10, 20, 12) };

describe('the simulated Microsoft 365 world', () => {
  it('is the same world for the same tenant, seed and size, however it was reached', () => {
    const first = buildWorld({ ...base, users: 120 });
    // A fresh options object with the same values: not a cache hit by identity.
    const again = buildWorld({ ...base, users: 120 });
    expect(again).toBe(first);
    expect(JSON.stringify(buildWorld({ ...base, users: 120, endMs: base.endMs + 1 }))).toBe(JSON.stringify(first));
  });

  it('keeps each user the same person whatever the size of the world', () => {
    const small = buildWorld({ ...base, users: 50 });
    const large = buildWorld({ ...base, users: 2000 });
    expect(large.users.slice(0, 50)).toEqual(small.users);
    expect(new Set(large.users.map((user) => user.userPrincipalName)).size).toBe(2000);
    expect(new Set(large.users.map((user) => user.id)).size).toBe(2000);
  });

  it('changes with the seed and differs between tenants', () => {
    const other = buildWorld({ ...base, seed: 'other', users: 50 });
    expect(other.users.map((user) => user.displayName)).not.toEqual(buildWorld({ ...base, users: 50 }).users.map((user) => user.displayName));
    const tenant2 = buildWorld({ ...base, tenantId: 'b', tenantName: 'Fabrikam', users: 50 });
    expect(tenant2.users[0]!.id).not.toBe(buildWorld({ ...base, users: 50 }).users[0]!.id);
    expect(tenant2.domain).toBe('fabrikam.onmicrosoft.com');
  });

  it('links every object to people and places that exist in it', () => {
    const world = buildWorld({ ...base, users: 300 });
    const userIds = new Set(world.users.map((user) => user.id));
    const groupIds = new Set(world.groups.map((group) => group.id));
    const siteIds = new Set(world.sites.map((site) => site.id));
    for (const group of world.groups) {
      expect(group.memberIds.every((id) => userIds.has(id))).toBe(true);
      expect(group.ownerIds.every((id) => group.memberIds.includes(id))).toBe(true);
      // Nested groups are groups of the world; Microsoft 365 groups hold people only, as in Entra ID.
      expect(group.memberGroupIds.every((id) => groupIds.has(id) && id !== group.id)).toBe(true);
      if (group.kind === 'Microsoft 365') expect(group.memberGroupIds).toEqual([]);
    }
    // Two levels deep: a mail-enabled security group holds a distribution group that holds a security group.
    const byId = new Map(world.groups.map((group) => [group.id, group]));
    const chains = world.groups.filter((group) => group.memberGroupIds.some((id) => byId.get(id)!.memberGroupIds.length > 0));
    expect(chains.length).toBeGreaterThan(0);
    expect(chains.every((group) => group.kind === 'Mail-enabled security')).toBe(true);
    for (const team of world.teams) {
      expect(groupIds.has(team.groupId)).toBe(true);
      expect(siteIds.has(team.siteId)).toBe(true);
    }
    const environments = new Set(world.environments.map((environment) => environment.id));
    for (const object of [...world.powerApps, ...world.flows, ...world.copilotAgents, ...world.powerPagesSites]) {
      expect(userIds.has(object.ownerId)).toBe(true);
      expect(environments.has(object.environmentId!)).toBe(true);
    }
    for (const mailbox of world.mailboxes) if (mailbox.userId) expect(userIds.has(mailbox.userId)).toBe(true);
    for (const user of world.users) if (user.managerId) expect(userIds.has(user.managerId)).toBe(true);
    // Multi-Geo, guests in the #EXT# form, hybrid users, a OneDrive per licensed member.
    expect(world.geoLocations).toEqual(expect.arrayContaining(['NAM', 'EUR', 'APC']));
    expect(world.users.some((user) => user.userType === 'Guest' && user.userPrincipalName.includes('#EXT#@contoso.onmicrosoft.com'))).toBe(true);
    expect(world.users.some((user) => user.onPremisesSynced)).toBe(true);
    const licensedMembers = world.users.filter((user) => user.userType === 'Member' && user.licenses.length > 0).length;
    expect(world.sites.filter((site) => site.kind === 'OneDrive')).toHaveLength(licensedMembers);
    expect(new Set(world.mailboxes.map((mailbox) => mailbox.kind))).toEqual(new Set(['User', 'Shared', 'Room', 'Equipment']));
  });

  it('derives ids that are valid, stable GUIDs', () => {
    expect(worldId('t', 'user', 7)).toBe(worldId('t', 'user', 7));
    expect(worldId('t', 'user', 7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(worldId('t', 'user', 7)).not.toBe(worldId('t', 'group', 7));
  });

  it('builds a large tenant', () => {
    const world = buildWorld({ ...base, users: 100_000 });
    expect(world.users).toHaveLength(100_000);
    expect(world.groups.length).toBe(10_000);
  });
});
