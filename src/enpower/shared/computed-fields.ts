import type { CounterNeed, EventStore, PageScope, StreamTotals } from './event-store.js';
import type { ObjectStore } from './object-store.js';
import { enPowerTime } from './render.js';
import type { CollectionSpec, Computed } from './specs.js';

/**
 * The computed fields of one page of objects, from the event counters (rolling windows,
 * totals, last times), the environment's children and the connection edges: a few
 * statements per page, each an index range over the page's objects, never a scan of events.
 */
export async function computedFieldsOf(
  spec: CollectionSpec,
  page: PageScope,
  parentKeys: string[],
  stores: { objects: ObjectStore; events: EventStore },
  tenantId: string,
  nowMs: number,
): Promise<Map<string, Record<string, string>>> {
  const entries = Object.entries(spec.computed ?? {});
  const values = new Map<string, Record<string, string>>(parentKeys.map((key) => [key, {}]));
  if (entries.length === 0 || parentKeys.length === 0) return values;

  const needs = new Map<string, CounterNeed>();
  for (const [, computed] of entries) {
    if (computed.from !== 'events') continue;
    const need = needs.get(computed.stream) ?? { stream: computed.stream, days: [], userDays: [] };
    needs.set(computed.stream, need);
    if (computed.measure === 'count' && computed.days !== undefined && !need.days.includes(computed.days)) need.days.push(computed.days);
    if (computed.measure === 'users' && !need.userDays.includes(computed.days)) need.userDays.push(computed.days);
  }
  const counters = needs.size > 0 ? await stores.events.counters(page, [...needs.values()], nowMs) : new Map<string, Map<string, StreamTotals>>();
  const childKinds = [...new Set(entries.flatMap(([, computed]) => (computed.from === 'children' ? computed.kinds : [])))];
  const children = childKinds.length > 0 ? await stores.objects.childCounts(tenantId, parentKeys, childKinds) : new Map<string, Map<string, number>>();
  const edgeNames = new Map<string, Map<string, string[]>>();
  for (const [, computed] of entries) {
    if (computed.from !== 'edges' || edgeNames.has(computed.edge)) continue;
    edgeNames.set(computed.edge, await stores.objects.edgeNames(tenantId, computed.edge, computed.edge === 'flow' ? 'cloudFlow' : 'powerApp', parentKeys));
  }

  for (const key of parentKeys) {
    const record = values.get(key)!;
    for (const [field, computed] of entries) record[field] = valueOf(computed, key, counters, children, edgeNames);
  }
  return values;
}

function valueOf(
  computed: Computed,
  key: string,
  counters: Map<string, Map<string, StreamTotals>>,
  children: Map<string, Map<string, number>>,
  edgeNames: Map<string, Map<string, string[]>>,
): string {
  switch (computed.from) {
    case 'events': {
      const totals = counters.get(computed.stream)?.get(key);
      switch (computed.measure) {
        case 'count':
          return String(computed.days === undefined ? (totals?.total ?? 0) : (totals?.days.get(computed.days) ?? 0));
        case 'users':
          return String(totals?.users.get(computed.days) ?? 0);
        case 'lastTime':
          return JSON.stringify(totals?.lastMs !== undefined ? enPowerTime(totals.lastMs) : '');
        case 'lastValue':
          return JSON.stringify(totals?.lastValue ?? '');
      }
      break;
    }
    case 'children': {
      const counts = children.get(key);
      return String(computed.kinds.reduce((sum, kind) => sum + (counts?.get(kind) ?? 0), 0));
    }
    case 'edges': {
      const names = edgeNames.get(computed.edge)?.get(key) ?? [];
      return computed.measure === 'count' ? String(names.length) : JSON.stringify(names);
    }
  }
  return 'null';
}
