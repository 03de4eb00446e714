import { join } from 'node:path';

/** Where `npm run fixtures` keeps one JSON file per docs page (`<page path>.json`). */
export const FIXTURES_ROOT = join(import.meta.dirname, '../fixtures/graph-api-docs');

export interface CodeBlock {
  /** The opening fence line as the page writes it, e.g. "```json". */
  fence: string;
  code: string;
  /** False when the page ends inside this block (a few do). */
  closed: boolean;
}

export interface PageSection {
  /** The heading line as written (`## Response Sample`, or a bold-only line), null before the first. */
  heading: string | null;
  blocks: CodeBlock[];
}

export interface PageFixture {
  page: string;
  title: string | null;
  /** The samples: every heading and the code blocks under it, in page order. */
  sections: PageSection[];
  /** The whole page as written: tests that read its tables (code lists, parameters) read this. */
  text: string;
}

const isFence = (line: string) => /^\s*```/.test(line);
// The same test doc-samples.ts applies: a Markdown heading or a line that is only bold text.
const isHeading = (line: string) => /^#{1,6}\s/.test(line) || /^\*\*.*\*\*\s*$/.test(line.trim());

/**
 * A page's samples as data: its headings and code blocks (lines inside a block verbatim,
 * heading-looking ones included, so reading them gives exactly what reading the page gives),
 * beside the page's text.
 */
export function pageFixture(page: string, text: string): PageFixture {
  const sections: PageSection[] = [{ heading: null, blocks: [] }];
  let block: { fence: string; lines: string[] } | undefined;
  let title: string | null = null;
  for (const line of text.split('\n')) {
    const section = sections[sections.length - 1]!;
    if (block) {
      if (isFence(line)) {
        section.blocks.push({ fence: block.fence, code: block.lines.join('\n'), closed: true });
        block = undefined;
      } else {
        block.lines.push(line);
      }
      continue;
    }
    if (isFence(line)) block = { fence: line, lines: [] };
    else if (isHeading(line)) {
      title ??= /^#\s+(.*)$/.exec(line)?.[1]?.trim() ?? null;
      sections.push({ heading: line, blocks: [] });
    }
  }
  if (block) sections[sections.length - 1]!.blocks.push({ fence: block.fence, code: block.lines.join('\n'), closed: false });
  return { page, title, sections: sections.filter((section, index) => index > 0 || section.blocks.length > 0), text };
}

/** The page's text, as written. */
export function fixtureText(fixture: PageFixture): string {
  return fixture.text;
}

/** The page rebuilt from its samples alone (headings and code blocks): reading it gives what reading the page gives. */
export function samplesText(fixture: PageFixture): string {
  const lines: string[] = [];
  for (const section of fixture.sections) {
    if (section.heading !== null) lines.push(section.heading);
    for (const block of section.blocks) {
      lines.push(block.fence, ...(block.code === '' ? [] : block.code.split('\n')));
      if (block.closed) lines.push('```');
    }
  }
  return `${lines.join('\n')}\n`;
}
