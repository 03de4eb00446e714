import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import { lockTenant } from '../locking.js';
import type { OpusTables } from '../schema.js';
import { DAY_MS, effectiveRule, normaliseTermPath, pathAndAncestors, type RetentionRule, type TermRule } from './rules.js';

type Db = Kysely<OpusTables> | Transaction<OpusTables>;
type Row = Selectable<OpusTables['opus_terms']>;

/** A classification term (termFullPath) and the retention rule it carries, if any. */
export interface Term {
  id: string;
  path: string;
  rule: RetentionRule | null;
  createdAt: number;
  updatedAt: number;
}

export interface TermChange {
  path: string;
  /** Present: set (or replace) the rule; null: remove it; absent: keep it. */
  rule?: RetentionRule | null;
  /** Changes only the event date of the term's event-based rule. */
  eventAt?: number | null;
}

const MAX_DEPTH = 10;
const MAX_SEGMENT = 255;

export function toTermRule(row: Row): TermRule {
  return {
    path: row.path,
    pathLower: row.path_lower,
    rule:
      row.retain_days === null || row.retain_after === null
        ? null
        : { retainDays: row.retain_days, after: row.retain_after as RetentionRule['after'], requiresApproval: row.requires_approval === 1, eventAt: row.event_at },
  };
}

const toTerm = (row: Row): Term => ({ id: row.id, path: row.path, rule: toTermRule(row).rule, createdAt: row.created_at, updatedAt: row.updated_at });

/**
 * The tenant's taxonomy and its retention rules. A rule change recomputes the due date of
 * every record under the term in the same transaction, so no reader ever sees records
 * governed by a rule that no longer exists.
 */
export class TermService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
  ) {}

  /** The terms named by `pathsLower` and all their ancestors, by lower-case path. */
  async rulesFor(trx: Db, tenantId: string, pathsLower: Iterable<string>): Promise<Map<string, TermRule>> {
    const wanted = new Set<string>();
    for (const path of pathsLower) for (const ancestor of pathAndAncestors(path)) wanted.add(ancestor);
    if (wanted.size === 0) return new Map();
    const rows = await trx.selectFrom('opus_terms').selectAll().where('tenant_id', '=', tenantId).where('path_lower', 'in', [...wanted]).execute();
    return new Map(rows.map((row) => [row.path_lower, toTermRule(row)]));
  }

  async list(tenantId: string): Promise<Term[]> {
    const rows = await this.db.selectFrom('opus_terms').selectAll().where('tenant_id', '=', tenantId).orderBy('path_lower').execute();
    return rows.map(toTerm);
  }

  async get(tenantId: string, path: string): Promise<Term | undefined> {
    const row = await this.db.selectFrom('opus_terms').selectAll().where('tenant_id', '=', tenantId).where('path_lower', '=', normaliseTermPath(path).toLowerCase()).executeTakeFirst();
    return row ? toTerm(row) : undefined;
  }

  /**
   * Creates the term (and any missing ancestors, without rules) with an optional rule.
   * Creating a term that exists exactly so returns it (created: false); another rule is a conflict.
   */
  async create(tenantId: string, path: string, rule: RetentionRule | null, actor: string): Promise<{ term: Term; created: boolean }> {
    const normalised = checkPath(path);
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const now = this.clock.nowMs();
      const existing = await this.row(trx, tenantId, normalised);
      if (existing && sameRule(toTerm(existing).rule, rule)) return { term: toTerm(existing), created: false };
      if (existing && (existing.retain_days !== null || !rule)) {
        throw conflict(`The term '${existing.path}' already exists${existing.retain_days !== null ? ' with a retention rule; change it with term update' : ''}.`);
      }
      for (const ancestor of pathAndAncestors(normalised).slice(0, -1)) {
        await trx
          .insertInto('opus_terms')
          .values({ tenant_id: tenantId, id: newId(), path: ancestor, path_lower: ancestor.toLowerCase(), retain_days: null, retain_after: null, requires_approval: 0, event_at: null, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['tenant_id', 'path_lower']).doNothing())
          .execute();
      }
      if (existing) {
        await trx.updateTable('opus_terms').set({ ...ruleColumns(rule), updated_at: now }).where('seq', '=', existing.seq).execute();
      } else {
        await trx.insertInto('opus_terms').values({ tenant_id: tenantId, id: newId(), path: normalised, path_lower: normalised.toLowerCase(), ...ruleColumns(rule), created_at: now, updated_at: now }).execute();
      }
      const updated = (await this.row(trx, tenantId, normalised))!;
      if (existing) await this.recompute(trx, tenantId, updated.path_lower);
      await appendAudit(trx, this.clock, tenantId, {
        actionName: 'Create term',
        operationType: 'Create',
        objectType: 'Term',
        objectName: updated.path,
        actor,
        module: 'Retention',
        currentValue: toTerm(updated).rule,
      });
      return { term: toTerm(updated), created: true };
    });
  }

  /** Changes a term's rule or event date and recomputes the due dates of its records. */
  async update(tenantId: string, change: TermChange, actor: string): Promise<Term> {
    const normalised = checkPath(change.path);
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const existing = await this.row(trx, tenantId, normalised);
      if (!existing) throw notFound(`There is no term '${normalised}'.`);
      const before = toTerm(existing).rule;
      let rule = change.rule === undefined ? before : change.rule;
      if (change.eventAt !== undefined) {
        if (!rule || rule.after !== 'event') throw badRequest(`The term '${existing.path}' has no event-based rule, so it has no event date to set.`, 'invalid_parameter');
        rule = { ...rule, eventAt: change.eventAt };
      }
      await trx.updateTable('opus_terms').set({ ...ruleColumns(rule), updated_at: this.clock.nowMs() }).where('seq', '=', existing.seq).execute();
      const affected = await this.recompute(trx, tenantId, existing.path_lower);
      const updated = (await this.row(trx, tenantId, normalised))!;
      await appendAudit(trx, this.clock, tenantId, {
        actionName: change.eventAt !== undefined && change.rule === undefined ? 'Set event date' : 'Update retention rule',
        operationType: 'Update',
        objectType: 'Term',
        objectName: updated.path,
        actor,
        module: 'Retention',
        previousValue: before,
        currentValue: toTerm(updated).rule,
        parameters: { recordsRecomputed: affected },
      });
      return toTerm(updated);
    });
  }

  /**
   * Recomputes, term by term, the due date and approval flag of every record under
   * `pathLower`: a set-based UPDATE per term, as cheap for a million records as for ten.
   */
  private async recompute(trx: Transaction<OpusTables>, tenantId: string, pathLower: string): Promise<number> {
    const rows = await trx.selectFrom('opus_terms').selectAll().where('tenant_id', '=', tenantId).execute();
    const terms = new Map(rows.map((row) => [row.path_lower, toTermRule(row)]));
    let affected = 0;
    for (const row of rows) {
      if (row.path_lower !== pathLower && !row.path_lower.startsWith(`${pathLower}/`)) continue;
      const rule = effectiveRule(row.path_lower, terms);
      const period = rule ? rule.retainDays * DAY_MS : 0;
      const due =
        !rule ? null
        : rule.after === 'created' ? sql<number>`time_created + ${period}`
        : rule.after === 'modified' ? sql<number>`time_modified + ${period}`
        : rule.eventAt === null ? null
        : rule.eventAt + period;
      const result = await trx
        .updateTable('opus_records')
        .set({ due_at: due, requires_approval: rule?.requiresApproval ? 1 : 0, updated_at: this.clock.nowMs() })
        .where('tenant_id', '=', tenantId)
        .where('term_path_lower', '=', row.path_lower)
        .executeTakeFirst();
      affected += Number(result.numUpdatedRows);
    }
    return affected;
  }

  private row(trx: Db, tenantId: string, path: string) {
    return trx.selectFrom('opus_terms').selectAll().where('tenant_id', '=', tenantId).where('path_lower', '=', path.toLowerCase()).executeTakeFirst();
  }
}

/** The same rule as asked for; an event date is a later fact (term event), so one not asked for is not a difference. */
function sameRule(existing: RetentionRule | null, wanted: RetentionRule | null): boolean {
  if (!existing || !wanted) return existing === wanted;
  return existing.retainDays === wanted.retainDays && existing.after === wanted.after && existing.requiresApproval === wanted.requiresApproval && (wanted.eventAt === null || wanted.eventAt === existing.eventAt);
}

function ruleColumns(rule: RetentionRule | null) {
  return {
    retain_days: rule?.retainDays ?? null,
    retain_after: rule?.after ?? null,
    requires_approval: rule?.requiresApproval ? 1 : 0,
    event_at: rule?.eventAt ?? null,
  };
}

function checkPath(path: string): string {
  const normalised = normaliseTermPath(path);
  if (!normalised) throw badRequest("The parameter 'path' must be a term's full path, such as Set/Term/Child.", 'invalid_parameter');
  const segments = normalised.split('/');
  if (segments.length > MAX_DEPTH) throw badRequest(`The parameter 'path' has more than ${MAX_DEPTH} levels.`, 'invalid_parameter');
  if (segments.some((segment) => segment.length > MAX_SEGMENT)) throw badRequest(`Each level of 'path' takes at most ${MAX_SEGMENT} characters.`, 'invalid_parameter');
  return normalised;
}
