// The member list filtered by a role, and sorted by last activity, in a large company among many small
// ones (SPEC §3, §6.7). The server prepares its statements, and PostgreSQL then plans them once for any
// company, costed for the average one: a few members. So planned, a role's page joined the role's
// holders to the whole company and sorted it, and the last-active order hashed the company's members
// and activity (87 to 396 ms of the bench's 100,000 members for one page). A page must read about one
// page of members however the statement is planned: a walk of the order testing each member, or a
// few holders gathered by key (with a status too, when the role has fewer holders than the status
// has members).
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMemberPage, type MemberListQuery } from "../server/members/service.js";
import { insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyzeGeneric, recordingStatements, rowsRead } from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";

const SIZE = 3_000;
const NARROW = 20;
const SMALL_COMPANIES = 1_500;
// Rows of the member tables a page's statement may read: a page of 21 walked through a role held by
// half the company, with each member's role tested, is about 150; the whole company is 3,000 or more.
const READ_AT_MOST = 400;
const DAY = 24 * 60 * 60_000;

describe.each(testDatabaseKinds)(
  "the member list's role filter and last-active order at scale on %s",
  (kind) => {
    let h: Harness;
    let companyId: string;
    const roles = { wide: "", narrow: "", other: "" };

    beforeAll(async () => {
      h = await createHarness(kind);
      const co = await h.company("Many Members Co");
      companyId = co.id;
      for (const name of ["wide", "narrow", "other"] as const) {
        const row = await sql<{ id: string }>`
        INSERT INTO roles (company_id, name) VALUES (${companyId}, ${`Role ${name}`}) RETURNING id`.execute(
          h.db,
        );
        roles[name] = row.rows[0]?.id as string;
      }
      const tag = randomUUID().slice(0, 8);
      const now = h.clock.now().getTime();
      // Half the company holds `wide`, spread through every order; NARROW hold `narrow`; the rest `other`.
      // One in ten never signed in.
      await insertMembers(
        h.db,
        companyId,
        Array.from({ length: SIZE }, (_, i) => ({
          email: `person${String(i).padStart(5, "0")}.${tag}@example.com`,
          name: `Person ${(i * 7919) % SIZE}`,
          joinedAt: new Date(now - ((i * 104_729) % 700) * DAY),
          lastActiveAt: i % 10 === 9 ? null : new Date(now - ((i * 15_485_863) % 90_000) * 60_000),
          roleId: i % 2 === 0 ? roles.wide : i % (SIZE / NARROW) === 1 ? roles.narrow : roles.other,
        })),
      );
      // Many small companies, as in production: a plan made for any company expects a few members.
      await sql`
      INSERT INTO companies (name, legal_name, merchant_id)
      SELECT 'Small ' || i, 'Small ' || i, 'small-' || ${tag} || '-' || i FROM generate_series(1, ${SMALL_COMPANIES}::int) i`.execute(
        h.db,
      );
      await sql`
      INSERT INTO accounts (email, name, password_hash)
      SELECT 'small' || i || '.' || ${tag} || '@example.org', 'Small ' || i, 'no password'
        FROM generate_series(1, ${SMALL_COMPANIES}::int) i`.execute(h.db);
      await sql`
      INSERT INTO members (company_id, account_id)
      SELECT c.id, a.id FROM companies c
        JOIN accounts a ON a.email = 'small' || substr(c.merchant_id, length(${`small-${tag}-`}) + 1) || '.' || ${tag} || '@example.org'
       WHERE c.merchant_id LIKE ${`small-${tag}-%`}`.execute(h.db);
      // Each with a role of its own, held by its one member: a plan made for any role expects a few holders.
      await sql`
      INSERT INTO roles (company_id, name)
      SELECT id, 'Small role' FROM companies WHERE merchant_id LIKE ${`small-${tag}-%`}`.execute(h.db);
      await sql`
      INSERT INTO member_roles (company_id, member_id, role_id)
      SELECT m.company_id, m.id, r.id FROM companies c JOIN members m ON m.company_id = c.id
        JOIN roles r ON r.company_id = c.id
       WHERE c.merchant_id LIKE ${`small-${tag}-%`}`.execute(h.db);
      await sql`ANALYZE members`.execute(h.db);
      await sql`ANALYZE member_roles`.execute(h.db);
      await sql`ANALYZE member_activity`.execute(h.db);
    }, 180_000);
    afterAll(() => h?.close());

    /** The first page's member ids, as a plain read of every member of the company finds them. */
    async function expectedIds(roleId: string | undefined, query: MemberListQuery): Promise<string[]> {
      const rows = await sql<{ id: string }>`
      SELECT m.id FROM members m LEFT JOIN member_activity ma ON ma.member_id = m.id
       WHERE m.company_id = ${companyId}
         AND (${roleId ?? null}::uuid IS NULL
              OR EXISTS (SELECT 1 FROM member_roles mr WHERE mr.member_id = m.id AND mr.role_id = ${roleId ?? null}))
         AND (${query.status ?? null}::text IS NULL OR m.status = ${query.status ?? null})
       ORDER BY ${
         query.sort === "lastActiveAt"
           ? sql`ma.last_active_at`
           : query.sort === "joinedAt"
             ? sql`m.joined_at`
             : query.sort === "name"
               ? sql`lower(m.name)`
               : sql`m.email COLLATE "C"`
       } ${query.order === "desc" ? sql`DESC` : sql`ASC`} NULLS LAST,
       m.id ${query.order === "desc" ? sql`DESC` : sql`ASC`}
       LIMIT ${query.limit ?? 20}`.execute(h.db);
      return rows.rows.map((row) => row.id);
    }

    const cases: [string, keyof typeof roles | null, MemberListQuery][] = [
      ["a role held by half the company, in email order", "wide", {}],
      ["a role held by half the company, in name order", "wide", { sort: "name" }],
      [
        "a role held by half the company, most recently active first",
        "wide",
        { sort: "lastActiveAt", order: "desc" },
      ],
      ["a role of a few, in email order", "narrow", {}],
      ["a role of a few, in joining order", "narrow", { sort: "joinedAt" }],
      ["a role of a few, least recently active first", "narrow", { sort: "lastActiveAt" }],
      ["a role of a few, its active members", "narrow", { status: "active" }],
      ["a role of a few, its active members by name", "narrow", { status: "active", sort: "name" }],
      ["everyone, most recently active first", null, { sort: "lastActiveAt", order: "desc" }],
      ["everyone, least recently active first", null, { sort: "lastActiveAt" }],
    ];

    it.each(cases)(
      "reads about one page for %s, however the statement is planned",
      async (_, role, partial) => {
        const query: MemberListQuery = { ...partial, ...(role ? { role: roles[role] } : {}) };
        const { db: recorded, sent } = recordingStatements(h.db);
        const page = await listMemberPage(recorded, companyId, query);
        expect(page.items.map((item) => item.id)).toEqual(
          await expectedIds(role ? roles[role] : undefined, query),
        );
        expect(sent.length).toBeGreaterThan(0);
        for (const statement of sent) {
          const plan = await explainAnalyzeGeneric(h.db, statement);
          const read = rowsRead(plan, (name) =>
            ["members", "member_roles", "member_activity"].includes(name),
          );
          expect(read, `${statement.sql}\n${describePlan(plan)}`).toBeLessThanOrEqual(READ_AT_MOST);
        }
      },
    );
  },
);
