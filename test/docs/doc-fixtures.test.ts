import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samplesText } from '../support/doc-fixture-format.js';
import { FIXTURES_ROOT, docFixture, docPage, requestSamples, responseSample, responseSamples, samplesOfText } from '../support/doc-samples.js';

const filesUnder = (root: string, suffix: string): string[] =>
  (function walk(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith(suffix) ? [relative(root, path).split('\\').join('/')] : [];
    });
  })(root).sort();

/** The kept fixtures only: whether they are what the docs give is `npm run fixtures -- --check` (run by `.ci/run` where the docs are). */
const fixturePages = filesUnder(FIXTURES_ROOT, '.md.json').map((file) => file.slice(0, -'.json'.length));

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

  it('hold every sample of their page as data, under any heading', () => {
    for (const page of fixturePages) {
      const fixture = docFixture(page);
      for (const heading of [/response sample/i, /request sample/i, /sample/i, /./]) {
        expect(samplesOfText(samplesText(fixture), heading), page).toEqual(samplesOfText(fixture.text, heading));
      }
    }
  });
});
