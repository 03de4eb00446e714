import { Agent, request } from 'undici';
import { ApiError, notFound } from '../../platform/errors.js';
import { findDataCenter } from '../../topology/data-centers.js';

/** Mints the short-lived tokens the global endpoint calls a data center with (identity's /service/tokens, with the deployment's service credential). */
export type ServiceTokens = (request: { tenantId: string; region: string; scopes: string[] }) => Promise<string>;

export interface RegionClientOptions {
  /** The deployment's CA, trusted for the data centers' certificates (the local CA on the embedded default). */
  caPem?: string | null | undefined;
  regionUrl: (dataCenter: string) => string | undefined;
  serviceToken: ServiceTokens;
  /** How long a call to a data center may take before the data center counts as unavailable. */
  timeoutMs?: number;
}

/** A data center that did not answer: the caller's 503 names it. */
export class DataCenterUnavailable extends ApiError {
  constructor(readonly dataCenter: string) {
    const dc = findDataCenter(dataCenter);
    super(503, 'data_center_unavailable', `Data center '${dataCenter}'${dc ? ` (${dc.region})` : ''} is unavailable; the customers whose data lives there cannot be read now. Try again later.`, { 'retry-after': '30' });
  }
}

export interface RegionCall {
  dataCenter: string;
  /** Whose token: the partner (internal Elements routes) or a customer (its own regional APIs). */
  tenantId: string;
  scopes: string[];
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/**
 * The global endpoint's one way into a data center. A refused connection, a timeout or a 5xx
 * is the data center being unavailable; a 404 is the record being absent (the caller decides
 * what the client sees); any other refusal is a defect of the global endpoint itself.
 */
export class RegionClient {
  // undici's request API, not fetch: a partner-wide page makes a call per data center, and
  // fetch's streams and abort signals cost more CPU than the call they wrap.
  private readonly dispatcher: Agent;

  constructor(private readonly options: RegionClientOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.dispatcher = new Agent({ connect: { ...(options.caPem ? { ca: options.caPem } : {}), timeout }, headersTimeout: timeout, bodyTimeout: timeout, keepAliveTimeout: 10_000, connections: 64 });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async call<T>(call: RegionCall): Promise<T> {
    const { status, text } = await this.exchange(call);
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
    if (status === 404) throw notFound(`Not found in data center '${call.dataCenter}'.`);
    throw new Error(`Data center ${call.dataCenter} refused ${call.method ?? 'GET'} ${call.path}: HTTP ${status} ${text.slice(0, 300)}`);
  }

  /**
   * A data center's answer as it came, refusals (4xx) included, for routes whose region side
   * answers the client's own request (Elements governance): status and JSON text, passed on
   * without parsing; unavailable as for `call`. Repeated query values are sent repeated.
   */
  async relay(call: Omit<RegionCall, 'query'> & { query?: Record<string, unknown> }): Promise<{ status: number; text: string }> {
    return this.exchange(call);
  }

  private async exchange(call: Omit<RegionCall, 'query'> & { query?: Record<string, unknown> }): Promise<{ status: number; text: string }> {
    const base = this.options.regionUrl(call.dataCenter);
    if (!base) throw new DataCenterUnavailable(call.dataCenter);
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) params.append(name, String(item));
    }
    const url = `${base}${call.path}${params.size ? `?${params.toString()}` : ''}`;
    let status: number;
    let text: string;
    // Identity not granting the token is its own 503 (identity_unavailable), not the data center's.
    const token = await this.options.serviceToken({ tenantId: call.tenantId, region: call.dataCenter, scopes: call.scopes });
    try {
      const response = await request(url, {
        dispatcher: this.dispatcher,
        method: call.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch {
      throw new DataCenterUnavailable(call.dataCenter);
    }
    if (status >= 500 || status === 429) throw new DataCenterUnavailable(call.dataCenter);
    return { status, text };
  }
}
