import { expect } from 'vitest';
import type { Clock } from '../../src/platform/clock.js';
import { Harness, type HarnessOptions, type TestApp } from '../support/harness.js';

/** Every permission the backup endpoints document. */
export const BACKUP_PERMISSIONS = {
  jobInfo: 'microsoft365backup.jobInfo.read.all',
  restore: 'microsoft365backup.restore.readwrite.all',
  subscription: 'microsoft365backup.subscriptionInfo.read.all',
  settings: 'microsoft365backup.settings.read.all',
  unusualActivity: 'microsoft365backup.unusualActivity.read.all',
  d365: 'Dynamics.ReadWrite.All',
  iaas: 'PlatformBackup.ReadWrite.All',
  google: 'gsuite.graph.read.all',
  salesforce: 'salesforce.public.read.all',
} as const;

export interface BackupTenant {
  tenantId: string;
  app: TestApp;
  /** A token holding every backup permission. */
  token: string;
  producer: string;
  /** A token of the same tenant holding only audit.read.all (no backup permission). */
  other: string;
}

/** A harness with the `us` region, and helpers shared by the backup tests. */
export class BackupHarness {
  private constructor(readonly harness: Harness) {}

  static async start(options: HarnessOptions): Promise<BackupHarness> {
    return new BackupHarness(await Harness.start({ regions: ['us'], ...options }));
  }

  get base(): string {
    return this.harness.regionUrl('us');
  }

  async tenant(permissions: string[] = [...Object.values(BACKUP_PERMISSIONS), 'audit.read.all']): Promise<BackupTenant> {
    const app = await this.harness.tenantWithApp(permissions);
    const token = await this.harness.token(app);
    const producer = await this.harness.producerToken(app.tenantId);
    const other = await this.harness.token(await this.harness.tenantWithApp(['audit.read.all']));
    return { tenantId: app.tenantId, app, token, producer, other };
  }

  async get(path: string, token: string) {
    return this.harness.get(path.startsWith('http') ? path : `${this.base}${path}`, token);
  }

  async post(path: string, token: string, body: unknown) {
    return this.harness.send('POST', `${this.base}${path}`, token, body);
  }

  /** Posts producer batches and expects each to be accepted. */
  async produce(path: string, token: string, value: unknown[]): Promise<void> {
    for (let i = 0; i < value.length; i += 1000) {
      const result = await this.post(path, token, { value: value.slice(i, i + 1000) });
      expect(result.status, result.text).toBe(200);
    }
  }

  /** Follows nextLink from `path` to the end; `read` picks the jobs and nextLink out of a page. */
  async walk(path: string, token: string, read: (body: any) => { items: any[]; nextLink: string }, between?: (page: number) => Promise<void>): Promise<any[]> {
    const items: any[] = [];
    let url: string = path;
    for (let page = 0; url; page++) {
      if (page > 500) throw new Error('paging does not end');
      const result = await this.get(url, token);
      expect(result.status, result.text).toBe(200);
      const { items: pageItems, nextLink } = read(result.body);
      items.push(...pageItems);
      if (between) await between(page);
      url = nextLink;
    }
    return items;
  }

  close(): Promise<void> {
    return this.harness.close();
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A 400 that names `name` in the module's envelope (errors[].field or the message). */
export function expectNamed(result: { status: number; body: any; text: string }, name: string): void {
  expect(result.status, result.text).toBe(400);
  expect(result.text.toLowerCase(), result.text).toContain(name.toLowerCase());
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The region's clock held still (restores do not progress) or running with the wall clock.
 * It never runs ahead of real time, so the tokens Meridian issues on it stay valid.
 */
export function holdableClock(): Clock & { hold(): void; release(): void } {
  let held: number | null = null;
  return {
    now: () => new Date(held ?? Date.now()),
    nowMs: () => held ?? Date.now(),
    hold() {
      held = Date.now();
    },
    release() {
      held = null;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
