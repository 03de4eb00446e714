/**
 * `npm run fixtures`: regenerates test/fixtures/graph-api-docs/ from the docs
 * (`MERIDIAN_DOCS_DIR`, default shared/reference/graph-api-docs beside the checkout or its parent).
 *
 * A fixture keeps, for one page, what the contract tests read from it: the page's title, every
 * heading line and every fenced code block in page order (the request and response samples, as
 * data), and the page's text (for the tests that read its tables). `test/support/doc-samples.ts` serves its API from these files, so a clean
 * clone runs the contract tests without the docs beside it. Running this again when the docs
 * change shows the change as a diff of the fixtures.
 *
 * `npm run fixtures -- --check` changes nothing: it fails, naming the pages, when the kept
 * fixtures are not what the docs give (`.ci/run` runs it when the docs are beside the checkout,
 * so `npm test` itself never reads them).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pageFixture, FIXTURES_ROOT, type PageFixture } from '../test/support/doc-fixture-format.js';

// Beside the checkout (a clone next to shared/), or two levels up (a git worktree under wt/).
const candidates = process.env.MERIDIAN_DOCS_DIR ? [process.env.MERIDIAN_DOCS_DIR] : ['..', '../..'].map((up) => join(import.meta.dirname, '..', up, 'shared/reference/graph-api-docs'));
const docsRoot = resolve(candidates.find((dir) => existsSync(dir)) ?? candidates[0]!);
if (!existsSync(docsRoot)) {
  process.stderr.write(`fixtures: no docs at ${docsRoot} (set MERIDIAN_DOCS_DIR); the fixtures in ${FIXTURES_ROOT} are left as they are.\n`);
  process.exit(1);
}

const pages = (function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith('.md') ? [path] : [];
    });
})(docsRoot);

const fixtures = pages.map((file) => {
  const page = relative(docsRoot, file).split('\\').join('/');
  return { fixture: pageFixture(page, readFileSync(file, 'utf8')), target: join(FIXTURES_ROOT, `${page}.json`) };
});
const fixtureJson = (fixture: PageFixture) => `${JSON.stringify(fixture, null, 2)}\n`;

if (process.argv.includes('--check')) {
  const kept = (function walk(dir: string): string[] {
    return existsSync(dir) ? readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : name.endsWith('.md.json') ? [join(dir, name)] : [])) : [];
  })(FIXTURES_ROOT);
  const wanted = new Set(fixtures.map(({ target }) => target));
  const stale = [
    ...fixtures.filter(({ fixture, target }) => !existsSync(target) || readFileSync(target, 'utf8') !== fixtureJson(fixture)).map(({ fixture }) => fixture.page),
    ...kept.filter((target) => !wanted.has(target)).map((target) => `${relative(FIXTURES_ROOT, target)} (no such page)`),
  ];
  if (stale.length > 0) {
    process.stderr.write(`fixtures: ${stale.length} kept fixtures differ from the docs at ${docsRoot} (run npm run fixtures):\n${stale.map((page) => `  ${page}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`fixtures: the ${fixtures.length} kept pages are what ${docsRoot} gives\n`);
  process.exit(0);
}

rmSync(FIXTURES_ROOT, { recursive: true, force: true });
let blocks = 0;
for (const { fixture, target } of fixtures) {
  blocks += fixture.sections.reduce((sum, section) => sum + section.blocks.length, 0);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, fixtureJson(fixture));
}
// The docs are Apache-2.0: their licence travels with the samples taken from them.
if (existsSync(join(docsRoot, 'LICENSE.txt'))) cpSync(join(docsRoot, 'LICENSE.txt'), join(FIXTURES_ROOT, 'LICENSE.txt'));
process.stdout.write(`fixtures: ${pages.length} pages, ${blocks} code blocks from ${docsRoot} into ${relative(process.cwd(), FIXTURES_ROOT)}\n`);
