// SPEC §6.4's inactivity job at scale: it runs once a minute on every instance, so it must read the
// members who are due and not the rest. A company of 3,000 recently active members and a few due
// ones: the job's statements read the due ones from the (company, time) indexes and nothing else.
import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimInactivityWarnings,
  inactiveMembers,
  listOverdueMembers,
} from "../server/inactivity/queries.js";
import { INACTIVITY_WARNING_MS } from "../server/inactivity/service.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "./support/databases.js";

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  Plans?: PlanNode[];
};

const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

const ACTIVE = 3_000;
const OLD_ACTIVITY = 4;
const NEVER_ACTIVE_OLD = 3;
const NEVER_ACTIVE_NEW = 50;

describe.each(testDatabaseKinds)("SPEC 6.4: the inactivity job reads only due members on %s", (kind) => {
  let database: TestDatabase;
  const now = new Date("2026-12-04T12:00:00Z");

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const total = ACTIVE + OLD_ACTIVITY + NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW;
    await sql`
      INSERT INTO accounts (email, name, password_hash, created_at, password_changed_at)
      SELECT 'p' || n || '@example.com', 'Person ' || n, 'x', ${now}::timestamptz - interval '2 years',
             ${now}::timestamptz - interval '2 years'
        FROM generate_series(1, ${total}) n`.execute(database.db);
    for (const [i, name] of ["Scale Co"].entries()) {
      await sql`
        INSERT INTO companies (name, legal_name, registration_number, country, merchant_id, contact_email, created_at)
        VALUES (${name}, ${name}, ${`R-${name}`}, 'SG', ${`MS000000000${i + 1}`}, 'c@example.com', ${now}::timestamptz - interval '2 years')`.execute(
        database.db,
      );
    }
    // Members 1..ACTIVE+OLD_ACTIVITY joined two years ago and have activity (the first ACTIVE of it
    // recent); the rest never came: three joined long ago (due), fifty last week (not due).
    await sql`
      INSERT INTO members (company_id, account_id, status, joined_at, email, name)
      SELECT (SELECT id FROM companies WHERE name = 'Scale Co'), a.id, 'active',
             CASE WHEN n > ${ACTIVE + OLD_ACTIVITY + NEVER_ACTIVE_OLD} THEN ${now}::timestamptz - interval '7 days'
                  ELSE ${now}::timestamptz - interval '2 years' END,
             a.email, a.name
        FROM accounts a JOIN generate_series(1, ${total}) n ON a.email = 'p' || n || '@example.com'`.execute(
      database.db,
    );
    await sql`
      INSERT INTO member_activity (member_id, company_id, last_active_at)
      SELECT m.id, m.company_id,
             CASE WHEN n > ${ACTIVE} THEN ${now}::timestamptz - interval '200 days'
                  ELSE ${now}::timestamptz - (n % 60) * interval '1 day' END
        FROM members m JOIN generate_series(1, ${ACTIVE + OLD_ACTIVITY}) n ON m.email = 'p' || n || '@example.com'`.execute(
      database.db,
    );
    await sql`VACUUM ANALYZE`.execute(database.db);
  }, 180_000);
  afterAll(async () => {
    await database?.dispose();
  });

  it("keeps the list of members without activity exact", async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM members_never_active`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW);
  });

  it("reads the due members from the indexes, not every member", async () => {
    const compiled = sql`SELECT * FROM (${inactiveMembers(now, INACTIVITY_WARNING_MS)}) x`.compile(
      database.db,
    );
    // At this size reading whole tables costs the planner as little as the index walks, which it
    // picks at the bench's size (10,000 companies, 1,000,000 members): here it is held to them.
    const result = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      return trx.executeQuery<{ "QUERY PLAN": unknown }>(
        CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
      );
    });
    const cell = result.rows[0]!["QUERY PLAN"];
    const plan = nodes(
      ((typeof cell === "string" ? JSON.parse(cell) : cell) as [{ Plan: PlanNode }])[0].Plan,
    );
    const described = JSON.stringify(
      plan.map((n) => [
        n["Node Type"],
        n["Relation Name"],
        n["Index Name"],
        n["Actual Rows"],
        n["Actual Loops"],
      ]),
    );
    const readFrom = (relation: string) =>
      plan
        .filter((n) => n["Relation Name"] === relation)
        .reduce((sum, n) => sum + n["Actual Rows"] * n["Actual Loops"], 0);
    expect(
      plan.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] !== "company_security_policies"),
      described,
    ).toBe(false);
    expect(readFrom("member_activity"), described).toBe(OLD_ACTIVITY);
    expect(readFrom("members_never_active"), described).toBe(NEVER_ACTIVE_OLD);
  }, 120_000);

  it("warns each due member once, in batches, and a first activity takes a member off the list", async () => {
    const first = await database.db
      .transaction()
      .execute((trx) => claimInactivityWarnings(trx, now, INACTIVITY_WARNING_MS, 5));
    const second = await database.db
      .transaction()
      .execute((trx) => claimInactivityWarnings(trx, now, INACTIVITY_WARNING_MS, 5));
    const third = await database.db
      .transaction()
      .execute((trx) => claimInactivityWarnings(trx, now, INACTIVITY_WARNING_MS, 5));
    expect(first).toHaveLength(5);
    expect(second).toHaveLength(OLD_ACTIVITY + NEVER_ACTIVE_OLD - 5);
    expect(third).toHaveLength(0);
    expect(new Set([...first, ...second].map((w) => w.member_id)).size).toBe(OLD_ACTIVITY + NEVER_ACTIVE_OLD);

    const later = new Date(now.getTime() + INACTIVITY_WARNING_MS + 86_400_000);
    const overdue = await listOverdueMembers(database.db, later, INACTIVITY_WARNING_MS);
    expect(overdue).toHaveLength(OLD_ACTIVITY + NEVER_ACTIVE_OLD);

    // One of the never-active comes back: the activity row takes them off the list, and the job.
    const back = overdue.find((o) =>
      first
        .concat(second)
        .some((w) => w.member_id === o.member_id && w.email.startsWith(`p${ACTIVE + OLD_ACTIVITY + 1}@`)),
    );
    expect(back).toBeDefined();
    await sql`INSERT INTO member_activity (member_id, last_active_at) VALUES (${back!.member_id}, ${later}::timestamptz)`.execute(
      database.db,
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM members_never_active`.execute(
      database.db,
    );
    expect(rows[0]!.n).toBe(NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW - 1);
    const after = await listOverdueMembers(database.db, later, INACTIVITY_WARNING_MS);
    expect(after.map((o) => o.member_id)).not.toContain(back!.member_id);
    expect(after).toHaveLength(OLD_ACTIVITY + NEVER_ACTIVE_OLD - 1);
  }, 120_000);
});
