import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { findDataCenter } from '../topology/data-centers.js';
import { httpProducerClient, seedTenant } from '../simulator/seed.js';
import { PRODUCT_MODULES } from '../runtime/modules.js';
import { AdminClient, CliError } from './admin-client.js';
import { startCommand } from './start.js';
import { registerTokenCommands } from './token.js';
import { seedProgress } from './progress.js';
import { registerOpusCommands } from './opus.js';
import { customerScopeOption, registerCustomerGroupCommands, seedPartnerCommand, setCustomerScope } from './elements.js';
import { registerClusterCommand } from './cluster.js';
import { registerWaitCommands } from './waits.js';
import { TENANT_ADMIN_PERMISSION } from '../identity/permissions.js';

/** Every `npx meridian` command. Built by a function so tests can walk the commands without running one. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('meridian')
    .description('Meridian, an open implementation of the AvePoint Graph API.\nCommands other than start and token talk to the running Meridian of MERIDIAN_DATA_DIR (./data) through its admin API.')
    .showHelpAfterError()
    // Subcommands inherit this: a required option says so in every --help.
    .configureHelp({ optionDescription: (option) => `${option.description}${option.mandatory ? ' (required)' : ''}${option.defaultValue !== undefined && !option.negate ? ` (default: ${JSON.stringify(option.defaultValue)})` : ''}${option.argChoices ? ` (one of: ${option.argChoices.join(', ')})` : ''}` });

  const output = (json: boolean | undefined, value: unknown, text: () => string) => {
    process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };

  const collect = (value: string, previous: string[] = []) => [...previous, value];

  program
    .command('start')
    .description('Run Meridian (the embedded default: identity, global endpoint and every region in one process) until SIGINT/SIGTERM')
    .option('--json', 'print the endpoints (and the demo app) as JSON instead of the summary')
    .action(startCommand);

  const tenant = program.command('tenant').description('Tenants: each lives in one environment and has one home data center');
  tenant
    .command('create')
    .description('Create a tenant in the environment of its home data center')
    .requiredOption('--name <name>', 'tenant name (unique in its environment)')
    .requiredOption('--region <dc>', 'home data center, e.g. us, we, gcp-us')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; region: string; json?: boolean }) => {
      const client = new AdminClient();
      const dc = findDataCenter(options.region);
      if (!dc) throw new CliError(`Unknown data center '${options.region}'.`);
      const base = client.endpoints.identities[dc.environment];
      if (!base) throw new CliError(`This Meridian does not host the ${dc.environment} environment.`);
      const { body } = await client.call<{ id: string; name: string; homeRegion: string }>(base, 'POST', '/tenants', { name: options.name, region: dc.code });
      output(options.json, body, () => `Created tenant ${body.name} (${body.id}) in ${body.homeRegion}`);
    });
  tenant
    .command('list')
    .description('List the tenants of every hosted environment')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = new AdminClient();
      const tenants: Array<{ id: string; name: string; homeRegion: string; environment: string }> = [];
      for (const base of client.identityUrls()) tenants.push(...(await client.call<{ value: Array<{ id: string; name: string; homeRegion: string; environment: string }> }>(base, 'GET', '/tenants')).body.value);
      output(options.json, tenants, () => tenants.map((t) => `${t.id}  ${t.name}  ${t.homeRegion} (${t.environment})`).join('\n'));
    });

  const app = program.command('app').description('App registrations: client ids, permissions, secrets and certificates');
  app
    .command('create')
    .description('Register an app with permissions and a credential (a client secret, a certificate or both)')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--name <name>', 'app name')
    .requiredOption('--permission <permission>', 'a permission to grant (repeatable)', collect)
    .addOption(new Option('--secret-years <years>', 'create a client secret effective 1, 2 or 3 years').argParser((v) => Number(v)))
    .option('--certificate <file>', 'a certificate file (.cer DER or PEM) to upload')
    .addOption(new Option('--customer-scope <scope>', 'Elements customer scope: all | customers:ID[,ID…] | groups:NAME[,NAME…]').default('all').argParser(customerScopeOption))
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; name: string; permission: string[]; secretYears?: number; certificate?: string; customerScope: string; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant: found } = await client.identityOfTenant(options.tenant);
      const certificate = options.certificate ? readFileSync(options.certificate) : undefined;
      const body = {
        name: options.name,
        permissions: options.permission,
        ...(options.secretYears === undefined ? {} : { secretYears: options.secretYears }),
        ...(certificate ? { certificate: certificate.toString('utf8').includes('-----BEGIN') ? certificate.toString('utf8') : certificate.toString('base64') } : {}),
      };
      if (options.secretYears === undefined && !certificate) throw new CliError('Give the app a credential: --secret-years 1|2|3 and/or --certificate FILE.');
      const { body: created } = await client.call<{ clientId: string; clientSecret?: string; app: unknown }>(base, 'POST', `/tenants/${encodeURIComponent(found.id)}/apps`, body);
      if (options.customerScope !== 'all') await setCustomerScope(client, base, created.clientId, options.customerScope);
      output(options.json, created, () =>
        [`Client id:     ${created.clientId}`, ...(created.clientSecret ? [`Client secret: ${created.clientSecret}  (shown once; store it now)`] : [])].join('\n'),
      );
    });
  app
    .command('list')
    .description("List a tenant's app registrations")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant: found } = await client.identityOfTenant(options.tenant);
      const { body } = await client.call<{ value: Array<{ clientId: string; name: string; permissions: string[]; secrets: unknown[]; certificates: unknown[] }> }>(base, 'GET', `/tenants/${encodeURIComponent(found.id)}/apps`);
      output(options.json, body.value, () => body.value.map((a) => `${a.clientId}  ${a.name}  ${a.permissions.length} permissions, ${a.secrets.length} secrets, ${a.certificates.length} certificates`).join('\n'));
    });
  app
    .command('delete')
    .description('Delete an app registration: its tokens stop being issued at once')
    .requiredOption('--client-id <id>', 'application (client) id')
    .option('--json', 'print JSON')
    .action(async (options: { clientId: string; json?: boolean }) => {
      const client = new AdminClient();
      await client.call(await client.identityOfApp(options.clientId), 'DELETE', `/apps/${encodeURIComponent(options.clientId)}`);
      output(options.json, { deleted: options.clientId }, () => `Deleted app ${options.clientId}`);
    });

  program
    .command('tenant-admin')
    .description("Tenant administrators: an app of the tenant holding meridian.tenant.admin signs in to the console (and the admin API) for that tenant only")
    .command('create')
    .description('Register a tenant-administrator app and print its client id and secret (shown once) for the console\'s "Tenant administrator" sign-in')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--name <name>', 'app name', 'Tenant administrators')
    .addOption(new Option('--secret-years <years>', 'the client secret is effective 1, 2 or 3 years').default(1).argParser((v) => Number(v)))
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; name: string; secretYears: number; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant: found } = await client.identityOfTenant(options.tenant);
      const { body: created } = await client.call<{ clientId: string; clientSecret: string }>(base, 'POST', `/tenants/${encodeURIComponent(found.id)}/apps`, { name: options.name, permissions: [TENANT_ADMIN_PERMISSION], secretYears: options.secretYears });
      output(options.json, { ...created, console: `${base}/console` }, () =>
        [`Tenant administrator of ${found.name}`, `Client id:     ${created.clientId}`, `Client secret: ${created.clientSecret}  (shown once; store it now)`, `Sign in at ${base}/console ("Tenant administrator").`].join('\n'),
      );
    });

  const secret = program.command('secret').description('Client secrets of an app (rotation: add a new one, move clients, remove the old one)');
  secret
    .command('add')
    .description('Add a client secret; it is printed once')
    .requiredOption('--client-id <id>', 'application (client) id')
    .addOption(new Option('--years <years>', 'effective 1, 2 or 3 years').default(1).argParser((v) => Number(v)))
    .option('--json', 'print JSON')
    .action(async (options: { clientId: string; years: number; json?: boolean }) => {
      const client = new AdminClient();
      const { body } = await client.call<{ secret: { id: string; expiresAt: string }; clientSecret: string }>(await client.identityOfApp(options.clientId), 'POST', `/apps/${encodeURIComponent(options.clientId)}/secrets`, { years: options.years });
      output(options.json, body, () => `Secret id: ${body.secret.id}\nClient secret: ${body.clientSecret}  (shown once)\nExpires: ${body.secret.expiresAt}`);
    });
  secret
    .command('remove')
    .description('Remove a client secret: it stops working at once')
    .requiredOption('--client-id <id>', 'application (client) id')
    .requiredOption('--secret-id <id>', 'secret id')
    .option('--json', 'print JSON')
    .action(async (options: { clientId: string; secretId: string; json?: boolean }) => {
      const client = new AdminClient();
      await client.call(await client.identityOfApp(options.clientId), 'DELETE', `/apps/${encodeURIComponent(options.clientId)}/secrets/${encodeURIComponent(options.secretId)}`);
      output(options.json, { removed: options.secretId }, () => `Removed secret ${options.secretId}`);
    });

  const certificate = program.command('certificate').description('Certificates of an app (Key Usage must include Digital Signature)');
  certificate
    .command('add')
    .description('Upload a certificate (.cer DER or PEM); the app can then sign JWT assertions with its key')
    .requiredOption('--client-id <id>', 'application (client) id')
    .requiredOption('--file <file>', 'certificate file (.cer DER or PEM)')
    .option('--json', 'print JSON')
    .action(async (options: { clientId: string; file: string; json?: boolean }) => {
      const client = new AdminClient();
      const raw = readFileSync(options.file);
      const text = raw.toString('utf8').includes('-----BEGIN') ? raw.toString('utf8') : raw.toString('base64');
      const { body } = await client.call<{ id: string; thumbprintSha1: string; notAfter: string }>(await client.identityOfApp(options.clientId), 'POST', `/apps/${encodeURIComponent(options.clientId)}/certificates`, { certificate: text });
      output(options.json, body, () => `Added certificate ${body.thumbprintSha1} (id ${body.id}), valid until ${body.notAfter}`);
    });
  certificate
    .command('remove')
    .description('Remove a certificate: assertions signed with its key are refused at once')
    .requiredOption('--client-id <id>', 'application (client) id')
    .requiredOption('--certificate <ref>', 'certificate id or thumbprint')
    .option('--json', 'print JSON')
    .action(async (options: { clientId: string; certificate: string; json?: boolean }) => {
      const client = new AdminClient();
      await client.call(await client.identityOfApp(options.clientId), 'DELETE', `/apps/${encodeURIComponent(options.clientId)}/certificates/${encodeURIComponent(options.certificate)}`);
      output(options.json, { removed: options.certificate }, () => `Removed certificate ${options.certificate}`);
    });

  const keys = program.command('keys').description('Access-token signing keys');
  keys
    .command('rotate')
    .description('Make a new signing key; tokens signed by the old one stay valid until they expire')
    .option('--environment <env>', 'commercial, gov, aos2 or fedramp (default: all hosted)')
    .option('--json', 'print JSON')
    .action(async (options: { environment?: string; json?: boolean }) => {
      const client = new AdminClient();
      const rotated: Array<{ identity: string; kid: string }> = [];
      for (const base of identitiesOf(client, options.environment)) {
        const { body } = await client.call<{ kid: string }>(base, 'POST', '/signing-keys/rotate');
        rotated.push({ identity: base, kid: body.kid });
      }
      output(options.json, rotated, () => rotated.map((r) => `${r.identity}: new signing key ${r.kid}`).join('\n'));
    });
  keys
    .command('list')
    .description('List the signing keys: the active one, superseded ones still published, retired ones')
    .option('--environment <env>', 'commercial, gov, aos2 or fedramp (default: all hosted)')
    .option('--json', 'print JSON')
    .action(async (options: { environment?: string; json?: boolean }) => {
      const client = new AdminClient();
      const listed: Array<{ identity: string; kid: string; state: string; createdAt: string }> = [];
      for (const base of identitiesOf(client, options.environment)) {
        const { body } = await client.call<{ value: Array<{ kid: string; state: string; createdAt: string }> }>(base, 'GET', '/signing-keys');
        listed.push(...body.value.map((key) => ({ identity: base, ...key })));
      }
      output(options.json, listed, () => listed.map((k) => `${k.identity}  ${k.kid}  ${k.state}  created ${k.createdAt}`).join('\n'));
    });

  program
    .command('audit')
    .description("A tenant's audit records (GET /aos/audit of its home region, through the admin API)")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--start <iso>', 'start of the window (default: 24 hours before --end)')
    .option('--end <iso>', 'end of the window, at most 7 days after --start (default: now)')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; start?: string; end?: string; json?: boolean }) => {
      const client = new AdminClient();
      const { base, tenant: found } = await client.identityOfTenant(options.tenant);
      const end = options.end ?? new Date().toISOString();
      const start = options.start ?? new Date(Date.parse(end) - 86_400_000).toISOString();
      const records: Array<Record<string, unknown>> = [];
      let skipToken: string | null = null;
      do {
        const query: URLSearchParams = new URLSearchParams({ startTime: start, endTime: end, ...(skipToken ? { skipToken } : {}) });
        const { body }: { body: { nextLink: string | null; data: Array<Record<string, unknown>> } } = await client.call(base, 'GET', `/tenants/${encodeURIComponent(found.id)}/audit?${query.toString()}`);
        records.push(...body.data);
        skipToken = body.nextLink ? new URL(body.nextLink).searchParams.get('skipToken') : null;
      } while (skipToken);
      output(options.json, records, () => records.map((r) => `${String(r.actionTime)}  ${String(r.actionName)}  ${String(r.actionUser)}  ${String(r.objectName ?? '')}`).join('\n') || 'No audit records in the window.');
    });

  const seedCommand = program
    .command('seed')
    .description('Create a simulated history for a tenant (or an Elements partner\'s customers) through the producer API of its region (a progress bar on a terminal)')
    .option('--tenant <tenant>', 'tenant id or name (required unless --partner)')
    .option('--partner <tenant>', 'an Elements partner (tenant id or name): onboard simulated customers instead')
    .addOption(new Option('--customers <n>', 'with --partner: customers to onboard').default(6).argParser((v) => positive('--customers', v)))
    .option('--data-centers <codes>', 'with --partner: data centers to spread them over, e.g. us,we,gcp-us,gcp-jp')
    .addOption(new Option('--detailed-customers <n>', 'with --partner: how many of them get tenants, services, scan profiles and jobs (default all)').argParser((v) => positive('--detailed-customers', v)))
    .addOption(new Option('--users-per-tenant <n>', "with --partner: users in each customer tenant's directory (default 25; any size, e.g. 5000)").argParser((v) => positive('--users-per-tenant', v)));
  // Each module declares the sizes its part of the simulator takes.
  for (const option of PRODUCT_MODULES.flatMap((module) => module.seedOptions ?? [])) {
    seedCommand.addOption(new Option(`--${option.flag} <n>`, option.description).argParser((v) => positive(`--${option.flag}`, v)));
  }
  seedCommand
    .addOption(new Option('--days <d>', 'spread over the last D days').default(7).argParser((v) => positive('--days', v)))
    .option('--seed <text>', 'seed of the deterministic simulator', 'meridian')
    .option('--json', 'print JSON')
    .action(async (options: { tenant?: string; partner?: string; customers: number; dataCenters?: string; detailedCustomers?: number; usersPerTenant?: number; days: number; seed: string; json?: boolean } & Record<string, unknown>) => {
      if (options.partner) {
        const started = Date.now();
        const report = await seedPartnerCommand({ ...options, partner: options.partner });
        output(options.json, { partner: options.partner, ...report, seconds: (Date.now() - started) / 1000 }, () => `Seeded partner ${options.partner}: ${Object.entries(report).map(([k, v]) => `${v} ${k}`).join(', ')}`);
        return;
      }
      if (!options.tenant) throw new CliError('Name the tenant to seed: --tenant <tenant> (or --partner <tenant> for Elements customers).');
      const client = new AdminClient();
      const { base, tenant: found } = await client.identityOfTenant(options.tenant);
      const regionUrl = client.endpoints.regions[found.homeRegion];
      if (!regionUrl) throw new CliError(`Region ${found.homeRegion} is not hosted here.`);
      let cached: { token: string; until: number } | undefined;
      const token = async () => {
        if (!cached || cached.until < Date.now()) {
          const { body } = await client.call<{ access_token: string; expires_in: number }>(base, 'POST', `/tenants/${encodeURIComponent(found.id)}/producer-token`);
          cached = { token: body.access_token, until: Date.now() + (body.expires_in - 60) * 1000 };
        }
        return cached.token;
      };
      const counts: Record<string, number | undefined> = {};
      for (const option of PRODUCT_MODULES.flatMap((module) => module.seedOptions ?? [])) counts[option.key] = options[option.key] as number | undefined;
      const started = Date.now();
      const progress = seedProgress(counts, { quiet: Boolean(options.json) });
      const report = await seedTenant(progress.track(httpProducerClient(client.http, regionUrl, token)), {
        tenantId: found.id,
        tenantName: found.name,
        days: options.days,
        endMs: Date.now(),
        counts,
        demo: false,
        seed: options.seed,
      }).finally(() => progress.stop());
      output(options.json, { tenant: found.id, ...report, seconds: (Date.now() - started) / 1000 }, () =>
        `Seeded ${found.name}: ${Object.entries(report).map(([k, v]) => `${v} ${k}`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    });

  function positive(flag: string, value: string): number {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new CliError(`${flag} must be a whole number, not '${value}'.`);
    return number;
  }

  registerOpusCommands(program);
  registerCustomerGroupCommands(program);
  registerClusterCommand(program);
  registerTokenCommands(program);
  registerWaitCommands(program);
  return program;
}

function identitiesOf(client: AdminClient, environment: string | undefined): string[] {
  if (!environment) return client.identityUrls();
  const base = client.endpoints.identities[environment as 'commercial'];
  if (!base) throw new CliError(`Environment '${environment}' is not hosted here.`);
  return [base];
}

