import type { TSchema } from 'typebox';
import type { FieldMap } from './fields.js';

/** How a computed field of an inventory object is derived. */
export type Computed =
  /** Events of `stream` on the object in the last `days` UTC days (today included); all time without `days`. */
  | { from: 'events'; stream: string; measure: 'count'; days?: number }
  /** Distinct users with an event of `stream` on the object in the last `days` UTC days. */
  | { from: 'events'; stream: string; measure: 'users'; days: number }
  /** The time of the object's latest event of `stream`, or its value (`valueField` of the stream). */
  | { from: 'events'; stream: string; measure: 'lastTime' | 'lastValue' }
  /** Inventory objects of these kinds in the environment. */
  | { from: 'children'; kinds: readonly string[] }
  /** Apps or flows using the connection: how many, or their display names. */
  | { from: 'edges'; edge: EdgeKind; measure: 'count' | 'names' };

export type EdgeKind = 'flow' | 'app';

/** One inventory collection: an entity of the docs, stored in enpower_objects under `kind`. */
export interface CollectionSpec {
  kind: string;
  /** The producer path segment: /producer/enpower/<producerPath>. */
  producerPath: string;
  fields: FieldMap;
  /** The producer's id of an object (its upsert key). */
  idField: string;
  /** The id drill-down paths and events name the object by; defaults to idField. */
  parentField?: string;
  /** Fields holding the Microsoft 365 tenant's domain or name, which `tenant` also matches. */
  tenantNameFields: readonly string[];
  environmentField?: string;
  groupField?: string;
  /** 1/2 for the two kinds a filter tells apart (user/shared, room/equipment mailboxes). */
  variantOf?: (document: Record<string, unknown>) => number;
  /** Connections the object uses: flows from their documented `connections`, apps from a producer extra. */
  edges?: { kind: EdgeKind; targets: (document: Record<string, unknown>) => string[] };
  computed?: Readonly<Record<string, Computed>>;
  /** Producer-only fields: stored, not served. */
  producerExtras?: Record<string, TSchema>;
}

/** One event stream (activities, launches, runs, Power BI audit): events stored in enpower_events. */
export interface StreamSpec {
  stream: string;
  /** The producer path segment: /producer/enpower/events/<stream>. */
  producerPath: string;
  fields: FieldMap;
  /** The documented field carrying the event's time; `timeFields` are all fields rendered as times. */
  timeField: string;
  timeFields: readonly string[];
  /** The field naming the parent object (objectId, pbiObjectId). */
  parentField: string;
  /** The field distinct users are counted by. */
  userField?: string;
  userIdField?: string;
  userTypeField?: string;
  /** The field kept as the parent's last value (a desktop run's runStatus). */
  valueField?: string;
  /** The producer's event id, when the record has none of its own. */
  idField: string;
  /** More parents and streams an event counts towards (a Power BI event counts for its workspace, a view also as a view). */
  alsoCounts?: (record: Record<string, unknown>) => Array<{ stream: string; parentKey: string }>;
  producerExtras?: Record<string, TSchema>;
}

export const lowerKey = (value: unknown): string => (typeof value === 'string' ? value.trim().toLowerCase() : value === undefined || value === null ? '' : String(value).toLowerCase());

/** Rolling counters of one stream: `{7: 'runsLast7Days', 30: ...}` → their Computed entries. */
export function rolling(stream: string, fieldsByDays: Readonly<Record<number, string>>, measure: 'count' | 'users' = 'count'): Record<string, Computed> {
  return Object.fromEntries(Object.entries(fieldsByDays).map(([days, field]) => [field, { from: 'events', stream, measure, days: Number(days) } as Computed]));
}

export const lastTime = (stream: string): Computed => ({ from: 'events', stream, measure: 'lastTime' });
export const allTime = (stream: string): Computed => ({ from: 'events', stream, measure: 'count' });
