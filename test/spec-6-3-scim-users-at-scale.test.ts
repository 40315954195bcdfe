// SPEC 6.3: an identity provider reads a large company's users through SCIM. An import pages through
// every user (startIndex and count, RFC 7644 §3.4.2.4), and a sync looks each user up by userName or
// externalId before changing it. Each page gets the columns and roles of its own users only, however
// deep its offset; the whole list is counted from the company's counters; a lookup by externalId
// reads its index (migration 050). Counted in the plans, not timed.
import { type CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/app.js";
import { insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import {
  describePlan,
  explainAnalyze,
  type PlanNode,
  recordingStatements,
  rowsRead,
} from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";
import { SCIM_JSON, scimToken } from "./support/scim.js";

const MEMBERS = 3_000;
const COUNT = 100;

describe.each(testDatabaseKinds)("SPEC 6.3: SCIM users of a large company on %s", (kind) => {
  let h: Harness;
  let recorded: App;
  let companyId: string;
  let token: string;
  let sent: CompiledQuery[] = [];

  beforeAll(async () => {
    h = await createHarness(kind);
    const recording = recordingStatements(h.db);
    sent = recording.sent;
    recorded = await h.anotherInstance(recording.db);
    const company = await h.company("SCIM Scale Co");
    companyId = company.id;
    const tag = company.id.slice(0, 6);
    const ids = await insertMembers(
      h.db,
      company.id,
      Array.from({ length: MEMBERS }, (_, n) => ({
        email: `u${n}.${tag}@scale.example`,
        name: `User ${n}`,
        joinedAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(n / 3) * 60_000),
        lastActiveAt: null,
        roleId: n % 2 === 0 ? company.roleIds.finance : company.roleIds.operations,
      })),
    );
    await sql`UPDATE members SET scim_external_id = 'idp-' || id WHERE id = ANY(${ids.slice(0, 50)}::uuid[])`.execute(
      h.db,
    );
    await sql`VACUUM ANALYZE members`.execute(h.db);
    token = await scimToken(h.db, company.id, "Scale IdP", h.clock.now());
  }, 120_000);
  afterAll(() => h?.close());

  async function users(query: string) {
    sent.length = 0;
    const response = await recorded.inject({
      method: "GET",
      url: `/scim/v2/Users?${query}`,
      headers: { authorization: `Bearer ${token}`, accept: SCIM_JSON },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { totalResults: number; Resources: { id: string; groups?: unknown[] }[] };
  }

  const readOf = (plan: PlanNode[], relation: string) => rowsRead(plan, (name) => name === relation);

  async function plansOf(statements: CompiledQuery[]) {
    return Promise.all(
      statements.map(async (statement) => ({
        sql: statement.sql,
        plan: await explainAnalyze(h.db, statement),
      })),
    );
  }

  it("pages through every user in joining order, each page with the whole list's count", async () => {
    const all = await sql<{ id: string }>`
      SELECT id FROM members WHERE company_id = ${companyId} ORDER BY joined_at, id`.execute(h.db);
    const seen: string[] = [];
    for (let start = 1; start <= all.rows.length; start += COUNT) {
      const page = await users(`startIndex=${start}&count=${COUNT}`);
      expect(page.totalResults).toBe(MEMBERS + 1);
      seen.push(...page.Resources.map((user) => user.id));
    }
    expect(seen).toEqual(all.rows.map((row) => row.id));
  }, 60_000);

  it("gives a deep page's columns and roles to its own users only, and counts from the counters", async () => {
    const page = await users(`startIndex=${MEMBERS - 2 * COUNT}&count=${COUNT}`);
    expect(page.Resources).toHaveLength(COUNT);
    expect(page.Resources.every((user) => (user.groups ?? []).length === 1)).toBe(true);
    const statements = sent.filter((statement) => /\bmembers\b|member_counts/.test(statement.sql));
    for (const { sql: text, plan } of await plansOf(statements)) {
      const described = `${text}\n${describePlan(plan)}`;
      expect(readOf(plan, "accounts"), described).toBe(0);
      // The roles of the page's users only, not of every user the offset skips.
      expect(readOf(plan, "member_roles"), described).toBeLessThanOrEqual(COUNT);
      if (text.includes("member_counts")) expect(readOf(plan, "members"), described).toBe(0);
    }
  });

  it("finds a user by externalId through its index", async () => {
    const [member] = (
      await sql<{ id: string; scim_external_id: string }>`
        SELECT id, scim_external_id FROM members WHERE company_id = ${companyId} AND scim_external_id IS NOT NULL
         ORDER BY scim_external_id DESC LIMIT 1`.execute(h.db)
    ).rows;
    const found = await users(`filter=${encodeURIComponent(`externalId eq "${member?.scim_external_id}"`)}`);
    expect(found).toMatchObject({ totalResults: 1, Resources: [{ id: member?.id }] });
    const statements = sent.filter((statement) => statement.sql.includes("scim_external_id ="));
    expect(statements).toHaveLength(2);
    for (const { sql: text, plan } of await plansOf(statements)) {
      expect(readOf(plan, "members"), `${text}\n${describePlan(plan)}`).toBeLessThanOrEqual(2);
    }
  });
});
