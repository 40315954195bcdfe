// SPEC §6.4's inactivity job at scale: it runs once a minute on every instance, so it must read the
// members who are due and not the rest. A company of 3,000 recently active members, a few due ones,
// and hundreds deactivated long ago (as the job leaves them, month after month): the job's
// statements read the due ones from the indexes of active members by time, and nothing else.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimInactivityWarnings,
  inactiveMembers,
  listOverdueMembers,
} from "../server/inactivity/queries.js";
import { INACTIVITY_WARNING_MS } from "../server/inactivity/service.js";
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyze } from "./support/explain.js";

const ACTIVE = 3_000;
const OLD_ACTIVITY = 4;
const NEVER_ACTIVE_OLD = 3;
const NEVER_ACTIVE_NEW = 50;
const DEACTIVATED_OLD_ACTIVITY = 300;
const DEACTIVATED_NEVER_ACTIVE = 200;

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
    // Deactivated long ago, inactive far past the limit: out of the job's reach, in both lists.
    const deactivated = DEACTIVATED_OLD_ACTIVITY + DEACTIVATED_NEVER_ACTIVE;
    await sql`
      INSERT INTO accounts (email, name, password_hash, created_at, password_changed_at)
      SELECT 'd' || n || '@example.com', 'Gone ' || n, 'x', ${now}::timestamptz - interval '2 years',
             ${now}::timestamptz - interval '2 years'
        FROM generate_series(1, ${deactivated}) n`.execute(database.db);
    await sql`
      INSERT INTO members (company_id, account_id, status, joined_at, deactivated_at, email, name)
      SELECT (SELECT id FROM companies WHERE name = 'Scale Co'), a.id, 'deactivated',
             ${now}::timestamptz - interval '2 years', ${now}::timestamptz - interval '100 days', a.email, a.name
        FROM accounts a WHERE a.email LIKE 'd%@example.com'`.execute(database.db);
    await sql`
      INSERT INTO member_activity (member_id, company_id, last_active_at)
      SELECT m.id, m.company_id, ${now}::timestamptz - interval '300 days'
        FROM members m JOIN generate_series(1, ${DEACTIVATED_OLD_ACTIVITY}) n ON m.email = 'd' || n || '@example.com'`.execute(
      database.db,
    );
    await sql`VACUUM ANALYZE`.execute(database.db);
  }, 180_000);
  afterAll(async () => {
    await database?.dispose();
  });

  it("keeps the list of members without activity exact, each marked active or not", async () => {
    const { rows } = await sql<{ n: number; active: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE member_active)::int AS active
        FROM members_never_active`.execute(database.db);
    expect(rows[0]).toEqual({
      n: NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW + DEACTIVATED_NEVER_ACTIVE,
      active: NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW,
    });
    const activity = await sql<{ inactive: number }>`
      SELECT count(*) FILTER (WHERE NOT member_active)::int AS inactive FROM member_activity`.execute(
      database.db,
    );
    expect(activity.rows[0]!.inactive).toBe(DEACTIVATED_OLD_ACTIVITY);
  });

  /** The rows the job's read of due members takes from each table, its plan held to indexes. */
  async function rowsReadByDueMembers(): Promise<{
    described: string;
    readFrom: (relation: string) => number;
  }> {
    const compiled = sql`SELECT * FROM (${inactiveMembers(now, INACTIVITY_WARNING_MS)}) x`.compile(
      database.db,
    );
    // At this size reading whole tables costs the planner as little as the index walks, which it
    // picks at the bench's size (10,000 companies, 1,000,000 members): here it is held to them.
    const plan = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      return explainAnalyze(trx, compiled);
    });
    const described = describePlan(plan);
    const readFrom = (relation: string) =>
      plan
        .filter((n) => n["Relation Name"] === relation)
        .reduce((sum, n) => sum + n["Actual Rows"] * n["Actual Loops"], 0);
    expect(
      plan.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] !== "company_security_policies"),
      described,
    ).toBe(false);
    return { described, readFrom };
  }

  it("reads the due members from the indexes, not every member nor those deactivated long ago", async () => {
    const { described, readFrom } = await rowsReadByDueMembers();
    expect(readFrom("member_activity"), described).toBe(OLD_ACTIVITY);
    expect(readFrom("members_never_active"), described).toBe(NEVER_ACTIVE_OLD);
    // Each due member's row is looked up by id, once: not every member of the company.
    expect(readFrom("members"), described).toBe(OLD_ACTIVITY + NEVER_ACTIVE_OLD);
  }, 120_000);

  it("leaves a member out of its reads once deactivated, and reads them again once reactivated", async () => {
    const { rows } = await sql<{ id: string }>`
      SELECT m.id FROM members m JOIN member_activity ma ON ma.member_id = m.id
       WHERE m.status = 'active' AND ma.last_active_at < ${now}::timestamptz - interval '100 days'
       UNION ALL
      (SELECT n.member_id FROM members_never_active n WHERE n.member_active AND n.joined_at < ${now}::timestamptz - interval '1 year'
        LIMIT 1)
       ORDER BY 1`.execute(database.db);
    expect(rows).toHaveLength(OLD_ACTIVITY + 1);
    const ids = rows.map((row) => row.id);
    await sql`UPDATE members SET status = 'deactivated', deactivated_at = ${now}::timestamptz
               WHERE id = ANY(${ids}::uuid[])`.execute(database.db);
    const gone = await rowsReadByDueMembers();
    expect(gone.readFrom("member_activity"), gone.described).toBe(0);
    expect(gone.readFrom("members_never_active"), gone.described).toBe(NEVER_ACTIVE_OLD - 1);
    const due = await sql<{ id: string }>`SELECT x.id FROM (${inactiveMembers(now, 0)}) x`.execute(
      database.db,
    );
    expect(due.rows.map((d) => d.id)).not.toContain(ids[0]);

    await sql`UPDATE members SET status = 'active', deactivated_at = NULL WHERE id = ANY(${ids}::uuid[])`.execute(
      database.db,
    );
    const back = await rowsReadByDueMembers();
    expect(back.readFrom("member_activity"), back.described).toBe(OLD_ACTIVITY);
    expect(back.readFrom("members_never_active"), back.described).toBe(NEVER_ACTIVE_OLD);
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
    expect(rows[0]!.n).toBe(NEVER_ACTIVE_OLD + NEVER_ACTIVE_NEW + DEACTIVATED_NEVER_ACTIVE - 1);
    const after = await listOverdueMembers(database.db, later, INACTIVITY_WARNING_MS);
    expect(after.map((o) => o.member_id)).not.toContain(back!.member_id);
    expect(after).toHaveLength(OLD_ACTIVITY + NEVER_ACTIVE_OLD - 1);
  }, 120_000);
});
