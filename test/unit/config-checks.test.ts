import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../../src/runtime/config.js';
import { checkConfig, ConfigurationError, serviceCredentialNeeds, serviceCredentialProblems } from '../../src/runtime/config-checks.js';

/** Settings that contradict each other stop start-up with every problem named. */
describe('start-up checks of the settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      checkConfig(configFromEnvironment({ MERIDIAN_DATA_DIR: dir, ...env }));
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as ConfigurationError).problems;
    }
  };
  const regionNode = { MERIDIAN_REGIONS: 'us', MERIDIAN_IDENTITIES: 'none', MERIDIAN_GLOBAL: '0' };

  it('accepts the embedded default and a complete region-only node', () => {
    expect(problemsOf({})).toEqual([]);
    const node = {
      ...regionNode,
      MERIDIAN_PORT: '7410',
      MERIDIAN_IDENTITY_URL_COMMERCIAL: 'https://identity.example.com',
      MERIDIAN_REGION_URL_US: 'https://graph-us.example.com',
      MERIDIAN_PAGING_SECRET: 'shared',
      MERIDIAN_SERVICE_CLIENT_ID: 'svc-1',
      MERIDIAN_SERVICE_CLIENT_SECRET: 'secret',
    };
    expect(problemsOf(node)).toEqual([]);
  });

  it('names two parts given one URL, a URL with a path, and an unknown data center', () => {
    const problems = problemsOf({ MERIDIAN_IDENTITY_URL_COMMERCIAL: 'https://api.example.com', MERIDIAN_GLOBAL_URL: 'https://api.example.com/', MERIDIAN_REGION_URL_US: 'https://api.example.com/us', MERIDIAN_ADMIN_KEY: 'k', MERIDIAN_PAGING_SECRET: 'p' });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/MERIDIAN_GLOBAL_URL and MERIDIAN_IDENTITY_URL_COMMERCIAL name the same URL/), expect.stringMatching(/MERIDIAN_REGION_URL_US=.*must be an origin/)]));
    expect(problemsOf({ MERIDIAN_REGION_URL_MARS: 'https://mars.example.com' })).toEqual([expect.stringMatching(/MERIDIAN_REGION_URL_MARS names an unknown data center/)]);
    expect(problemsOf({ MERIDIAN_GLOBAL_URL: 'graph.example.com' })).toEqual([expect.stringMatching(/is not a URL/)]);
  });

  it('refuses one port for several parts, and a node with nothing to host', () => {
    expect(problemsOf({ MERIDIAN_PORT: '7400' })).toEqual([expect.stringMatching(/MERIDIAN_PORT gives one listener a port, but this node hosts \d+ parts/)]);
    expect(problemsOf({ MERIDIAN_REGIONS: 'none', MERIDIAN_IDENTITIES: 'none', MERIDIAN_GLOBAL: '0' })).toEqual([expect.stringMatching(/nothing to host/)]);
  });

  it('refuses a region-only node without its identity URL or its own service credential', () => {
    const problems = problemsOf(regionNode);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/set MERIDIAN_IDENTITY_URL_COMMERCIAL/), expect.stringMatching(/MERIDIAN_SERVICE_CLIENT_ID and MERIDIAN_SERVICE_CLIENT_SECRET/)]));
    expect(() => configFromEnvironment({ MERIDIAN_DATA_DIR: dir, MERIDIAN_SERVICE_CLIENT_ID: 'svc-1' })).toThrow(/set together/);
  });

  it('refuses a global-only node without a service credential, and warns of an admin key on a node without identity', () => {
    const globalNode = { MERIDIAN_REGIONS: 'none', MERIDIAN_IDENTITIES: 'none', MERIDIAN_GLOBAL: '1', MERIDIAN_IDENTITY_URL_COMMERCIAL: 'https://identity.example.com' };
    expect(problemsOf(globalNode)).toEqual([expect.stringMatching(/the global endpoint runs without identity: set MERIDIAN_SERVICE_CLIENT_ID .* with the role global/)]);
    const credential = { MERIDIAN_SERVICE_CLIENT_ID: 'svc-1', MERIDIAN_SERVICE_CLIENT_SECRET: 'secret' };
    expect(problemsOf({ ...globalNode, ...credential })).toEqual([]);
    expect(checkConfig(configFromEnvironment({ MERIDIAN_DATA_DIR: dir, ...globalNode, ...credential, MERIDIAN_ADMIN_KEY: 'k' }))).toEqual([expect.stringMatching(/MERIDIAN_ADMIN_KEY is set on a node that hosts no identity/)]);
    // A node with a region and the global endpoint but no identity needs both roles of one credential.
    expect(problemsOf({ ...globalNode, MERIDIAN_REGIONS: 'us' })).toEqual([expect.stringMatching(/region us runs without its identity and the global endpoint runs without identity: .* roles producer and global/)]);
  });

  it('names what a service credential identity describes lacks for what the node hosts', () => {
    const config = configFromEnvironment({ MERIDIAN_DATA_DIR: dir, MERIDIAN_REGIONS: 'us,we', MERIDIAN_IDENTITIES: 'none', MERIDIAN_GLOBAL: '1' });
    const needs = serviceCredentialNeeds(config);
    expect(needs).toEqual([{ environment: 'commercial', role: 'producer', dataCenters: ['us', 'we'] }, { environment: 'commercial', role: 'global', dataCenters: [] }]);
    const producerUs = { clientId: 'svc-1', roles: ['producer'], dataCenters: ['us'] };
    expect(serviceCredentialProblems(needs[0]!, producerUs)).toEqual([expect.stringMatching(/serves data centers us, not we/)]);
    expect(serviceCredentialProblems(needs[1]!, producerUs)).toEqual([expect.stringMatching(/has the role producer, but this node hosts the global endpoint without identity, which needs the 'global' role/)]);
    expect(serviceCredentialProblems(needs[1]!, { ...producerUs, roles: ['producer', 'global'] })).toEqual([]);
  });

  it('refuses a node behind a shared URL whose secrets would be its own, and a key lead shorter than the key cache', () => {
    const shared = { MERIDIAN_REGIONS: 'us', MERIDIAN_GLOBAL: '0', MERIDIAN_IDENTITY_URL_COMMERCIAL: 'https://identity.example.com', MERIDIAN_REGION_URL_US: 'https://graph-us.example.com' };
    expect(problemsOf(shared)).toEqual(expect.arrayContaining([expect.stringMatching(/MERIDIAN_PAGING_SECRET is not set/), expect.stringMatching(/MERIDIAN_ADMIN_KEY is not set/)]));
    expect(problemsOf({ ...shared, MERIDIAN_PAGING_SECRET: 'p', MERIDIAN_ADMIN_KEY: 'k', MERIDIAN_SIGNING_KEY_LEAD_MS: '1000' })).toEqual([expect.stringMatching(/is not longer than MERIDIAN_SIGNING_KEY_CACHE_MS=30000/)]);
  });
});
