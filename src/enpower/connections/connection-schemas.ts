import { fields } from '../shared/fields.js';
import type { CollectionSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/connections.md (`connections`), in the response sample's order. */
export const CONNECTION_FIELDS = fields({
  id: 'string', tenantId: 'string', tenantName: 'string', containerId: 'string', containerName: 'string', displayName: 'string', iconUri: 'string',
  connectorId: 'string', connectorDisplayName: 'string', connectorIconBrandColor: 'string', environmentId: 'string',
  environmentDisplayName: 'string', isCustom: 'boolean', tier: 'string', connectorOwnerDisplayName: 'string', connectorCreatedTime: 'string',
  publisher: 'string', powerAppCount: 'integer', flowCount: 'integer', flowNames: 'strings', appNames: 'strings', status: 'string',
  connectionSource: 'string', ownerId: 'string', ownerDisplayName: 'string', ownerUserPrincipalName: 'string', ownerStatus: 'string',
  ownerCountry: 'string',
});

export const CONNECTIONS: CollectionSpec = {
  kind: 'connection',
  producerPath: 'connections',
  fields: CONNECTION_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantName'],
  environmentField: 'environmentId',
  computed: {
    powerAppCount: { from: 'edges', edge: 'app', measure: 'count' },
    flowCount: { from: 'edges', edge: 'flow', measure: 'count' },
    flowNames: { from: 'edges', edge: 'flow', measure: 'names' },
    appNames: { from: 'edges', edge: 'app', measure: 'names' },
  },
};
