import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { objectList, type EnPowerStores } from '../shared/readers.js';
import type { CollectionSpec } from '../shared/specs.js';
import { EOL_GROUPS, EOL_SITES, EOL_TEAMS, EOL_VIVA_GROUPS } from './eol-schemas.js';

const eolList = (stores: EnPowerStores, spec: CollectionSpec, path: string, operationId: string, summary: string, collectionKey: string): ListEndpoint => ({
  paths: [`/smp/lifecycle/microsoft365/${path}`],
  operationId,
  summary,
  description: `${summary}: objects on which a lifecycle action (delete, archive, ...) was performed through MyHub, with the action, its time and operator.`,
  collectionKey,
  item: entitySchema(spec.fields),
  read: objectList(spec, stores),
});

/** main/services-and-features/enpower/eol/ */
export const eolEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  eolList(stores, EOL_GROUPS, 'groups', 'getEndOfLifeGroups', 'Retrieve end-of-life Groups', 'eolReportGroups'),
  eolList(stores, EOL_VIVA_GROUPS, 'viva-groups', 'getEndOfLifeVivaGroups', 'Retrieve end-of-life Groups connected to Viva Engage communities', 'eolReportGroups'),
  eolList(stores, EOL_SITES, 'sites', 'getEndOfLifeSites', 'Retrieve end-of-life SharePoint Online sites', 'eolReportSPSites'),
  eolList(stores, EOL_TEAMS, 'teams', 'getEndOfLifeTeams', 'Retrieve end-of-life Teams', 'eolReportTeams'),
];
