import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SAMPLE_VALUES, ensureDemoTenant, type DemoTenant } from '../../src/runtime/demo.js';
import { FIXTURES_ROOT, requestSampleCalls, responseSamples } from '../support/doc-samples.js';
import { Harness } from '../support/harness.js';

/** Every product page: the regional modules' and Elements' (main/…/elements and the Elements docs). */
const MODULE_PAGES = /^(main\/services-and-features\/(aos|m365|d365|google|iaas-paas|salesforcebackup|opus|enpower|insights|confide|dmso|elements)\/|elements\/)/;

interface Sample {
  page: string;
  method: string;
  url: string;
  body?: unknown;
}

/** Every request sample of those pages that names a URL, exactly as the page writes it. */
function samples(): Sample[] {
  const pages = (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md.json') ? [relative(FIXTURES_ROOT, path).slice(0, -'.json'.length)] : [];
    });
  })(FIXTURES_ROOT)
    .filter((page) => MODULE_PAGES.test(page))
    .sort();
  return pages.flatMap((page) => requestSampleCalls(page).map((call) => ({ page, ...call })));
}

/**
 * The pages mask what they hide with `*` (`8A40E648-FD97-4FBA-****-66AD1A8BE89A`,
 * `https******markettest.sharepoint.com%2Fsites%2F******teams001`). A masked value stands for
 * the demo's object it fits, filled in here from the values the demo gives the samples'
 * objects (DEMO_SAMPLE_VALUES) and the demo's tenant id:
 * - a GUID with masked groups is the demo id whose first and last groups fit its visible
 *   characters (the pages vary the middle groups of one id from page to page);
 * - any other masked value is the demo value that fits it with each run of `*` standing for
 *   any characters (none too: `https%3A%2F***%2Fm3…` masks a separator), compared without
 *   case as the sample encodes it (raw, URL-encoded, or encoded twice as the guest accounts'
 *   `#ext#` are).
 * Each masked value must fit exactly one demo value; the test fails otherwise.
 * Two placeholders are not masks but values of an earlier answer, filled in as a client would:
 * a body's `nextLink` ("1231") stands for the one a previous page returned, so the first page
 * is asked for (the real nextLink is tamper-evident); an Insights export job id (`job/169`)
 * is the job the walk's last export sample started.
 */
function unmask(token: string, values: readonly string[]): string {
  if (!token.includes('*')) return token;
  const guid = /^([0-9a-z*]{8})-[0-9a-z*]{4}-[0-9a-z*]{4}-[0-9a-z*]{4}-([0-9a-z*]{12})$/i.exec(token);
  const fits = (pattern: string, value: string) =>
    new RegExp(`^${pattern.split(/\*+/).map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
  const found = new Set<string>();
  for (const value of values) {
    if (guid) {
      const parts = value.split('-');
      if (parts.length === 5 && fits(guid[1]!, parts[0]!) && fits(guid[2]!, parts[4]!)) found.add(value);
      continue;
    }
    for (const encoded of [value, encodeURIComponent(value), encodeURIComponent(encodeURIComponent(value))]) if (fits(token, encoded)) found.add(encoded);
  }
  if (found.size !== 1) throw new Error(`The masked ${token} fits ${found.size} demo values (${[...found].join(', ')})`);
  return [...found][0]!;
}

function unmaskUrl(url: string, values: readonly string[]): string {
  const parsed = /^(https?:\/\/[^/]+)([^?]*)(\?.*)?$/.exec(url)!;
  const path = parsed[2]!.split('/').map((segment) => unmask(segment, values)).join('/');
  const query = (parsed[3] ?? '').replace(/=([^&]*)/g, (_, value: string) => `=${unmask(value, values)}`);
  return `${parsed[1]}${path}${query}`;
}

function unmaskBody(body: unknown, values: readonly string[]): unknown {
  if (typeof body === 'string') return unmask(body, values);
  if (Array.isArray(body)) return body.map((item) => unmaskBody(item, values));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'nextLink').map(([key, value]) => [key, unmaskBody(value, values)]));
  return body;
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

/** A downloaded file (exportfile.md answers the report as a ZIP): its bytes begin as a ZIP's do. */
function isZipFile(headers: Headers, text: string): boolean {
  return /zip|octet-stream/.test(headers.get('content-type') ?? '') && text.startsWith('PK');
}

/** The sample's fields the answer lacks: every key of the response sample, at every level, through the first element of each list. */
function missingFields(answer: unknown, sample: unknown, path = '$'): string[] {
  if (Array.isArray(sample)) {
    if (!Array.isArray(answer) || sample.length === 0 || answer.length === 0) return [];
    return missingFields(answer[0], sample[0], `${path}[0]`);
  }
  if (!sample || typeof sample !== 'object' || !answer || typeof answer !== 'object' || Array.isArray(answer)) return [];
  return Object.entries(sample).flatMap(([key, value]) => (key in answer ? missingFields((answer as Record<string, unknown>)[key], value, `${path}.${key}`) : [`${path}.${key}`]));
}

/**
 * Samples that do not answer with data on the demo tenant, each with why. The test fails
 * when one of them starts answering (take it off the list) and when any other stops.
 */
const PENDING: Record<string, string> = {};

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

  /** Waits for an export to leave "in progress" (1), as a client polls exportstatus. */
  async function exportFinished(statusUrl: string): Promise<void> {
    for (let attempt = 0; attempt < 600; attempt++) {
      const status = await harness.get(statusUrl, token);
      if (status.status !== 200 || status.body?.jobStatus !== 1) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('sends every request sample with only the host swapped (and masked values filled in)', async () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(100);
    const values = [demo.tenantId, ...DEMO_SAMPLE_VALUES];
    const outcomes: Record<string, string> = {};
    let exportJobId: string | undefined;
    for (const { page, method, url, body } of all) {
      const key = `${method} ${url}`;
      let local: string;
      let sent: unknown;
      try {
        // The regional hosts (graph-us, graph-jp, …) are the demo's home region; graph. is the global endpoint.
        local = unmaskUrl(url, values).replace(/^https:\/\/graph(-[a-z0-9-]+)?\.avepointonlineservices\.com/, (_, region?: string) => (region ? harness.regionUrl('us') : harness.meridian.global!.url));
        sent = body === undefined ? undefined : unmaskBody(body, values);
      } catch (error) {
        outcomes[key] = (error as Error).message;
        continue;
      }
      if (/\/insights\/job\/\d+\//.test(local) && exportJobId) {
        local = local.replace(/\/insights\/job\/\d+\//, `/insights/job/${exportJobId}/`);
        await exportFinished(local.replace(/\/[^/]+$/, '/exportstatus'));
      }
      const answer = await harness.send(method, local, token, sent);
      if (/\/insights\/.*export/.test(local) && answer.body?.jobId) exportJobId = String(answer.body.jobId);
      const [sample] = responseSamples(page);
      const missing = answer.status < 300 ? missingFields(answer.body, sample) : [];
      outcomes[key] =
        answer.status < 200 || answer.status >= 300
          ? `HTTP ${answer.status}: ${answer.text.slice(0, 200)}`
          : missing.length > 0
            ? `missing ${missing.join(', ')}`
            : hasData(answer.body) || (sample !== undefined && !hasData(sample) && answer.body !== undefined) || isZipFile(answer.headers, answer.text)
              ? 'data'
              : `no data: ${answer.text.slice(0, 160)}`;
    }
    if (process.env.SAMPLE_OUTCOMES) (await import('node:fs')).writeFileSync(process.env.SAMPLE_OUTCOMES, JSON.stringify(outcomes, null, 1));
    const failing = Object.fromEntries(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'data'));
    expect(Object.keys(failing).sort(), JSON.stringify(failing, null, 2)).toEqual(Object.keys(PENDING).sort());
  }, 300_000);
});
