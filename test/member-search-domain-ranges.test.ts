// A search for a domain reads each of the company's domains containing the term as a range of the
// domain index (migration 044), wherever its members sit in the email order. Here they sit after
// every other member, as a domain that goes with the names sorting last: without the domain part,
// the page gathered all of them through the trigram index, or walked the email order up to them.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMemberPage } from "../server/members/service.js";
import { type BulkMember, insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { describePlan, explainAnalyze, recordingStatements } from "./support/explain.js";
import { createHarness, type Harness } from "./support/harness.js";

const OTHERS = 3_000;
const DEEP = 400;
const PAGE = 20;

describe.each(testDatabaseKinds)("member search for a domain on %s", (kind) => {
  let h: Harness;
  let companyId: string;
  let deep: string[];

  beforeAll(async () => {
    h = await createHarness(kind);
    const co = await h.company("Deep Domain Co");
    companyId = co.id;
    const tag = co.id.slice(0, 6);
    const person = (email: string): BulkMember => ({
      email,
      name: `Person ${email}`,
      joinedAt: new Date("2026-01-01T00:00:00Z"),
      lastActiveAt: null,
      roleId: co.roleIds.operations,
    });
    deep = Array.from({ length: DEEP }, (_, n) => `zz${n}.${tag}@deep.example`);
    await insertMembers(h.db, companyId, [
      ...Array.from({ length: OTHERS }, (_, n) => person(`a${n}.${tag}@main.example`)),
      ...deep.map(person),
    ]);
    await sql`ANALYZE members`.execute(h.db);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("reads the domain's members as a range of the domain index, not the email order up to them", async () => {
    const { db: recorded, sent } = recordingStatements(h.db);
    const page = await listMemberPage(recorded, companyId, { email: "deep", limit: PAGE });
    const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    expect(page.items.map((item) => item.email)).toEqual([...deep].sort(byteOrder).slice(0, PAGE));
    expect(page).toMatchObject({ total: DEEP, totalExact: true });

    const statement = sent.find((query) => query.sql.includes("WITH page AS"));
    expect(statement).toBeDefined();
    const plan = await explainAnalyze(h.db, statement!);
    const described = describePlan(plan);
    // The page's part of the domain: one page of the range (the count beside it reads its own).
    const ranges = plan.filter(
      (n) => n["Index Name"] === "members_company_domain_email_idx" && n["Actual Rows"] <= PAGE + 1,
    );
    expect(ranges.length, described).toBeGreaterThan(0);
    // Nothing walks the members sorting before the domain's, nor gathers all of the domain's but
    // the count, which stops at the domain's members.
    for (const node of plan.filter((n) => n["Relation Name"] === "members")) {
      expect(node["Actual Rows"] * node["Actual Loops"], described).toBeLessThanOrEqual(DEEP);
    }
  });
});
