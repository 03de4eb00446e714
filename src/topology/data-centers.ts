/**
 * The docs' "Endpoints Upon Data Center" table and the identity hosts of each cloud
 * environment, kept as data so that a deployment chooses which of them it hosts.
 * Source: reference/seed-overview.md and main/register-app.md.
 */

export type EnvironmentId = 'commercial' | 'gov' | 'aos2' | 'fedramp';

export interface CloudEnvironment {
  id: EnvironmentId;
  name: string;
  /** Public identity host as documented; the issuer of this environment's tokens. */
  identityUrl: string;
}

export const ENVIRONMENTS: readonly CloudEnvironment[] = [
  { id: 'commercial', name: 'Commercial', identityUrl: 'https://identity.avepointonlineservices.com' },
  { id: 'gov', name: 'U.S. Government', identityUrl: 'https://identity-gov.avepointonlineservices.com' },
  { id: 'aos2', name: 'AOS2', identityUrl: 'https://identity-aos2.avepointonlineservices.com' },
  { id: 'fedramp', name: 'FedRAMP Cloud (Project Hosts)', identityUrl: 'https://identity.online15.net' },
];

export interface DataCenter {
  /** Short code used in `graph-{dc}` host names. */
  code: string;
  infrastructure: 'Microsoft Azure' | 'Google Cloud Platform';
  region: string;
  environment: EnvironmentId;
  /** Public regional endpoint as documented. */
  url: string;
}

const azure = (code: string, region: string, environment: EnvironmentId = 'commercial', url?: string): DataCenter => ({
  code,
  infrastructure: 'Microsoft Azure',
  region,
  environment,
  url: url ?? `https://graph-${code}.avepointonlineservices.com`,
});

const gcp = (code: string, region: string): DataCenter => ({
  code: `gcp-${code}`,
  infrastructure: 'Google Cloud Platform',
  region,
  environment: 'commercial',
  url: `https://graph-gcp-${code}.avepointonlineservices.com`,
});

export const DATA_CENTERS: readonly DataCenter[] = [
  azure('au', 'APAC - Australia'),
  azure('sg', 'APAC - Singapore'),
  azure('ca', 'Canada Central (Toronto)'),
  azure('ne', 'EMEA - Ireland'),
  azure('we', 'EMEA - Netherlands'),
  azure('fr', 'France Central (Paris)'),
  azure('de', 'Germany West Central (Frankfurt)'),
  azure('jp', 'Japan West - Osaka'),
  azure('kr', 'Korea Central (Seoul)'),
  azure('ch', 'Switzerland North (Zurich)'),
  azure('uk', 'UK South (London)'),
  azure('us', 'US - East'),
  azure('uae', 'United Arab Emirates (Dubai)'),
  azure('gov', 'AOS-US Gov', 'gov'),
  azure('aos2', 'AOS2', 'aos2'),
  azure('fedramp', 'FedRAMP Cloud (Project Hosts)', 'fedramp', 'https://graphusgovapi.online15.net'),
  gcp('au', 'Australia Southeast (Sydney): australia-southeast1'),
  gcp('jp', 'Japan (Tokyo): asia-northeast1'),
  gcp('us', 'East US (Moncks Corner): us-east1'),
  gcp('we', 'West Europe (Eemshaven, Netherlands): europe-west4'),
  gcp('kr', 'South Korea (Seoul): asia-northeast3'),
  // Appended, not inserted: listener ports are derived from this list's order.
  azure('za', 'South Africa North (Johannesburg)'),
  azure('qa', 'Qatar Central (Doha)'),
];

/** The Elements partner API's single documented endpoint. */
export const GLOBAL_ENDPOINT_URL = 'https://graph.avepointonlineservices.com';

export function findDataCenter(code: string): DataCenter | undefined {
  const wanted = code.trim().toLowerCase();
  return DATA_CENTERS.find((dc) => dc.code === wanted);
}

export function findEnvironment(id: string): CloudEnvironment | undefined {
  return ENVIRONMENTS.find((env) => env.id === id);
}

export function dataCentersOf(environment: EnvironmentId): DataCenter[] {
  return DATA_CENTERS.filter((dc) => dc.environment === environment);
}
