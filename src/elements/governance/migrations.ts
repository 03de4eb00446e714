import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { addBaselineCopies, createBaselineTables } from '../baseline-management/baseline-schema.js';
import { createDirectoryTables } from '../tenant-directory/directory-schema.js';

/**
 * Rule settings reported under the rules' first ids (`00000002-0000-4a52-0000-0000000000NN`)
 * keep applying under the ids the pages show (`00000002-9e63-4a52-9946-000000NN`, risk-rules.ts `riskRuleId`).
 */
const renameRiskRuleIds = async (db: Kysely<unknown>) => {
  await sql`UPDATE elements_dir_rule_settings SET rule_id = ${'00000002-9e63-4a52-9946-'} || substr(rule_id, 29, 8) WHERE rule_id LIKE ${'00000002-0000-4a52-0000-0000%'} AND length(rule_id) = 36`.execute(db);
};

/** The governance modules' migrations, part of the region-side `elements` module's history (after its own 0xx ones). */
export const GOVERNANCE_MIGRATIONS: Record<string, (engine: Engine) => Migration> = {
  '100_tenant_directory': (engine) => ({ up: createDirectoryTables(engine) }),
  '101_baseline_management': (engine) => ({ up: createBaselineTables(engine) }),
  '102_baseline_copies': () => ({ up: addBaselineCopies }),
  '103_risk_rule_ids': () => ({ up: renameRiskRuleIds }),
};
