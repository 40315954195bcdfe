// Time as a dependency: services ask the clock, so tests move time instead of sleeping.
// The system clock is the only one used in production.

export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move forward. */
export function manualClock(
  start = new Date("2026-01-01T00:00:00Z"),
): Clock & { advance(ms: number): void; set(d: Date): void } {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    set: (d: Date) => {
      current = d.getTime();
    },
  };
}
