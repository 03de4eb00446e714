import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { badRequest } from '../../platform/errors.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import type { RecordRow, RecordStore } from '../connector/record-store.js';
import { lockTenant } from '../locking.js';
import type { OpusTables } from '../schema.js';
import { heldExpression } from './holds.js';

export type ReviewDecision = 'approved' | 'rejected';

export interface ReviewOutcome {
  rowKey: string;
  decision: ReviewDecision | null;
  /** Why no decision was recorded, when none was. */
  message: string | null;
}

export const MAX_REVIEW_KEYS = 1000;

/**
 * Manual approval of disposal. A record is up for review once it is due under a rule that
 * needs approval and no hold covers it; a reviewer may change a decision until the record
 * is destroyed.
 */
export class ReviewService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
    private readonly records: RecordStore,
  ) {}

  async pending(tenantId: string, connectionId: string | undefined, afterSeq: number, limit: number): Promise<{ rows: RecordRow[]; more: boolean }> {
    let query = this.db
      .selectFrom('opus_records as r')
      .selectAll('r')
      .where('r.tenant_id', '=', tenantId)
      .where('r.requires_approval', '=', 1)
      .where('r.review_decision', 'is', null)
      .where('r.due_at', '<=', this.clock.nowMs())
      .where('r.seq', '>', afterSeq)
      .where((eb) => eb.not(heldExpression(eb)));
    if (connectionId) query = query.where('r.connection_id', '=', connectionId);
    const rows = (await query.orderBy('r.seq').limit(limit + 1).execute()) as RecordRow[];
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  async decide(tenantId: string, connectionId: string, rowKeys: string[], decision: ReviewDecision, reviewer: string, comment: string | undefined): Promise<ReviewOutcome[]> {
    const keys = [...new Set(rowKeys)];
    if (keys.length === 0 || keys.length > MAX_REVIEW_KEYS) throw badRequest(`Name 1 to ${MAX_REVIEW_KEYS} records to review.`, 'invalid_parameter');
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const now = this.clock.nowMs();
      const live = new Map((await this.records.liveWithHolds(tenantId, keys, connectionId, trx)).map((row) => [row.row_key, row]));
      const outcomes: ReviewOutcome[] = [];
      for (const rowKey of keys) {
        const record = live.get(rowKey);
        const refusal =
          !record ? 'There is no such record in this connection (a destroyed record cannot be reviewed).'
          : record.requires_approval !== 1 ? 'The rule governing this record does not need manual approval.'
          : record.held ? 'The record is on hold; it cannot be reviewed for disposal until the hold is removed.'
          : record.due_at === null || record.due_at > now ? 'The record is not due for disposal yet.'
          : null;
        if (refusal || !record) {
          outcomes.push({ rowKey, decision: null, message: refusal });
          continue;
        }
        await trx.updateTable('opus_records').set({ review_decision: decision, reviewed_by: reviewer, reviewed_at: now, review_comment: comment ?? null }).where('seq', '=', record.seq).execute();
        await appendAudit(trx, this.clock, tenantId, {
          actionName: decision === 'approved' ? 'Approve disposal' : 'Reject disposal',
          operationType: decision === 'approved' ? 'Approve' : 'Reject',
          objectType: 'Record',
          objectName: rowKey,
          actor: reviewer,
          module: 'Disposal review',
          previousValue: record.review_decision,
          currentValue: decision,
          parameters: { connectionId },
          ...(comment ? { comment } : {}),
        });
        outcomes.push({ rowKey, decision, message: null });
      }
      return outcomes;
    });
  }
}
