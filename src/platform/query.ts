import type { FastifyInstance, RouteOptions } from 'fastify';
import { invalidParameter } from './errors.js';

/**
 * Real clients send `startTime`, `StartTime` and `starttime` alike. Each route's query
 * schema names its parameters once; this hook maps whatever case arrived onto those
 * names before validation, so the schema stays the single source of truth.
 */
export function registerCaseInsensitiveQuery(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
    const names = schema?.properties ? Object.keys(schema.properties) : [];
    if (names.length === 0) return;
    const canonical = new Map(names.map((name) => [name.toLowerCase(), name]));
    const existing = route.preValidation;
    const normalise = async (request: { query: unknown }) => {
      const query = request.query as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(query)) {
        const name = canonical.get(key.toLowerCase()) ?? key;
        if (name in result) {
          result[name] = ([] as unknown[]).concat(result[name], value);
        } else {
          result[name] = value;
        }
      }
      request.query = result;
    };
    route.preValidation = existing ? [normalise, ...([] as unknown[]).concat(existing)] as RouteOptions['preValidation'] : normalise;
  });
}

/** The last value of a parameter that was sent more than once, or only once. */
export function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[value.length - 1]);
  if (value === undefined || value === null) return undefined;
  return String(value);
}

/**
 * A list parameter: repeated (`a=1&a=2`), comma separated (`a=1,2`), or the literal
 * `null` that some generated clients send for an empty optional array.
 */
export function list(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return raw
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '' && item.toLowerCase() !== 'null');
}

/** Matches each value to one of `allowed` ignoring case; names the parameter when one does not match. */
export function enumList<T extends string>(name: string, value: unknown, allowed: readonly T[]): T[] {
  if (value === undefined) return [];
  const byLower = lowerCaseIndex(allowed);
  return list(value).map((item) => {
    const match = byLower.get(item.toLowerCase());
    if (!match) throw invalidParameter(name, `has an unknown value '${item}'; valid values are ${allowed.join(', ')}`);
    return match;
  });
}

const lowerCaseIndexes = new WeakMap<readonly string[], Map<string, string>>();

/** An enumeration's values by their lower case, made once per enumeration. */
function lowerCaseIndex<T extends string>(allowed: readonly T[]): Map<string, T> {
  let index = lowerCaseIndexes.get(allowed);
  if (!index) {
    index = new Map(allowed.map((item) => [item.toLowerCase(), item]));
    lowerCaseIndexes.set(allowed, index);
  }
  return index as Map<string, T>;
}

const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time. A time without an offset is taken as UTC: the API
 * speaks UTC everywhere and clients that omit the `Z` mean it.
 */
export function parseIsoDate(name: string, value: unknown, required: true): Date;
export function parseIsoDate(name: string, value: unknown, required?: false): Date | undefined;
export function parseIsoDate(name: string, value: unknown, required = false): Date | undefined {
  const text = single(value)?.trim();
  if (!text) {
    if (required) throw invalidParameter(name, 'is required (an ISO 8601 date-time such as 2024-10-10T08:00:00Z)');
    return undefined;
  }
  if (!ISO_8601.test(text)) throw invalidParameter(name, `is not an ISO 8601 date-time: '${truncate(text)}'`);
  let normalised = text.replace(' ', 'T').replace(',', '.');
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i.test(normalised)) normalised += 'Z';
  normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalised.length === 10 ? `${normalised}T00:00:00Z` : normalised);
  if (Number.isNaN(date.getTime())) throw invalidParameter(name, `is not a valid date: '${truncate(text)}'`);
  return date;
}

/** An integer parameter within bounds; lenient about surrounding spaces only. */
export function parseInteger(name: string, value: unknown, bounds: { min: number; max: number; fallback: number }): number {
  const text = single(value)?.trim();
  if (text === undefined || text === '') return bounds.fallback;
  if (!/^[+-]?\d{1,15}$/.test(text)) throw invalidParameter(name, `must be an integer, not '${truncate(text)}'`);
  const number = Number(text);
  if (number < bounds.min || number > bounds.max) {
    throw invalidParameter(name, `must be between ${bounds.min} and ${bounds.max}, not ${number}`);
  }
  return number;
}

const truncate = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
