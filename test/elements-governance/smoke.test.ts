import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceWorld, type GovernanceWorld } from './support.js';

describe('smoke', () => {
  let world: GovernanceWorld;
  beforeAll(async () => {
    world = await governanceWorld('sqlite');
  }, 60_000);
  afterAll(() => world?.harness.close());
  it('answers', async () => {
    for (const path of ['/um/overview/security/users', '/rm/detection/rules', '/wm/overview/workspace', '/wm/overview/data-protection/compliance-rate', '/wm/overview/dspm/insights', '/wm/overview/data-protection/ransomware-detection', '/um/overview/security/compliances/workflows', '/um/overview/security/compliances/actions', '/um/overview/security/compliances/signins']) {
      const [area, ...rest] = path.slice(1).split('/');
      const result = await world.call('GET', `${world.base(area as 'um')}/${rest.join('/')}`);
      console.log(path, result.status, result.text.slice(0, 300));
    }
    const users = await world.call('POST', `${world.base('um')}/users/batch?pageSize=2`, {});
    console.log(users.status, users.text.slice(0, 500));
    const id = world.simulation.users[1]!.id;
    console.log((await world.call('GET', `${world.base('um')}/users/${id}`)).text);
    const put = await world.call('PUT', `${world.base('um')}/users/${id}/istest`, { isTestUser: true });
    console.log(put.status, put.text);
    const created = await world.call('POST', '/internal/elements/bm/baselines', { name: 'A', color: '0', customerId: world.customerId, tenantId: world.tenantId });
    console.log(created.status, created.text);
    await new Promise((r) => setTimeout(r, 1500));
    console.log((await world.call('POST', '/internal/elements/bm/baselines/batch', {})).text);
    console.log((await world.call('POST', '/internal/elements/bm/tenants/batch', {})).text);
    expect(1).toBe(1);
  }, 60_000);
});
