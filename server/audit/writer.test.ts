// The group writer of standalone audit events: each caller's promise settles once its own row is
// committed, events that arrive together share one INSERT, and one bad event costs no other its row.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../../test/support/databases.js";
import type { AuditAction } from "./actions.js";
import { type AuditEvent, auditGroupWriter } from "./writer.js";

const meta = { ip: "203.0.113.9", userAgent: "GroupTest/1.0", requestId: null };

function refusal(index: number): AuditEvent {
  return {
    action: "access.denied",
    outcome: "denied",
    details: { route: "GET /api/x", index },
    meta,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, index)),
  };
}

describe.each(testDatabaseKinds)("rule 11: refusals recorded as group commits on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database?.dispose());

  const count = async (action: string) =>
    Number(
      (
        await database.db
          .selectFrom("audit_events")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("action", "=", action)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("writes every event of a burst, each caller waiting for its own row", async () => {
    const write = auditGroupWriter(database.db, 16);
    const before = await count("access.denied");
    // 50 refusals in one turn of the event loop: four groups at most 16 each, not 50 INSERTs.
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await write(refusal(i));
        const row = await database.db
          .selectFrom("audit_events")
          .select("id")
          .where("action", "=", "access.denied")
          .where(sql`details->>'index'`, "=", String(i))
          .executeTakeFirst();
        expect(row, `event ${i} was committed before its caller went on`).toBeDefined();
      }),
    );
    expect((await count("access.denied")) - before).toBe(50);
  });

  it("keeps the good events of a group when one of them cannot be stored", async () => {
    const write = auditGroupWriter(database.db);
    const bad: AuditEvent = {
      ...refusal(1),
      action: "probe.refused" as AuditAction,
      companyId: "not-a-uuid",
    };
    const results = await Promise.allSettled([
      write({ ...refusal(2), action: "probe.kept" as AuditAction }),
      write(bad),
      write({ ...refusal(3), action: "probe.kept" as AuditAction }),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).toEqual([
      "fulfilled",
      expect.stringMatching(/uuid/),
      "fulfilled",
    ]);
    expect(await count("probe.kept")).toBe(2);
    expect(await count("probe.refused")).toBe(0);
  });
});
