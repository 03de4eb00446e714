import type { DocumentedRoute } from './documented-routes.js';
import { schemaToType } from './schema-to-type.js';
import type { PagingSpec } from '../paging.js';

type Schema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** Routes without an operationId: the SDK cannot name their method, so generation refuses. */
export function routesLackingOperationId(routes: readonly DocumentedRoute[]): string[] {
  return routes.filter((route) => !route.operationId).map((route) => `${route.method} ${route.url}`);
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

function successSchema(route: DocumentedRoute): Schema | undefined {
  const responses = (route.schema?.response ?? {}) as Record<string, Schema>;
  const code = Object.keys(responses).find((status) => /^2\d\d$/.test(status));
  return code ? responses[code] : undefined;
}

const isArraySchema = (schema: unknown): boolean => {
  const s = schema as Schema | undefined;
  if (!s) return false;
  if (s.type === 'array') return true;
  return Array.isArray(s.anyOf) && s.anyOf.some(isArraySchema);
};
const objectOf = (schema: unknown): Schema | undefined => {
  const s = schema as Schema | undefined;
  if (!s) return undefined;
  if (s.properties) return s;
  return Array.isArray(s.anyOf) ? (s.anyOf as Schema[]).find((member) => member.properties) : undefined;
};

/** The path of the first array in a response (breadth first): where a page's items are. */
function itemsPath(response: Schema | undefined): string[] | undefined {
  const queue: Array<{ schema: Schema; path: string[] }> = response ? [{ schema: response, path: [] }] : [];
  while (queue.length > 0) {
    const { schema, path } = queue.shift()!;
    for (const [name, property] of Object.entries(objectOf(schema)?.properties ?? {})) {
      if (isArraySchema(property)) return [...path, name];
      const nested = objectOf(property);
      if (nested) queue.push({ schema: nested, path: [...path, name] });
    }
  }
  return undefined;
}

function nextLinkPath(response: Schema | undefined): string[] | undefined {
  const root = objectOf(response);
  if (root?.properties?.nextLink) return ['nextLink'];
  for (const [name, property] of Object.entries(root?.properties ?? {})) if (objectOf(property)?.properties?.nextLink) return [name, 'nextLink'];
  return undefined;
}

/** How an operation pages, read from its documented parameters and response. */
export function pagingOf(route: DocumentedRoute): PagingSpec | undefined {
  const response = successSchema(route);
  const items = itemsPath(response);
  if (!items) return undefined;
  const query = Object.keys((route.schema?.querystring as Schema | undefined)?.properties ?? {});
  const param = (...names: string[]) => query.find((name) => names.includes(name.toLowerCase()));
  const spec: PagingSpec = { items };
  const nextLink = nextLinkPath(response);
  if (nextLink) spec.nextLink = nextLink;
  if ((route.schema?.body as Schema | undefined)?.properties?.nextLink) spec.bodyNextLink = true;
  const skipToken = param('skiptoken');
  if (skipToken) spec.skipToken = skipToken;
  const pageIndex = param('pageindex', 'pagenumber');
  if (pageIndex) spec.pageIndex = pageIndex;
  const startIndex = param('startindex');
  if (startIndex) spec.startIndex = startIndex;
  const top = param('top');
  const skip = param('skip');
  if (top && skip) Object.assign(spec, { top, skip });
  const pageSize = param('pagesize', 'itemsperpage') ?? top;
  if (pageSize) spec.pageSize = pageSize;
  const paged = spec.nextLink || spec.skipToken || spec.pageIndex || spec.startIndex || spec.skip;
  return paged ? spec : undefined;
}

function requestSchema(route: DocumentedRoute): Schema {
  const params = (route.schema?.params ?? {}) as Schema;
  const query = (route.schema?.querystring ?? {}) as Schema;
  return {
    type: 'object',
    properties: { ...params.properties, ...query.properties },
    required: [...(params.required ?? []), ...(query.required ?? [])],
  };
}

/** The SDK's generated part: one typed method per documented operation, and the operation table. */
export function generateSdkSource(routes: readonly DocumentedRoute[]): string {
  const missing = routesLackingOperationId(routes);
  if (missing.length > 0) throw new Error(`Documented routes without schema.operationId (the SDK cannot name them): ${missing.join(', ')}`);
  const seen = new Set<string>();
  const types: string[] = [];
  const table: string[] = [];
  const map: string[] = [];
  const methods: string[] = [];
  for (const route of [...routes].sort((a, b) => a.operationId!.localeCompare(b.operationId!))) {
    const id = route.operationId!;
    if (seen.has(id)) throw new Error(`operationId ${id} is declared twice`);
    seen.add(id);
    const name = pascal(id);
    const request = requestSchema(route);
    const hasRequest = Object.keys(request.properties ?? {}).length > 0;
    const requestRequired = (request.required ?? []).length > 0;
    const body = route.schema?.body as Schema | undefined;
    const response = successSchema(route);
    const paging = pagingOf(route);
    const summary = String(route.schema?.summary ?? id);
    const tags = (route.schema?.tags ?? []) as string[];
    types.push(`/** ${summary}: the path and query parameters of ${route.method} ${route.url}. */\nexport type ${name}Request = ${hasRequest ? schemaToType(request) : 'Record<string, never>'};`);
    if (body) types.push(`/** The body of ${route.method} ${route.url}. */\nexport type ${name}Body = ${schemaToType(body)};`);
    types.push(`/** The documented response of ${route.method} ${route.url}. */\nexport type ${name}Response = ${response ? schemaToType(response) : 'unknown'};`);
    if (paging) types.push(`/** One item of a page of ${id}. */\nexport type ${name}Item = ${paging.items.reduce((type, key) => `NonNullable<${type}[${JSON.stringify(key)}]>`, `${name}Response`)}[number];`);
    const pathParams = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    table.push(
      `  ${id}: { host: ${JSON.stringify(route.host)}, method: ${JSON.stringify(route.method)}, path: ${JSON.stringify(route.url)}, pathParams: ${JSON.stringify(pathParams)}, permission: ${JSON.stringify(route.permission)}, tags: ${JSON.stringify(tags)}, hasBody: ${Boolean(body)}${paging ? `, paging: ${JSON.stringify(paging)}` : ''} },`,
    );
    map.push(`  ${id}: { request: ${name}Request; body: ${body ? `${name}Body` : 'undefined'}; response: ${name}Response; item: ${paging ? `${name}Item` : 'never'} };`);
    // A body follows the request, so a request with only optional parameters is still passed (`{}`).
    const requestParam = hasRequest ? `request${requestRequired || body ? '' : '?'}: ${name}Request` : '';
    const bodyParam = body ? `body: ${name}Body` : '';
    const args = [requestParam, bodyParam, 'options?: CallOptions'].filter(Boolean).join(', ');
    const doc = [`${summary} (${tags.join(', ') || 'untagged'}).`, '', `\`${route.method} ${route.url}\`${route.host === 'global' ? ' on the global endpoint' : ''}, permission ${[route.permission].flat().map((p) => `\`${p}\``).join(' or ')}.`];
    if (paging) doc.push(`Paged: \`client.items('${id}', …)\` and \`client.pages('${id}', …)\` follow every page.`);
    methods.push(
      `  /**\n${doc.map((line) => `   *${line ? ` ${line}` : ''}`).join('\n')}\n   */\n  ${id}(${args}): Promise<${name}Response> {\n    return this.invoke('${id}', ${hasRequest ? 'request ?? {}' : '{}'}, ${body ? 'body' : 'undefined'}, options);\n  }`,
    );
  }
  return `// Generated by \`npm run sdk\` (src/sdk/generator) from the route schemas of every module. Do not edit:
// change the route's schema and run \`npm run sdk\` again; test/sdk/generated.test.ts fails while this file is stale.
import type { CallOptions, OperationDescriptor } from '../operation-types.js';

${types.join('\n\n')}

/** Every documented operation: where it is, what it needs and how it pages. */
export const OPERATIONS = {
${table.join('\n')}
} as const satisfies Record<string, OperationDescriptor>;

export type OperationId = keyof typeof OPERATIONS;

/** The request, body, response and (paged operations) item type of every operation. */
export interface Operations {
${map.join('\n')}
}

export type PagedOperationId = { [K in OperationId]: (typeof OPERATIONS)[K] extends { paging: object } ? K : never }[OperationId];

/** One method per documented operation; GraphClient supplies \`invoke\` (auth, retries, errors). */
export abstract class GeneratedOperations {
  protected abstract invoke<K extends OperationId>(operationId: K, request: object, body: unknown, options: CallOptions | undefined): Promise<Operations[K]['response']>;

${methods.join('\n\n')}
}
`;
}

/** Where `npm run sdk` writes the generated part of the SDK. */
export const GENERATED_SDK_FILE = new URL('../generated/operations.ts', import.meta.url).pathname;

/** Where `npm run sdk` writes the merged reference of every part. */
export const REFERENCE_FILES = {
  openapi: new URL('../../../docs/reference/openapi.json', import.meta.url).pathname,
  markdown: new URL('../../../docs/reference/README.md', import.meta.url).pathname,
};
