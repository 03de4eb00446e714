import { invalidParameter } from '../../platform/errors.js';
import { parseIsoDate, single } from '../../platform/query.js';

const DATE_ONLY = /^\s*\d{4}-\d{2}-\d{2}\s*$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TimeRange {
  /** Inclusive. */
  startMs?: number | undefined;
  /** Exclusive. */
  endMs?: number | undefined;
}

/**
 * A documented time range such as startTime=2024-10-24&finishTime=2024-12-25. A date-only
 * end means the whole of that day (the samples' "2024-12-25" would otherwise drop its own
 * day); a date-time end is inclusive to the millisecond.
 */
export function parseTimeRange(
  query: Record<string, unknown>,
  names: { start: string; finish: string },
  required: boolean,
): TimeRange {
  const start = required ? parseIsoDate(names.start, query[names.start], true) : parseIsoDate(names.start, query[names.start]);
  const finish = required ? parseIsoDate(names.finish, query[names.finish], true) : parseIsoDate(names.finish, query[names.finish]);
  const endMs = finish ? finish.getTime() + (DATE_ONLY.test(single(query[names.finish]) ?? '') ? DAY_MS : 1) : undefined;
  if (start && endMs !== undefined && endMs <= start.getTime()) throw invalidParameter(names.finish, `must not be earlier than ${names.start}`);
  return { startMs: start?.getTime(), endMs };
}

export const withinRange = (ms: number, range: TimeRange): boolean =>
  (range.startMs === undefined || ms >= range.startMs) && (range.endMs === undefined || ms < range.endMs);
