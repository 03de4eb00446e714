import type { ProductModule } from '../platform/product-module.js';
import { aosModule } from '../aos/index.js';
import { backupModule } from '../backup/index.js';
import { confideModule } from '../confide/index.js';
import { dmsoModule } from '../dmso/index.js';
import { opusModule } from '../opus/index.js';
import { insightsModule } from '../insights/index.js';
import { enPowerModule } from '../enpower/index.js';
import { elementsModule } from '../elements/index.js';

/** The product modules every region serves. A new module is one line here. */
export const PRODUCT_MODULES: readonly ProductModule[] = [
  aosModule,
  backupModule,
  opusModule,
  confideModule,
  dmsoModule,
  insightsModule,
  enPowerModule,
  elementsModule,
];
