import type { RecordScope } from './holds.js';

/**
 * When a record may be destroyed, in one place: its due date has passed, no hold covers
 * it, and it is released: approved by a reviewer, or governed by a rule without manual
 * approval and never rejected. The SQL form filters due-record pages; the row form gives
 * the reason a destroy refuses one. They must say the same thing.
 */
export function releasedExpression(eb: RecordScope) {
  return eb.or([eb('r.review_decision', '=', 'approved'), eb.and([eb('r.review_decision', 'is', null), eb('r.requires_approval', '=', 0)])]);
}

export type BlockCode = 'not_due' | 'on_hold' | 'awaiting_approval' | 'rejected';

export interface DisposalFacts {
  due_at: number | null;
  requires_approval: number;
  review_decision: string | null;
  held: boolean;
}

export function blockReason(record: DisposalFacts, nowMs: number): { code: BlockCode; message: string } | undefined {
  if (record.held) return { code: 'on_hold', message: 'The record is on hold; it cannot be destroyed until every hold covering it is removed.' };
  if (record.due_at === null) return { code: 'not_due', message: 'The record has no disposal due date: it has no classification, its term has no retention rule, or the rule\'s event has not happened.' };
  if (record.due_at > nowMs) return { code: 'not_due', message: `The record is not due for disposal until ${new Date(record.due_at).toISOString()}.` };
  if (record.review_decision === 'rejected') return { code: 'rejected', message: 'A reviewer rejected the disposal of this record.' };
  if (record.review_decision !== 'approved' && record.requires_approval === 1) return { code: 'awaiting_approval', message: 'The record awaits manual approval by a reviewer.' };
  return undefined;
}
