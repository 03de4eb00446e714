import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * The docs' response samples are the contract. They are JSON with `//` comments and
 * trailing commas; this reads the first JSON code block after a heading that names the
 * response sample, so contract tests compare against the page itself, not a copy.
 */
export const DOCS_ROOT = process.env.MERIDIAN_DOCS_DIR ?? join(import.meta.dirname, '../../../shared/reference/graph-api-docs');

export function docPage(relativePath: string): string {
  const file = join(DOCS_ROOT, relativePath);
  if (!existsSync(file)) {
    throw new Error(`The docs page ${relativePath} is not at ${DOCS_ROOT}: keep shared/ beside the checkout, or set MERIDIAN_DOCS_DIR to its reference/graph-api-docs.`);
  }
  return readFileSync(file, 'utf8');
}

/** All JSON code blocks under headings matching `heading` (default: "Response Sample"), parsed. */
export function responseSamples(relativePath: string, heading: RegExp = /response sample/i): unknown[] {
  const text = docPage(relativePath);
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
