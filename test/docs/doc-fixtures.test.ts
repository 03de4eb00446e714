import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageFixture, samplesText } from '../support/doc-fixture-format.js';
import { FIXTURES_ROOT, docFixture, docPage, requestSamples, responseSample, responseSamples, samplesOfText } from '../support/doc-samples.js';

/** Where the docs themselves are, when present: this freshness check reads them (as `npm run fixtures` does); every other test reads only the kept fixtures. */
const DOCS_ROOT =
  process.env.MERIDIAN_DOCS_DIR ??
  ['../../..', '../../../..'].map((up) => join(import.meta.dirname, up, 'shared/reference/graph-api-docs')).find((dir) => existsSync(dir)) ??
  join(import.meta.dirname, '../../../shared/reference/graph-api-docs');

const filesUnder = (root: string, suffix: string): string[] =>
  (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith(suffix) ? [relative(root, path).split('\\').join('/')] : [];
    });
  })(root).sort();

const fixturePages = filesUnder(FIXTURES_ROOT, '.md.json').map((file) => file.slice(0, -'.json'.length));
const docsPresent = existsSync(DOCS_ROOT);
if (!docsPresent) console.warn(`doc-fixtures: the docs are not at ${DOCS_ROOT}; the fixtures are served as kept, their freshness is not checked in this run.`);

describe('docs fixtures (test/fixtures/graph-api-docs)', () => {
  it('serve every page from the project alone: its title, samples and text', () => {
    expect(fixturePages.length).toBeGreaterThan(0);
    for (const page of fixturePages) {
      const fixture = docFixture(page);
      expect(fixture.page).toBe(page);
      expect(typeof docPage(page)).toBe('string');
      expect(Array.isArray(responseSamples(page))).toBe(true);
    }
    // A page the contract tests read, end to end: the token endpoint's documented response.
    expect(responseSample('main/register-app.md')).toHaveProperty('access_token');
    expect(requestSamples('main/services-and-features/aos/aos.md')[0]).toMatch(/^https:\/\/graph-us\.avepointonlineservices\.com\/aos\/audit\?/);
  });

  it('name the page when one is missing', () => {
    expect(() => docPage('main/no-such-page.md')).toThrow(/npm run fixtures/);
  });

  it.skipIf(!docsPresent)('are current: regenerated from the docs they are the same, page for page', () => {
    const pages = filesUnder(DOCS_ROOT, '.md');
    expect(fixturePages).toEqual(pages);
    for (const page of pages) {
      const text = readFileSync(join(DOCS_ROOT, page), 'utf8');
      expect(docFixture(page), `${page}: run npm run fixtures`).toEqual(pageFixture(page, text));
      expect(docPage(page)).toBe(text);
      // The samples as data hold every sample of the page, under any heading.
      for (const heading of [/response sample/i, /request sample/i, /sample/i, /./]) {
        expect(samplesOfText(samplesText(docFixture(page)), heading), page).toEqual(samplesOfText(text, heading));
      }
    }
  });
});
