import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHttpClient } from '../platform/http-client.js';
import type { Endpoints } from '../runtime/meridian.js';

export class CliError extends Error {
  constructor(
    message: string,
    /** The process's exit code: 1 unless the command documents another (a timed-out wait: 124). */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Finds a running Meridian through `<data dir>/endpoints.json` and talks to its admin API. */
export class AdminClient {
  readonly endpoints: Endpoints;
  private readonly fetch: typeof fetch;
  private readonly adminKey: string;

  constructor(dataDir = process.env.MERIDIAN_DATA_DIR ?? './data') {
    const dir = resolve(dataDir);
    const file = join(dir, 'endpoints.json');
    if (!existsSync(file)) throw new CliError(`No running Meridian found: ${file} does not exist. Start one with 'npm start' (or set MERIDIAN_DATA_DIR).`);
    this.endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    const keyFile = join(dir, 'admin-key');
    this.adminKey = process.env.MERIDIAN_ADMIN_KEY || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
    if (!this.adminKey) throw new CliError(`No admin key: set MERIDIAN_ADMIN_KEY or keep ${keyFile}.`);
    this.fetch = createHttpClient(this.endpoints.caCertificate ? readFileSync(this.endpoints.caCertificate, 'utf8') : null);
  }

  identityUrls(): string[] {
    return Object.values(this.endpoints.identities).filter((url): url is string => Boolean(url));
  }

  async call<T>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await this.fetch(`${base}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${this.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`Cannot reach ${base}: ${(error as Error).message}. Is Meridian running?`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text;
      throw new CliError(message || `HTTP ${response.status}`);
    }
    return { status: response.status, body: parsed as T };
  }

  /** The identity host whose environment holds the tenant (tenants are per environment). */
  async identityOfTenant(tenant: string): Promise<{ base: string; tenant: { id: string; name: string; homeRegion: string } }> {
    for (const base of this.identityUrls()) {
      const response = await this.fetch(`${base}/admin/tenants/${encodeURIComponent(tenant)}`, { headers: { authorization: `Bearer ${this.adminKey}` } });
      if (response.ok) return { base, tenant: (await response.json()) as { id: string; name: string; homeRegion: string } };
      await response.body?.cancel();
    }
    throw new CliError(`No tenant '${tenant}' in any environment.`);
  }

  /** The identity host that registered a client id. */
  async identityOfApp(clientId: string): Promise<string> {
    for (const base of this.identityUrls()) {
      const response = await this.fetch(`${base}/admin/apps/${encodeURIComponent(clientId)}`, { headers: { authorization: `Bearer ${this.adminKey}` } });
      await response.body?.cancel();
      if (response.ok) return base;
    }
    throw new CliError(`No app registration with client id '${clientId}'.`);
  }

  get http(): typeof fetch {
    return this.fetch;
  }
}
