import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ApiError, badRequest } from '../../platform/errors.js';
import type { Directory } from '../directory.js';
import { MERIDIAN_PERMISSION_NAMES, PERMISSIONS, PRODUCER_PERMISSION } from '../permissions.js';
import type { SigningKeys } from '../signing-keys.js';
import { dataCentersOf, type EnvironmentId } from '../../topology/data-centers.js';

/** A GET of the tenant's home region on the tenant's behalf, with a token of `scopes` minted here. */
export type RegionCall = (tenant: { id: string; homeRegion: string }, request: { path: string; query?: Record<string, string>; scopes: string[] }) => Promise<{ status: number; body: unknown }>;

const TenantRef = Type.Object({ tenant: Type.String({ description: 'Tenant id or name' }) });
const AdminError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }) });
const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError, 502: AdminError };
const OPUS_SETTINGS = ['connections', 'terms', 'holds'] as const;

/**
 * What the console shows beside the directory: the permissions an app can be granted, the
 * signing keys, and the tenant's own data read from its region (audit records, Opus settings),
 * so operators use one admin API, as the CLI does.
 */
export function registerTenantDataRoutes(admin: FastifyInstance, options: { directory: Directory; keys: SigningKeys; environment: EnvironmentId; regionCall: RegionCall | undefined }): void {
  const tags = ['admin'];
  const catalogue = { public: true, tenantAdmin: 'catalogue' as const };
  const ofTenant = { public: true, tenantAdmin: 'tenant' as const };
  const operatorOnly = { public: true };
  admin.get(
    '/permissions',
    { schema: { tags, operationId: 'listPermissions', summary: "The permissions the caller can grant an app registration, by service (register-app.md; the operator also meridian.tenant.admin)", response: { 200: Type.Object({ value: Type.Array(Type.Object({ name: Type.String(), service: Type.String(), usage: Type.String() })) }) } }, config: catalogue },
    async (request) => ({
      value: PERMISSIONS.filter((permission) => (request.adminCaller.kind === 'operator' ? permission.name !== PRODUCER_PERMISSION : !MERIDIAN_PERMISSION_NAMES.has(permission.name))),
    }),
  );
  admin.get(
    '/data-centers',
    { schema: { tags, operationId: 'listDataCenters', summary: "The data centers of this host's environment: a tenant's home region is one of them", response: { 200: Type.Object({ value: Type.Array(Type.Object({ code: Type.String(), region: Type.String() })) }) } }, config: catalogue },
    async () => ({ value: dataCentersOf(options.environment).map((dc) => ({ code: dc.code, region: dc.region })) }),
  );
  admin.get(
    '/signing-keys',
    {
      schema: {
        tags,
        operationId: 'listSigningKeys',
        summary: 'The access-token signing keys: the active one, superseded ones still published, retired ones',
        response: { 200: Type.Object({ value: Type.Array(Type.Object({ kid: Type.String(), alg: Type.String(), createdAt: Type.String(), state: Type.String(), retiresAt: Type.Union([Type.String(), Type.Null()]) })) }) },
      },
      config: operatorOnly,
    },
    async () => ({ value: await options.keys.list() }),
  );

  const fromRegion = async (tenantRef: string, request: { path: string; query?: Record<string, string>; scopes: string[] }) => {
    if (!options.regionCall) throw new ApiError(502, 'region_unreachable', 'This identity host cannot reach the regions (no region URLs configured).');
    const tenant = await options.directory.requireTenant(tenantRef);
    const answer = await options.regionCall({ id: tenant.id, homeRegion: tenant.home_region }, request);
    if (answer.status >= 400) {
      const body = answer.body as { error?: unknown; message?: unknown } | undefined;
      const message = typeof body?.error === 'string' ? body.error : typeof body?.message === 'string' ? body.message : `HTTP ${answer.status}`;
      throw answer.status < 500 ? badRequest(`Region ${tenant.home_region}: ${message}`) : new ApiError(502, 'region_error', `Region ${tenant.home_region}: ${message}`);
    }
    return answer.body;
  };

  admin.get(
    '/tenants/:tenant/audit',
    {
      schema: {
        tags,
        operationId: 'getTenantAuditRecords',
        summary: "The tenant's audit records (GET /aos/audit of its home region; at most 7 days)",
        params: TenantRef,
        querystring: Type.Object({ startTime: Type.String(), endTime: Type.String(), productTypes: Type.Optional(Type.String()), skipToken: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ nextLink: Type.Union([Type.String(), Type.Null()]), data: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), ...errors },
      },
      config: ofTenant,
    },
    async (request) => {
      const query = Object.fromEntries(Object.entries(request.query as Record<string, string | undefined>).filter((entry): entry is [string, string] => entry[1] !== undefined));
      return fromRegion((request.params as { tenant: string }).tenant, { path: '/aos/audit', query, scopes: ['audit.read.all'] });
    },
  );
  admin.get(
    '/tenants/:tenant/opus/:setting',
    {
      schema: {
        tags,
        operationId: 'getTenantOpusSettings',
        summary: "The tenant's AvePoint Opus settings (connections, terms, holds) from its home region",
        params: Type.Object({ tenant: Type.String(), setting: Type.Union(OPUS_SETTINGS.map((name) => Type.Literal(name))) }),
        response: { 200: Type.Object({ value: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), ...errors },
      },
      config: ofTenant,
    },
    async (request) => {
      const params = request.params as { tenant: string; setting: string };
      return fromRegion(params.tenant, { path: `/admin/opus/${params.setting}`, scopes: [PRODUCER_PERMISSION] });
    },
  );
}
