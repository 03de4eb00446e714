import type { Command } from 'commander';
import { httpProducerClient } from '../simulator/seed.js';
import { seedPartner } from '../elements/simulator.js';
import { findDataCenter } from '../topology/data-centers.js';
import { parseCustomerScope } from '../identity/partners/customer-scope.js';
import { AdminClient, CliError } from './admin-client.js';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** `--customer-scope` of `meridian app create`, checked before anything is created. */
export function customerScopeOption(text: string): string {
  try {
    parseCustomerScope(text);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return text;
}

/** Sets an app's customer scope (elements/register-app.md, step 5) through the admin API. */
export async function setCustomerScope(client: AdminClient, base: string, clientId: string, scope: string): Promise<void> {
  await client.call(base, 'PUT', `/apps/${encodeURIComponent(clientId)}/customer-scope`, { customerScope: scope });
}

interface GroupView {
  name: string;
  customerIds: string[];
}

/** `meridian customer-group create|add|remove|list`: a partner's named sets of customers. */
export function registerCustomerGroupCommands(program: Command): void {
  const group = program.command('customer-group').description('Customer groups of an Elements partner (an app\'s customer scope can name them)');
  const print = (json: boolean | undefined, body: GroupView) =>
    process.stdout.write(json ? `${JSON.stringify(body, null, 2)}\n` : `${body.name}: ${body.customerIds.length} customers${body.customerIds.length ? `\n  ${body.customerIds.join('\n  ')}` : ''}\n`);
  const members = (verb: 'add' | 'remove') =>
    group
      .command(verb)
      .description(verb === 'add' ? 'Add customers to a group' : 'Remove customers from a group')
      .requiredOption('--tenant <tenant>', 'the partner: tenant id or name')
      .requiredOption('--name <name>', 'group name')
      .requiredOption('--customer <id>', 'a customer id (repeatable, or comma-separated)', collect)
      .option('--json', 'print JSON')
      .action(async (options: { tenant: string; name: string; customer: string[]; json?: boolean }) => {
        const client = new AdminClient();
        const { base, tenant } = await client.identityOfTenant(options.tenant);
        const path = `/tenants/${encodeURIComponent(tenant.id)}/customer-groups/${encodeURIComponent(options.name)}/members${verb === 'remove' ? '/remove' : ''}`;
        print(options.json, (await client.call<GroupView>(base, 'POST', path, { customerIds: options.customer })).body);
      });
  group
    .command('create')
    .description('Create a customer group, optionally with its first customers')
    .requiredOption('--tenant <tenant>', 'the partner: tenant id or name')
    .requiredOption('--name <name>', 'group name, unique in the tenant')
    .option('--customer <id>', 'a customer id to add (repeatable, or comma-separated)', collect)
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; name: string; customer?: string[]; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant } = await client.identityOfTenant(options.tenant);
      print(options.json, (await client.call<GroupView>(base, 'POST', `/tenants/${encodeURIComponent(tenant.id)}/customer-groups`, { name: options.name, ...(options.customer ? { customerIds: options.customer } : {}) })).body);
    });
  members('add');
  members('remove');
  group
    .command('list')
    .description("List the partner's customer groups and their customers")
    .requiredOption('--tenant <tenant>', 'the partner: tenant id or name')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant } = await client.identityOfTenant(options.tenant);
      const { body } = await client.call<{ value: GroupView[] }>(base, 'GET', `/tenants/${encodeURIComponent(tenant.id)}/customer-groups`);
      if (options.json) process.stdout.write(`${JSON.stringify(body.value, null, 2)}\n`);
      else for (const item of body.value) print(false, item);
    });
}

/** `meridian seed --partner T --customers N`: a partner's customers through the producer path. */
export async function seedPartnerCommand(options: { partner: string; customers: number; dataCenters?: string; detailedCustomers?: number; usersPerTenant?: number; days: number; seed: string }): Promise<Record<string, number>> {
  const client = new AdminClient();
  const { base, tenant } = await client.identityOfTenant(options.partner);
  const global = client.endpoints.global;
  if (!global) throw new CliError('This Meridian does not host the global endpoint.');
  const dataCenters = (options.dataCenters ?? 'us,we,gcp-us,gcp-jp').split(',').map((code) => code.trim()).filter(Boolean);
  for (const code of dataCenters) {
    if (!findDataCenter(code)) throw new CliError(`Unknown data center '${code}'.`);
    if (!client.endpoints.regions[code]) throw new CliError(`Region ${code} is not hosted here.`);
  }
  const tokens = new Map<string, { token: string; until: number }>();
  const producerToken = async (tenantId: string) => {
    const cached = tokens.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.token;
    const { body } = await client.call<{ access_token: string; expires_in: number }>(base, 'POST', `/tenants/${encodeURIComponent(tenantId)}/producer-token`);
    tokens.set(tenantId, { token: body.access_token, until: Date.now() + (body.expires_in - 60) * 1000 });
    return body.access_token;
  };
  const { report } = await seedPartner(
    {
      global: httpProducerClient(client.http, global, () => producerToken(tenant.id)),
      customer: (customerId, dataCenter) => httpProducerClient(client.http, client.endpoints.regions[dataCenter]!, () => producerToken(customerId)),
    },
    { partnerName: tenant.name, customers: options.customers, dataCenters, days: options.days, endMs: Date.now(), seed: options.seed, ...(options.detailedCustomers === undefined ? {} : { detailedCustomers: options.detailedCustomers }), ...(options.usersPerTenant === undefined ? {} : { usersPerTenant: options.usersPerTenant }) },
  );
  return report;
}
