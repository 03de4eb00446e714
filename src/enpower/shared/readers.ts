import { notFound } from '../../platform/errors.js';
import { computedFieldsOf } from './computed-fields.js';
import type { EventStore } from './event-store.js';
import type { ListPage, ListRequest } from './list-endpoint.js';
import type { ObjectFilter, ObjectStore } from './object-store.js';
import { fillComputed } from './render.js';
import type { CollectionSpec, EdgeKind } from './specs.js';

/** The stores every reader reads. */
export interface EnPowerStores {
  objects: ObjectStore;
  events: EventStore;
}

const seqOf = (request: ListRequest): number | undefined => (typeof request.cursor?.s === 'number' ? request.cursor.s : undefined);

/** A page of an inventory collection, its computed fields filled from the counters. */
export function objectList(spec: CollectionSpec, stores: EnPowerStores, narrow: (request: ListRequest) => Partial<ObjectFilter> = () => ({})) {
  return async (request: ListRequest): Promise<ListPage> => {
    const filter: ObjectFilter = { tenantId: request.tenantId, kind: spec.kind, ...(request.m365Tenant !== undefined ? { m365Tenant: request.m365Tenant } : {}), ...narrow(request) };
    const [rows, totalCount] = await Promise.all([stores.objects.page(filter, seqOf(request), request.top), stores.objects.count(filter)]);
    const page = rows.slice(0, request.top);
    const scope = { filter, ...(seqOf(request) !== undefined ? { afterSeq: seqOf(request)! } : {}), lastSeq: page[page.length - 1]?.seq ?? -1 };
    const computed = spec.computed && page.length > 0 ? await computedFieldsOf(spec, scope, page.map((row) => row.parent_key), stores, request.tenantId, request.nowMs) : undefined;
    return {
      items: page.map((row) => (computed ? fillComputed(row.doc_json, computed.get(row.parent_key)!) : row.doc_json)),
      totalCount,
      ...(rows.length > request.top ? { next: { s: page[page.length - 1]!.seq } } : {}),
    };
  };
}

/**
 * The parent a drill-down path names, or a 404 naming the parameter. A `tenant` other than
 * the parent's selects nothing.
 */
async function parentOf(stores: EnPowerStores, request: ListRequest, kind: string, param: string, noun: string): Promise<string | undefined> {
  const id = request.params[param]!;
  const parent = await stores.objects.find(request.tenantId, kind, id);
  if (!parent) throw notFound(`No ${noun} with ${param} '${id}' exists.`);
  return request.m365Tenant !== undefined && request.m365Tenant !== parent.m365Tenant ? undefined : parent.parentKey;
}

const EMPTY: ListPage = { items: [], totalCount: 0 };

/** One parent's events (activities, launches, runs) in the window, in time order. */
export function eventList(stores: EnPowerStores, parent: { kind: string; param: string; noun: string }, stream: string) {
  return async (request: ListRequest): Promise<ListPage> => {
    const parentKey = await parentOf(stores, request, parent.kind, parent.param, parent.noun);
    if (parentKey === undefined) return EMPTY;
    const after = typeof request.cursor?.t === 'number' && typeof request.cursor.s === 'number' ? { time: request.cursor.t, seq: request.cursor.s } : undefined;
    const [rows, totalCount] = await Promise.all([
      stores.events.page(request.tenantId, stream, parentKey, request.window, undefined, after, request.top),
      stores.events.count(request.tenantId, stream, parentKey, request.window),
    ]);
    return pageOfEvents(rows, request.top, totalCount);
  };
}

/** A stream's events across parents (Power BI activities), in time order. */
export function streamList(stores: EnPowerStores, stream: string) {
  return async (request: ListRequest): Promise<ListPage> => {
    const after = typeof request.cursor?.t === 'number' && typeof request.cursor.s === 'number' ? { time: request.cursor.t, seq: request.cursor.s } : undefined;
    const [rows, totalCount] = await Promise.all([
      stores.events.page(request.tenantId, stream, undefined, request.window, request.m365Tenant, after, request.top),
      stores.events.countStream(request.tenantId, stream, request.window, request.m365Tenant),
    ]);
    return pageOfEvents(rows, request.top, totalCount);
  };
}

function pageOfEvents(rows: Array<{ time_ms: number; seq: number; record_json: string }>, top: number, totalCount: number): ListPage {
  const page = rows.slice(0, top);
  const last = page[page.length - 1];
  return { items: page.map((row) => row.record_json), totalCount, ...(rows.length > top && last ? { next: { t: Number(last.time_ms), s: Number(last.seq) } } : {}) };
}

/** Users who launched an app and how often, over the whole history or within the window. */
export function launchedUserList(stores: EnPowerStores, parent: { kind: string; param: string; noun: string }, stream: string) {
  return async (request: ListRequest): Promise<ListPage> => {
    const parentKey = await parentOf(stores, request, parent.kind, parent.param, parent.noun);
    if (parentKey === undefined) return EMPTY;
    const after = typeof request.cursor?.u === 'string' ? request.cursor.u : undefined;
    const [rows, totalCount] = request.windowGiven
      ? await Promise.all([
          stores.events.userPageInWindow(request.tenantId, stream, parentKey, request.window, after, request.top),
          stores.events.userCountInWindow(request.tenantId, stream, parentKey, request.window),
        ])
      : await Promise.all([stores.events.userPage(request.tenantId, stream, parentKey, after, request.top), stores.events.userCount(request.tenantId, stream, parentKey)]);
    const page = rows.slice(0, request.top);
    return {
      // The sample spells the count "lauchedTimes" and writes it as a string; the table has "launchedTimes", an integer. Both are sent.
      items: page.map((row) =>
        JSON.stringify({ objectId: request.params[parent.param], userId: row.user_id, userKey: row.user_key, userType: row.user_type, lauchedTimes: String(row.n), launchedTimes: Number(row.n) }),
      ),
      totalCount,
      ...(rows.length > request.top ? { next: { u: page[page.length - 1]!.user_key } } : {}),
    };
  };
}

/** Connection usage edges (flow → connection), optionally of one flow. */
export function edgeList(stores: EnPowerStores, kind: EdgeKind, fromParam: string) {
  return async (request: ListRequest): Promise<ListPage> => {
    const from = typeof request.query[fromParam] === 'string' && request.query[fromParam] ? (request.query[fromParam] as string).toLowerCase() : undefined;
    const filter = { tenantId: request.tenantId, kind, ...(request.m365Tenant !== undefined ? { m365Tenant: request.m365Tenant } : {}), ...(from !== undefined ? { fromKey: from } : {}) };
    const [rows, totalCount] = await Promise.all([stores.objects.edgePage(filter, seqOf(request), request.top), stores.objects.edgeCount(filter)]);
    const page = rows.slice(0, request.top);
    return { items: page.map((row) => row.doc_json), totalCount, ...(rows.length > request.top ? { next: { s: page[page.length - 1]!.seq } } : {}) };
  };
}

/** Objects of a kind counted per value of their group column: computed on each request, never stored. */
export function groupCountList(stores: EnPowerStores, kind: string, groupField: string, countAs: 'string' | 'integer') {
  return async (request: ListRequest): Promise<ListPage> => {
    const groups = await stores.objects.countsByGroup({ tenantId: request.tenantId, kind, ...(request.m365Tenant !== undefined ? { m365Tenant: request.m365Tenant } : {}) });
    return {
      items: groups.map((group) => JSON.stringify({ [groupField]: group.group, count: countAs === 'string' ? String(group.n) : group.n })),
      totalCount: groups.length,
    };
  };
}
