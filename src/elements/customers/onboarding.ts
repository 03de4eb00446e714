import { findDataCenter } from '../../topology/data-centers.js';
import { dataCenterOfId } from '../catalogue.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { IdentityLink } from '../partner/identity-link.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { CustomerProfile } from '../region/records.js';

export const ONBOARD_STATUS = { successful: 1, failedToRegister: 4, managedByCurrentPartner: 5, sameAsCurrentPartner: 6, alreadyExists: 7 } as const;

export interface NewCustomer {
  firstName: string;
  lastName: string;
  organizationName: string;
  registrationAccount: string;
  countryCode: string;
  telephoneNumber?: string | null | undefined;
  /** A data-center id of onboard-customer.md, or a Meridian code (the producer route). */
  dataCenter: string;
  tags?: string[] | null | undefined;
  managementMode: number;
  jobStatus?: number | undefined;
  /** The producer route only: the customer's id, as the collector knows it. */
  id?: string | undefined;
}

/**
 * onboard-customer.md: the customer becomes an AOS tenant of its own in its data center,
 * managed by the partner. Idempotent on the registration account: onboarding it again
 * answers "managed by current partner" with the same id (and repairs a record the data
 * center missed the first time).
 */
export class Onboarding {
  constructor(private readonly data: PartnerData, private readonly identity: IdentityLink, private readonly isHosted: (dataCenter: string) => boolean) {}

  async onboard(partnerId: string, input: NewCustomer): Promise<{ status: number; id: string }> {
    const key = input.registrationAccount.trim().toLowerCase();
    const partnerName = await this.identity.tenantName(partnerId);
    if (partnerName?.toLowerCase() === key) return { status: ONBOARD_STATUS.sameAsCurrentPartner, id: partnerId };
    const known = await this.data.directory.byRegistration(key);
    if (known) return this.existing(partnerId, known, input);
    const code = dataCenterOfId(input.dataCenter) ?? findDataCenter(input.dataCenter)?.code;
    const dc = code ? findDataCenter(code) : undefined;
    if (!dc || !this.isHosted(dc.code)) return { status: ONBOARD_STATUS.failedToRegister, id: '' };
    const created = await this.identity.createTenant(key, dc.code, input.id);
    // A tenant of that account exists but no partner manages it: an existing AOS customer.
    if (created === 'exists') return { status: ONBOARD_STATUS.alreadyExists, id: '' };
    const entry: Omit<DirectoryEntry, 'seq'> = {
      customer_id: created.id,
      partner_id: partnerId,
      data_center: dc.code,
      registration_key: key,
      organization: input.organizationName.trim(),
      owner_email: input.registrationAccount.trim(),
      country_code: input.countryCode.toUpperCase(),
      management_mode: input.managementMode,
      tenants: '[]',
      job_status: input.jobStatus ?? 0,
      created_at: this.data.clock.nowMs(),
    };
    if (!(await this.data.directory.add(entry))) {
      const raced = await this.data.directory.byRegistration(key);
      return raced ? this.existing(partnerId, raced, input) : { status: ONBOARD_STATUS.failedToRegister, id: '' };
    }
    await this.writeRecord({ ...entry, seq: 0 }, input);
    return { status: ONBOARD_STATUS.successful, id: created.id };
  }

  private async existing(partnerId: string, entry: DirectoryEntry, input: NewCustomer) {
    // Another partner's customer is not named: its id is that partner's business.
    if (entry.partner_id !== partnerId) return { status: ONBOARD_STATUS.alreadyExists, id: '' };
    // Onboarding again changes nothing, but writes the record a data center missed the first time.
    const missing = await this.data.record(entry).then(() => false, (error: unknown) => {
      if ((error as { statusCode?: number }).statusCode === 404) return true;
      throw error;
    });
    if (missing) await this.writeRecord(entry, input);
    return { status: ONBOARD_STATUS.managedByCurrentPartner, id: entry.customer_id };
  }

  private async writeRecord(entry: DirectoryEntry, input: NewCustomer): Promise<void> {
    const profile: CustomerProfile = {
      partnerId: entry.partner_id,
      organization: entry.organization,
      ownerEmail: entry.owner_email,
      firstName: input.firstName,
      lastName: input.lastName,
      countryCode: entry.country_code,
      telephoneNumber: input.telephoneNumber ?? null,
      managementMode: entry.management_mode,
      tags: input.tags ?? [],
      ...(input.jobStatus === undefined ? {} : { jobStatus: input.jobStatus }),
      createdAt: new Date(entry.created_at).toISOString(),
    };
    await this.data.internal(entry, { method: 'PUT', path: `/internal/elements/customers/${entry.customer_id}`, body: profile });
  }
}
