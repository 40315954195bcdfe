// SPEC §6.4 and rule 17, member list export: `members.view`, streamed CSV in email order with the
// list's filters, spreadsheet formulas escaped, the download audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertMembers } from "./support/bulk-members.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("SPEC 6.4: member list export on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("streams every member as CSV with the list's filters, formulas escaped, and audits the download", async () => {
    const company = await h.company("Export Co");
    const finance = await h.member(company, ["finance"]);
    const formula = await h.account("formula@example.com", '=HYPERLINK("http://evil","x")');
    await h.db.insertInto("members").values({ company_id: company.id, account_id: formula.id }).execute();
    const gone = await h.member(company, ["operations", "developer"]);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", gone.memberId)
      .execute();
    const cookie = await h.login(company.admin.email);

    const all = await h.inject(cookie, { url: `/api/companies/${company.id}/members/export` });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.headers["content-type"]).toContain("text/csv");
    expect(all.headers["content-disposition"]).toMatch(
      /^attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = all.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe("email,name,status,roles,joined_at,last_active_at");
    expect(lines).toHaveLength(5);
    const emails = lines.slice(1).map((line) => line.split(",")[0]);
    expect(emails).toEqual([...emails].sort());
    const formulaLine = lines.find((line) => line.startsWith("formula@example.com,"));
    expect(formulaLine).toMatch(
      /^formula@example\.com,"'=HYPERLINK\(""http:\/\/evil"",""x""\)",active,,\d{4}-/,
    );
    const goneLine = lines.find((line) => line.startsWith(gone.email));
    expect(goneLine).toContain(",deactivated,Operations; Developer,");

    const filtered = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/export?status=active&role=finance`,
    });
    expect(
      filtered.body
        .trimEnd()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).toEqual([finance.email]);
    const searched = await h.inject(cookie, {
      url: `/api/companies/${company.id}/members/export?email=FORMULA`,
    });
    expect(searched.body.trimEnd().split("\r\n")).toHaveLength(2);

    const audited = await h.db
      .selectFrom("audit_events")
      .select(["actor_account_id", "details"])
      .where("company_id", "=", company.id)
      .where("action", "=", "member.list_exported")
      .execute();
    expect(audited).toHaveLength(3);
    expect(
      audited.map((e) => (e.details as { filters: { status: string | null } }).filters.status),
    ).toContain("active");
    expect(audited[0]?.actor_account_id).toBe(company.admin.id);
  });

  it("streams a large company in batches, and refuses callers without members.view", async () => {
    const company = await h.company("Big Export Co");
    await insertMembers(
      h.db,
      company.id,
      Array.from({ length: 2_100 }, (_, i) => ({
        email: `bulk${String(i).padStart(5, "0")}@example.com`,
        name: `Bulk ${i}`,
        joinedAt: h.clock.now(),
        lastActiveAt: null,
        roleId: company.roleIds.operations,
      })),
    );
    const cookie = await h.login(company.admin.email);
    const response = await h.inject(cookie, { url: `/api/companies/${company.id}/members/export` });
    const lines = response.body.trimEnd().split("\r\n");
    expect(lines).toHaveLength(2_102);
    expect(new Set(lines).size).toBe(2_102);

    const finance = await h.member(company, ["finance"]);
    const refused = await h.inject(await h.login(finance.email), {
      url: `/api/companies/${company.id}/members/export`,
    });
    expect(refused.statusCode).toBe(403);
    const stranger = await h.company("Stranger Export Co");
    const probe = await h.inject(await h.login(stranger.admin.email), {
      url: `/api/companies/${company.id}/members/export`,
    });
    expect(probe.statusCode).toBe(404);
  });
});
