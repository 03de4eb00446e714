import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { newId } from '../../platform/ids.js';
import { SERVICE_APPS, V3 } from '../catalogue.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { TenantRecord } from '../region/records.js';
import { partnerRoute, V3_TAGS } from '../shared/routes.js';
import { AUTH_LINK_LIFETIME_MS, type AuthLinkKind, type AuthLinkRow, type AuthLinkStore } from './auth-link-store.js';
import { CONSENT_PAGE_CSP, CONSENT_STYLESHEET, consentForm, decidedPage, unusablePage } from './consent-page.js';

const CONSENT_PATH = '/app/CustomerAppAuthorizationLink';
const Emails = Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 }), Type.Null()]));
const AadEnvironment = Type.Integer({ enum: [0, 2, 4, 5], description: 'aad-environment-types.md: 0 AzureCloud, 2 USGovernment, 4 USGovernment_DoD, 5 AzureCloud_GCC' });
const Params = Type.Object({ customerId: Type.String({ maxLength: 100 }), tenantId: Type.String({ maxLength: 100, pattern: '^[0-9A-Fa-f-]{1,100}$' }) });
const LinkResult = Type.Object({ id: Type.String(), url: Type.String() });

/** create-auth-link-to-add-tenant-for-customer.md, "Request Body". */
const AddTenantBody = Type.Object(
  {
    aadEnvironment: AadEnvironment,
    tenantFriendlyName: Type.String({ minLength: 1, maxLength: 256 }),
    tenantDescription: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    tenantSharePointAdminUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    customRecipientEmails: Emails,
  },
  { additionalProperties: false },
);
/** create-auth-link-to-consent-app-for-customer.md, "Request Body". */
const ConsentAppsBody = Type.Object(
  {
    consentMethod: Type.Integer({ enum: [0, 1], description: '0 Administrator consent, 1 User consent' }),
    isReAuth: Type.Boolean(),
    aadEnvironment: AadEnvironment,
    platformEnvironmentType: Type.Integer({ minimum: 0, maximum: 8, description: 'platform-environment-types.md' }),
    productNames: Type.Array(Type.String({ enum: [...SERVICE_APPS] }), { minItems: 1, maxItems: 2 }),
    customRecipientEmails: Emails,
  },
  { additionalProperties: false },
);

/** aad-environment-types.md onto platform-environment-types.md: Azure's public cloud or US Government. */
const platformOf = (aadEnvironment: number) => (aadEnvironment === 0 ? 1 : 3);

/**
 * The two authorization links and the consent page they open. Accepting applies the link
 * in the customer's data center (the tenant is added, or the apps are consented) and uses
 * the link up; declining uses it up and changes nothing.
 */
export function registerAuthLinkRoutes(app: FastifyInstance, data: PartnerData, links: AuthLinkStore, publicUrl: () => string): void {
  const create = async (entry: DirectoryEntry, tenantId: string, kind: AuthLinkKind, request: unknown) => {
    const now = data.clock.nowMs();
    const row: AuthLinkRow = { id: newId(), partner_id: entry.partner_id, customer_id: entry.customer_id, tenant_id: tenantId.toLowerCase(), kind, request: JSON.stringify(request), state: 'pending', created_at: now, expires_at: now + AUTH_LINK_LIFETIME_MS, decided_at: null };
    await links.create(row);
    return { id: row.id, url: `${publicUrl()}${CONSENT_PATH}?linkId=${row.id}&tenantId=${row.tenant_id}` };
  };

  partnerRoute(
    app,
    {
      method: 'POST',
      url: '/partner/external/v3/general/customers/:customerId/tenants/:tenantId/auth-link',
      operationId: 'createAuthLinkToAddTenant',
      summary: 'Generate authorization link to add Microsoft 365 tenant',
      description: 'elements/general/customer app profile/create-auth-link-to-add-tenant-for-customer.md. The url opens Meridian\'s consent page; it works once, for 7 days.',
      tags: V3_TAGS,
      permission: V3.customersWrite,
      params: Params,
      body: AddTenantBody,
      response: LinkResult,
    },
    async (request) => {
      const { customerId, tenantId } = request.params as { customerId: string; tenantId: string };
      return create(await data.customer(partnerOf(request), customerId), tenantId, 'add-tenant', request.body);
    },
  );

  partnerRoute(
    app,
    {
      method: 'POST',
      url: '/partner/external/v3/general/customers/:customerId/tenants/:tenantId/apps/auth-link',
      operationId: 'createAuthLinkToConsentApps',
      summary: 'Generate authorization link to authorize service apps',
      description: 'elements/general/customer app profile/create-auth-link-to-consent-app-for-customer.md. Accepting sets isConsent for the named products.',
      tags: V3_TAGS,
      permission: V3.customersWrite,
      params: Params,
      body: ConsentAppsBody,
      response: LinkResult,
    },
    async (request) => {
      const { customerId, tenantId } = request.params as { customerId: string; tenantId: string };
      return create(await data.customer(partnerOf(request), customerId), tenantId, 'consent-apps', request.body);
    },
  );

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).header('content-security-policy', CONSENT_PAGE_CSP).header('cache-control', 'no-store').header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(body);

  /** A link the page can act on, or the page saying why it cannot. */
  const usable = async (linkId: unknown, tenantId: unknown): Promise<AuthLinkRow | string> => {
    const link = typeof linkId === 'string' && /^[0-9a-f-]{36}$/i.test(linkId) ? await links.find(linkId) : undefined;
    if (!link || typeof tenantId !== 'string' || link.tenant_id !== tenantId.toLowerCase()) return 'This authorization link does not exist.';
    if (link.state !== 'pending') return `This authorization link was already used (${link.state}).`;
    if (link.expires_at <= data.clock.nowMs()) return 'This authorization link has expired; ask your partner for a new one.';
    return link;
  };
  const consentDocs = { tags: ['Elements consent page'], hide: false } as const;

  app.get(
    CONSENT_PATH,
    { schema: { ...consentDocs, operationId: 'getConsentPage', summary: 'The consent page an authorization link opens (HTML)', querystring: Type.Object({ linkId: Type.Optional(Type.String()), tenantId: Type.Optional(Type.String()) }) }, config: { public: true } },
    async (request, reply) => {
      const query = request.query as { linkId?: string; tenantId?: string };
      const link = await usable(query.linkId, query.tenantId);
      if (typeof link === 'string') return html(reply, 410, unusablePage(link));
      const entry = await data.directory.visible({ partnerId: link.partner_id, customerIds: undefined }, link.customer_id);
      return html(reply, 200, consentForm(link, entry?.organization ?? ''));
    },
  );

  app.post(
    CONSENT_PATH,
    { schema: { ...consentDocs, operationId: 'decideConsent', summary: 'Accept or decline an authorization link (form post from the consent page)', consumes: ['application/x-www-form-urlencoded'] }, config: { public: true } },
    async (request, reply) => {
      const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : typeof request.body === 'string' ? request.body : '');
      const decision = form.get('decision');
      const link = await usable(form.get('linkId'), form.get('tenantId'));
      if (typeof link === 'string') return html(reply, 410, unusablePage(link));
      if (decision !== 'accept' && decision !== 'decline') return html(reply, 400, unusablePage('Choose Accept or Decline.'));
      if (!(await links.decide(link.id, decision === 'accept' ? 'accepted' : 'declined', data.clock.nowMs()))) return html(reply, 410, unusablePage('This authorization link was already used.'));
      if (decision === 'decline') return html(reply, 200, decidedPage(false));
      try {
        await apply(data, link);
      } catch (error) {
        await links.release(link.id);
        const status = (error as { statusCode?: number }).statusCode === 404 ? 409 : 503;
        return html(reply, status, unusablePage(status === 409 ? 'The tenant has not been added to Elements yet; accept the link that adds it first.' : 'Elements could not record your consent just now; open the link again later.'));
      }
      return html(reply, 200, decidedPage(true));
    },
  );

  app.get(`/app/consent.css`, { schema: { hide: true }, config: { public: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CONSENT_STYLESHEET));
}

/** What accepting a link changes, in the customer's data center. */
async function apply(data: PartnerData, link: AuthLinkRow): Promise<void> {
  const entry = await data.directory.visible({ partnerId: link.partner_id, customerIds: undefined }, link.customer_id);
  if (!entry) throw Object.assign(new Error('customer gone'), { statusCode: 404 });
  if (link.kind === 'add-tenant') {
    const request = JSON.parse(link.request) as { aadEnvironment: number; tenantFriendlyName: string; tenantSharePointAdminUrl?: string | null };
    const domain = /^https:\/\/([a-z0-9-]+?)-admin\.sharepoint\./i.exec(request.tenantSharePointAdminUrl ?? '')?.[1] ?? request.tenantFriendlyName.replace(/[^A-Za-z0-9]+/g, '').toLowerCase();
    const tenant: TenantRecord = { id: link.tenant_id, name: request.tenantFriendlyName, type: 0, domain, aadEnvironment: request.aadEnvironment, platformEnvironmentType: platformOf(request.aadEnvironment) };
    await data.writeTenants(entry, [tenant]);
    return;
  }
  const request = JSON.parse(link.request) as { productNames: string[] };
  await data.internal(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/tenants/${link.tenant_id}/consent`, body: { apps: request.productNames } });
}
