import { Type } from 'typebox';
import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { edgeList, eventList, objectList, type EnPowerStores } from '../shared/readers.js';
import { CLOUD_FLOW_ACTIVITIES, CLOUD_FLOW_RUNS, CLOUD_FLOWS, CONNECTION_USAGE_FIELDS, DESKTOP_FLOW_RUNS, DESKTOP_FLOWS } from './flow-schemas.js';

const CLOUD_FLOW = { kind: CLOUD_FLOWS.kind, param: 'flowId', noun: 'cloud flow' };
const DESKTOP_FLOW = { kind: DESKTOP_FLOWS.kind, param: 'flowId', noun: 'desktop flow' };
const FLOW_ID = { flowId: 'The flow whose records are retrieved.' };

/** main/services-and-features/enpower/flows/ */
export const flowEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/powerautomate/cloudflows'],
    operationId: 'getCloudFlows',
    summary: 'Retrieve cloud flow details',
    description: 'Cloud flows; flowRuns, runsLast…Days, activitiesLast…Days, lastRunTime and lastActivityDate are computed from their runs and activities.',
    collectionKey: 'cloudFlows',
    item: entitySchema(CLOUD_FLOWS.fields),
    read: objectList(CLOUD_FLOWS, stores),
  },
  {
    paths: ['/smp/powerplatform/powerautomate/cloudflows/:flowId/runs'],
    operationId: 'getCloudFlowRuns',
    summary: 'Retrieve cloud flow running history',
    description: 'A cloud flow\'s runs that started between fromDate and toDate, oldest first.',
    collectionKey: 'runs',
    item: entitySchema(CLOUD_FLOW_RUNS.fields),
    pathParams: FLOW_ID,
    dated: true,
    read: eventList(stores, CLOUD_FLOW, CLOUD_FLOW_RUNS.stream),
  },
  {
    paths: ['/smp/powerplatform/powerautomate/cloudflows/:flowId/activities'],
    operationId: 'getCloudFlowActivities',
    summary: 'Retrieve cloud flow activities',
    description: 'A cloud flow\'s activities between fromDate and toDate, oldest first.',
    collectionKey: 'activities',
    item: entitySchema(CLOUD_FLOW_ACTIVITIES.fields),
    pathParams: FLOW_ID,
    dated: true,
    read: eventList(stores, CLOUD_FLOW, CLOUD_FLOW_ACTIVITIES.stream),
  },
  {
    paths: ['/smp/powerplatform/connectionusage/cloudflows'],
    operationId: 'getCloudFlowConnectionUsage',
    summary: 'Retrieve cloud flow connection usage',
    description: 'Which connections each cloud flow uses; flowId narrows it to one flow (by default, all flows).',
    collectionKey: 'connectionUsageCloudFlows',
    item: entitySchema(CONNECTION_USAGE_FIELDS),
    filters: { flowId: Type.String({ maxLength: 400, description: 'The flow whose connection usage is retrieved; by default, all cloud flows.' }) },
    read: edgeList(stores, 'flow', 'flowId'),
  },
  {
    paths: ['/smp/powerplatform/powerautomate/desktopflows'],
    operationId: 'getDesktopFlows',
    summary: 'Retrieve desktop flow details',
    description: 'Desktop flows; flowRuns, runsLast…Days, lastRunTime and lastRunStatus are computed from their runs.',
    collectionKey: 'desktopFlows',
    item: entitySchema(DESKTOP_FLOWS.fields),
    read: objectList(DESKTOP_FLOWS, stores),
  },
  {
    paths: ['/smp/powerplatform/powerautomate/desktopflows/:flowId/runs'],
    operationId: 'getDesktopFlowRuns',
    summary: 'Retrieve desktop flow running history',
    description: 'A desktop flow\'s runs that started between fromDate and toDate, oldest first.',
    collectionKey: 'runs',
    item: entitySchema(DESKTOP_FLOW_RUNS.fields),
    pathParams: FLOW_ID,
    dated: true,
    read: eventList(stores, DESKTOP_FLOW, DESKTOP_FLOW_RUNS.stream),
  },
];
