import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Static } from 'typebox';
import type { AuditPage, AuditQuery } from '../aos/audit/audit-schemas.js';
import type { ScanJobPage, ScanJobQuery } from '../aos/jobs/scan-job-schemas.js';
import { createHttpClient } from '../platform/http-client.js';

/**
 * A typed client of the AvePoint Graph API, for Meridian or the real service. Its types come
 * from the same TypeBox schemas that validate requests and generate the OpenAPI document.
 */
export type AuditRecordsPage = Static<typeof AuditPage>;
export type AuditRecordsQuery = Omit<Static<typeof AuditQuery>, 'skipToken' | 'productTypes' | 'geoLocations'> & {
  productTypes?: string[];
  geoLocations?: string[];
};
export type ScanJobsPage = Static<typeof ScanJobPage>;
export type ScanJobsQuery = Static<typeof ScanJobQuery>;

export type ClientCredential =
  | { clientSecret: string }
  | { certificate: { privateKey: KeyObject; thumbprintSha1: string; x5t: string; algorithm?: string } };

export interface GraphClientOptions {
  /** e.g. https://identity.avepointonlineservices.com (or Meridian's printed identity URL). */
  identityUrl: string;
  /** e.g. https://graph-us.avepointonlineservices.com */
  graphUrl: string;
  clientId: string;
  credential: ClientCredential;
  scope: string;
  /** PEM of a private CA to trust (Meridian's local CA). */
  caPem?: string;
  fetch?: typeof fetch;
}

export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly requestId: string | null,
  ) {
    super(`AvePoint Graph API answered ${status}: ${JSON.stringify(body)}`);
  }
}

export class GraphClient {
  private readonly http: typeof fetch;
  private token: { value: string; until: number } | undefined;

  constructor(private readonly options: GraphClientOptions) {
    this.http = options.fetch ?? createHttpClient(options.caPem ?? null);
  }

  /** An access token, cached until a minute before it expires. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const tokenUrl = `${this.options.identityUrl.replace(/\/+$/, '')}/connect/token`;
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: this.options.scope });
    if ('clientSecret' in this.options.credential) {
      form.set('client_id', this.options.clientId);
      form.set('client_secret', this.options.credential.clientSecret);
    } else {
      const { certificate } = this.options.credential;
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ jti: randomUUID(), sub: this.options.clientId })
        .setProtectedHeader({ alg: certificate.algorithm ?? 'RS256', typ: 'JWT', x5t: certificate.x5t, kid: certificate.thumbprintSha1 })
        .setIssuer(this.options.clientId)
        .setAudience(tokenUrl)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 300)
        .sign(certificate.privateKey);
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', assertion);
    }
    const response = await this.http(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) throw new GraphApiError(response.status, body, response.headers.get('request-id'));
    this.token = { value: body.access_token, until: Date.now() + ((body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }

  /** GET a path or a full nextLink URL. */
  async get<T>(pathOrUrl: string, query: Record<string, unknown> = {}): Promise<T> {
    const url = new URL(pathOrUrl, this.options.graphUrl);
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      url.searchParams.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    const response = await this.http(url, { headers: { authorization: `Bearer ${await this.accessToken()}`, 'client-request-id': randomUUID() } });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw new GraphApiError(response.status, body, response.headers.get('request-id'));
    return body as T;
  }

  /** Every page of a paged resource, following nextLink until it is null. */
  async *pages<T extends { nextLink: string | null }>(path: string, query: Record<string, unknown>): AsyncGenerator<T> {
    let page = await this.get<T>(path, query);
    yield page;
    while (page.nextLink) {
      page = await this.get<T>(page.nextLink);
      yield page;
    }
  }

  /** GET /aos/audit, every record of the window, page by page. */
  async *auditRecords(query: AuditRecordsQuery): AsyncGenerator<AuditRecordsPage['data'][number]> {
    for await (const page of this.pages<AuditRecordsPage>('/aos/audit', query)) yield* page.data;
  }

  /** GET /aos/jobs, one page. */
  scanJobs(query: ScanJobsQuery = {}): Promise<ScanJobsPage> {
    return this.get<ScanJobsPage>('/aos/jobs', query);
  }
}
