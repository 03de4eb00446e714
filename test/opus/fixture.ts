import { expect } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import type { TestEngine } from '../support/services.js';

export const DAY = 24 * 60 * 60 * 1000;
/** "2024-12-19 18:15:00": the docs' record time format. */
export const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
export const daysAgo = (days: number) => stamp(Date.now() - days * DAY);

export const ALL_COLUMNS = [
  { name: 'Notes', type: 'MultipleText' },
  { name: 'Reference', type: 'SingleText' },
  { name: 'Signed on', type: 'DateTime' },
  { name: 'Region', type: 'SingleChoice', choices: ['North', 'South', 'East', 'West'] },
  { name: 'Tags', type: 'MultipleChoice', choices: ['Confidential', 'Vendor', 'Customer'] },
  { name: 'Owners', type: 'PeopleOrGroup' },
  { name: 'Amount', type: 'Number' },
];

/**
 * A real Meridian with one tenant: an app holding records.readwrite.all, a producer token
 * for the Opus admin routes, and helpers for the connector endpoints.
 */
export class OpusFixture {
  private constructor(
    readonly harness: Harness,
    readonly app: TestApp,
    readonly token: string,
    readonly producer: string,
  ) {}

  static async start(engine: TestEngine): Promise<OpusFixture> {
    const harness = await Harness.start({ engine, regions: ['us'] });
    const app = await harness.tenantWithApp(['records.readwrite.all', 'audit.read.all']);
    const token = await harness.token(app, 'records.readwrite.all audit.read.all');
    return new OpusFixture(harness, app, token, await harness.producerToken(app.tenantId));
  }

  /** Another tenant in the same region, sharing the Meridian. */
  async otherTenant(): Promise<OpusFixture> {
    const app = await this.harness.tenantWithApp(['records.readwrite.all']);
    return new OpusFixture(this.harness, app, await this.harness.token(app), await this.harness.producerToken(app.tenantId));
  }

  get base(): string {
    return this.harness.regionUrl('us');
  }

  close(): Promise<void> {
    return this.harness.close();
  }

  admin(method: string, path: string, body?: unknown) {
    return method === 'GET' ? this.harness.get(`${this.base}${path}`, this.producer) : this.harness.send(method, `${this.base}${path}`, this.producer, body);
  }

  async connection(name: string, columns: unknown[] = ALL_COLUMNS): Promise<{ id: string; columns: Array<{ name: string; internalName: string }>; file: any }> {
    const result = await this.admin('POST', '/admin/opus/connections', { name, columns });
    expect(result.status, result.text).toBe(201);
    return result.body;
  }

  async term(path: string, rule: Record<string, unknown> = {}) {
    const result = await this.admin('POST', '/admin/opus/terms', { path, ...rule });
    expect(result.status, result.text).toBe(201);
    return result.body;
  }

  submit(body: unknown, token = this.token) {
    return this.harness.send('POST', `${this.base}/records/connector/records`, token, body);
  }

  due(query: string, token = this.token) {
    return this.harness.get(`${this.base}/records/connector/records?${query}`, token);
  }

  destroy(body: unknown, token = this.token) {
    return this.harness.send('DELETE', `${this.base}/records/connector/records`, token, body);
  }

  record(connectionId: string, rowKey: string) {
    return this.admin('GET', `/admin/opus/records?connectionId=${connectionId}&rowKey=${encodeURIComponent(rowKey)}`);
  }

  /** Every due record of a listing, following startIndex to the end. */
  async allDue(connectionId: string, before: string, perPage = 10): Promise<any[]> {
    const items: any[] = [];
    let startIndex = '';
    for (let pages = 0; ; pages++) {
      if (pages > 1000) throw new Error('paging does not end');
      const page = await this.due(`id=${connectionId}&disposalDueDate=${encodeURIComponent(before)}&startIndex=${encodeURIComponent(startIndex)}&itemsPerPage=${perPage}`);
      expect(page.status, page.text).toBe(200);
      items.push(...page.body.queriedItems);
      if (page.body.startIndex === null) return items;
      startIndex = page.body.startIndex;
    }
  }
}

/** A record with every built-in column, created `ageDays` ago. */
export function record(rowKey: string, options: { ageDays?: number; modifiedDaysAgo?: number; term?: string | null; extra?: Record<string, unknown> } = {}) {
  const created = options.ageDays ?? 1000;
  return {
    rowKey,
    leafName: `${rowKey}.docx`,
    ...(options.term === null ? {} : { termFullPath: options.term ?? 'Records/Finance/Invoices' }),
    timeCreated: daysAgo(created),
    timeModified: daysAgo(options.modifiedDaysAgo ?? created),
    createdBy: 'jack.smith',
    modifiedBy: 'jack.smith',
    ...options.extra,
  };
}

export const FAR_FUTURE = '2999-01-01T00:00:00Z';


/** Polls until `probe` returns something (audit records arrive through the outbox). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
