import { ApiError } from '../../platform/errors.js';
import type { ServiceApp } from '../catalogue.js';

/** The four governance areas, as their paths name them (`/partner/external/v3/<area>/…`). */
export type GovernanceArea = 'bm' | 'rm' | 'um' | 'wm';

/**
 * What makes a customer tenant "have" a premium module: its service app consented for the
 * tenant (services.md, get-m365-tenant-product-apps.md: `PartnerTenantSettingManagement` is
 * baseline management, `PartnerWorkspaceOnboarding` every other premium service) and a
 * subscription of the customer to one of the module's products (add-service.md: 40 Baseline
 * management, 42 Workspace management, 49 User and device management; 41 Risk management is a
 * product type of get-avpt-products-overview-type.md that add-service cannot add, but a
 * customer reported holding it has risk management).
 */
export const PREMIUM_MODULES: Readonly<Record<GovernanceArea, { name: string; app: ServiceApp; products: readonly number[] }>> = {
  bm: { name: 'Baseline management', app: 'PartnerTenantSettingManagement', products: [40] },
  rm: { name: 'Risk management', app: 'PartnerWorkspaceOnboarding', products: [41, 42] },
  um: { name: 'User management', app: 'PartnerWorkspaceOnboarding', products: [49] },
  wm: { name: 'Workspace management', app: 'PartnerWorkspaceOnboarding', products: [42] },
};

export const areaOf = (documentedPath: string): GovernanceArea => documentedPath.split('/')[4] as GovernanceArea;

/** A customer's tenant as the premium check sees it. */
export interface PremiumFacts {
  customerId: string;
  tenantId: string;
  consentedApps: readonly string[];
  /** The products the customer holds a subscription of. */
  products: readonly number[];
}

/**
 * Refuses a call on a tenant without the area's premium module: 403 `premium_service_required`
 * (the pages document no answer for it), naming what is missing and how to get it.
 */
export function requirePremium(area: GovernanceArea, facts: PremiumFacts): void {
  const module = PREMIUM_MODULES[area];
  const missing: string[] = [];
  if (!module.products.some((product) => facts.products.includes(product))) missing.push(`no subscription of product ${module.products.join(' or ')} (add it with POST …/customers/{customerId}/services)`);
  if (!facts.consentedApps.includes(module.app)) missing.push(`its service app '${module.app}' is not consented for the tenant (create a consent link with POST …/tenants/{tenantId}/apps/auth-link)`);
  if (missing.length === 0) return;
  throw new ApiError(403, 'premium_service_required', `${module.name} is a premium service that customer '${facts.customerId}' does not have for tenant '${facts.tenantId}': ${missing.join('; ')}.`);
}
