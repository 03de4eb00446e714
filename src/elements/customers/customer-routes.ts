import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Static } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import { V3 } from '../catalogue.js';
import { countryName } from '../partner/identity-link.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PagedCustomer, PartnerData } from '../partner/partner-data.js';
import { filterIds, idFilter, partnerRoute, V3_TAGS, v3List } from '../shared/routes.js';
import { OnboardBody, OnboardResult, V3Customer } from './customer-schemas.js';
import type { Onboarding } from './onboarding.js';

/** Names the data centers a partner-wide page could not read (its customers are directory-only rows). */
export function markUnavailable(reply: FastifyReply, unavailable: string[]): void {
  if (unavailable.length) reply.header('x-meridian-unavailable-data-centers', unavailable.join(','));
}

/** One customer as v3 renders it; a directory-only row has no tenants and status N/A. */
export function v3Customer(customer: PagedCustomer) {
  const { entry } = customer;
  const record = 'record' in customer ? customer.record : undefined;
  return {
    id: entry.customer_id,
    organization: record?.organization ?? entry.organization,
    ownerEmail: record?.ownerEmail ?? entry.owner_email,
    jobStatus: record?.jobStatus ?? 0,
    countryOrRegion: countryName(record?.countryCode ?? entry.country_code) ?? entry.country_code,
    managementMode: record?.managementMode ?? entry.management_mode,
    tenants: (record?.tenants ?? []).map((tenant) => ({ id: tenant.id, name: tenant.name })),
  };
}

export function registerCustomerRoutes(app: FastifyInstance, data: PartnerData, onboarding: Onboarding): void {
  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/batch',
      operationId: 'getAllCustomers',
      summary: 'Retrieve all customers managed by current partner',
      description: 'elements/general/customer/get-all-customers.md. Customers outside the app\'s customer scope are never listed.',
      permission: V3.customersRead,
      body: idFilter('customerIds', 'Only these customers'),
      item: V3Customer,
    },
    async (request, paging, reply) => {
      const page = await data.customerPage(partnerOf(request), filterIds(request.body, 'customerIds'), paging);
      markUnavailable(reply, page.unavailable);
      return { data: page.customers.map(v3Customer), totalCount: page.totalCount };
    },
  );

  partnerRoute(
    app,
    {
      method: 'POST',
      url: '/partner/external/v3/general/customers',
      operationId: 'onboardCustomer',
      summary: 'Onboard a customer',
      description: 'elements/general/customer/onboard-customer.md. Idempotent on registrationAccount (status 5 with the same id).',
      tags: V3_TAGS,
      permission: V3.customersWrite,
      body: OnboardBody,
      response: OnboardResult,
    },
    async (request) => {
      const body = request.body as Static<typeof OnboardBody>;
      if (!countryName(body.countryCode)) throw invalidParameter('countryCode', `'${body.countryCode}' is not a two-letter country or region code (countryorregion.md)`);
      // The boolean of this page onto get-all-customers.md's 0/1/2; absent is "To be configured".
      const managementMode = body.managementMode === true ? 1 : body.managementMode === false ? 0 : 2;
      return onboarding.onboard(partnerOf(request).partnerId, { ...body, managementMode });
    },
  );
}
