import type { Insertable, Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import type { ConflictOption } from '../catalogue.js';
import { lockRecordKeys, lockTenant } from '../locking.js';
import { dueAt, effectiveRule } from '../retention/rules.js';
import type { TermService } from '../retention/terms.js';
import type { OpusTables } from '../schema.js';
import type { Connection } from './connection-store.js';
import { readRecord, type RecordInput } from './record-input.js';
import type { RecordRow } from './record-store.js';

export interface FailedRecord {
  /** Position in `data`, from 0: names the record even when it has no usable rowKey. */
  index: number;
  rowKey: string | null;
  code: 'invalid_record' | 'unknown_term' | 'destroyed';
  message: string;
}

export interface SubmitOutcome {
  stored: number;
  skipped: number;
  failedItems: FailedRecord[];
}

type NewRow = Insertable<OpusTables['opus_records']>;
const INSERT_CHUNK = 500;

/**
 * Stores submitted records. Every record is checked on its own (a bad one fails alone);
 * the good ones are written in one transaction that commits before the caller answers, so
 * an acknowledged record survives a crash straight after the response.
 */
export class RecordSubmission {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
    private readonly terms: TermService,
  ) {}

  async submit(tenantId: string, connection: Connection, conflictOption: ConflictOption, items: unknown[], actor: string): Promise<SubmitOutcome> {
    const invalid: FailedRecord[] = [];
    const valid: Array<{ index: number; input: RecordInput }> = [];
    items.forEach((item, index) => {
      const { rowKey, result } = readRecord(item, connection.columns);
      if (result.ok) valid.push({ index, input: result.value });
      else invalid.push({ index, rowKey, code: 'invalid_record', message: result.problem });
    });
    let outcome: SubmitOutcome = { stored: 0, skipped: 0, failedItems: [] };
    for (let attempt = 1; valid.length > 0; attempt++) {
      try {
        outcome = await this.write(tenantId, connection, conflictOption, valid, actor);
        break;
      } catch (error) {
        // Key locks serialise writers of the same records; should one still lose a race (a row gone
        // or a key taken under it), it runs again and finds the winner's row.
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
    const failedItems = [...invalid, ...outcome.failedItems].sort((a, b) => a.index - b.index);
    return { stored: outcome.stored, skipped: outcome.skipped, failedItems };
  }

  private write(tenantId: string, connection: Connection, conflictOption: ConflictOption, valid: Array<{ index: number; input: RecordInput }>, actor: string): Promise<SubmitOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const failedItems: FailedRecord[] = [];
      let stored = 0;
      let skipped = 0;
      await lockTenant(trx, this.engine, tenantId, 'shared');
      const keys = [...new Set(valid.map(({ input }) => input.rowKey))];
      await lockRecordKeys(trx, this.engine, tenantId, connection.id, keys);
      const now = this.clock.nowMs();
      const terms = await this.terms.rulesFor(trx, tenantId, valid.flatMap(({ input }) => (input.termFullPath ? [input.termFullPath.toLowerCase()] : [])));
      const existing: RecordRow[] = [];
      const destroyed = new Set<string>();
      for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
        const chunk = keys.slice(i, i + INSERT_CHUNK);
        existing.push(...(await trx.selectFrom('opus_records').selectAll().where('tenant_id', '=', tenantId).where('connection_id', '=', connection.id).where('row_key', 'in', chunk).execute()));
        const tombs = await trx.selectFrom('opus_tombstones').select('row_key').where('tenant_id', '=', tenantId).where('connection_id', '=', connection.id).where('row_key', 'in', chunk).execute();
        for (const tomb of tombs) destroyed.add(tomb.row_key);
      }
      // What each key is now, as this batch goes on: a stored row, or a row still to insert.
      const storedKeys: string[] = [];
      const state = new Map<string, { live: RecordRow } | { pending: NewRow }>(existing.map((row) => [row.row_key, { live: row }]));
      for (const { index, input } of valid) {
        const termLower = input.termFullPath?.toLowerCase() ?? null;
        const term = termLower ? terms.get(termLower) : undefined;
        if (destroyed.has(input.rowKey)) {
          if (conflictOption === 'Skip') skipped++;
          else failedItems.push({ index, rowKey: input.rowKey, code: 'destroyed', message: 'A record with this rowKey was destroyed; a destroyed record cannot be submitted again.' });
          continue;
        }
        if (termLower && !term) {
          failedItems.push({ index, rowKey: input.rowKey, code: 'unknown_term', message: `'termFullPath' '${input.termFullPath}' is not the full path of a term in AvePoint Opus.` });
          continue;
        }
        const rule = effectiveRule(termLower, terms);
        const row: NewRow = {
          tenant_id: tenantId,
          connection_id: connection.id,
          row_key: input.rowKey,
          leaf_name: input.leafName,
          term_path: term ? term.path : null,
          term_path_lower: termLower,
          time_created: input.timeCreated,
          time_modified: input.timeModified,
          created_by: input.createdBy,
          modified_by: input.modifiedBy,
          custom_values: JSON.stringify(input.custom),
          due_at: dueAt(rule, input),
          requires_approval: rule?.requiresApproval ? 1 : 0,
          review_decision: null,
          reviewed_by: null,
          reviewed_at: null,
          review_comment: null,
          submitted_by: actor,
          submitted_at: now,
          updated_at: now,
        };
        const current = state.get(input.rowKey);
        if (current && conflictOption === 'Skip') {
          skipped++;
          continue;
        }
        if (current && 'live' in current) {
          const live = current.live;
          if (live.due_at === row.due_at && live.term_path_lower === row.term_path_lower) {
            // Same place in the due order: change it in place and keep its review decision.
            const content = {
              leaf_name: row.leaf_name,
              term_path: row.term_path ?? null,
              time_created: row.time_created,
              time_modified: row.time_modified,
              created_by: row.created_by,
              modified_by: row.modified_by,
              custom_values: row.custom_values,
              requires_approval: row.requires_approval,
              submitted_by: actor,
              updated_at: now,
            };
            const updated = await trx.updateTable('opus_records').set(content).where('seq', '=', live.seq).executeTakeFirst();
            if (Number(updated.numUpdatedRows) !== 1) throw new ConcurrentChange();
            state.set(input.rowKey, { live: { ...live, ...content } });
          } else {
            // A new due date is a new version: re-inserted with a new seq, it leaves any
            // due-records listing already under way instead of appearing in it twice. A
            // review decision was about the old date, so it does not carry over.
            const deleted = await trx.deleteFrom('opus_records').where('seq', '=', live.seq).executeTakeFirst();
            if (Number(deleted.numDeletedRows) !== 1) throw new ConcurrentChange();
            state.set(input.rowKey, { pending: row });
          }
        } else {
          state.set(input.rowKey, { pending: row });
        }
        stored++;
        storedKeys.push(input.rowKey);
      }
      const inserts = [...state.values()].flatMap((entry) => ('pending' in entry ? [entry.pending] : []));
      for (let i = 0; i < inserts.length; i += INSERT_CHUNK) await trx.insertInto('opus_records').values(inserts.slice(i, i + INSERT_CHUNK)).execute();
      if (stored > 0) {
        await appendAudit(trx, this.clock, tenantId, {
          actionName: 'Submit records',
          operationType: 'Submit',
          objectType: 'Connection',
          objectName: connection.name,
          actor,
          module: 'Connector',
          parameters: { connectionId: connection.id, conflictOption, stored, skipped, rowKeys: storedKeys.slice(0, 15), more: Math.max(0, storedKeys.length - 15) },
        });
      }
      return { stored, skipped, failedItems };
    });
  }
}

const MAX_ATTEMPTS = 5;

/** The row this batch read was changed by a concurrent submission before it could write. */
class ConcurrentChange extends Error {}

/** Unique violation, deadlock or serialization failure: the transaction can simply run again. */
const isRetryable = (error: unknown) => {
  if (error instanceof ConcurrentChange) return true;
  const code = (error as { code?: string }).code;
  return code === '23505' || code === '40P01' || code === '40001' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};
