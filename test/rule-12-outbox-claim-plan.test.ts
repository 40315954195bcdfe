// Rule 12 at scale: the dispatcher's claim walks only the due mails of its batch. A claimed mail
// leaves the due index's range for its lease, and the due rows are picked once (a materialized
// CTE), so a large outbox with many claimed rows never makes a claim scan past them.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDueMails, claimDueMailsStatement } from "../server/mail/queries.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "./support/databases.js";
import { explainAnalyze, type PlanNode } from "./support/explain.js";

const MAILS = 5_000;
const BATCH = 20;

describe.each(testDatabaseKinds)("rule 12: the outbox claim at scale on %s", (kind) => {
  let database: TestDatabase;
  const now = new Date("2026-12-04T12:00:00Z");
  const lease = new Date(now.getTime() + 120_000);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await sql`INSERT INTO mail_outbox (created_at, kind, to_address, subject, text_body, html_body, next_attempt_at)
              SELECT ${now}::timestamptz, 'bulk', 'm' || n || '@example.com', 'Mail ' || n, 'text', 'html',
                     ${now}::timestamptz - make_interval(secs => n)
                FROM generate_series(1, ${MAILS}) n`.execute(database.db);
    await sql`ANALYZE mail_outbox`.execute(database.db);
  }, 120_000);
  afterAll(async () => {
    await database?.dispose();
  });

  async function explainClaim(): Promise<PlanNode[]> {
    return explainAnalyze(database.db, claimDueMailsStatement(now, lease, BATCH).compile(database.db));
  }

  it("reads the batch from the due index once, and no claimed row again", async () => {
    // Half the outbox claimed by earlier rounds (leases not over), oldest first as a dispatcher would.
    for (let claimed = 0; claimed < MAILS / 2; claimed += 500) {
      expect(await claimDueMails(database.db, now, lease, 500)).toHaveLength(500);
    }
    const plan = await explainClaim();
    const dueScans = plan.filter((node) => node["Relation Name"] === "mail_outbox" && node["Index Name"]);
    const dueScan = dueScans.find((node) => node["Index Name"] === "mail_outbox_due_idx");
    expect(dueScan, JSON.stringify(plan.map((n) => [n["Node Type"], n["Index Name"]]))).toBeDefined();
    expect(dueScan!["Actual Loops"]).toBe(1);
    expect(dueScan!["Actual Rows"]).toBe(BATCH);
    expect(dueScan!["Rows Removed by Filter"] ?? 0).toBe(0);
    expect(
      plan.some((node) => node["Node Type"] === "Seq Scan" && node["Relation Name"] === "mail_outbox"),
    ).toBe(false);
  }, 120_000);

  it("claims each due mail once, and gives a claim back when its lease is over", async () => {
    const later = new Date(lease.getTime() + 1);
    const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ${now}::timestamptz`.execute(
      database.db,
    );
    const ids = new Set<string>();
    for (;;) {
      const batch = await claimDueMails(database.db, now, lease, 700);
      if (batch.length === 0) break;
      for (const mail of batch) ids.add(mail.id);
    }
    expect(ids.size).toBe(rows[0]!.n);
    // Nothing was delivered or marked: after the lease every mail is due again, each once.
    const retaken = await claimDueMails(database.db, later, new Date(later.getTime() + 120_000), MAILS * 2);
    expect(retaken).toHaveLength(MAILS);
    expect(new Set(retaken.map((mail) => mail.id)).size).toBe(MAILS);
    expect(retaken.every((mail) => mail.attempts === 2)).toBe(true);
  }, 120_000);
});
