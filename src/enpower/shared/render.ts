import type { FieldMap } from './fields.js';

/**
 * Objects and events are rendered to their documented JSON once, when they are written. A
 * computed field (a rolling counter, a last-run time) is written as a marker between two
 * U+0001 characters, which JSON.stringify never leaves unescaped in a value, so a list page
 * fills the markers with one pass over the text instead of parsing and re-serializing.
 */
const MARK = '\u0001';

export function renderDocument(fields: FieldMap, document: Record<string, unknown>, computed: ReadonlySet<string> = new Set()): string {
  const parts: string[] = [];
  for (const name of Object.keys(fields)) {
    const value = computed.has(name) ? `${MARK}${name}${MARK}` : JSON.stringify(document[name] ?? null);
    parts.push(`${JSON.stringify(name)}:${value}`);
  }
  return `{${parts.join(',')}}`;
}

/** `values` holds each computed field's JSON text. (A scan with indexOf: measured faster than a regular expression on 4 KiB documents.) */
export function fillComputed(json: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = json.indexOf(MARK, from);
    if (start < 0) return from === 0 ? json : out + json.slice(from);
    const end = json.indexOf(MARK, start + 1);
    out += json.slice(from, start) + (values[json.slice(start + 1, end)] ?? 'null');
    from = end + 1;
  }
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The docs' time format: "2024-06-13 03:31:12" (UTC). */
export function enPowerTime(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}
