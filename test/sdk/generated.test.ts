import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildParts, documentedRoutesOf } from '../../src/sdk/generator/documented-routes.js';
import { GENERATED_SDK_FILE, REFERENCE_FILES, generateSdkSource, routesLackingOperationId } from '../../src/sdk/generator/generate.js';
import { mergedReference, referenceMarkdown } from '../../src/sdk/generator/reference.js';
import { OPERATIONS } from '../../src/sdk/generated/operations.js';
import { GraphClient } from '../../src/sdk/index.js';

describe('generated SDK (src/sdk/generated)', () => {
  it('has an operationId on every documented route, and is what `npm run sdk` makes of them now', async () => {
    const parts = await buildParts();
    const routes = documentedRoutesOf(parts);
    expect(routes.length).toBeGreaterThan(0);
    expect(routesLackingOperationId(routes), 'documented routes need schema.operationId').toEqual([]);
    expect(readFileSync(GENERATED_SDK_FILE, 'utf8'), 'src/sdk/generated is stale: run `npm run sdk`').toBe(generateSdkSource(routes));
    expect(JSON.parse(readFileSync(REFERENCE_FILES.openapi, 'utf8')), 'docs/reference is stale: run `npm run sdk`').toEqual(mergedReference(parts));
    expect(readFileSync(REFERENCE_FILES.markdown, 'utf8'), 'docs/reference is stale: run `npm run sdk`').toBe(referenceMarkdown(parts));
    // One method per documented operation, named by its operationId.
    for (const route of routes) {
      expect(OPERATIONS[route.operationId as keyof typeof OPERATIONS]).toMatchObject({ method: route.method, path: route.url, permission: route.permission });
      expect(typeof (GraphClient.prototype as unknown as Record<string, unknown>)[route.operationId!]).toBe('function');
    }
  });

  it('refuses to generate for a route without an operationId', () => {
    const route = { host: 'region' as const, method: 'GET', url: '/somewhere', schema: { summary: 'Somewhere' }, config: { permission: 'x.read.all' }, permission: 'x.read.all', operationId: undefined };
    expect(routesLackingOperationId([route])).toEqual(['GET /somewhere']);
    expect(() => generateSdkSource([route])).toThrow(/GET \/somewhere/);
  });
});
