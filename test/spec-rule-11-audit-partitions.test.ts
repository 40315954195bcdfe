// Rule 11 at scale: audit_events is partitioned by month (migration 021). Events land in their
// month's partition, or in DEFAULT when it has none and are still listed; making a month's
// partition moves its events out of DEFAULT without losing one; making partitions is idempotent
// and safe when instances race; retention drops whole months past its age, audited, never the
// current month or DEFAULT; no partition lets an event be updated, deleted or truncated; and the
// configuration refuses a retention below 12 months.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonthPartition, listAuditPartitions } from "../server/audit/partition-queries.js";
import {
  dropExpiredAuditPartitions,
  ensureAuditPartitions,
  monthsPastRetention,
} from "../server/audit/partitions.js";
import { recordAudit } from "../server/audit/writer.js";
import { ConfigError, loadConfig } from "../server/config.js";
import { listMigrations, migrate } from "../server/db/migrate.js";
import { openTestDatabase, testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const meta = { ip: null, userAgent: null, requestId: null };

describe("rule 11: audit retention is configured in whole months, at least 12", () => {
  it("defaults to 13 months and refuses fewer than 12", () => {
    expect(loadConfig({}).auditRetentionMonths).toBe(13);
    expect(loadConfig({ AUDIT_RETENTION_MONTHS: "12" }).auditRetentionMonths).toBe(12);
    expect(loadConfig({ AUDIT_RETENTION_MONTHS: "36" }).auditRetentionMonths).toBe(36);
    for (const value of ["11", "0", "-1", "12.5", "twelve"]) {
      let problems: string[] = [];
      try {
        loadConfig({ AUDIT_RETENTION_MONTHS: value });
      } catch (error) {
        if (error instanceof ConfigError) problems = error.problems;
      }
      expect(problems, value).toEqual([expect.stringMatching(/^AUDIT_RETENTION_MONTHS .*from 12/)]);
    }
  });

  it("never counts the current month or DEFAULT as past retention", () => {
    const now = new Date("2026-03-31T23:59:59Z");
    const partitions = ["audit_events_default", "audit_events_y2026m03", "audit_events_y2026m04"];
    expect(monthsPastRetention(partitions, now, 12)).toEqual([]);
    expect(
      monthsPastRetention(["audit_events_y2025m02", "audit_events_y2025m03"], now, 12).map((m) =>
        m.toISOString(),
      ),
    ).toEqual(["2025-02-01T00:00:00.000Z"]);
  });
});

describe.each(testDatabaseKinds)("rule 11: audit_events partitioned by month on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function record(at: string, companyId: string | null = null, action = "audit.exported") {
    await recordAudit(h.db, {
      action: action as "audit.exported",
      outcome: "success",
      companyId,
      details: { at },
      meta,
      at: new Date(at),
    });
  }

  async function partitionOf(at: string): Promise<string[]> {
    const result = await sql<{ partition: string }>`
      SELECT tableoid::regclass::text AS partition FROM audit_events
       WHERE details->>'at' = ${at}`.execute(h.db);
    return result.rows.map((row) => row.partition);
  }

  async function totalEvents(): Promise<number> {
    const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`.execute(h.db);
    return result.rows[0]?.n ?? -1;
  }

  it("creates the current and next months' partitions, and each event lands in its month's", async () => {
    const now = h.clock.now(); // 2026-03-02
    expect(await ensureAuditPartitions(h.db, now)).toEqual(["2026-03", "2026-04"]);
    await record("2026-03-01T00:00:00.000Z");
    await record("2026-03-31T23:59:59.999Z");
    await record("2026-04-01T00:00:00.000Z");
    expect(await partitionOf("2026-03-01T00:00:00.000Z")).toEqual(["audit_events_y2026m03"]);
    expect(await partitionOf("2026-03-31T23:59:59.999Z")).toEqual(["audit_events_y2026m03"]);
    expect(await partitionOf("2026-04-01T00:00:00.000Z")).toEqual(["audit_events_y2026m04"]);
  });

  it("puts an event of a month without a partition in DEFAULT, and the audit log still lists it", async () => {
    const company = await h.company("Default Partition Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    await record("2026-07-10T12:00:00.000Z", company.id);
    expect(await partitionOf("2026-07-10T12:00:00.000Z")).toEqual(["audit_events_default"]);
    const response = await h.inject(cookie, {
      url: `/api/companies/${company.id}/audit-events?action=audit.exported`,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().items.map((item: { occurredAt: string }) => item.occurredAt)).toEqual([
      "2026-07-10T12:00:00.000Z",
    ]);
  });

  it("moves a month's events out of DEFAULT into its new partition, losing none", async () => {
    const before = await totalEvents();
    const idsBefore = await sql<{ id: string }>`
      SELECT id FROM audit_events WHERE occurred_at >= '2026-07-01Z' ORDER BY id`.execute(h.db);
    expect(await ensureAuditPartitions(h.db, h.clock.now())).toEqual(["2026-07"]);
    expect(await partitionOf("2026-07-10T12:00:00.000Z")).toEqual(["audit_events_y2026m07"]);
    const idsAfter = await sql<{ id: string }>`
      SELECT id FROM audit_events WHERE occurred_at >= '2026-07-01Z' ORDER BY id`.execute(h.db);
    expect(idsAfter.rows).toEqual(idsBefore.rows);
    expect(await totalEvents()).toBe(before);
    const inDefault = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_events_default WHERE occurred_at >= '2026-07-01Z'`.execute(h.db);
    expect(inDefault.rows[0]?.n).toBe(0);
    // DEFAULT is attached again, append-only as before.
    expect(await listAuditPartitions(h.db)).toContain("audit_events_default");
    await record("2027-01-05T00:00:00.000Z");
    expect(await partitionOf("2027-01-05T00:00:00.000Z")).toEqual(["audit_events_default"]);
    await expect(sql`DELETE FROM audit_events_default`.execute(h.db)).rejects.toThrow(/append-only/);
  });

  it("creates partitions idempotently, and instances racing to create them all succeed", async () => {
    const now = new Date("2026-09-15T00:00:00Z");
    const results = await Promise.all([
      ensureAuditPartitions(h.db, now),
      ensureAuditPartitions(h.db, now),
      ensureAuditPartitions(h.db, now),
    ]);
    // Each month is created once, by whichever instance came first; 2027-01 was waiting in DEFAULT.
    expect(results.flat().sort()).toEqual(["2026-09", "2026-10", "2027-01"]);
    expect(await ensureAuditPartitions(h.db, now)).toEqual([]);
    expect(await createMonthPartition(h.db, new Date("2026-09-01T00:00:00Z"))).toBe(false);
    expect(await partitionOf("2027-01-05T00:00:00.000Z")).toEqual(["audit_events_y2027m01"]);
  });

  it("refuses to update, delete or truncate events in any partition", async () => {
    await record("2028-02-01T00:00:00.000Z");
    expect(await partitionOf("2028-02-01T00:00:00.000Z")).toEqual(["audit_events_default"]);
    for (const partition of ["audit_events_y2026m03", "audit_events_y2026m07", "audit_events_default"]) {
      await expect(
        sql`UPDATE ${sql.table(partition)} SET action = 'test.changed'`.execute(h.db),
      ).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM ${sql.table(partition)}`.execute(h.db)).rejects.toThrow(/append-only/);
      await expect(sql`TRUNCATE ${sql.table(partition)}`.execute(h.db)).rejects.toThrow(/append-only/);
    }
    await expect(sql`TRUNCATE audit_events`.execute(h.db)).rejects.toThrow(/append-only/);
    for (const at of ["2026-03-01T00:00:00.000Z", "2026-07-10T12:00:00.000Z", "2028-02-01T00:00:00.000Z"]) {
      expect(await partitionOf(at)).toHaveLength(1);
    }
  });

  it("drops exactly the months past retention, whole and audited, and no others", async () => {
    for (const month of ["2024-12", "2025-01", "2025-02", "2025-03"]) {
      await createMonthPartition(h.db, new Date(`${month}-01T00:00:00Z`));
      await record(`${month}-15T00:00:00.000Z`);
    }
    await record("2025-01-31T23:59:59.999Z");
    await record("2025-02-01T00:00:00.000Z");
    const before = await totalEvents();
    const now = h.clock.now(); // 2026-03-02: with 13 months, what ended by 2025-02-01 may go.
    await expect(dropExpiredAuditPartitions(h.db, now, 11)).rejects.toThrow(/12 months/);
    expect(await dropExpiredAuditPartitions(h.db, now, 13)).toEqual(["2024-12", "2025-01"]);
    const partitions = await listAuditPartitions(h.db);
    expect(partitions).not.toContain("audit_events_y2024m12");
    expect(partitions).not.toContain("audit_events_y2025m01");
    expect(partitions).toEqual(
      expect.arrayContaining([
        "audit_events_default",
        "audit_events_y2025m02",
        "audit_events_y2025m03",
        "audit_events_y2026m03",
        "audit_events_y2026m04",
      ]),
    );
    expect(await partitionOf("2025-02-01T00:00:00.000Z")).toEqual(["audit_events_y2025m02"]);
    expect(await partitionOf("2025-01-31T23:59:59.999Z")).toEqual([]);
    // Three events went with their months, two were written saying so.
    expect(await totalEvents()).toBe(before - 3 + 2);
    const audited = await h.db
      .selectFrom("audit_events")
      .select(["details", "company_id", "actor_account_id", "outcome"])
      .where("action", "=", "audit.partition_dropped")
      .orderBy("details")
      .execute();
    expect(audited).toEqual([
      {
        details: { month: "2024-12", retentionMonths: 13 },
        company_id: null,
        actor_account_id: null,
        outcome: "success",
      },
      {
        details: { month: "2025-01", retentionMonths: 13 },
        company_id: null,
        actor_account_id: null,
        outcome: "success",
      },
    ]);
    expect(await dropExpiredAuditPartitions(h.db, now, 13)).toEqual([]);
    // Far in the future with the least retention, the current month and DEFAULT stay.
    const later = new Date("2031-06-10T00:00:00Z");
    await ensureAuditPartitions(h.db, later);
    await dropExpiredAuditPartitions(h.db, later, 12);
    expect(await listAuditPartitions(h.db)).toEqual([
      "audit_events_default",
      "audit_events_y2031m06",
      "audit_events_y2031m07",
    ]);
  });
});

describe.each(testDatabaseKinds)("rule 11: migration 021 partitions an existing audit log on %s", (kind) => {
  it("keeps every event, each in its month's partition, with the indexes and triggers on all", async () => {
    const database = await openTestDatabase(
      kind,
      listMigrations().filter((migration) => migration.version < 21),
    );
    try {
      await sql`INSERT INTO audit_events (occurred_at, company_id, action, outcome, target_type, target_id, details, ip)
                SELECT timestamptz '2025-11-30 23:59:59.999Z' + n * interval '9 days', gen_random_uuid(),
                       'member.deactivated', 'success', 'account', n::text, jsonb_build_object('n', n), '10.0.0.1'
                  FROM generate_series(0, 9) AS n`.execute(database.db);
      const before = await sql`SELECT * FROM audit_events ORDER BY id`.execute(database.db);
      expect(before.rows).toHaveLength(10);
      await migrate(database);
      const after = await sql`SELECT * FROM audit_events ORDER BY id`.execute(database.db);
      expect(after.rows).toEqual(before.rows);
      const placed = await sql<{ partition: string; n: number }>`
        SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM audit_events
         GROUP BY 1 ORDER BY 1`.execute(database.db);
      expect(placed.rows).toEqual([
        { partition: "audit_events_y2025m11", n: 1 },
        { partition: "audit_events_y2025m12", n: 3 },
        { partition: "audit_events_y2026m01", n: 3 },
        { partition: "audit_events_y2026m02", n: 3 },
      ]);
      const indexes = await sql<{ name: string; kind: string }>`
        SELECT c.relname AS name, c.relkind::text AS kind FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = 'audit_events'::regclass ORDER BY 1`.execute(database.db);
      expect(indexes.rows).toEqual([
        { name: "audit_events_account_target_idx", kind: "I" },
        { name: "audit_events_actor_time_idx", kind: "I" },
        { name: "audit_events_company_action_idx", kind: "I" },
        { name: "audit_events_company_actor_email_idx", kind: "I" },
        { name: "audit_events_company_time_idx", kind: "I" },
        { name: "audit_events_company_unsuccessful_idx", kind: "I" },
        { name: "audit_events_member_target_idx", kind: "I" },
        { name: "audit_events_pkey", kind: "I" },
      ]);
      const key = await sql<{ definition: string }>`
        SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
         WHERE conrelid = 'audit_events'::regclass AND contype = 'p'`.execute(database.db);
      expect(key.rows).toEqual([{ definition: "PRIMARY KEY (id, occurred_at)" }]);
      await expect(sql`DELETE FROM audit_events_y2025m12`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
      for (const partition of ["audit_events_y2025m12", "audit_events_default"]) {
        await expect(sql`TRUNCATE ${sql.table(partition)}`.execute(database.db)).rejects.toThrow(
          /append-only/,
        );
      }
      await expect(sql`UPDATE audit_events SET ip = NULL`.execute(database.db)).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await database.dispose();
    }
  });
});
