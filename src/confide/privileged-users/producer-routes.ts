import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { parseIsoDate } from '../../platform/query.js';
import { NullableString } from '../../platform/schema.js';
import { isEmailAddress, PRIVILEGES, type Privileges } from '../privileges.js';
import type { ConfideTables } from '../schema.js';
import { emailKey, PrivilegedUserStore } from './privileged-user-store.js';
import { ConfideError } from './task-schemas.js';

const flags = () => Object.fromEntries(PRIVILEGES.map(({ property, description }) => [property, Type.Boolean({ description })]));

/** A privileged user as the share center reports it: the whole privilege set, and when it was invited. */
const ProducedPrivilegedUser = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    ...Object.fromEntries(Object.entries(flags()).map(([name, schema]) => [name, Type.Optional(schema)])),
    invitedTime: Type.Optional(Type.String({ description: 'ISO 8601: when the share center sent the user an invitation.' })),
  },
  { additionalProperties: false },
);
const ProducedPrivilegedUsers = Type.Object({ value: Type.Array(ProducedPrivilegedUser, { minItems: 1, maxItems: 1000 }) });

const PrivilegedUserView = Type.Object({
  email: Type.String(),
  ...flags(),
  createdTime: Type.String(),
  updatedTime: Type.String(),
  invitations: Type.Array(Type.Object({ taskId: Type.String({ description: 'The task that sent it, or `producer`.' }), invitedTime: Type.String() })),
});

const ListQuery = Type.Object({
  email: Type.Optional(Type.String({ description: 'Only this user (any case).' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  skipToken: Type.Optional(Type.String({ description: 'Continuation token of a nextLink.' })),
});

const PRODUCER = { tags: ['producer'], security: [{ bearer: [] }] };

/**
 * The share center's side: privileged users reported as they are (the seeder's history), and a
 * read of what the tasks did (flags and invitations), which no documented endpoint shows.
 */
export function registerPrivilegedUserProducerRoutes(app: FastifyInstance, context: RegionContext): void {
  const users = new PrivilegedUserStore(context.db as Kysely<ConfideTables>);

  app.post(
    '/producer/confide/privileged-users',
    {
      schema: {
        ...PRODUCER,
        operationId: 'produceConfidePrivilegedUsers',
        summary: 'Report privileged users of the share center (producer API)',
        description: 'Creates or overwrites each user by email (any case), as an import does; a repeated batch changes nothing. A batch with any invalid user is refused whole.',
        body: ProducedPrivilegedUsers,
        response: { 200: Type.Object({ received: Type.Integer(), applied: Type.Integer() }), 400: ConfideError, 401: ConfideError, 403: ConfideError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const reported = (request.body as { value: Array<Privileges & { email: string; invitedTime?: string }> }).value;
      const invited = reported.map((user, index) => {
        if (!isEmailAddress(user.email)) throw invalidParameter(`value[${index}].email`, `is not an email address: '${user.email.slice(0, 60)}'`);
        return parseIsoDate(`value[${index}].invitedTime`, user.invitedTime)?.getTime();
      });
      const nowMs = context.clock.nowMs();
      await (context.db as Kysely<ConfideTables>).transaction().execute(async (trx) => {
        const store = new PrivilegedUserStore(trx);
        for (const [index, user] of reported.entries()) {
          await store.importUser(tenantId, user.email, user, nowMs);
          const invitedMs = invited[index];
          if (invitedMs !== undefined) await store.recordInvitation(tenantId, user.email, 'producer', invitedMs);
        }
      });
      return { received: reported.length, applied: new Set(reported.map((user) => emailKey(user.email))).size };
    },
  );

  app.get(
    '/producer/confide/privileged-users',
    {
      schema: {
        ...PRODUCER,
        operationId: 'listConfidePrivilegedUsers',
        summary: 'Read the privileged users of the share center (producer API)',
        description: 'The users in email order with their permissions and invitations: what the import and update tasks did.',
        querystring: ListQuery,
        response: { 200: Type.Object({ value: Type.Array(PrivilegedUserView), nextLink: NullableString() }), 400: ConfideError, 401: ConfideError, 403: ConfideError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const query = request.query as { email?: string; top?: number; skipToken?: string };
      const top = query.top ?? 100;
      const afterKey = query.skipToken === undefined ? undefined : context.paging.decode<{ k: string }>(query.skipToken, 'skipToken').k;
      const page = await users.list(request.principal!.tenantId, { ...(query.email === undefined ? {} : { email: query.email }), ...(afterKey === undefined ? {} : { afterKey }), top });
      const last = page.users.at(-1);
      const params = new URLSearchParams({ top: String(top), ...(query.email === undefined ? {} : { email: query.email }) });
      if (last) params.set('skipToken', context.paging.encode({ k: emailKey(last.email) }));
      return {
        value: page.users.map(({ createdMs, updatedMs, invitations, ...user }) => ({
          ...user,
          createdTime: new Date(createdMs).toISOString(),
          updatedTime: new Date(updatedMs).toISOString(),
          invitations: invitations.map((invitation) => ({ taskId: invitation.taskId, invitedTime: new Date(invitation.invitedMs).toISOString() })),
        })),
        nextLink: page.more && last ? `${context.publicUrl()}/producer/confide/privileged-users?${params.toString()}` : null,
      };
    },
  );
}
