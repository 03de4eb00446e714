/**
 * What the partner API asks of identity: a customer is an AOS tenant of its own, homed in
 * its data center, so its own apps (and its own regional APIs) see the same data the partner
 * sees. Implemented over identity's service routes with the global deployment's own service
 * credential, or the directory itself where one process hosts both (src/runtime/meridian.ts).
 */
export interface IdentityLink {
  /** Creates the customer's tenant; `exists` when a tenant of that name is already registered. */
  createTenant(name: string, dataCenter: string, id?: string): Promise<{ id: string } | 'exists'>;
  /** A tenant's name, by id. */
  tenantName(id: string): Promise<string | undefined>;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** countryorregion.md's two-letter codes, by their English names; undefined for a code that is none. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Za-z]{2}$/.test(code)) return undefined;
  try {
    return regionNames.of(code.toUpperCase());
  } catch {
    return undefined;
  }
}
