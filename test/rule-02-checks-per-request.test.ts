// Rule 2: permission checks run on the server on every request; a change of roles takes effect
// on the affected member's very next request, with no cached permissions in the session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 2: permissions are checked per request on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("a demoted admin loses company info on the next request of every open session", async () => {
    const company = await h.company("Demote Co");
    const member = await h.member(company, ["admin"]);
    const first = await h.login(member.email);
    const second = await h.login(member.email);
    expect((await h.inject(first, { url: `/api/companies/${company.id}` })).statusCode).toBe(200);
    await h.db
      .updateTable("member_roles")
      .set({ role_id: company.roleIds.operations })
      .where("member_id", "=", member.memberId)
      .execute();
    for (const cookie of [first, second]) {
      const response = await h.inject(cookie, { url: `/api/companies/${company.id}` });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatchObject({
        code: "forbidden",
        details: { permission: "company.view" },
      });
    }
    const me = await h.inject(first, { url: "/api/me" });
    expect(me.json().memberships[0].permissions).toEqual(["transactions.view"]);
  });

  it("a promoted member gains access on the next request", async () => {
    const company = await h.company("Promote Co");
    const member = await h.member(company, ["developer"]);
    const cookie = await h.login(member.email);
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/account` })).statusCode).toBe(403);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: member.memberId, role_id: company.roleIds.admin })
      .execute();
    expect((await h.inject(cookie, { url: `/api/companies/${company.id}/account` })).statusCode).toBe(200);
  });

  it("gives a member with several roles the union of their permissions", async () => {
    const company = await h.company("Union Co");
    const member = await h.member(company, ["finance", "developer"]);
    const cookie = await h.login(member.email);
    const me = await h.inject(cookie, { url: "/api/me" });
    expect(me.json().memberships[0].permissions).toEqual([
      "developer_center.view",
      "settlements.download",
      "settlements.view",
      "transactions.download",
      "transactions.view",
      "webhooks.manage",
    ]);
  });
});
