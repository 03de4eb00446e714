/**
 * `npm run sdk`: from the route schemas of every part (every module mounted in
 * src/runtime/modules.ts), writes the generated SDK (src/sdk/generated/operations.ts) and the
 * merged API reference (docs/reference/openapi.json and README.md). Run it after adding or
 * changing a route; test/sdk/generated.test.ts fails while either is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildParts, documentedRoutesOf } from '../src/sdk/generator/documented-routes.js';
import { GENERATED_SDK_FILE, REFERENCE_FILES, generateSdkSource } from '../src/sdk/generator/generate.js';
import { mergedReference, referenceMarkdown } from '../src/sdk/generator/reference.js';

const parts = await buildParts();
const routes = documentedRoutesOf(parts);
const outputs: Array<[string, string]> = [
  [GENERATED_SDK_FILE, generateSdkSource(routes)],
  [REFERENCE_FILES.openapi, `${JSON.stringify(mergedReference(parts), null, 2)}\n`],
  [REFERENCE_FILES.markdown, referenceMarkdown(parts)],
];
for (const [file, text] of outputs) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
process.stdout.write(`sdk: ${routes.length} operations into ${GENERATED_SDK_FILE}; the merged reference into ${dirname(REFERENCE_FILES.openapi)}\n`);
