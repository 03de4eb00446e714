import type { Kysely, Selectable } from 'kysely';
import { ApiError, badRequest, conflict, notFound } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { findDataCenter, type EnvironmentId } from '../topology/data-centers.js';
import { appendAuditEvent, type AdminAuditEvent } from './audit-trail.js';
import {
  generateClientSecret,
  hashClientSecret,
  isSecretLifetime,
  secretExpiry,
  secretHint,
  SECRET_LIFETIMES_YEARS,
  type SecretLifetimeYears,
} from './client-secrets.js';
import { assertUsableForClientAuth, CertificateRejected, parseCertificate } from './certificates/parse-certificate.js';
import { findPermission } from './permissions.js';
import { queryTemplate } from '../storage/query-template.js';
import type { IdentityTables } from './schema.js';
import type { NodeCache } from '../platform/node-cache.js';

export type TenantRow = Selectable<IdentityTables['identity_tenants']>;
export type AppRow = Selectable<IdentityTables['identity_apps']>;
export type SecretRow = Selectable<IdentityTables['identity_client_secrets']>;
export type CertificateRow = Selectable<IdentityTables['identity_certificates']>;
/** A certificate as an assertion check first needs it: without its DER, which is immutable and read once per process (certificateDer). */
export type LiveCertificate = Omit<CertificateRow, 'der_base64'>;

/**
 * What the token endpoint needs of a client, as the per-node cache keeps it: every secret and
 * certificate with its validity, so an entry stays right as secrets expire and certificates
 * come into force; which are live is decided at each use.
 */
export interface ClientEntry {
  app: AppRow;
  tenant: TenantRow;
  secrets: Array<{ hash: string; expiresAt: number }>;
  certificates: LiveCertificate[];
}

export interface Actor {
  name: string;
  clientIP?: string | undefined;
}

export interface TenantView {
  id: string;
  name: string;
  homeRegion: string;
  environment: EnvironmentId;
  createdAt: string;
}

export interface SecretView {
  id: string;
  hint: string;
  createdAt: string;
  expiresAt: string;
}

export interface CertificateView {
  id: string;
  subject: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  notBefore: string;
  notAfter: string;
  createdAt: string;
}

export interface AppView {
  clientId: string;
  tenantId: string;
  name: string;
  permissions: string[];
  secrets: SecretView[];
  certificates: CertificateView[];
  createdAt: string;
  updatedAt: string;
}

export interface NewApp {
  name: string;
  permissions: string[];
  secretYears?: number | undefined;
  certificate?: string | Buffer | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tenants and their app registrations in one cloud environment. Every change is written
 * with its audit event in one transaction, so the audit log never misses or invents one.
 */
export class Directory {
  // The reads of every token request, compiled once (src/storage/query-template.ts).
  private readonly appWithTenantRead;
  private readonly liveSecretsRead;
  private readonly liveCertificatesRead;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly clock: Clock,
    readonly environment: EnvironmentId,
    private readonly changed: () => void = () => {},
    /** Per-node cache of the clients the token endpoint reads, dropped on every node when a client changes. */
    private readonly clients?: NodeCache<ClientEntry> | undefined,
  ) {
    this.appWithTenantRead = queryTemplate(db, ['clientId'], (v: { clientId: string }) => this.appWithTenant(v.clientId));
    // `expiresAfter` is now for a live read, and before any expiry for the cache's read of them all.
    this.liveSecretsRead = queryTemplate(db, ['clientId', 'expiresAfter'], (v: { clientId: string; expiresAfter: number }) =>
      this.appWithTenant(v.clientId)
        .leftJoin('identity_client_secrets as s', (join) => join.onRef('s.client_id', '=', 'a.client_id').on('s.expires_at', '>', v.expiresAfter))
        .select(['s.secret_hash', 's.expires_at as secret_expires_at']),
    );
    this.liveCertificatesRead = queryTemplate(db, ['clientId', 'notBeforeAtMost', 'notAfterAbove'], (v: { clientId: string; notBeforeAtMost: number; notAfterAbove: number }) =>
      this.appWithTenant(v.clientId)
        .leftJoin('identity_certificates as c', (join) => join.onRef('c.client_id', '=', 'a.client_id').on('c.not_before', '<=', v.notBeforeAtMost).on('c.not_after', '>', v.notAfterAbove))
        .select([
          'c.id as cert_id',
          'c.thumbprint_sha1 as cert_sha1',
          'c.thumbprint_sha256 as cert_sha256',
          'c.subject as cert_subject',
          'c.not_before as cert_not_before',
          'c.not_after as cert_not_after',
          'c.created_at as cert_created_at',
        ]),
    );
  }

  async createTenant(input: { name: string; region: string; id?: string | undefined }, actor: Actor): Promise<TenantView> {
    const name = requireName('name', input.name);
    const dc = findDataCenter(input.region ?? '');
    if (!dc) throw badRequest(`Unknown data center '${input.region}'.`, 'invalid_region');
    if (dc.environment !== this.environment) {
      throw badRequest(`Data center '${dc.code}' belongs to the ${dc.environment} environment, not ${this.environment}.`, 'invalid_region');
    }
    // A given id (an operator's, or a docs sample's in the demo) is kept; ids are compared lower-case.
    const row: TenantRow = { id: input.id?.toLowerCase() ?? newId(), name, name_key: name.toLowerCase(), home_region: dc.code, created_at: this.clock.nowMs() };
    await this.db.transaction().execute(async (trx) => {
      const clash = await trx.selectFrom('identity_tenants').select('id').where('name_key', '=', row.name_key).executeTakeFirst();
      if (clash) throw conflict(`A tenant named '${name}' already exists.`);
      if (input.id && (await trx.selectFrom('identity_tenants').select('id').where('id', '=', row.id).executeTakeFirst())) throw conflict(`A tenant with the id '${row.id}' already exists.`);
      await trx.insertInto('identity_tenants').values(row).execute();
      await appendAuditEvent(trx, this.clock, row, event('Create tenant', 'Create', 'Tenant', name, actor, undefined, { name, homeRegion: row.home_region }));
    });
    this.changed();
    return this.tenantView(row);
  }

  async listTenants(): Promise<TenantView[]> {
    const rows = await this.db.selectFrom('identity_tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => this.tenantView(row));
  }

  /** A tenant by id or by name (names are unique, compared without case). */
  async findTenant(ref: string): Promise<TenantRow | undefined> {
    const text = ref.trim();
    const query = this.db.selectFrom('identity_tenants').selectAll();
    return UUID.test(text)
      ? query.where('id', '=', text.toLowerCase()).executeTakeFirst()
      : query.where('name_key', '=', text.toLowerCase()).executeTakeFirst();
  }

  async requireTenant(ref: string): Promise<TenantRow> {
    const tenant = await this.findTenant(ref);
    if (!tenant) throw notFound(`No tenant '${ref}' in the ${this.environment} environment.`);
    return tenant;
  }

  tenantView(row: TenantRow): TenantView {
    return { id: row.id, name: row.name, homeRegion: row.home_region, environment: this.environment, createdAt: iso(row.created_at) };
  }

  async createApp(tenantRef: string, input: NewApp, actor: Actor): Promise<{ app: AppView; clientSecret?: string }> {
    const tenant = await this.requireTenant(tenantRef);
    const name = requireName('name', input.name);
    const permissions = canonicalPermissions(input.permissions);
    const certificate = input.certificate === undefined ? undefined : this.readCertificate(input.certificate);
    const years = input.secretYears === undefined ? undefined : requireLifetime(input.secretYears);
    const now = this.clock.nowMs();
    const app: AppRow = { client_id: newId(), tenant_id: tenant.id, name, permissions: JSON.stringify(permissions), created_at: now, updated_at: now };
    let clientSecret: string | undefined;
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('identity_apps').values(app).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Create app registration', 'Create', 'App registration', name, actor, undefined, { clientId: app.client_id, permissions }));
      if (years !== undefined) {
        clientSecret = generateClientSecret();
        const secret = this.secretRow(app.client_id, clientSecret, years, now);
        await trx.insertInto('identity_client_secrets').values(secret).execute();
        await appendAuditEvent(trx, this.clock, tenant, event('Add client secret', 'Create', 'Client secret', `${name} (${secret.hint})`, actor, undefined, { secretId: secret.id, expiresAt: iso(secret.expires_at) }));
      }
      if (certificate) {
        const row = this.certificateRow(app.client_id, certificate, now);
        await trx.insertInto('identity_certificates').values(row).execute();
        await appendAuditEvent(trx, this.clock, tenant, event('Add certificate', 'Create', 'Certificate', `${name} (${row.thumbprint_sha1})`, actor, undefined, { certificateId: row.id, thumbprint: row.thumbprint_sha1 }));
      }
    });
    this.changed();
    return { app: await this.requireAppView(app.client_id), ...(clientSecret ? { clientSecret } : {}) };
  }

  async listApps(tenantRef: string): Promise<AppView[]> {
    const tenant = await this.requireTenant(tenantRef);
    const apps = await this.db.selectFrom('identity_apps').selectAll().where('tenant_id', '=', tenant.id).orderBy('created_at').orderBy('client_id').execute();
    return Promise.all(apps.map((app) => this.appView(app)));
  }

  async findApp(clientId: string): Promise<AppRow | undefined> {
    if (!UUID.test(clientId)) return undefined;
    return this.db.selectFrom('identity_apps').selectAll().where('client_id', '=', clientId.toLowerCase()).executeTakeFirst();
  }

  async requireAppView(clientId: string): Promise<AppView> {
    const app = await this.findApp(clientId);
    if (!app) throw notFound(`No app registration with client id '${clientId}'.`);
    return this.appView(app);
  }

  async deleteApp(clientId: string, actor: Actor): Promise<void> {
    const { app, tenant } = await this.requireAppWithTenant(clientId);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('identity_client_secrets').where('client_id', '=', app.client_id).execute();
      await trx.deleteFrom('identity_certificates').where('client_id', '=', app.client_id).execute();
      await trx.deleteFrom('identity_apps').where('client_id', '=', app.client_id).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Delete app registration', 'Delete', 'App registration', app.name, actor, { clientId: app.client_id }, undefined));
    });
    await this.clientChanged(app.client_id);
    this.changed();
  }

  async addSecret(clientId: string, years: number | undefined, actor: Actor): Promise<{ secret: SecretView; clientSecret: string }> {
    const lifetime = requireLifetime(years ?? 1);
    const { app, tenant } = await this.requireAppWithTenant(clientId);
    const clientSecret = generateClientSecret();
    const row = this.secretRow(app.client_id, clientSecret, lifetime, this.clock.nowMs());
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('identity_client_secrets').values(row).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Add client secret', 'Create', 'Client secret', `${app.name} (${row.hint})`, actor, undefined, { secretId: row.id, expiresAt: iso(row.expires_at) }));
    });
    await this.clientChanged(app.client_id);
    this.changed();
    return { secret: secretView(row), clientSecret };
  }

  async removeSecret(clientId: string, secretId: string, actor: Actor): Promise<void> {
    const { app, tenant } = await this.requireAppWithTenant(clientId);
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('identity_client_secrets').selectAll().where('client_id', '=', app.client_id).where('id', '=', secretId).executeTakeFirst();
      if (!row) throw notFound(`App '${app.client_id}' has no client secret '${secretId}'.`);
      await trx.deleteFrom('identity_client_secrets').where('id', '=', row.id).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Delete client secret', 'Delete', 'Client secret', `${app.name} (${row.hint})`, actor, { secretId: row.id }, undefined));
    });
    await this.clientChanged(app.client_id);
    this.changed();
  }

  async addCertificate(clientId: string, input: string | Buffer, actor: Actor): Promise<CertificateView> {
    const certificate = this.readCertificate(input);
    const { app, tenant } = await this.requireAppWithTenant(clientId);
    const row = this.certificateRow(app.client_id, certificate, this.clock.nowMs());
    await this.db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom('identity_certificates')
        .select('id')
        .where('client_id', '=', app.client_id)
        .where('thumbprint_sha256', '=', row.thumbprint_sha256)
        .executeTakeFirst();
      if (clash) throw conflict(`App '${app.client_id}' already has the certificate ${row.thumbprint_sha1}.`);
      await trx.insertInto('identity_certificates').values(row).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Add certificate', 'Create', 'Certificate', `${app.name} (${row.thumbprint_sha1})`, actor, undefined, { certificateId: row.id, thumbprint: row.thumbprint_sha1 }));
    });
    await this.clientChanged(app.client_id);
    this.changed();
    return certificateView(row);
  }

  /** Removes a certificate named by its id or either thumbprint. */
  async removeCertificate(clientId: string, ref: string, actor: Actor): Promise<void> {
    const { app, tenant } = await this.requireAppWithTenant(clientId);
    const wanted = ref.trim();
    await this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('identity_certificates').selectAll().where('client_id', '=', app.client_id).execute();
      const row = rows.find((cert) => cert.id === wanted || [cert.thumbprint_sha1, cert.thumbprint_sha256].includes(wanted.toUpperCase()));
      if (!row) throw notFound(`App '${app.client_id}' has no certificate '${ref}'.`);
      await trx.deleteFrom('identity_certificates').where('id', '=', row.id).execute();
      await appendAuditEvent(trx, this.clock, tenant, event('Delete certificate', 'Delete', 'Certificate', `${app.name} (${row.thumbprint_sha1})`, actor, { certificateId: row.id, thumbprint: row.thumbprint_sha1 }, undefined));
    });
    await this.clientChanged(app.client_id);
    this.changed();
  }

  /** The client and its tenant, in one indexed read. */
  async clientForAuthentication(clientId: string): Promise<{ app: AppRow; tenant: TenantRow } | undefined> {
    if (!UUID.test(clientId)) return undefined;
    const [row] = await this.appWithTenantRead({ clientId: clientId.toLowerCase() });
    return row ? splitAppAndTenant(row) : undefined;
  }

  /** The client, its tenant and the hashes of its live secrets: what a secret check needs, in one read (or none, cached). */
  async clientWithLiveSecrets(clientId: string, nowMs: number): Promise<{ app: AppRow; tenant: TenantRow; secretHashes: string[] } | undefined> {
    if (!UUID.test(clientId)) return undefined;
    const id = clientId.toLowerCase();
    if (this.clients?.live) {
      const entry = await this.clients.get(id, () => this.loadClient(id));
      return entry && { app: entry.app, tenant: entry.tenant, secretHashes: entry.secrets.filter((secret) => secret.expiresAt > nowMs).map((secret) => secret.hash) };
    }
    const rows = await this.liveSecretsRead({ clientId: id, expiresAfter: nowMs });
    const [first] = rows;
    if (!first) return undefined;
    return { ...splitAppAndTenant(withoutSecret(first)), secretHashes: rows.flatMap((row) => (row.secret_hash ? [row.secret_hash] : [])) };
  }

  /** A certificate's DER (base64), by id. */
  async certificateDer(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('identity_certificates').select('der_base64').where('id', '=', id).executeTakeFirst();
    return row?.der_base64;
  }

  /** The client, its tenant and its certificates valid now: what an assertion check needs, in one read (or none, cached). */
  async clientWithLiveCertificates(clientId: string, nowMs: number): Promise<{ app: AppRow; tenant: TenantRow; certificates: LiveCertificate[] } | undefined> {
    if (!UUID.test(clientId)) return undefined;
    const id = clientId.toLowerCase();
    if (this.clients?.live) {
      const entry = await this.clients.get(id, () => this.loadClient(id));
      return entry && { app: entry.app, tenant: entry.tenant, certificates: entry.certificates.filter((cert) => cert.not_before <= nowMs && cert.not_after > nowMs) };
    }
    return this.readCertificates(id, nowMs, nowMs);
  }

  /** A client with all its secrets and certificates, whatever their validity: the cache's entry. */
  private async loadClient(clientId: string): Promise<ClientEntry | undefined> {
    const [secretRows, withCertificates] = await Promise.all([this.liveSecretsRead({ clientId, expiresAfter: -1 }), this.readCertificates(clientId, Number.MAX_SAFE_INTEGER, -1)]);
    if (!secretRows[0] || !withCertificates) return undefined;
    const secrets = secretRows.flatMap((row) => (row.secret_hash ? [{ hash: row.secret_hash, expiresAt: Number(row.secret_expires_at) }] : []));
    return { app: withCertificates.app, tenant: withCertificates.tenant, secrets, certificates: withCertificates.certificates };
  }

  private async readCertificates(clientId: string, notBeforeAtMost: number, notAfterAbove: number): Promise<{ app: AppRow; tenant: TenantRow; certificates: LiveCertificate[] } | undefined> {
    const rows = await this.liveCertificatesRead({ clientId, notBeforeAtMost, notAfterAbove });
    const [first] = rows;
    if (!first) return undefined;
    const { cert_id: _id, cert_sha1: _sha1, cert_sha256: _sha256, cert_subject: _subject, cert_not_before: _nb, cert_not_after: _na, cert_created_at: _created, ...appAndTenant } = first;
    const certificates = rows.flatMap((row) =>
      row.cert_id
        ? [{
            id: row.cert_id,
            client_id: row.client_id,
            thumbprint_sha1: row.cert_sha1!,
            thumbprint_sha256: row.cert_sha256!,
            subject: row.cert_subject!,
            not_before: Number(row.cert_not_before!),
            not_after: Number(row.cert_not_after!),
            created_at: row.cert_created_at!,
          }]
        : [],
    );
    return { ...splitAppAndTenant(appAndTenant), certificates };
  }

  /** After a change of a client is committed: no node serves its old entry. */
  private async clientChanged(clientId: string): Promise<void> {
    await this.clients?.changed(clientId);
  }

  /** `clientId` lower-cased: client ids are stored so. */
  private appWithTenant(clientId: string) {
    return this.db
      .selectFrom('identity_apps as a')
      .innerJoin('identity_tenants as t', 't.id', 'a.tenant_id')
      .select(['a.client_id', 'a.tenant_id', 'a.name', 'a.permissions', 'a.created_at', 'a.updated_at'])
      .select(['t.name as tenant_name', 't.name_key as tenant_name_key', 't.home_region as tenant_home_region', 't.created_at as tenant_created_at'])
      .where('a.client_id', '=', clientId);
  }

  private async requireAppWithTenant(clientId: string): Promise<{ app: AppRow; tenant: TenantRow }> {
    const found = await this.clientForAuthentication(clientId);
    if (!found) throw notFound(`No app registration with client id '${clientId}'.`);
    return found;
  }

  private async appView(app: AppRow): Promise<AppView> {
    const [secrets, certificates] = await Promise.all([
      this.db.selectFrom('identity_client_secrets').selectAll().where('client_id', '=', app.client_id).orderBy('created_at').execute(),
      this.db.selectFrom('identity_certificates').selectAll().where('client_id', '=', app.client_id).orderBy('created_at').execute(),
    ]);
    return {
      clientId: app.client_id,
      tenantId: app.tenant_id,
      name: app.name,
      permissions: JSON.parse(app.permissions) as string[],
      secrets: secrets.map(secretView),
      certificates: certificates.map(certificateView),
      createdAt: iso(app.created_at),
      updatedAt: iso(app.updated_at),
    };
  }

  private readCertificate(input: string | Buffer) {
    try {
      const certificate = parseCertificate(input);
      assertUsableForClientAuth(certificate, this.clock.now());
      return certificate;
    } catch (error) {
      if (error instanceof CertificateRejected) throw new ApiError(400, `certificate_${error.reason}`, error.message);
      throw error;
    }
  }

  private secretRow(clientId: string, secret: string, years: SecretLifetimeYears, now: number): SecretRow {
    return { id: newId(), client_id: clientId, secret_hash: hashClientSecret(secret), hint: secretHint(secret), created_at: now, expires_at: secretExpiry(now, years) };
  }

  private certificateRow(clientId: string, cert: ReturnType<typeof parseCertificate>, now: number): CertificateRow {
    return {
      id: newId(),
      client_id: clientId,
      thumbprint_sha1: cert.thumbprintSha1,
      thumbprint_sha256: cert.thumbprintSha256,
      subject: cert.subject,
      not_before: cert.notBefore.getTime(),
      not_after: cert.notAfter.getTime(),
      der_base64: cert.der.toString('base64'),
      created_at: now,
    };
  }
}

function withoutSecret<T extends { secret_hash: unknown; secret_expires_at: unknown }>(row: T): Omit<T, 'secret_hash' | 'secret_expires_at'> {
  const { secret_hash: _hash, secret_expires_at: _expires, ...rest } = row;
  return rest;
}

/** An app row joined with its tenant's columns (prefixed `tenant_`), as the two rows. */
function splitAppAndTenant(row: AppRow & { tenant_name: string; tenant_name_key: string; tenant_home_region: string; tenant_created_at: number }): { app: AppRow; tenant: TenantRow } {
  const { tenant_name, tenant_name_key, tenant_home_region, tenant_created_at, ...app } = row;
  return { app, tenant: { id: app.tenant_id, name: tenant_name, name_key: tenant_name_key, home_region: tenant_home_region, created_at: tenant_created_at } };
}

function event(actionName: string, operationType: AdminAuditEvent['operationType'], objectType: string, objectName: string, actor: Actor, previousValue: unknown, currentValue: unknown): AdminAuditEvent {
  return { actionName, operationType, objectType, objectName, actor: actor.name, clientIP: actor.clientIP, previousValue, currentValue };
}

/**
 * C0 and C1 controls (NUL, newlines, escape sequences) and the bidirectional overrides: names
 * are shown in consoles, logs and audit records, where such characters forge or hide text.
 */
const UNPRINTABLE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function requireName(field: string, value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw badRequest(`The field '${field}' is required.`, 'invalid_parameter');
  if (text.length > 128) throw badRequest(`The field '${field}' must be at most 128 characters.`, 'invalid_parameter');
  if (UNPRINTABLE_IN_NAMES.test(text)) {
    throw badRequest(`The field '${field}' must not contain control characters (such as NUL or line breaks) or bidirectional overrides.`, 'invalid_parameter');
  }
  return text;
}

function requireLifetime(value: unknown): SecretLifetimeYears {
  const years = typeof value === 'string' ? Number(value) : value;
  if (!isSecretLifetime(years)) {
    throw badRequest(`A client secret is effective for ${SECRET_LIFETIMES_YEARS.join(', ')} years; '${String(value)}' is not one of them.`, 'invalid_secret_lifetime');
  }
  return years;
}

function canonicalPermissions(requested: unknown): string[] {
  if (!Array.isArray(requested) || requested.length === 0) throw badRequest('At least one permission is required.', 'invalid_permission');
  const names = new Set<string>();
  for (const item of requested) {
    const permission = typeof item === 'string' ? findPermission(item) : undefined;
    if (!permission) throw badRequest(`Unknown permission '${String(item)}'.`, 'invalid_permission');
    names.add(permission.name);
  }
  return [...names];
}

const secretView = (row: SecretRow): SecretView => ({ id: row.id, hint: row.hint, createdAt: iso(row.created_at), expiresAt: iso(row.expires_at) });

const certificateView = (row: CertificateRow): CertificateView => ({
  id: row.id,
  subject: row.subject,
  thumbprintSha1: row.thumbprint_sha1,
  thumbprintSha256: row.thumbprint_sha256,
  notBefore: iso(row.not_before),
  notAfter: iso(row.not_after),
  createdAt: iso(row.created_at),
});
