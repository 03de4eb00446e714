import { Option, type Command } from 'commander';
import { AdminClient, CliError } from './admin-client.js';

/**
 * `meridian opus …`: AvePoint Opus configuration of a tenant. Opus settings live in the
 * tenant's home region beside the records they govern, so the CLI asks the identity admin
 * API for a producer token of the tenant and calls the region's /admin/opus routes with it.
 */
class OpusAdmin {
  private constructor(
    private readonly client: AdminClient,
    private readonly regionUrl: string,
    private readonly token: string,
    readonly tenant: { id: string; name: string },
  ) {}

  static async of(tenantRef: string): Promise<OpusAdmin> {
    const client = new AdminClient();
    const { base, tenant } = await client.identityOfTenant(tenantRef);
    const regionUrl = client.endpoints.regions[tenant.homeRegion];
    if (!regionUrl) throw new CliError(`Region ${tenant.homeRegion} of tenant ${tenant.name} is not hosted here.`);
    const { body } = await client.call<{ access_token: string }>(base, 'POST', `/tenants/${encodeURIComponent(tenant.id)}/producer-token`);
    return new OpusAdmin(client, regionUrl, body.access_token, tenant);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.client.http(`${this.regionUrl}/admin/opus${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`Cannot reach ${this.regionUrl}: ${(error as Error).message}. Is Meridian running?`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) throw new CliError((parsed as { error?: { message?: string } } | undefined)?.error?.message ?? (text || `HTTP ${response.status}`));
    return parsed as T;
  }
}

const print = (json: boolean | undefined, value: unknown, text: () => string) => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** NAME:TYPE[:CHOICES], e.g. "Region:SingleChoice:North,South" or "Amount:Number". */
export function parseColumn(spec: string): { name: string; type: string; choices?: string[] } {
  const [name, type, choices, extra] = spec.split(':');
  if (!name?.trim() || !type?.trim() || extra !== undefined) throw new CliError(`--column takes NAME:TYPE[:CHOICES], not '${spec}'.`);
  return { name: name.trim(), type: type.trim(), ...(choices === undefined ? {} : { choices: choices.split(/[,|]/).map((choice) => choice.trim()).filter(Boolean) }) };
}

function days(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new CliError(`--retain-days must be a whole number of days, not '${value}'.`);
  return number;
}

interface Connection {
  id: string;
  name: string;
  columns: Array<{ name: string; internalName: string; type: string; choices?: string[] }>;
  file: unknown;
}
interface Term {
  termFullPath: string;
  retainDays: number | null;
  after: string | null;
  approval: boolean;
  eventDate: string | null;
}
interface Hold {
  id: string;
  name: string;
  kind: string;
  connectionId: string | null;
  termPath: string | null;
  rowKeys: string[];
  removedAt: string | null;
}

const describeTerm = (term: Term) =>
  `${term.termFullPath}  ${term.retainDays === null ? '(no rule of its own)' : `retain ${term.retainDays} days after ${term.after}${term.approval ? ', manual approval' : ''}${term.after === 'event' ? `, event ${term.eventDate ?? 'not yet'}` : ''}`}`;
const describeHold = (hold: Hold) =>
  `${hold.id}  ${hold.name}  ${hold.kind === 'term' ? `term ${hold.termPath}` : hold.kind === 'connection' ? `connection ${hold.connectionId}` : `${hold.rowKeys.length} records of ${hold.connectionId}`}${hold.removedAt ? `  (removed ${hold.removedAt})` : ''}`;

const ruleOptions = (command: Command) =>
  command
    .addOption(new Option('--retain-days <n>', 'keep records N days after --after').argParser(days))
    .addOption(new Option('--after <time>', 'what the period counts from').choices(['created', 'modified', 'event']))
    .option('--approval', 'destruction needs a reviewer\'s approval')
    .option('--event-date <iso>', 'date of the event, for --after event')
    .option('--actor <name>', 'who makes the change, for the audit log')
    .option('--json', 'print JSON');

interface RuleFlags {
  tenant: string;
  path: string;
  retainDays?: number;
  after?: string;
  approval?: boolean;
  eventDate?: string;
  actor?: string;
  json?: boolean;
}
const ruleBody = (options: RuleFlags) => ({
  path: options.path,
  ...(options.retainDays === undefined ? {} : { retainDays: options.retainDays }),
  ...(options.after === undefined ? {} : { after: options.after }),
  ...(options.approval === undefined ? {} : { approval: options.approval }),
  ...(options.eventDate === undefined ? {} : { eventDate: options.eventDate }),
  ...(options.actor === undefined ? {} : { actor: options.actor }),
});

export function registerOpusCommands(program: Command): void {
  const opus = program.command('opus').description('AvePoint Opus: connections, retention terms, holds and disposal reviews of a tenant');

  const connection = opus.command('connection').description('Connector connections');
  connection
    .command('create')
    .description("Create a connection and print its JSON file (the submit template clients download)")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--name <name>', 'connection name')
    .option('--description <text>', 'description')
    .option('--column <NAME:TYPE[:CHOICES]>', 'a custom column (repeatable); TYPE is SingleText, MultipleText, DateTime, SingleChoice, MultipleChoice, PeopleOrGroup or Number; CHOICES comma-separated', collect)
    .option('--actor <name>', 'who makes the change, for the audit log')
    .option('--json', 'print the JSON file')
    .action(async (options: { tenant: string; name: string; description?: string; column?: string[]; actor?: string; json?: boolean }) => {
      const admin = await OpusAdmin.of(options.tenant);
      const created = await admin.call<Connection>('POST', '/connections', {
        name: options.name,
        ...(options.description ? { description: options.description } : {}),
        columns: (options.column ?? []).map(parseColumn),
        ...(options.actor ? { actor: options.actor } : {}),
      });
      print(options.json, created.file, () => [`Connection ${created.name} (${created.id})`, ...created.columns.map((c) => `  ${c.internalName}  ${c.type}${c.choices ? `  [${c.choices.map((choice, i) => `${i + 1}=${choice}`).join(', ')}]` : ''}`)].join('\n'));
    });
  connection
    .command('list')
    .description("List the tenant's connections and their custom columns")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const { value } = await (await OpusAdmin.of(options.tenant)).call<{ value: Connection[] }>('GET', '/connections');
      print(options.json, value, () => value.map((c) => `${c.id}  ${c.name}  ${c.columns.length} custom columns`).join('\n') || '(no connections)');
    });
  connection
    .command('file')
    .description("Print a connection's JSON file")
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--connection <id>', 'connection id')
    .option('--json', 'print JSON (the file is JSON: the output is the same)')
    .action(async (options: { tenant: string; connection: string }) => {
      const file = await (await OpusAdmin.of(options.tenant)).call<unknown>('GET', `/connections/${encodeURIComponent(options.connection)}/file`);
      print(true, file, () => '');
    });

  const term = opus.command('term').description('Classification terms (termFullPath) and their retention rules');
  ruleOptions(term.command('create').description('Create a term, its missing parents, and its rule').requiredOption('--tenant <tenant>', 'tenant id or name').requiredOption('--path <termFullPath>', 'e.g. "Set/Term/Child"')).action(
    async (options: RuleFlags) => {
      const created = await (await OpusAdmin.of(options.tenant)).call<Term>('POST', '/terms', ruleBody(options));
      print(options.json, created, () => describeTerm(created));
    },
  );
  ruleOptions(term.command('update').description("Change a term's rule; due dates of its records follow").requiredOption('--tenant <tenant>', 'tenant id or name').requiredOption('--path <termFullPath>', 'the term'))
    .option('--remove-rule', 'remove the rule (records follow the nearest ancestor rule)')
    .action(async (options: RuleFlags & { removeRule?: boolean }) => {
      const updated = await (await OpusAdmin.of(options.tenant)).call<Term>('PATCH', '/terms', { ...ruleBody(options), ...(options.removeRule ? { removeRule: true } : {}) });
      print(options.json, updated, () => describeTerm(updated));
    });
  term
    .command('event')
    .description('Record the date of the event an event-based rule counts from')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--path <termFullPath>', 'the term')
    .requiredOption('--date <iso>', 'when the event happened')
    .option('--actor <name>', 'who records it, for the audit log')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; path: string; date: string; actor?: string; json?: boolean }) => {
      const updated = await (await OpusAdmin.of(options.tenant)).call<Term>('POST', '/terms/event', { path: options.path, eventDate: options.date, ...(options.actor ? { actor: options.actor } : {}) });
      print(options.json, updated, () => describeTerm(updated));
    });
  term
    .command('list')
    .description('List the taxonomy and the rule of each term')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const { value } = await (await OpusAdmin.of(options.tenant)).call<{ value: Term[] }>('GET', '/terms');
      print(options.json, value, () => value.map(describeTerm).join('\n') || '(no terms)');
    });

  const hold = opus.command('hold').description('Holds: records under a hold are never due');
  hold
    .command('create')
    .description('Place a hold on a connection, a term or records')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--name <name>', 'hold name')
    .option('--reason <text>', 'why')
    .option('--connection <id>', 'hold the whole connection, or (with --record) records of it')
    .option('--term <termFullPath>', 'hold every record under this term and its children')
    .option('--record <rowKey>', 'a record of --connection to hold (repeatable)', collect)
    .option('--actor <name>', 'who places it, for the audit log')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; name: string; reason?: string; connection?: string; term?: string; record?: string[]; actor?: string; json?: boolean }) => {
      const created = await (await OpusAdmin.of(options.tenant)).call<Hold>('POST', '/holds', {
        name: options.name,
        ...(options.reason ? { reason: options.reason } : {}),
        ...(options.connection ? { connectionId: options.connection } : {}),
        ...(options.term ? { termPath: options.term } : {}),
        ...(options.record ? { rowKeys: options.record } : {}),
        ...(options.actor ? { actor: options.actor } : {}),
      });
      print(options.json, created, () => `Placed hold ${describeHold(created)}`);
    });
  hold
    .command('remove')
    .description('Remove a hold (removing it again changes nothing)')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--hold <id>', 'hold id')
    .option('--actor <name>', 'who removes it, for the audit log')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; hold: string; actor?: string; json?: boolean }) => {
      const removed = await (await OpusAdmin.of(options.tenant)).call<Hold>('DELETE', `/holds/${encodeURIComponent(options.hold)}${options.actor ? `?actor=${encodeURIComponent(options.actor)}` : ''}`);
      print(options.json, removed, () => `Removed hold ${describeHold(removed)}`);
    });
  hold
    .command('list')
    .description('List holds (--all: removed ones too)')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--all', 'include removed holds')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; all?: boolean; json?: boolean }) => {
      const { value } = await (await OpusAdmin.of(options.tenant)).call<{ value: Hold[] }>('GET', `/holds${options.all ? '?includeRemoved=true' : ''}`);
      print(options.json, value, () => value.map(describeHold).join('\n') || '(no holds)');
    });

  const review = opus.command('review').description('Manual approval of disposal');
  review
    .command('list')
    .description('Records awaiting approval')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .option('--connection <id>', 'only this connection')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; connection?: string; json?: boolean }) => {
      const admin = await OpusAdmin.of(options.tenant);
      const items: Array<{ connectionId: string; rowKey: string; leafName: string; termFullPath: string | null; disposalDueDate: string | null }> = [];
      for (let after = ''; ; ) {
        const query = new URLSearchParams({ ...(options.connection ? { connectionId: options.connection } : {}), ...(after ? { after } : {}) });
        const page = await admin.call<{ value: typeof items; next: string | null }>('GET', `/reviews?${query.toString()}`);
        items.push(...page.value);
        if (!page.next) break;
        after = page.next;
      }
      print(options.json, items, () => items.map((item) => `${item.connectionId}  ${item.rowKey}  ${item.leafName}  ${item.termFullPath ?? ''}  due ${item.disposalDueDate}`).join('\n') || '(nothing awaits approval)');
    });
  for (const [name, decision] of [['approve', 'approve'], ['reject', 'reject']] as const) {
    review
      .command(name)
      .description(`${name === 'approve' ? 'Approve' : 'Reject'} the disposal of records`)
      .requiredOption('--tenant <tenant>', 'tenant id or name')
      .requiredOption('--connection <id>', 'their connection')
      .requiredOption('--record <rowKey>', 'a record (repeatable)', collect)
      .option('--reviewer <name>', 'who decides (default: the producer token)')
      .option('--comment <text>', 'why')
      .option('--json', 'print JSON')
      .action(async (options: { tenant: string; connection: string; record: string[]; reviewer?: string; comment?: string; json?: boolean }) => {
        const { value } = await (await OpusAdmin.of(options.tenant)).call<{ value: Array<{ rowKey: string; decision: string | null; message: string | null }> }>('POST', '/reviews', {
          connectionId: options.connection,
          rowKeys: options.record,
          decision,
          ...(options.reviewer ? { reviewer: options.reviewer } : {}),
          ...(options.comment ? { comment: options.comment } : {}),
        });
        print(options.json, value, () => value.map((item) => `${item.rowKey}: ${item.decision ?? `not decided: ${item.message}`}`).join('\n'));
        if (value.some((item) => item.decision === null)) process.exitCode = 1;
      });
  }

  opus
    .command('record')
    .description('Show a record, or the tombstone of a destroyed one')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--connection <id>', 'its connection')
    .requiredOption('--record <rowKey>', 'its rowKey')
    .option('--json', 'print JSON')
    .action(async (options: { tenant: string; connection: string; record: string; json?: boolean }) => {
      const found = await (await OpusAdmin.of(options.tenant)).call<{ status: string }>('GET', `/records?connectionId=${encodeURIComponent(options.connection)}&rowKey=${encodeURIComponent(options.record)}`);
      print(options.json, found, () => JSON.stringify(found, null, 2));
    });
}
