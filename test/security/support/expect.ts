// The three things every attack scenario checks: the answer, that the database did not change, and
// that the audit log recorded the refusal.
import { expect } from "vitest";
import type { HttpResponse, LiveServer } from "./live-server.js";
import { changedTables, type StateSnapshot } from "./state.js";

/** The refusal's status and error code, in the one error model, with nothing internal in it. */
export function expectRefused(response: HttpResponse, status: number, code: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type"), response.text).toMatch(/^application\/json/);
  expect(response.body?.error?.code, response.text).toBe(code);
  expect(typeof response.body?.error?.message, response.text).toBe("string");
  expect(response.text).not.toMatch(/\n\s*at |node_modules|\bSELECT\s|\bINSERT\s/);
}

/** No business table changed since the snapshot (refusal bookkeeping aside, see state.ts). */
export async function expectUnchanged(server: LiveServer, before: StateSnapshot): Promise<void> {
  expect(changedTables(before, await server.snapshot()), "tables changed by a refused request").toEqual([]);
}

/**
 * The audit events of an action since the mark, at least `count` of them; waits a little for
 * refusals recorded after the answer left (the rate limiter records its hits that way).
 */
export async function expectAudited(
  server: LiveServer,
  mark: Date,
  action: string,
  count = 1,
  where: (event: Awaited<ReturnType<LiveServer["auditSince"]>>[number]) => boolean = () => true,
) {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const events = (await server.auditSince(mark, action)).filter(where);
    if (events.length >= count || Date.now() > deadline) {
      expect(events.length, `${action} events since the attack`).toBeGreaterThanOrEqual(count);
      return events;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
