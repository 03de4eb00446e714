import { parseIsoDate } from '../../platform/query.js';

/**
 * A connection's columns. The type names are the ones the connection's JSON file carries
 * (the values of the submit-records.md request sample: "SingleText", "Taxonomy",
 * "DateTime", ...); each custom type's rule is the one that page's note gives.
 */
export const CUSTOM_COLUMN_TYPES = ['SingleText', 'MultipleText', 'DateTime', 'SingleChoice', 'MultipleChoice', 'PeopleOrGroup', 'Number'] as const;
export type CustomColumnType = (typeof CUSTOM_COLUMN_TYPES)[number];

/** The labels the Opus UI and submit-records.md use for each type; accepted wherever a type is named. */
const TYPE_LABELS: Record<CustomColumnType, string[]> = {
  SingleText: ['single line of text', 'single line', 'text'],
  MultipleText: ['multiple lines of text', 'multiple lines', 'note'],
  DateTime: ['date and time', 'date', 'datetime'],
  SingleChoice: ['choice (single selection)', 'choice', 'single choice'],
  MultipleChoice: ['choice (multiple selections)', 'multiple choice', 'multichoice'],
  PeopleOrGroup: ['person or group', 'people or group', 'person', 'people', 'user'],
  Number: ['number', 'numeric'],
};

export function parseColumnType(text: string): CustomColumnType | undefined {
  const wanted = text.trim().toLowerCase();
  for (const type of CUSTOM_COLUMN_TYPES) {
    if (type.toLowerCase() === wanted || TYPE_LABELS[type].includes(wanted)) return type;
  }
  return undefined;
}

export interface ConnectionColumn {
  /** Display name, unique in the connection regardless of case. */
  name: string;
  /** The key records carry the value under (what the JSON file lists). */
  internalName: string;
  type: CustomColumnType;
  /** Options of a choice column; values refer to them by number, the first being 1. */
  choices?: string[];
}

/** The built-in columns every connection has, by internal name, in the JSON file's order. */
export const BUILT_IN_COLUMNS = [
  { internalName: 'rowKey', name: 'Row ID', fileType: 'SingleText', required: true },
  { internalName: 'leafName', name: 'Name', fileType: 'SingleText', required: true },
  { internalName: 'termFullPath', name: 'Classification', fileType: 'Taxonomy', required: false },
  { internalName: 'timeCreated', name: 'Created time', fileType: 'DateTime', required: true },
  { internalName: 'timeModified', name: 'Modified time', fileType: 'DateTime', required: true },
  { internalName: 'createdBy', name: 'Created by', fileType: 'SingleText', required: true },
  { internalName: 'modifiedBy', name: 'Modified by', fileType: 'SingleText', required: true },
] as const;
export type BuiltInName = (typeof BUILT_IN_COLUMNS)[number]['internalName'];

export const MAX_CUSTOM_COLUMNS = 100;
const MAX_SINGLE_LINE = 255;
const MAX_MULTIPLE_LINES = 63_999;
const MAX_CHOICES = 500;
const EMAIL = /^[^\s@,;[\]"]+@[^\s@,;[\]"]+\.[^\s@,;[\]"]+$/;

/**
 * The internal name Opus derives from a display name: a leading underscore, letters and
 * digits kept, every other character percent-encoded between underscores
 * ("Number Column" -> "_Number_%20_Column", as in the Opus connector's sample file).
 */
export function internalNameOf(displayName: string): string {
  let out = '_';
  for (const char of displayName) {
    if (/^[A-Za-z0-9]$/.test(char)) out += char;
    else out += `_${[...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('')}_`;
  }
  return out;
}

export interface ColumnSpec {
  name: string;
  type: string;
  choices?: string[] | undefined;
}

/** Checks an operator's custom columns; returns them with internal names, or the first problem. */
export function defineColumns(specs: ColumnSpec[]): ConnectionColumn[] | string {
  if (specs.length > MAX_CUSTOM_COLUMNS) return `a connection has at most ${MAX_CUSTOM_COLUMNS} custom columns`;
  const taken = new Set<string>(BUILT_IN_COLUMNS.flatMap((column) => [column.name.toLowerCase(), column.internalName.toLowerCase()]));
  const columns: ConnectionColumn[] = [];
  for (const spec of specs) {
    const name = spec.name.trim();
    if (!name || name.length > 255) return `column name '${spec.name}' must have 1 to 255 characters`;
    const type = parseColumnType(spec.type);
    if (!type) return `column '${name}' has an unknown type '${spec.type}'; types are ${CUSTOM_COLUMN_TYPES.join(', ')}`;
    const internalName = internalNameOf(name);
    if (taken.has(name.toLowerCase()) || taken.has(internalName.toLowerCase())) return `column name '${name}' is already used in this connection`;
    taken.add(name.toLowerCase());
    taken.add(internalName.toLowerCase());
    const column: ConnectionColumn = { name, internalName, type };
    if (type === 'SingleChoice' || type === 'MultipleChoice') {
      const choices = (spec.choices ?? []).map((choice) => choice.trim()).filter(Boolean);
      if (choices.length === 0) return `choice column '${name}' needs its options`;
      if (choices.length > MAX_CHOICES) return `choice column '${name}' has more than ${MAX_CHOICES} options`;
      if (new Set(choices.map((c) => c.toLowerCase())).size !== choices.length) return `choice column '${name}' repeats an option`;
      column.choices = choices;
    } else if (spec.choices && spec.choices.length > 0) {
      return `column '${name}' is of type ${type}, which has no options`;
    }
    columns.push(column);
  }
  return columns;
}

/**
 * The connection's JSON file, as AvePoint Opus > Settings > Connector lets one download it:
 * the submit body with each column's internal name mapped to its type.
 */
export function connectionFile(connectionId: string, columns: ConnectionColumn[]) {
  const template: Record<string, string> = {};
  for (const column of BUILT_IN_COLUMNS) template[column.internalName] = column.fileType;
  for (const column of columns) template[column.internalName] = column.type;
  return { id: connectionId, conflictOption: 'Overwrite', data: [template] };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (problem: string): Checked<never> => ({ ok: false, problem });

/** A stored custom value: text, an ISO date-time, option numbers, email addresses or a number. */
export type CustomValue = string | number | number[] | string[];

/**
 * Checks one custom value against its column. Returns undefined for an absent value
 * (custom values are optional: null, "" and [] all mean "none").
 */
export function checkCustomValue(column: ConnectionColumn, raw: unknown): Checked<CustomValue | undefined> {
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return ok(undefined);
  const label = `column '${column.internalName}' (${column.type})`;
  switch (column.type) {
    case 'SingleText': {
      const text = scalarText(raw);
      if (text === undefined) return bad(`${label} needs a single line of text`);
      if (/[\r\n]/.test(text)) return bad(`${label} takes a single line of text; use a Multiple lines of text column for line breaks`);
      if (text.length > MAX_SINGLE_LINE) return bad(`${label} takes at most ${MAX_SINGLE_LINE} characters`);
      return ok(text);
    }
    case 'MultipleText': {
      const text = scalarText(raw);
      if (text === undefined) return bad(`${label} needs text`);
      if (text.length > MAX_MULTIPLE_LINES) return bad(`${label} takes at most ${MAX_MULTIPLE_LINES} characters`);
      return ok(text);
    }
    case 'DateTime': {
      const date = checkDate(raw);
      return date.ok ? ok(new Date(date.value).toISOString()) : bad(`${label} ${date.problem}`);
    }
    case 'Number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(number)) return bad(`${label} needs a number, not ${describe(raw)}`);
      return ok(number);
    }
    case 'SingleChoice': {
      const numbers = optionNumbers(raw);
      if (!numbers || numbers.length !== 1) return bad(`${label} needs the number of one option (1 to ${column.choices?.length ?? 0}), not ${describe(raw)}`);
      const checked = checkOptions(column, label, numbers);
      return checked.ok ? ok(numbers[0]!) : checked;
    }
    case 'MultipleChoice': {
      const numbers = optionNumbers(raw);
      if (!numbers) return bad(`${label} needs option numbers in square brackets, such as [1,3], not ${describe(raw)}`);
      if (numbers.length === 0) return ok(undefined);
      const checked = checkOptions(column, label, numbers);
      return checked.ok ? ok([...new Set(numbers)]) : checked;
    }
    case 'PeopleOrGroup': {
      const items = bracketList(raw);
      if (!items) return bad(`${label} needs email addresses in square brackets, such as [jack.smith@contoso.com], not ${describe(raw)}`);
      if (items.length === 0) return ok(undefined);
      const wrong = items.find((item) => !EMAIL.test(item));
      if (wrong !== undefined) return bad(`${label} needs full email addresses of users or groups; '${clip(wrong)}' is not one`);
      return ok([...new Set(items.map((item) => item.toLowerCase()))]);
    }
  }
}

/** A date and/or time as the built-in time columns and DateTime columns take it. */
export function checkDate(raw: unknown): Checked<number> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad(`needs a date and time such as 2024-12-19 18:15:00, not ${describe(raw)}`);
  try {
    return ok(parseIsoDate('value', raw.trim(), true).getTime());
  } catch {
    return bad(`needs an ISO 8601 date and time such as 2024-12-19 18:15:00 or 2024-12-19T18:15:00Z, not '${clip(raw)}'`);
  }
}

function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/** "[1,3]", "1,3", [1, 3] and ["1", "3"] all name options 1 and 3. */
function optionNumbers(raw: unknown): number[] | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? [raw] : undefined;
  const items = bracketList(raw);
  if (!items) return undefined;
  const numbers = items.map((item) => (/^\d{1,6}$/.test(item) ? Number(item) : NaN));
  return numbers.some(Number.isNaN) ? undefined : numbers;
}

function bracketList(raw: unknown): string[] | undefined {
  if (Array.isArray(raw)) {
    if (!raw.every((item) => typeof item === 'string' || typeof item === 'number')) return undefined;
    return raw.map((item) => String(item).trim()).filter(Boolean);
  }
  if (typeof raw === 'number') return [String(raw)];
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner
    .split(/[,;]/)
    .map((item) => item.trim().replace(/^"(.*)"$/, '$1').trim())
    .filter(Boolean);
}

function checkOptions(column: ConnectionColumn, label: string, numbers: number[]): Checked<number[]> {
  const count = column.choices?.length ?? 0;
  const wrong = numbers.find((n) => n < 1 || n > count);
  if (wrong !== undefined) return bad(`${label} has no option ${wrong}; its options are numbered 1 to ${count}`);
  return ok(numbers);
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
function describe(raw: unknown): string {
  if (typeof raw === 'string') return `'${clip(raw)}'`;
  if (Array.isArray(raw)) return 'a list';
  if (raw === null) return 'null';
  return typeof raw === 'object' ? 'an object' : String(raw);
}
