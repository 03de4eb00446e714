import { findDataCenter, type EnvironmentId } from '../topology/data-centers.js';
import type { MeridianConfig } from './config.js';

/**
 * Settings that contradict each other stop a node at start-up with every problem named,
 * instead of a cluster whose nodes refuse each other's tokens an hour later.
 */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Meridian cannot start; its settings contradict each other:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

const identityVariable = (environment: EnvironmentId) => `MERIDIAN_IDENTITY_URL_${environment.toUpperCase()}`;
export const regionVariable = (code: string) => `MERIDIAN_REGION_URL_${code.toUpperCase().replace(/-/g, '_')}`;

/** Returns what deserves a warning; throws ConfigurationError on what cannot work. */
export function checkConfig(config: MeridianConfig): string[] {
  const problems: string[] = [];
  const warnings: string[] = [];
  const urls: Array<{ setting: string; url: string }> = [
    ...Object.entries(config.identityUrls).map(([environment, url]) => ({ setting: identityVariable(environment as EnvironmentId), url: url! })),
    ...Object.entries(config.regionUrls).map(([code, url]) => ({ setting: regionVariable(code), url })),
    ...(config.globalUrl ? [{ setting: 'MERIDIAN_GLOBAL_URL', url: config.globalUrl }] : []),
  ];
  const seen = new Map<string, string>();
  for (const { setting, url } of urls) {
    const problem = publicUrlProblem(url);
    if (problem) problems.push(`${setting}='${url}' ${problem}`);
    const origin = problem ? url : new URL(url).origin;
    const other = seen.get(origin);
    if (other) problems.push(`${setting} and ${other} name the same URL ${origin}: each part needs its own public address`);
    seen.set(origin, setting);
  }
  for (const code of Object.keys(config.regionUrls)) {
    if (!findDataCenter(code)) problems.push(`${regionVariable(code)} names an unknown data center`);
  }

  const hosted = [
    ...config.environments.map((environment) => `identity ${environment}`),
    ...config.regions.map((dc) => `region ${dc.code}`),
    ...(config.global ? ['the global endpoint'] : []),
  ];
  if (hosted.length === 0) problems.push('MERIDIAN_IDENTITIES=none, MERIDIAN_REGIONS=none and MERIDIAN_GLOBAL=0 leave this node nothing to host');
  if (config.port !== undefined && hosted.length > 1) {
    problems.push(`MERIDIAN_PORT gives one listener a port, but this node hosts ${hosted.length} parts (${hosted.slice(0, 4).join(', ')}${hosted.length > 4 ? ', …' : ''}); use MERIDIAN_BASE_PORT or host one part`);
  }

  const hostsIdentity = (environment: EnvironmentId) => config.environments.includes(environment);
  const remoteEnvironments = new Set(config.regions.map((dc) => dc.environment).filter((environment) => !hostsIdentity(environment)));
  if (config.global && !hostsIdentity('commercial')) remoteEnvironments.add('commercial');
  for (const environment of remoteEnvironments) {
    if (!config.identityUrls[environment]) {
      problems.push(`this node verifies tokens of environment '${environment}' without hosting its identity: set ${identityVariable(environment)} to the identity's public URL`);
    }
  }
  const needs = serviceCredentialNeeds(config);
  if (needs.length > 0 && !config.serviceCredential) {
    const what = needs.map((need) => (need.role === 'producer' ? `region ${need.dataCenters.join(', ')} runs without its identity` : 'the global endpoint runs without identity'));
    problems.push(
      `${what.join(' and ')}: set MERIDIAN_SERVICE_CLIENT_ID and MERIDIAN_SERVICE_CLIENT_SECRET to a service credential with the role${needs.length > 1 ? 's' : ''} ${needs.map((need) => need.role).join(' and ')} (POST /admin/service-credentials at identity), not the admin key`,
    );
  }
  if (config.environments.length === 0 && config.secretsGiven.adminKey) {
    warnings.push('MERIDIAN_ADMIN_KEY is set on a node that hosts no identity: it is not used here; keep the admin key on identity nodes only');
  }

  const publicHostedRegions = config.regions.filter((dc) => config.regionUrls[dc.code]);
  const publicHostedIdentities = config.environments.filter((environment) => config.identityUrls[environment]);
  const behindPublicUrl = publicHostedRegions.length > 0 || publicHostedIdentities.length > 0 || (config.global && config.globalUrl);
  if (publicHostedRegions.length > 0 && !config.secretsGiven.pagingSecret) {
    problems.push(`${regionVariable(publicHostedRegions[0]!.code)} puts this node behind a shared address, but MERIDIAN_PAGING_SECRET is not set: each node would sign paging tokens the others refuse`);
  }
  if (publicHostedIdentities.length > 0 && !config.secretsGiven.adminKey) {
    problems.push(`${identityVariable(publicHostedIdentities[0]!)} puts this node behind a shared address, but MERIDIAN_ADMIN_KEY is not set: each node would have its own admin key`);
  }
  if (publicHostedIdentities.length > 0 && config.signingKeyLeadMs !== undefined && config.signingKeyLeadMs <= config.signingKeyCacheMs) {
    problems.push(
      `MERIDIAN_SIGNING_KEY_LEAD_MS=${config.signingKeyLeadMs} is not longer than MERIDIAN_SIGNING_KEY_CACHE_MS=${config.signingKeyCacheMs}: behind a shared identity URL a rotated key would sign before every node publishes it`,
    );
  }
  if (behindPublicUrl && !config.redisUrl) warnings.push('a part is behind a public URL but MERIDIAN_REDIS_URL is not set: rate limits and the assertion replay cache are per node');
  if (behindPublicUrl && !config.databaseUrl) warnings.push('a part is behind a public URL but MERIDIAN_DATABASE_URL is not set: nodes of one part do not share their SQLite data');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return warnings;
}

function publicUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http or https URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) return 'must be an origin (scheme, host and port) without a path, query or fragment';
  return undefined;
}


/** What this node asks of an identity it does not host, with its service credential. */
export interface ServiceCredentialNeed {
  environment: EnvironmentId;
  role: 'producer' | 'global';
  dataCenters: string[];
}

export function serviceCredentialNeeds(config: MeridianConfig): ServiceCredentialNeed[] {
  const hostsIdentity = (environment: EnvironmentId) => config.environments.includes(environment);
  const needs: ServiceCredentialNeed[] = [];
  for (const dc of config.regions) {
    if (hostsIdentity(dc.environment)) continue;
    const need = needs.find((item) => item.environment === dc.environment);
    if (need) need.dataCenters.push(dc.code);
    else needs.push({ environment: dc.environment, role: 'producer', dataCenters: [dc.code] });
  }
  // The global endpoint is the commercial environment's (its tokens, its customers' tenants).
  if (config.global && !hostsIdentity('commercial')) needs.push({ environment: 'commercial', role: 'global', dataCenters: [] });
  return needs;
}

/**
 * What is wrong with the credential identity describes (GET /service/credential) for what the
 * node needs of it: checked at start-up, so a credential of the wrong role stops the node
 * instead of failing its first call.
 */
export function serviceCredentialProblems(need: ServiceCredentialNeed, credential: { clientId: string; roles: string[]; dataCenters: string[] }): string[] {
  const problems: string[] = [];
  const purpose = need.role === 'producer' ? `region ${need.dataCenters.join(', ')} without its identity` : 'the global endpoint without identity';
  if (!credential.roles.includes(need.role)) {
    problems.push(`the service credential ${credential.clientId} has the role${credential.roles.length === 1 ? '' : 's'} ${credential.roles.join(', ')}, but this node hosts ${purpose}, which needs the '${need.role}' role`);
  }
  const missing = need.dataCenters.filter((code) => !credential.dataCenters.includes(code));
  if (missing.length > 0) problems.push(`the service credential ${credential.clientId} serves data centers ${credential.dataCenters.join(', ')}, not ${missing.join(', ')} that this node hosts`);
  return problems;
}
