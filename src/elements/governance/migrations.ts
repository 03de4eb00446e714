import type { Migration } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { addBaselineCopies, createBaselineTables } from '../baseline-management/baseline-schema.js';
import { createDirectoryTables } from '../tenant-directory/directory-schema.js';

/** The governance modules' migrations, part of the region-side `elements` module's history (after its own 0xx ones). */
export const GOVERNANCE_MIGRATIONS: Record<string, (engine: Engine) => Migration> = {
  '100_tenant_directory': (engine) => ({ up: createDirectoryTables(engine) }),
  '101_baseline_management': (engine) => ({ up: createBaselineTables(engine) }),
  '102_baseline_copies': () => ({ up: addBaselineCopies }),
};
