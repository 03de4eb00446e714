import type { ModuleSeeder, ProducerClient } from '../platform/product-module.js';
import { DOC_SAMPLE_OBJECTS } from '../simulator/doc-samples.js';
import { DAY_MS } from './retention/rules.js';
import { SIMULATED_CONNECTIONS, SIMULATED_TERMS, simulateArchive, simulateRecords } from './simulator.js';

const DEMO_RECORDS = 600;
const ACTOR = 'meridian-simulator';

interface DecisionOutcome {
  rowKey: string;
  decision: string | null;
}

/**
 * The Opus part of the simulator, through the admin and producer routes only: connections,
 * a taxonomy with rules, records over nine years (some due), holds, reviews, some records
 * already destroyed, and an archive with restores in every state. Re-running it changes nothing.
 */
/** has-archived-*.md and get-restore-job-status-and-progress.md, as their request samples write them. */
const DOC_SAMPLE_ARCHIVE = {
  scopes: [
    { scopeType: 'SiteCollection' as const, scope: DOC_SAMPLE_OBJECTS.contoso.financeSite, hasArchivedData: true },
    { scopeType: 'TeamsGroup' as const, scope: DOC_SAMPLE_OBJECTS.contoso.financeTeam, hasArchivedData: true },
  ],
  jobs: [{ scopeType: 'SiteCollection' as const, scope: DOC_SAMPLE_OBJECTS.contoso.financeSite, status: 2, progress: 100, daysAgo: 3, hours: 2, id: DOC_SAMPLE_OBJECTS.opus.restoreJobId }],
};

/**
 * The connection of the connector pages (useconnector/*.md): built-in columns only, so its JSON
 * file is submit-records.md's body, and the ten records a connector sent it in one batch four
 * years ago, invoices due for disposal since, of which destroy-records.md destroys two.
 */
const CONNECTOR_SAMPLE = { name: 'Test connector', description: "The connection of the Opus connector pages' samples.", termFullPath: 'Corporate/Finance/Invoices', ageDays: 4 * 365 };

async function seedConnectorSample(producer: ProducerClient, endMs: number, domain: string): Promise<{ name: string; id: string; stored: number }> {
  const { connectionId, rowKeys } = DOC_SAMPLE_OBJECTS.opus.connector;
  const connection = (await producer.post('/admin/opus/connections', { id: connectionId, name: CONNECTOR_SAMPLE.name, description: CONNECTOR_SAMPLE.description, columns: [], actor: ACTOR })) as { id: string };
  const created = endMs - CONNECTOR_SAMPLE.ageDays * DAY_MS;
  const data = rowKeys.map((rowKey, index) => ({
    rowKey,
    leafName: `Invoice ${String(index + 1).padStart(4, '0')}.pdf`,
    termFullPath: CONNECTOR_SAMPLE.termFullPath,
    timeCreated: recordStamp(created + index * 60_000),
    timeModified: recordStamp(created + index * 60_000),
    createdBy: `jack.smith@${domain}`,
    modifiedBy: `jack.smith@${domain}`,
  }));
  // Skip: run again after destroy-records.md destroyed some, the seed leaves them destroyed.
  const result = (await producer.post('/producer/opus/records', { id: connection.id, conflictOption: 'Skip', data, actor: `${CONNECTOR_SAMPLE.name} connector` })) as { stored: number };
  return { name: CONNECTOR_SAMPLE.name, id: connection.id, stored: result.stored };
}

/** The connector's time format (retrieve-due-records.md: "2024-12-19 18:15:00"). */
const recordStamp = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000).toISOString().slice(0, 19).replace('T', ' ');

export const seedOpus: ModuleSeeder = async (producer, request) => {
  const count = request.counts.opusRecords ?? (request.demo ? DEMO_RECORDS : 0);
  if (count === 0) return {} as Record<string, number>;
  const domain = `${request.tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.onmicrosoft.com`;
  const iso = (ms: number) => new Date(ms).toISOString();

  const connectionIds = new Map<string, string>();
  for (const [index, connection] of SIMULATED_CONNECTIONS.entries()) {
    // The demo's first connection is the one the records sample names by id.
    const id = request.docSamples && index === 0 ? { id: DOC_SAMPLE_OBJECTS.opus.connectionId } : {};
    const created = (await producer.post('/admin/opus/connections', { ...id, ...connection, columns: connection.columns.map((column) => ({ ...column })), actor: ACTOR })) as { id: string };
    connectionIds.set(connection.name, created.id);
  }
  for (const term of SIMULATED_TERMS) {
    await producer.post('/admin/opus/terms', { path: term.path, retainDays: term.retainDays, after: term.after, approval: term.approval ?? false, actor: ACTOR });
    // The event is a fact recorded after the rule exists, as an operator would (`opus term event`).
    if (term.eventDaysAgo !== undefined) await producer.post('/admin/opus/terms/event', { path: term.path, eventDate: iso(request.endMs - term.eventDaysAgo * DAY_MS), actor: ACTOR });
  }

  let records = 0;
  const groups = simulateRecords({ tenantId: request.tenantId, count, endMs: request.endMs, seed: request.seed, domain });
  for (const group of groups) {
    const id = connectionIds.get(group.connection)!;
    for (let i = 0; i < group.records.length; i += 500) {
      const result = (await producer.post('/producer/opus/records', { id, conflictOption: 'Overwrite', data: group.records.slice(i, i + 500), actor: `${group.connection} connector` })) as { stored: number };
      records += result.stored;
    }
  }

  if (request.docSamples) {
    const sample = await seedConnectorSample(producer, request.endMs, domain);
    connectionIds.set(sample.name, sample.id);
    records += sample.stored;
  }

  const contracts = groups[0]!.records;
  const contractsId = connectionIds.get('Contract Management System')!;
  const hrId = connectionIds.get('HR Case Files')!;
  await producer.post('/admin/opus/holds', { name: 'Litigation hold: Contoso v. Fabrikam', reason: 'Preserve all litigation records until the case closes.', termPath: 'Corporate/Legal/Litigation', actor: ACTOR });
  const fabrikam = contracts.filter((record) => record._Counterparty === 'Fabrikam').slice(0, 12).map((record) => record.rowKey as string);
  await producer.post('/admin/opus/holds', { name: 'Audit 2024: Fabrikam contracts', reason: 'External audit request.', connectionId: contractsId, rowKeys: fabrikam, actor: ACTOR });

  // Reviewers work through what awaits approval: most approved, a few rejected.
  let reviews = 0;
  const approvedKeys = new Map<string, string[]>();
  for (const [connectionId, group] of [[contractsId, groups[0]!], [hrId, groups[1]!]] as const) {
    const candidates = group.records.filter((record) => record.termFullPath === 'Corporate/Contracts/Customer agreements' || record.termFullPath === 'HR/Employees/Personnel files').map((record) => record.rowKey as string);
    const rejected = candidates.filter((_, index) => index % 10 === 3);
    const approved = candidates.filter((_, index) => index % 10 !== 3 && index % 3 !== 0);
    for (const [decision, keys] of [['approve', approved], ['reject', rejected]] as const) {
      if (keys.length === 0) continue;
      const outcomes = ((await producer.post('/admin/opus/reviews', { connectionId, rowKeys: keys, decision, reviewer: `jack.smith@${domain}`, comment: decision === 'reject' ? 'Still needed for an open claim.' : null })) as { value: DecisionOutcome[] }).value;
      const decided = outcomes.filter((outcome) => outcome.decision !== null).map((outcome) => outcome.rowKey);
      reviews += decided.length;
      if (decision === 'approve') approvedKeys.set(connectionId, decided);
    }
  }

  // A connector already disposed of part of what was due; the rest is still waiting.
  let destroyed = 0;
  for (const [connectionId, group] of [[contractsId, groups[0]!], [hrId, groups[1]!]] as const) {
    const plain = group.records.filter((record, index) => index % 3 === 0 && (record.termFullPath === 'Corporate/Finance/Invoices' || record.termFullPath === 'HR/Recruiting/Applications')).map((record) => record.rowKey as string);
    const approved = (approvedKeys.get(connectionId) ?? []).filter((_, index) => index % 2 === 0);
    const keys = [...plain, ...approved];
    for (let i = 0; i < keys.length; i += 1000) {
      const result = (await producer.post('/producer/opus/records/destroy', { id: connectionId, disposalIds: keys.slice(i, i + 1000), actor: 'records-connector' })) as { destroyed: string[] };
      destroyed += result.destroyed.length;
    }
  }

  const archive = simulateArchive({ tenantId: request.tenantId, domain, seed: request.seed });
  // The demo also holds the archive the docs' request samples name (contoso Finance, its team, a restore job).
  if (request.demo) archive.scopes.push(...DOC_SAMPLE_ARCHIVE.scopes);
  if (request.demo) archive.jobs.push(...DOC_SAMPLE_ARCHIVE.jobs);
  await producer.post('/producer/opus/archived-data', { value: archive.scopes });
  for (const job of archive.jobs) {
    const start = request.endMs - job.daysAgo * DAY_MS - (job.hours + 1) * 60 * 60 * 1000;
    await producer.post('/producer/opus/restore-jobs', {
      id: job.id,
      scopeType: job.scopeType,
      scope: job.scope,
      requestedBy: `maria.garcia@${domain}`,
      status: job.status,
      progress: job.progress,
      startTime: iso(start),
      ...(job.status === 1 ? {} : { finishTime: iso(start + job.hours * 60 * 60 * 1000 + 1_800_000) }),
    });
  }

  return { opusConnections: connectionIds.size, opusTerms: SIMULATED_TERMS.length, opusRecords: records, opusReviews: reviews, opusDestroyed: destroyed, opusArchivedScopes: archive.scopes.length, opusRestoreJobs: archive.jobs.length };
};
