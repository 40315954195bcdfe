// The group writer of standalone audit events: each caller's promise settles once its own row is
// committed, events that arrive together share one INSERT, and one bad event costs no other its row.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "../../test/support/databases.js";
import { recording } from "../../test/support/recording.js";
import type { AuditAction } from "./actions.js";
import { type AuditEvent, auditGroupWriter, recordAudit } from "./writer.js";

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

  it("stores a group's every column as one event alone would be stored", async () => {
    const companyId = randomUUID();
    const events = Array.from(
      { length: 30 },
      (_, i): AuditEvent => ({
        action: (i % 2 ? "probe.group_even" : "probe.group_odd") as AuditAction,
        outcome: i % 3 ? "denied" : "failure",
        companyId: i % 4 ? companyId : null,
        actor: i % 5 ? { accountId: companyId, email: `actor${i}@example.com` } : null,
        target: i % 6 ? { type: "member", id: `target-${i}` } : null,
        details: {
          index: i,
          quote: 'say "hi"\\ {braces}, commas',
          text: "zoë 👋",
          nested: { list: [i, null] },
        },
        meta: {
          ip: i % 7 ? "198.51.100.7" : null,
          userAgent: i % 8 ? `Agent/${i}` : null,
          requestId: i % 9 ? `req-${i}` : null,
        },
        at: new Date(Date.UTC(2026, 1, 1, 0, 0, i)),
      }),
    );
    const read = async (group: string) =>
      (
        await sql<Record<string, unknown>>`
          SELECT occurred_at, company_id, actor_account_id, actor_email, action, outcome, target_type,
                 target_id, details, ip, user_agent, request_id
            FROM audit_events WHERE details->>'group' = ${group} ORDER BY occurred_at`.execute(database.db)
      ).rows;

    const { db, sent } = recording(database.db);
    const write = auditGroupWriter(db);
    const together = (event: AuditEvent) =>
      write({ ...event, details: { ...event.details, group: "together" } });
    // A group of 3, then one of 27: one statement text for any size of group.
    await Promise.all(events.slice(0, 3).map(together));
    await Promise.all(events.slice(3).map(together));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.sql).toBe(sent[0]?.sql);
    for (const event of events) {
      await recordAudit(database.db, { ...event, details: { ...event.details, group: "alone" } });
    }

    const grouped = await read("together");
    const alone = await read("alone");
    expect(grouped).toHaveLength(30);
    const withoutGroup = (rows: Record<string, unknown>[]) =>
      rows.map((row) => ({ ...row, details: { ...(row.details as object), group: undefined } }));
    expect(withoutGroup(grouped)).toEqual(withoutGroup(alone));
    expect(grouped[1]).toMatchObject({
      company_id: companyId,
      actor_email: "actor1@example.com",
      target_id: "target-1",
      ip: "198.51.100.7",
      user_agent: "Agent/1",
      request_id: "req-1",
      details: { quote: 'say "hi"\\ {braces}, commas', text: "zoë 👋", nested: { list: [1, null] } },
    });
  });
});
