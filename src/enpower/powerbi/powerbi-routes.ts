import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { groupCountList, objectList, streamList, type EnPowerStores } from '../shared/readers.js';
import { ARTIFACTS, DATASOURCE_COUNT_FIELDS, DATASOURCES, POWER_BI_ACTIVITIES, SEMANTIC_MODEL_COUNT_FIELDS, SEMANTIC_MODELS, WORKSPACES } from './powerbi-schemas.js';

/** main/services-and-features/enpower/powerbi/ */
export const powerBiEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/powerbi/workspaces'],
    operationId: 'getPowerBiWorkspaces',
    summary: 'Retrieve Power BI workspace details',
    description: 'Power BI workspaces; lastActivityD7 and lastActivityTime are computed from the Power BI activities on the workspace and its artifacts.',
    collectionKey: 'workspaces',
    item: entitySchema(WORKSPACES.fields),
    read: objectList(WORKSPACES, stores),
  },
  {
    paths: ['/smp/powerplatform/powerbi/artifacts'],
    operationId: 'getPowerBiArtifacts',
    summary: 'Retrieve Power BI artifact details',
    description: 'Reports, dashboards, semantic models and other artifacts; views, unique viewers and last activity are computed from the Power BI activities.',
    collectionKey: 'artifacts',
    item: entitySchema(ARTIFACTS.fields),
    read: objectList(ARTIFACTS, stores),
  },
  {
    paths: ['/smp/powerplatform/powerbi/datasourcecountbydatasourcetype'],
    operationId: 'getPowerBiDataSourceCounts',
    summary: 'Retrieve data source counts by data source type',
    description: 'How many data sources of each type there are, counted from the data sources on each request.',
    collectionKey: 'datasourceCounts',
    item: entitySchema(DATASOURCE_COUNT_FIELDS),
    paged: false,
    read: groupCountList(stores, DATASOURCES.kind, 'datasourceType', 'string'),
  },
  {
    paths: ['/smp/powerplatform/powerbi/datasourcedetails'],
    operationId: 'getPowerBiDataSourceDetails',
    summary: 'Retrieve data source details',
    description: 'Power BI data sources.',
    collectionKey: 'datasourceDetails',
    item: entitySchema(DATASOURCES.fields),
    read: objectList(DATASOURCES, stores),
  },
  {
    paths: ['/smp/powerplatform/powerbi/semanticemodeldetails', '/smp/powerplatform/powerbi/semanticmodeldetails'],
    operationId: 'getPowerBiSemanticModelDetails',
    summary: 'Retrieve semantic model details',
    description: 'Power BI semantic models and their data sources. The documented path is spelled semanticemodeldetails; semanticmodeldetails is answered too.',
    collectionKey: 'semanticModelDetails',
    item: entitySchema(SEMANTIC_MODELS.fields),
    read: objectList(SEMANTIC_MODELS, stores),
  },
  {
    paths: ['/smp/powerplatform/powerbi/semanticmodelcountbydatasourcetype'],
    operationId: 'getPowerBiSemanticModelCounts',
    summary: 'Retrieve semantic model counts by data source type',
    description: 'How many semantic models use each type of data source, counted from the semantic models on each request.',
    collectionKey: 'semanticModelCounts',
    item: entitySchema(SEMANTIC_MODEL_COUNT_FIELDS),
    paged: false,
    read: groupCountList(stores, SEMANTIC_MODELS.kind, 'datasourceType', 'integer'),
  },
  {
    paths: ['/smp/powerplatform/powerbi/powerbiactiveusers'],
    operationId: 'getPowerBiActiveUsers',
    summary: 'Retrieve Power BI active users',
    description: 'The Power BI activities of users (who did what on which object, when), oldest first.',
    collectionKey: 'powerBIActiveUsers',
    item: entitySchema(POWER_BI_ACTIVITIES.fields),
    read: streamList(stores, POWER_BI_ACTIVITIES.stream),
  },
];
