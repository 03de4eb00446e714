import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FIXTURES_ROOT, fixtureText, type PageFixture } from './doc-fixture-format.js';

export { FIXTURES_ROOT } from './doc-fixture-format.js';

/**
 * The docs' samples are the contract. They are kept in the project as fixtures
 * (test/fixtures/graph-api-docs/<page>.json: each page's samples as data — headings and code
 * blocks — and its text, made by `npm run fixtures` from the docs), so the contract tests need
 * nothing beside the checkout.
 * The samples are JSON with `//` comments and trailing commas; `responseSamples` reads the JSON
 * code blocks under a heading that names the response sample.
 */
const fixtures = new Map<string, PageFixture>();

/** The fixture of one docs page (its path under graph-api-docs, e.g. `main/register-app.md`). */
export function docFixture(relativePath: string): PageFixture {
  const page = relativePath.replace(/^\/+/, '');
  let fixture = fixtures.get(page);
  if (!fixture) {
    const file = join(FIXTURES_ROOT, `${page}.json`);
    if (!existsSync(file)) {
      throw new Error(`No fixture of the docs page ${page} at ${file}: run \`npm run fixtures\` with the docs beside the checkout (or MERIDIAN_DOCS_DIR) to regenerate them.`);
    }
    fixture = JSON.parse(readFileSync(file, 'utf8')) as PageFixture;
    fixtures.set(page, fixture);
  }
  return fixture;
}

/** The page's Markdown, as the docs write it (kept in its fixture). */
export function docPage(relativePath: string): string {
  return fixtureText(docFixture(relativePath));
}

/** The code blocks under headings matching `heading` (default: "Request Sample"), as written (URLs, bodies). */
export function requestSamples(relativePath: string, heading: RegExp = /request sample/i): string[] {
  return docFixture(relativePath)
    .sections.filter((section) => section.heading !== null && heading.test(section.heading))
    .flatMap((section) => section.blocks.map((block) => block.code));
}

/**
 * The request samples of a page as requests: the URL on a block's first line (after an
 * optional method), the method of the page's request table (GET when it has none), and as
 * the body the first JSON value after the URL (a `...` line, the docs' "and so on", dropped)
 * or, when the URL stands alone, the page's body sample: the block under a "Request Body
 * Sample" heading or a bold "**Body …**" line of the request sample.
 * Blocks that hold only a body (no URL anywhere) are left out: there is nothing to send them to.
 */
export function requestSampleCalls(relativePath: string): Array<{ method: string; url: string; body?: unknown }> {
  const table = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|/m.exec(docPage(relativePath));
  const calls: Array<{ method: string; url: string; body?: unknown }> = [];
  const bodies: unknown[] = [];
  let inSample = false;
  for (const section of docFixture(relativePath).sections) {
    const heading = section.heading ?? '';
    if (/^#{1,6}\s/.test(heading)) inSample = /request (body )?sample/i.test(heading);
    if (!inSample) continue;
    const isBody = /body/i.test(heading);
    for (const { code } of section.blocks) {
      const lines = code.trim().split('\n');
      // The whole line: one page's URL holds spaces (`jobType/Microsoft 365`), which a client encodes.
      const first = /^(?:(GET|POST|PUT|PATCH|DELETE)\s+)?(https?:\/\/.+)$/.exec(lines[0]!.trim());
      const rest = (first ? lines.slice(1) : lines).filter((line) => line.trim() !== '...').join('\n');
      const body = firstJsonValue(rest);
      if (first) calls.push({ method: first[1] ?? table?.[1] ?? 'GET', url: first[2]!.trim().replace(/ /g, '%20'), ...(body === undefined ? {} : { body }) });
      else if (isBody && body !== undefined) bodies.push(body);
    }
  }
  // A body sample of its own belongs to the URL sample(s) before it.
  return calls.map((call) => (call.body === undefined && bodies.length > 0 && call.method !== 'GET' ? { ...call, body: bodies[0] } : call));
}

/** The first JSON object or array in a text (loose JSON, prose around it allowed), parsed. */
function firstJsonValue(text: string): unknown {
  const source = stripComments(text);
  const start = source.search(/[[{]/);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) return parseLooseJson(source.slice(start, i + 1));
  }
  return undefined;
}

/** All JSON code blocks under headings matching `heading` (default: "Response Sample"), parsed. */
export function responseSamples(relativePath: string, heading: RegExp = /response sample/i): unknown[] {
  return samplesOfText(docPage(relativePath), heading);
}

/** The JSON code blocks under headings matching `heading` in a page's Markdown text, parsed. */
export function samplesOfText(text: string, heading: RegExp = /response sample/i): unknown[] {
  const samples: unknown[] = [];
  const lines = text.split('\n');
  let underHeading = false;
  let inBlock = false;
  let block: string[] = [];
  for (const line of lines) {
    if (/^#{1,6}\s/.test(line) || /^\*\*.*\*\*\s*$/.test(line.trim())) underHeading = heading.test(line);
    if (/^\s*```/.test(line)) {
      if (inBlock) {
        inBlock = false;
        if (underHeading) {
          const parsed = parseLooseJson(block.join('\n'));
          if (parsed !== undefined) samples.push(parsed);
        }
        block = [];
      } else {
        inBlock = true;
      }
      continue;
    }
    if (inBlock) block.push(line);
  }
  // Some pages end inside their last code block, without a closing fence.
  if (inBlock && underHeading) {
    const parsed = parseLooseJson(block.join('\n'));
    if (parsed !== undefined) samples.push(parsed);
  }
  return samples;
}

export function responseSample(relativePath: string, heading?: RegExp): any {
  const [first] = responseSamples(relativePath, heading);
  if (first === undefined) throw new Error(`No JSON response sample found in ${relativePath}`);
  return first;
}

/**
 * Response samples that are not JSON as printed, each with the mends it needs (a missing comma
 * before a comment, an object printed in list brackets): read as printed they are no sample at
 * all, or the wrong one (docs/compatibility.md). Each mend is a [flaw, mended] pair of the page's text.
 */
const RESPONSE_SAMPLE_MENDS: Record<string, Array<[flaw: string, mended: string]>> = {
  'main/services-and-features/elements/scan-profiles/daily-scan-profile-changes.md': [['"removedFromMicrosoft365OrOutofPolicyObjects": 0 //', '"removedFromMicrosoft365OrOutofPolicyObjects": 0, //']],
  'main/services-and-features/elements/services/service-subscription.md': [['"source": "AvePoint subscription" //', '"source": "AvePoint subscription", //']],
  'elements/general/job/get-customer-cloud-backup-m365-overview.md': [
    ['```json\n[\n    "data": [', '```json\n{\n    "data": ['],
    ['"totalCount": 2 // The total number of objects matching the query parameters\n    }\n]\n```', '"totalCount": 2 // The total number of objects matching the query parameters\n    }\n}\n```'],
  ],
};

/** A page's first response sample, mended where the page prints it broken (undefined when it has none). */
export function mendedResponseSample(relativePath: string): any {
  const mends = RESPONSE_SAMPLE_MENDS[relativePath];
  if (!mends) return responseSamples(relativePath)[0];
  const text = mends.reduce((mended, [flaw, fixed]) => {
    if (!mended.includes(flaw)) throw new Error(`${relativePath}: the page no longer has the flaw its mend repairs (${flaw.slice(0, 40)}…)`);
    return mended.replace(flaw, fixed);
  }, docPage(relativePath));
  const [sample] = samplesOfText(text);
  if (sample === undefined) throw new Error(`${relativePath}: the mended response sample is still not JSON`);
  return sample;
}

/** JSON with comments, trailing commas and a leading `HTTP/1.1 200 OK`-style line tolerated. */
export function parseLooseJson(source: string): unknown {
  let text = stripComments(source).trim();
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  text = text.slice(start).replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stripComments(source: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (inString) {
      out += char;
      if (char === '\\') out += source[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && source[i + 1] === '*') {
      i += 2;
      while (i < source.length && !(source[i] === '*' && source[i + 1] === '/')) i++;
      i++;
    } else {
      out += char;
    }
  }
  return out;
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Holds a response against a sample field by field: the same keys at every level, and the
 * same JSON type wherever the sample has a non-null value (a null in the sample says only
 * that the field exists, an empty object that any object goes). Arrays are compared element-wise against the sample's first element.
 */
export function expectMatchesSample(actual: unknown, sample: unknown, path = '$', options: { allowExtraKeys?: string[] } = {}): void {
  if (sample === null) return;
  expect(kind(actual), `${path} should be ${kind(sample)}`).toBe(kind(sample));
  if (Array.isArray(sample)) {
    const [first] = sample;
    if (first === undefined) return;
    for (const [index, item] of (actual as unknown[]).entries()) expectMatchesSample(item, first, `${path}[${index}]`, options);
    return;
  }
  if (typeof sample === 'object') {
    const actualObject = actual as Record<string, unknown>;
    const sampleObject = sample as Record<string, unknown>;
    // An empty object in a sample stands for an open object (e.g. additionalDetails).
    if (Object.keys(sampleObject).length === 0) return;
    const extra = Object.keys(actualObject).filter((key) => !(key in sampleObject) && !(options.allowExtraKeys ?? []).includes(key));
    const missing = Object.keys(sampleObject).filter((key) => !(key in actualObject));
    expect({ path, missing, extra }).toEqual({ path, missing: [], extra: [] });
    for (const key of Object.keys(sampleObject)) expectMatchesSample(actualObject[key], sampleObject[key], `${path}.${key}`, options);
  }
}
