import type { SeededRandom } from '../../platform/random.js';

/**
 * The simulator's clockwork, shared by the five products: recurring schedules spread over a
 * window, and the reports a backup service sends as each job starts and finishes, in the
 * order they would arrive.
 */

export interface Schedule<S> {
  /** Runs a day at the demo's scale (24 = hourly, 1 = daily, 0.2 = now and then). */
  perDay: number;
  spec: S;
}

export interface Slot<S> {
  atMs: number;
  spec: S;
  /** Position of this run in its own schedule (0 = the first run in the window). */
  run: number;
  /** Position among all slots, oldest first. */
  index: number;
}

/**
 * Exactly `total` runs (or, without a total, each schedule's perDay for every day), shared by
 * the schedules in proportion to perDay, evenly spaced with some jitter, oldest first.
 */
export function* slots<S>(schedules: readonly Schedule<S>[], window: { startMs: number; endMs: number }, random: SeededRandom, total?: number): Generator<Slot<S>> {
  const span = window.endMs - window.startMs;
  const days = span / 86_400_000;
  const weight = schedules.reduce((sum, schedule) => sum + schedule.perDay, 0);
  const wanted = total ?? Math.round(schedules.reduce((sum, schedule) => sum + schedule.perDay * days, 0));
  // Largest remainder: the schedules' counts add up to exactly `wanted`.
  const shares = schedules.map((schedule) => (wanted * schedule.perDay) / weight);
  const counts = shares.map(Math.floor);
  const order = shares.map((share, i) => [share - Math.floor(share), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < wanted; k++) counts[order[k % order.length]![1]]! += 1;
  const cursors = schedules.map((schedule, i) => ({ schedule, count: counts[i]!, interval: span / Math.max(1, counts[i]!), phase: random.next(), run: 0, next: 0 }));
  const timeOf = (cursor: (typeof cursors)[number]) => Math.floor(window.startMs + (cursor.run + cursor.phase * 0.5 + random.next() * 0.3) * cursor.interval);
  for (const cursor of cursors) cursor.next = timeOf(cursor);
  for (let index = 0; index < wanted; index++) {
    let best: (typeof cursors)[number] | undefined;
    for (const cursor of cursors) if (cursor.run < cursor.count && (!best || cursor.next < best.next)) best = cursor;
    if (!best) return;
    yield { atMs: Math.min(best.next, window.endMs - 1), spec: best.schedule.spec, run: best.run, index };
    best.run++;
    if (best.run < best.count) best.next = Math.max(best.next, timeOf(best));
  }
}

export interface SimulatedJob<P> {
  startMs: number;
  finishMs: number;
  /** The report sent when the job starts. */
  started: P;
  /** The report sent when it ends (not sent when it would end after the window: it is still running). */
  finished: P;
}

/**
 * The reports of jobs given oldest first, in arrival order (a job's finish after every job
 * that started before it), batched for the producer API. A job still running at `endMs`
 * has sent only its start.
 */
export function* reports<P>(jobs: Iterable<SimulatedJob<P>>, endMs: number, batchSize = 1000): Generator<P[]> {
  const pending = new MinHeap<{ at: number; report: P }>((a, b) => a.at - b.at);
  let batch: P[] = [];
  const emit = function* (report: P) {
    batch.push(report);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  };
  for (const job of jobs) {
    while (pending.size > 0 && pending.peek()!.at <= job.startMs) yield* emit(pending.pop()!.report);
    yield* emit(job.started);
    if (job.finishMs <= endMs) pending.push({ at: job.finishMs, report: job.finished });
  }
  while (pending.size > 0) yield* emit(pending.pop()!.report);
  if (batch.length > 0) yield batch;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.less(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.less(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** yyyyMMddHHmmss of a time, as the products' job ids carry it. */
export const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
export const pad = (n: number, width: number): string => String(n % 10 ** width).padStart(width, '0');
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The outcome of a finished job, with the realistic mix: mostly fine, some exceptions, a few failures. */
export type Outcome = 'finished' | 'exception' | 'failed' | 'partial';
export function outcome(random: SeededRandom): Outcome {
  const roll = random.next();
  return roll < 0.86 ? 'finished' : roll < 0.93 ? 'exception' : roll < 0.97 ? 'failed' : 'partial';
}

/** Object counts for an outcome: total, and how many failed or were skipped. */
export function counts(random: SeededRandom, result: Outcome, size: number): { total: number; successful: number; failed: number; skipped: number } {
  const total = Math.max(1, Math.round(size * (0.6 + random.next() * 0.8)));
  const skipped = random.chance(0.25) ? random.int(1, Math.max(1, Math.floor(total / 10))) : 0;
  const failed = result === 'failed' ? total - skipped : result === 'finished' ? 0 : random.int(1, Math.max(1, Math.floor((total - skipped) / 5)));
  return { total, skipped, failed: Math.min(failed, total - skipped), successful: total - skipped - Math.min(failed, total - skipped) };
}
