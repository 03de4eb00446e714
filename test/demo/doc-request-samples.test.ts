import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoTenant, type DemoTenant } from '../../src/runtime/demo.js';
import { FIXTURES_ROOT, requestSamples } from '../support/doc-samples.js';
import { Harness } from '../support/harness.js';

/**
 * The product pages whose samples the demo answers: aos, backup and Opus. A module adds its
 * folder here once its demo data answers its samples (EnPower, Insights, Confide and DMSO do
 * not all yet: masked ids, POST endpoints sampled as a bare URL).
 */
const MODULE_PAGES = /^main\/services-and-features\/(aos|m365|d365|google|iaas-paas|salesforcebackup|opus)\//;

/** Every GET request sample of those pages: the URL exactly as the page writes it. */
function getSamples(): Array<{ page: string; url: string }> {
  const pages = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md.json') ? [relative(FIXTURES_ROOT, path).slice(0, -'.json'.length)] : [];
    });
  })(FIXTURES_ROOT).filter((page) => MODULE_PAGES.test(page));
  return pages.flatMap((page) =>
    requestSamples(page)
      .map((code) => code.trim().replace(/^GET\s+/, '').split(/\s/)[0]!)
      .filter((url) => /^https:\/\/graph-[a-z0-9-]+\.avepointonlineservices\.com\//.test(url))
      .map((url) => ({ page, url })),
  );
}

/** Data: a non-empty list somewhere in the answer, or a found object (a job, a setting, an archive). */
function hasData(body: unknown): boolean {
  if (Array.isArray(body)) return body.length > 0;
  if (!body || typeof body !== 'object') return false;
  const object = body as Record<string, unknown>;
  if (object.hasArchivedData === true) return true;
  if (object.job && typeof object.job === 'object') return true;
  if (object.data && typeof object.data === 'object' && !Array.isArray(object.data) && Object.values(object.data).some((value) => value !== null && !(Array.isArray(value) && value.length === 0))) {
    return Object.values(object.data).some((value) => !Array.isArray(value)) || hasData(object.data);
  }
  return Object.entries(object).some(([key, value]) => key !== 'failedItems' && Array.isArray(value) && value.length > 0) || Object.values(object).some((value) => value && typeof value === 'object' && !Array.isArray(value) && hasData(value));
}

/**
 * Samples that do not answer with data on the demo tenant yet, each with why. The test fails
 * when one of them starts answering (take it off the list) and when any other stops.
 */
const PENDING: Record<string, string> = {
  // Opus connections get their ids from Meridian (newId()); the admin API takes no id, so the
  // sample's connection cannot be made with its id without changing the Opus API.
  'https://graph-us.avepointonlineservices.com/records/connector/records?id=63acafab-b2b8-4b44-8ddb-7a47672c2393&disposalDueDate=2024-12-20T11:13:00&startIndex=&itemsPerpage=10':
    'the Opus connection id of the sample',
};

describe('the docs request samples answer with data on the demo tenant', () => {
  let harness: Harness;
  let demo: DemoTenant;
  let token: string;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    demo = (await ensureDemoTenant(harness.meridian))!;
    token = await harness.token({ tenantId: demo.tenantId, clientId: demo.clientId, clientSecret: demo.clientSecret! });
  }, 300_000);
  afterAll(() => harness?.close());

  it('sends every GET request sample with only the host swapped', async () => {
    const samples = getSamples();
    expect(samples.length).toBeGreaterThan(15);
    const outcomes: Record<string, string> = {};
    for (const { page, url } of samples) {
      const local = url.replace(/^https:\/\/[^/]+/, harness.regionUrl('us'));
      const answer = await harness.get(local, token);
      outcomes[url] = answer.status >= 200 && answer.status < 300 ? (hasData(answer.body) ? 'data' : `no data: ${JSON.stringify(answer.body).slice(0, 160)}`) : `HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
      void page;
    }
    const failing = Object.fromEntries(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'data'));
    expect(Object.keys(failing).sort(), JSON.stringify(failing, null, 2)).toEqual(Object.keys(PENDING).sort());
  }, 120_000);
});
