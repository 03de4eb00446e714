/** Time comes from here so tests and the simulator can move it; production uses the wall clock. */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

export function fixedClock(start: Date): Clock & { advance(ms: number): void; set(date: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    nowMs: () => current,
    advance(ms: number) {
      current += ms;
    },
    set(date: Date) {
      current = date.getTime();
    },
  };
}

/** ISO 8601 in UTC with millisecond precision: what every response carries. */
export const isoUtc = (ms: number | Date): string => new Date(ms).toISOString();
