import type { ProductModule } from '../platform/product-module.js';
import { aosModule } from '../aos/index.js';
import { backupModule } from '../backup/index.js';
import { opusModule } from '../opus/index.js';
import { elementsModule } from '../elements/index.js';

/** The product modules every region serves. A new module is one line here. */
export const PRODUCT_MODULES: readonly ProductModule[] = [aosModule, backupModule, opusModule, elementsModule];
