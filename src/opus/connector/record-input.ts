import { BUILT_IN_COLUMNS, checkCustomValue, checkDate, type BuiltInName, type Checked, type ConnectionColumn, type CustomValue } from './columns.js';
import { normaliseTermPath } from '../retention/rules.js';

/** One submitted record after its columns were checked against the connection. */
export interface RecordInput {
  rowKey: string;
  leafName: string;
  /** As the client wrote it (normalised separators); resolved to a term inside the write. */
  termFullPath: string | null;
  timeCreated: number;
  timeModified: number;
  createdBy: string;
  modifiedBy: string;
  custom: Record<string, CustomValue>;
}

const MAX_ROW_KEY = 400;
const MAX_TEXT = 400;
const BUILT_IN_BY_LOWER = new Map<string, BuiltInName>(BUILT_IN_COLUMNS.map((column) => [column.internalName.toLowerCase(), column.internalName]));

/**
 * Reads one element of `data`. Column names match regardless of case (generated .NET
 * clients send RowKey, LeafName, ...); a name the connection does not have is refused so a
 * misspelt column never silently loses its value.
 */
export function readRecord(item: unknown, columns: ConnectionColumn[]): { rowKey: string | null; result: Checked<RecordInput> } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return { rowKey: null, result: { ok: false, problem: 'each element of data must be a JSON object' } };
  const customByLower = new Map<string, ConnectionColumn>();
  for (const column of columns) {
    customByLower.set(column.internalName.toLowerCase(), column);
    customByLower.set(column.name.toLowerCase(), column);
  }
  const builtIn: Partial<Record<BuiltInName, unknown>> = {};
  const custom = new Map<ConnectionColumn, unknown>();
  const seen = new Set<string>();
  const entries = Object.entries(item as Record<string, unknown>);
  const rawKey = entries.find(([key]) => key.toLowerCase() === 'rowkey')?.[1];
  const rowKey = typeof rawKey === 'string' || typeof rawKey === 'number' ? String(rawKey) : null;
  const fail = (problem: string) => ({ rowKey, result: { ok: false as const, problem } });
  for (const [key, value] of entries) {
    const lower = key.toLowerCase();
    const builtInName = BUILT_IN_BY_LOWER.get(lower);
    const column = builtInName ? undefined : customByLower.get(lower);
    const canonical = builtInName ?? column?.internalName;
    if (!canonical) {
      const known = [...BUILT_IN_COLUMNS.map((c) => c.internalName), ...columns.map((c) => c.internalName)].join(', ');
      return fail(`the connection has no column '${key}'; its columns are ${known}`);
    }
    if (seen.has(canonical.toLowerCase())) return fail(`column '${canonical}' is given more than once`);
    seen.add(canonical.toLowerCase());
    if (builtInName) builtIn[builtInName] = value;
    else custom.set(column!, value);
  }

  if (rowKey === null || rowKey.trim() === '') return fail("'rowKey' is required: the record's unique key");
  if (rowKey.length > MAX_ROW_KEY) return fail(`'rowKey' takes at most ${MAX_ROW_KEY} characters`);
  const texts: Partial<Record<'leafName' | 'createdBy' | 'modifiedBy', string>> = {};
  for (const name of ['leafName', 'createdBy', 'modifiedBy'] as const) {
    const value = builtIn[name];
    const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
    if (!text) return fail(`'${name}' is required (text)`);
    if (text.length > MAX_TEXT) return fail(`'${name}' takes at most ${MAX_TEXT} characters`);
    texts[name] = text;
  }
  const times: Partial<Record<'timeCreated' | 'timeModified', number>> = {};
  for (const name of ['timeCreated', 'timeModified'] as const) {
    const checked = checkDate(builtIn[name]);
    if (!checked.ok) return fail(`'${name}' ${checked.problem}`);
    times[name] = checked.value;
  }
  let termFullPath: string | null = null;
  const rawTerm = builtIn.termFullPath;
  if (rawTerm !== undefined && rawTerm !== null) {
    if (typeof rawTerm !== 'string') return fail("'termFullPath' must be the full path of a term, such as Set/Term");
    termFullPath = normaliseTermPath(rawTerm) || null;
  }
  const values: Record<string, CustomValue> = {};
  for (const [column, raw] of custom) {
    const checked = checkCustomValue(column, raw);
    if (!checked.ok) return fail(checked.problem);
    if (checked.value !== undefined) values[column.internalName] = checked.value;
  }
  return {
    rowKey,
    result: {
      ok: true,
      value: {
        rowKey,
        leafName: texts.leafName!,
        termFullPath,
        timeCreated: times.timeCreated!,
        timeModified: times.timeModified!,
        createdBy: texts.createdBy!,
        modifiedBy: texts.modifiedBy!,
        custom: values,
      },
    },
  };
}
