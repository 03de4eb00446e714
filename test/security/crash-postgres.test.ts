import { describe, it } from 'vitest';
import { postgresAvailable } from '../support/services.js';
import { defineCrashSuite } from './crash-suite.js';

if (postgresAvailable) defineCrashSuite('postgres');
// services.ts has already said loudly that PostgreSQL is missing (and failed the run under CI).
else describe.skip('kill -9 during writes on postgres (PostgreSQL not reachable)', () => it('needs PostgreSQL', () => undefined));
