// The background loop of the outbox and webhook dispatchers: a batch that went out is followed at
// once, one that did not (nothing due, a receiver down, an error) waits its interval.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Polling } from "./polling.js";

const POLL_MS = 1_000;
/** Time for a batch and what follows it at once (fake timers: a zero delay still needs a tick). */
const next = () => vi.advanceTimersByTimeAsync(1);

/** A loop whose batches answer `results` in turn (false once they run out), counting its runs. */
function loop(results: Array<boolean | Error>) {
  const polling = new Polling();
  const errors: unknown[] = [];
  let runs = 0;
  polling.start(
    async () => {
      const result = results[runs++] ?? false;
      if (result instanceof Error) throw result;
      return result;
    },
    POLL_MS,
    (error) => errors.push(error),
  );
  return { polling, errors, runs: () => runs };
}

describe("background polling of the dispatchers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows a batch that went out at once, and waits its interval after one that found nothing", async () => {
    vi.useFakeTimers();
    const { polling, runs } = loop([true, true, false]);
    await next();
    await next();
    await next();
    expect(runs()).toBe(3);
    await vi.advanceTimersByTimeAsync(POLL_MS - 10);
    expect(runs()).toBe(3);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs()).toBe(4);
    await polling.stop();
  });

  it("waits its interval after a failed batch, and reports the failure", async () => {
    vi.useFakeTimers();
    const failure = new Error("database down");
    const { polling, errors, runs } = loop([failure, false]);
    await next();
    await vi.advanceTimersByTimeAsync(POLL_MS - 10);
    expect(runs()).toBe(1);
    expect(errors).toEqual([failure]);
    await vi.advanceTimersByTimeAsync(10);
    expect(runs()).toBe(2);
    await polling.stop();
  });

  it("runs no batch after stop(), even when the last one asked to go on", async () => {
    vi.useFakeTimers();
    const { polling, runs } = loop([true, true, true]);
    await next();
    await polling.stop();
    const stoppedAt = runs();
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(runs()).toBe(stoppedAt);
  });
});
