import { Type, type Static } from 'typebox';

/** What creating a tenant takes, from the operator's admin API and from a global node's service route alike. */
export const NewTenantBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  region: Type.String({ description: 'Home data center code, e.g. us' }),
  id: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'The tenant id (a GUID); Meridian makes one when left out.' })),
});
export type NewTenant = Static<typeof NewTenantBody>;
