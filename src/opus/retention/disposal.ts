import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import type { RecordStore } from '../connector/record-store.js';
import { lockTenant } from '../locking.js';
import type { OpusTables } from '../schema.js';
import { blockReason, type BlockCode } from './disposal-state.js';
import { describeRule, effectiveRule } from './rules.js';
import type { TermService } from './terms.js';

export interface FailedDisposal {
  disposalId: string;
  code: BlockCode | 'not_found' | 'ambiguous';
  message: string;
}

export interface DisposalOutcome {
  destroyed: string[];
  /** Destroyed by an earlier call: harmless, and not a failure. */
  alreadyDestroyed: string[];
  failedItems: FailedDisposal[];
}

/**
 * Marks records Destroyed. The decision and the destruction happen under the tenant's
 * exclusive lock in one transaction: a hold or a rejection that commits first is always
 * seen. The record's content is deleted; a tombstone keeps who destroyed it, when, and
 * under which rule, and the audit record is written in the same transaction.
 */
export class DisposalService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
    private readonly records: RecordStore,
    private readonly terms: TermService,
  ) {}

  async destroy(tenantId: string, disposalIds: string[], connectionId: string | undefined, actor: string): Promise<DisposalOutcome> {
    const ids = [...new Set(disposalIds)];
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const now = this.clock.nowMs();
      const live = await this.records.liveWithHolds(tenantId, ids, connectionId, trx);
      const tombstoned = new Set((await this.records.tombstones(tenantId, ids, connectionId, trx)).map((row) => row.row_key));
      const terms = await this.terms.rulesFor(trx, tenantId, live.flatMap((row) => (row.term_path_lower ? [row.term_path_lower] : [])));
      const outcome: DisposalOutcome = { destroyed: [], alreadyDestroyed: [], failedItems: [] };
      for (const id of ids) {
        const candidates = live.filter((row) => row.row_key === id);
        if (candidates.length > 1) {
          const where = candidates.map((row) => row.connection_id).join(', ');
          outcome.failedItems.push({ disposalId: id, code: 'ambiguous', message: `Records with this key exist in several connections (${where}); send the connection's 'id' with disposalIds.` });
          continue;
        }
        const record = candidates[0];
        if (!record) {
          if (tombstoned.has(id)) outcome.alreadyDestroyed.push(id);
          else outcome.failedItems.push({ disposalId: id, code: 'not_found', message: 'There is no record with this key.' });
          continue;
        }
        const blocked = blockReason(record, now);
        if (blocked) {
          outcome.failedItems.push({ disposalId: id, ...blocked });
          continue;
        }
        const rule = effectiveRule(record.term_path_lower, terms);
        await trx.deleteFrom('opus_records').where('seq', '=', record.seq).execute();
        await trx
          .insertInto('opus_tombstones')
          .values({
            tenant_id: tenantId,
            connection_id: record.connection_id,
            row_key: record.row_key,
            term_path: record.term_path,
            rule: describeRule(rule),
            due_at: record.due_at,
            destroyed_at: now,
            destroyed_by: actor,
            approved_by: record.review_decision === 'approved' ? record.reviewed_by : null,
            approved_at: record.review_decision === 'approved' ? record.reviewed_at : null,
          })
          .execute();
        await appendAudit(trx, this.clock, tenantId, {
          actionName: 'Destroy record',
          operationType: 'Destroy',
          objectType: 'Record',
          objectName: record.row_key,
          actor,
          module: 'Connector',
          parameters: { connectionId: record.connection_id, termFullPath: record.term_path, rule: describeRule(rule), disposalDueDate: record.due_at === null ? null : new Date(record.due_at).toISOString() },
        });
        outcome.destroyed.push(id);
      }
      return outcome;
    });
  }
}
