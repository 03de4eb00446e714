import type { ModuleSeeder } from '../platform/product-module.js';

export const seedEnPower: ModuleSeeder = async () => ({});
