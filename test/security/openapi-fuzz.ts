import fc from 'fast-check';

/**
 * Requests for any operation of an OpenAPI 3.1 document, built from its schemas and then
 * spoiled: every value may be replaced by a hostile one (wrong type, oversized, control
 * characters, boundary numbers, injection text), bodies may be garbage or of the wrong media
 * type. Knows nothing of Meridian's routes: a route added later is fuzzed the day it appears.
 */
export interface Operation {
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>;
  body?: { mediaType: string; schema: JsonSchema } | undefined;
}

export type JsonSchema = Record<string, any>;

export interface FuzzRequest {
  method: string;
  /** Path and query, origin-form. */
  target: string;
  contentType?: string | undefined;
  body?: string | undefined;
}

export function operationsOf(document: unknown): Operation[] {
  const operations: Operation[] = [];
  const paths = (document as { paths?: Record<string, Record<string, any>> }).paths ?? {};
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = operation.requestBody?.content as Record<string, { schema?: JsonSchema }> | undefined;
      const [mediaType, media] = Object.entries(content ?? {})[0] ?? [];
      operations.push({ method: method.toUpperCase(), path, parameters: [...(item.parameters ?? []), ...(operation.parameters ?? [])], body: mediaType ? { mediaType, schema: media?.schema ?? {} } : undefined });
    }
  }
  return operations;
}

/** Hostile strings; none names a file path or SQL keyword a leak check looks for, so an echo is not a leak. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\r\nX-Injected: 1',
  '\u001b[2J',
  '\u202Egnp.exe',
  "' OR '1'='1",
  '"; DROP TABLE x; --',
  '%00',
  '%2e%2e%2f%2e%2e%2f',
  '../../../../',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '💥'.repeat(50),
  '\uD800',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9'.repeat(400),
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2024-02-30T25:61:61Z',
  '00000000-0000-0000-0000-000000000000',
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Oversized: past every maxLength, mostly short of the 16 KiB header limit so that query values reach the handlers.
  fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'x'.repeat(length)),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_VALUE, Number.MAX_VALUE, 0.5, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Anything at all where a value is expected: the wrong type, nested deeply, or hostile. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}, [[[[[[[[[[]]]]]]]]]], { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A value the schema describes, most of the time; at any node, sometimes a hostile one instead. */
export function valueFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: conforming(schema ?? {}, depth) }, { weight: 1, arbitrary: hostileValue });
}

function conforming(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 5) return fc.constant(null);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if ('const' in schema) return fc.constant(schema.const);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return fc.oneof(...variants.map((variant: JsonSchema) => conforming(variant, depth + 1)));
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string'];
  return fc.oneof(...types.map((type) => conformingOfType(type, schema, depth)));
}

function conformingOfType(type: string, schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 }),
        fc.constantFrom(...[schema.minimum, schema.maximum, schema.minimum !== undefined ? schema.minimum - 1 : undefined, schema.maximum !== undefined ? schema.maximum + 1 : undefined].filter((n) => n !== undefined)),
      );
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'array': {
      const max = Math.min(schema.maxItems ?? 4, 4);
      return fc.oneof(
        fc.array(valueFor(schema.items, depth + 1), { minLength: Math.min(schema.minItems ?? 0, max), maxLength: max }),
        // One past the documented maximum.
        ...(schema.maxItems !== undefined && schema.maxItems < 2000 ? [fc.constant(Array.from({ length: schema.maxItems + 1 }, () => 'x'))] : []),
      );
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set<string>(schema.required ?? []);
      const shape = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueFor(property, depth + 1)]));
      return fc.tuple(
        fc.record(shape, { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) }),
        // Sometimes a required field goes missing, or an unknown one appears.
        fc.option(fc.constantFrom(...(required.size > 0 ? [...required] : ['-'])), { freq: 6 }),
        fc.option(fc.tuple(fc.constantFrom('unexpected', '$where', '__proto__'), hostileValue), { freq: 6 }),
      ).map(([value, drop, extra]) => {
        const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
        if (drop) delete result[drop];
        if (extra) Object.defineProperty(result, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
        return result;
      });
    }
    default:
      if (schema.format === 'date-time' || /time|date/i.test(String(schema.description ?? ''))) {
        return fc.oneof(fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((date) => date.toISOString()), hostileString);
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) });
  }
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/**
 * A whole request for `operation`. `known` gives real values for path parameters by name (a
 * tenant that exists, an app's client id), so handlers are reached past their 404s too.
 */
export function requestFor(operation: Operation, known: Record<string, string[]> = {}): fc.Arbitrary<FuzzRequest> {
  const params = operation.parameters;
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathValue = (p: Operation['parameters'][number]) => (known[p.name]?.length ? fc.oneof(fc.constantFrom(...known[p.name]!), valueFor(p.schema)) : valueFor(p.schema));
  const path = fc.tuple(...pathParams.map(pathValue)).map((values) =>
    pathParams.reduce((result, p, i) => result.replace(`{${p.name}}`, encodeURIComponent(asText(values[i]) || 'x')), operation.path),
  );
  const query = fc
    .tuple(
      fc.tuple(...queryParams.map((p) => fc.option(valueFor(p.schema), { freq: p.required ? 8 : 2 }))),
      // Parameters nobody declared, and declared ones sent twice.
      fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryParams.map((p) => p.name), '$top', 'skipToken'), fc.string({ maxLength: 8 })), hostileString), { maxLength: 2 }),
    )
    .map(([values, extra]) => {
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const value = values[i];
        if (value === null || value === undefined) return;
        if (Array.isArray(value)) value.forEach((item) => search.append(p.name, asText(item)));
        else search.append(p.name, asText(value));
      });
      for (const [name, value] of extra) search.append(name, value);
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  const body = operation.body ? bodyFor(operation.body) : fc.option(fc.record({ contentType: fc.constant('application/json'), body: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null') }), { freq: 5 });
  return fc.tuple(path, query, body).map(([p, q, b]) => ({ method: operation.method, target: `${p}${q}`, ...(b ? { contentType: b.contentType, body: b.body } : {}) }));
}

function bodyFor(body: { mediaType: string; schema: JsonSchema }): fc.Arbitrary<{ contentType: string; body: string } | null> {
  const form = body.mediaType === 'application/x-www-form-urlencoded';
  const encode = (value: unknown) => {
    if (!form) return JSON.stringify(value) ?? 'null';
    const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
    return new URLSearchParams(Object.entries(fields).map(([name, v]): [string, string] => [name, asText(v)])).toString();
  };
  return fc.oneof(
    { weight: 6, arbitrary: valueFor(body.schema).map((value) => ({ contentType: body.mediaType, body: encode(value) })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,2', 'null', '""', '\u0000', '{"a":1}{"b":2}', `{"x":"${'y'.repeat(5000)}"`).map((text) => ({ contentType: body.mediaType, body: text })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/json'), fc.string({ maxLength: 64 })).map(([contentType, text]) => ({ contentType, body: text })) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/** What a response body must never show: stack frames, source or install paths, database errors. */
export const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', /\n\s+at \S+ \(|\bat (async )?[\w.$<>]+ \([^)]*:\d+:\d+\)/],
  ['source location', /\.(ts|js|mjs|cjs):\d+(:\d+)?/],
  ['install path', /node_modules|\/work\/|\/home\/|\/usr\/lib\/|file:\/\//],
  ['SQL', /SQLITE_|syntax error at or near|violates (unique|foreign key|not-null|check) constraint|UNIQUE constraint failed|no such (table|column)|relation "[^"]+" does not exist|\bselect\b[^"]{0,80}\bfrom\b|\binsert into\b|\bupdate\b \S+ \bset\b/i],
];
