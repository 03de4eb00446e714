import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { aosErrorEnvelope, installErrorHandling } from '../platform/error-handling.js';
import type { AccessTokenVerifier } from '../regions/bearer-auth.js';
import { AuthLinkStore } from './auth-links/auth-link-store.js';
import { registerAuthLinkRoutes } from './auth-links/auth-link-routes.js';
import { Onboarding } from './customers/onboarding.js';
import { registerCustomerRoutes } from './customers/customer-routes.js';
import { registerJobRoutes } from './jobs/job-routes.js';
import { PartnerDirectory } from './partner/directory-store.js';
import type { IdentityLink } from './partner/identity-link.js';
import { registerPartnerContext } from './partner/partner-context.js';
import { PartnerData } from './partner/partner-data.js';
import { RegionClient, type ServiceTokens } from './partner/region-client.js';
import { registerProducerRoutes } from './producer-routes.js';
import { registerProtectionRoutes } from './protection/protection-routes.js';
import { registerScanProfileRoutes } from './scan-profiles/scan-profile-routes.js';
import type { ElementsGlobalTables } from './schema.js';
import { SeatPools } from './services/seat-pools.js';
import { registerServiceRoutes } from './services/service-routes.js';
import { registerTenantRoutes } from './tenants/tenant-routes.js';
import { registerV2Routes } from './v2/v2-routes.js';

export interface PartnerApiOptions {
  db: Kysely<ElementsGlobalTables>;
  clock: Clock;
  verify: AccessTokenVerifier;
  caPem: string | null;
  regionUrl: (dataCenter: string) => string | undefined;
  serviceToken: ServiceTokens;
  identity: IdentityLink;
  publicUrl: () => string;
}

/**
 * The Elements partner API on the global endpoint: v3 common features and all of v2, the
 * consent page of the authorization links, and the partner-level producer routes. Its own
 * plugin, so its JSON and form parsing and its error envelope stay out of the forwarder.
 */
export async function registerPartnerApi(app: FastifyInstance, options: PartnerApiOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, body === '' ? null : JSON.parse(body as string));
      } catch {
        done(Object.assign(new SyntaxError('The request body is not valid JSON.'), { statusCode: 400 }), undefined);
      }
    });
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    installErrorHandling(scope, aosErrorEnvelope);
    registerPartnerContext(scope, options.verify);

    const regions = new RegionClient({ caPem: options.caPem, regionUrl: options.regionUrl, serviceToken: options.serviceToken });
    scope.addHook('onClose', async () => regions.close());
    const data = new PartnerData(new PartnerDirectory(options.db), regions, options.clock);
    const onboarding = new Onboarding(data, options.identity, (dc) => Boolean(options.regionUrl(dc)));
    registerCustomerRoutes(scope, data, onboarding);
    registerTenantRoutes(scope, data);
    registerAuthLinkRoutes(scope, data, new AuthLinkStore(options.db), options.publicUrl);
    const pools = new SeatPools(options.db);
    registerServiceRoutes(scope, data, pools);
    registerProtectionRoutes(scope, data);
    registerJobRoutes(scope, data);
    registerScanProfileRoutes(scope, data);
    registerV2Routes(scope, data, options.publicUrl);
    registerProducerRoutes(scope, onboarding, data);
  });
}
