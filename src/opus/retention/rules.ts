/**
 * The retention engine's arithmetic: which rule governs a record, and when it becomes due
 * for disposal. Pure functions; the stores apply them row by row or as set-based updates.
 */

export const RETAIN_AFTER = ['created', 'modified', 'event'] as const;
export type RetainAfter = (typeof RETAIN_AFTER)[number];

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_RETAIN_DAYS = 365 * 200;

/** A term's rule: keep records `retainDays` after their created time, modified time or the term's event. */
export interface RetentionRule {
  retainDays: number;
  after: RetainAfter;
  requiresApproval: boolean;
  /** The event date of an event-based rule; until it is set, its records are never due. */
  eventAt: number | null;
}

export interface TermRule {
  path: string;
  pathLower: string;
  rule: RetentionRule | null;
}

/** The rule that governs a record: its term's own, else the nearest ancestor's. */
export interface EffectiveRule extends RetentionRule {
  /** The term that carries the rule, for tombstones and audit. */
  fromPath: string;
}

/** "Set / Term/" and "/Set/Term" both mean "Set/Term": segments trimmed, empty ones dropped. */
export function normaliseTermPath(path: string): string {
  return path
    .split('/')
    .map((segment) => segment.trim())
    .filter(Boolean)
    .join('/');
}

/** "a/b/c" -> ["a", "a/b", "a/b/c"]: a path and its ancestors, root first. */
export function pathAndAncestors(path: string): string[] {
  const segments = path.split('/');
  return segments.map((_, index) => segments.slice(0, index + 1).join('/'));
}

export function effectiveRule(pathLower: string | null, terms: ReadonlyMap<string, TermRule>): EffectiveRule | null {
  if (!pathLower) return null;
  const chain = pathAndAncestors(pathLower).reverse();
  for (const candidate of chain) {
    const term = terms.get(candidate);
    if (term?.rule) return { ...term.rule, fromPath: term.path };
  }
  return null;
}

/** The disposal due date, or null for a record that is never due (no rule, or an event that has not happened). */
export function dueAt(rule: RetentionRule | null, record: { timeCreated: number; timeModified: number }): number | null {
  if (!rule) return null;
  const base = rule.after === 'created' ? record.timeCreated : rule.after === 'modified' ? record.timeModified : rule.eventAt;
  return base === null ? null : base + rule.retainDays * DAY_MS;
}

export function describeRule(rule: EffectiveRule | null): string | null {
  if (!rule) return null;
  const after = rule.after === 'event' ? `the event date${rule.eventAt === null ? '' : ` (${new Date(rule.eventAt).toISOString()})`}` : `the ${rule.after} time`;
  return `Retain ${rule.retainDays} days after ${after}${rule.requiresApproval ? ', with manual approval' : ''} (term ${rule.fromPath})`;
}
