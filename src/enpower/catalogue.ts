import { CONNECTIONS } from './connections/connection-schemas.js';
import { BOT_ACTIVITIES, BOTS } from './copilotstudio/agent-schemas.js';
import { ENVIRONMENTS } from './environments/environment-schemas.js';
import { EOL_GROUPS, EOL_SITES, EOL_TEAMS, EOL_VIVA_GROUPS } from './eol/eol-schemas.js';
import { MAILBOXES, RESOURCE_MAILBOXES } from './exchange/mailbox-schemas.js';
import { CLOUD_FLOW_ACTIVITIES, CLOUD_FLOW_RUNS, CLOUD_FLOWS, DESKTOP_FLOW_RUNS, DESKTOP_FLOWS } from './flows/flow-schemas.js';
import { POWER_PAGE_ACTIVITIES, POWER_PAGES } from './pages/page-schemas.js';
import { POWER_APP_ACTIVITIES, POWER_APP_LAUNCHES, POWER_APPS } from './powerapps/powerapp-schemas.js';
import { ARTIFACTS, DATASOURCES, POWER_BI_ACTIVITIES, SEMANTIC_MODELS, WORKSPACES } from './powerbi/powerbi-schemas.js';
import type { CollectionSpec, StreamSpec } from './shared/specs.js';

/** Every inventory collection a collector reports, each through its own producer route. */
export const COLLECTIONS: readonly CollectionSpec[] = [
  ENVIRONMENTS,
  CONNECTIONS,
  POWER_APPS,
  CLOUD_FLOWS,
  DESKTOP_FLOWS,
  WORKSPACES,
  ARTIFACTS,
  DATASOURCES,
  SEMANTIC_MODELS,
  BOTS,
  POWER_PAGES,
  MAILBOXES,
  RESOURCE_MAILBOXES,
  EOL_GROUPS,
  EOL_VIVA_GROUPS,
  EOL_SITES,
  EOL_TEAMS,
];

/** Every event stream. */
export const STREAMS: readonly StreamSpec[] = [POWER_APP_ACTIVITIES, POWER_APP_LAUNCHES, CLOUD_FLOW_RUNS, CLOUD_FLOW_ACTIVITIES, DESKTOP_FLOW_RUNS, BOT_ACTIVITIES, POWER_PAGE_ACTIVITIES, POWER_BI_ACTIVITIES];
