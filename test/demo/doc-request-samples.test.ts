import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SAMPLE_SCOPES, DEMO_SAMPLE_VALUES, ensureDemoTenant, type DemoTenant } from '../../src/runtime/demo.js';
import { docSampleValues, type SampleScope } from '../../src/simulator/doc-samples.js';
import { FIXTURES_ROOT, mendedResponseSample, requestSampleCalls } from '../support/doc-samples.js';
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
 * objects (DEMO_SAMPLE_VALUES, less those the pages only ever show whole) and the demo's
 * tenant id:
 * - a GUID with masked groups is the demo id whose first and last groups fit its visible
 *   characters (the pages vary the middle groups of one id from page to page);
 * - any other masked value is the demo value that fits it with each run of `*` standing for
 *   any characters (none too: `https%3A%2F***%2Fm3…` masks a separator), compared without
 *   case as the sample encodes it (raw, URL-encoded, or encoded twice as the guest accounts'
 *   `#ext#` are).
 * A masked value stands for the page's object of its kind, so it is looked for among the
 * objects of that kind under the object the path has just named, as a reader fills in "the
 * page's local user" (DEMO_SAMPLE_SCOPES): after `customers/` among the customers, after
 * `customers/{c}/tenants/` among c's tenants, after `tenants/{t}/users/` among t's cloud users
 * and after `tenants/{t}/local-users/` among its local users. A segment that is not such a
 * collection of the object before it (`…/tenants/{t}/detection/rules/…`) ends the path's
 * objects: it and what follows, and masked values in queries and bodies, are looked for among
 * all the values. Pages show one id's visible groups for two objects under different parents
 * (the cloud and the local user 7c18fd6f-…-5725fa9edc3f), which only this tells apart.
 * Each masked value must fit exactly one candidate value; the test fails otherwise.
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

function unmaskUrl(url: string, values: readonly string[], scopes: SampleScope): string {
  const parsed = /^(https?:\/\/[^/]+)([^?]*)(\?.*)?$/.exec(url)!;
  // A path's objects start at its first collection (after `/partner/external/v3/um/`) and end at the first segment that is not one under the object before it.
  let collections: SampleScope | undefined = scopes;
  let named = false;
  let members: SampleScope[string] | undefined;
  const path = parsed[2]!
    .split('/')
    .map((segment) => {
      if (members) {
        const value = unmask(segment, members.map((member) => member.id));
        collections = members.find((member) => member.id.toLowerCase() === value.toLowerCase())?.under;
        members = undefined;
        named = true;
        return value;
      }
      members = collections && Object.hasOwn(collections, segment) ? collections[segment] : undefined;
      if (!members && named) collections = undefined;
      return unmask(segment, values);
    })
    .join('/');
  const query = (parsed[3] ?? '').replace(/=([^&]*)/g, (_, value: string) => `=${unmask(value, values)}`);
  return `${parsed[1]}${path}${query}`;
}

/**
 * A masked value in a body that fits no demo object is one a caller types in (a phone number,
 * an employee id): its `*` are sent as `0`. Wholly masked ones get a value of their kind
 * (onboard-customer.md's password and country). GUIDs in bodies name objects and must fit one.
 */
const TYPED_IN: Record<string, string> = { password: 'Demo-Passw0rd!2024', countryCode: 'US' };
const GUID_SHAPED = /^[0-9a-z*]{8}-[0-9a-z*]{4}-[0-9a-z*]{4}-[0-9a-z*]{4}-[0-9a-z*]{12}$/i;

function unmaskBody(body: unknown, values: readonly string[], key?: string): unknown {
  if (typeof body === 'string') {
    if (/^\*+$/.test(body) && key && key in TYPED_IN) return TYPED_IN[key];
    if (!body.includes('*') || GUID_SHAPED.test(body)) return unmask(body, values);
    try {
      return unmask(body, values);
    } catch {
      return body.replace(/\*/g, '0');
    }
  }
  if (Array.isArray(body)) return body.map((item) => unmaskBody(item, values));
  if (body && typeof body === 'object') return Object.fromEntries(Object.entries(body).filter(([name]) => name !== 'nextLink').map(([name, value]) => [name, unmaskBody(value, values, name)]));
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
const PENDING: Record<string, string> = {
  "elements/baseline-management/query-tenant.md POST https://graph-us.avepointonlineservices.com/partner/external/v3/bm/baselines/batch?pageIndex=1&pageSize=50":
    'query-tenant.md\'s sample URL is query-baselines\' (`bm/baselines/batch`) with a `tenantIds` body; Meridian serves it at `bm/tenants/batch`, as the page\'s table says, and not also there: that route reads baselines under baseline permissions, tenants need tenant ones, and its one response shape is baseline rows (docs/compatibility.md, Baseline management).',
  "elements/user-management/risky_public_api/get-risk-analyze-workflow.md GET https://aostestpartnergcc.sharepointguild.com:5000/external/v3/um/customers/966f35cc-****-47vb-****-25cdbcf82a07/tenants/0c7715b3-****-91n4-****-f3634dcfacec/overview/security/compliances/workflows":
    'Sent to a test server (aostestpartnergcc.sharepointguild.com:5000/external/v3/…), not a Graph endpoint; Meridian answers it at /partner/external/v3/… on the global endpoint (docs/compatibility.md).',
  "main/services-and-features/elements/customers/specific-customers.md GET https://graph.avepointonlineservices.com/partner/customers/00427fbc-8832-46cf-a1d2-582fa46ec63":
    'The customer id is not a GUID (its last group has 11 digits); the jobs page spells the customer 00427fbc-…-582fa46ec638, which the demo has.',
  "main/services-and-features/elements/jobs/all-backup-jobs.md GET https://graph.avepointonlineservices.com/partner/customers/00427fbc-8832-46cf-a1d2-582f46e638/jobs":
    'The customer id is not a GUID (its last group has 10 digits); the jobType page spells it 00427fbc-…-582fa46ec638, which the demo has.',
  "main/services-and-features/elements/services/service-subscription-customer.md GET https://graph-us.avepointonlineservices.com/partner/Services/aaaa75-666-aaaa-bbbb-cccc94cb9af5ea3":
    'The customer id is a placeholder (aaaa75-666-aaaa-bbbb-cccc94cb9af5ea3), not an id of any customer.',
  "main/services-and-features/opus/useconnector/submit-records.md POST https://graph-us.avepointonlineservices.com/records/connector/records":
    'The body is the connection\'s JSON file as downloaded, each column\'s type where its value goes (timeCreated "DateTime", termFullPath "Taxonomy"): the demo\'s connection d9da492f-… has exactly those columns, and Meridian refuses such a record (418, failedItems: \'timeCreated\' needs a date).',
};

describe('the docs request samples answer with data on the demo tenant', () => {
  let harness: Harness;
  let demo: DemoTenant;
  let token: string;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    // Resolves once the demo's baseline capture and apply jobs have ended (baseline-simulator.ts waits for them
    // through the producer path): the reports and process-center samples read finished jobs, and tenant-action
    // finds its tenant and baselines free, with no waiting here.
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

  it('names whole every value left out of what a mask stands for', () => {
    // Left out of the masks' values, an id only earns its place in the demo if a sample writes it out.
    const written = samples().map(({ url, body }) => `${url} ${JSON.stringify(body ?? null)}`.toLowerCase());
    const whole = docSampleValues({ shownWhole: true });
    expect(whole.length).toBeGreaterThan(0);
    for (const value of whole) expect(written.some((text) => text.includes(value.toLowerCase())), value).toBe(true);
  });

  it('sends every request sample with only the host swapped (and masked values filled in)', async () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(100);
    const values = [demo.tenantId, ...DEMO_SAMPLE_VALUES];
    const outcomes: Record<string, string> = {};
    let exportJobId: string | undefined;
    for (const { page, method, url, body } of all) {
      // The page names the sample: two pages may send the same request (query-baselines.md, query-tenant.md).
      const key = `${page} ${method} ${url}`;
      // Only Graph hosts are swapped: a sample sent to another server (a test one) is not sent anywhere.
      if (!/^https:\/\/graph(-[a-z0-9-]+)?\.avepointonlineservices\.com\//.test(url)) {
        outcomes[key] = `not a Graph endpoint: ${new URL(url).host}`;
        continue;
      }
      let local: string;
      let sent: unknown;
      try {
        // The regional hosts (graph-us, graph-jp, …) are the demo's home region; graph. is the global
        // endpoint, and so is every /partner/ path: the partner API lives there only, whatever host
        // a page writes (docs/compatibility.md, Elements "Hosts").
        local = unmaskUrl(url, values, DEMO_SAMPLE_SCOPES).replace(/^https:\/\/graph(-[a-z0-9-]+)?\.avepointonlineservices\.com(?=(\/partner\/)?)/, (_, region: string | undefined, partner: string | undefined) =>
          region && !partner ? harness.regionUrl('us') : harness.meridian.global!.url,
        );
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
      const sample = mendedResponseSample(page);
      const missing = answer.status < 300 ? missingFields(answer.body, sample) : [];
      outcomes[key] =
        answer.status < 200 || answer.status >= 300
          ? `HTTP ${answer.status}: ${answer.text.slice(0, 400)}`
          : missing.length > 0
            ? `missing ${missing.join(', ')}`
            : hasData(answer.body) || (sample !== undefined && !hasData(sample) && answer.body !== undefined) || isZipFile(answer.headers, answer.text) || (sample === undefined && method !== 'GET')
              ? 'data'
              : `no data: ${answer.text.slice(0, 160)}`;
    }
    const failing = Object.fromEntries(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'data'));
    expect(Object.keys(failing).sort(), JSON.stringify(failing, null, 2)).toEqual(Object.keys(PENDING).sort());
  }, 300_000);
});
