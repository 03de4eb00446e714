/**
 * `npm run sdk`: writes src/sdk/generated/operations.ts from the route schemas of every module
 * mounted in src/runtime/modules.ts. Run it after adding or changing a documented route.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { documentedRoutes } from '../src/sdk/generator/documented-routes.js';
import { generateSdkSource, GENERATED_SDK_FILE } from '../src/sdk/generator/generate.js';

const routes = await documentedRoutes();
const source = generateSdkSource(routes);
mkdirSync(dirname(GENERATED_SDK_FILE), { recursive: true });
writeFileSync(GENERATED_SDK_FILE, source);
process.stdout.write(`sdk: ${routes.length} operations into ${GENERATED_SDK_FILE}\n`);
