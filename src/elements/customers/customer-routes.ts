import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Static } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import { V3 } from '../catalogue.js';
import { countryName } from '../partner/identity-link.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { CustomerRecord } from '../region/records.js';
import { filterIds, idFilter, partnerRoute, V3_TAGS, v3List } from '../shared/routes.js';
import { OnboardBody, OnboardResult, V3Customer } from './customer-schemas.js';
import type { Onboarding } from './onboarding.js';

/** Names the data centers a partner-wide page could not read (its customers' rows lack their facts there). */
export function markUnavailable(reply: FastifyReply, unavailable: string[]): void {
  if (unavailable.length) reply.header('x-meridian-unavailable-data-centers', unavailable.join(','));
}

type CustomerFacts = Pick<CustomerRecord, 'id' | 'organization' | 'ownerEmail' | 'jobStatus' | 'countryCode' | 'managementMode'> & { tenants: Array<{ id: string; name: string }> };

/** One customer as v3 renders it (get-all-customers.md), from its record or the directory's projection of it. */
export function v3Customer(customer: CustomerFacts) {
  return {
    id: customer.id,
    organization: customer.organization,
    ownerEmail: customer.ownerEmail,
    jobStatus: customer.jobStatus,
    countryOrRegion: countryName(customer.countryCode) ?? customer.countryCode,
    managementMode: customer.managementMode,
    tenants: customer.tenants.map((tenant) => ({ id: tenant.id, name: tenant.name })),
  };
}

/** The directory's projection of a customer, as partner-wide lists show it. */
export const projected = (entry: DirectoryEntry): CustomerFacts => ({
  id: entry.customer_id,
  organization: entry.organization,
  ownerEmail: entry.owner_email,
  jobStatus: entry.job_status,
  countryCode: entry.country_code,
  managementMode: entry.management_mode,
  tenants: JSON.parse(entry.tenants) as CustomerFacts['tenants'],
});

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
    async (request, paging) => {
      const page = await data.directory.page(partnerOf(request), filterIds(request.body, 'customerIds'), paging.pageIndex, paging.pageSize);
      return { data: page.entries.map((entry) => v3Customer(projected(entry))), totalCount: page.totalCount };
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
