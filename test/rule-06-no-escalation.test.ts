// Rule 6: an Admin may assign any role and act on any other member. Someone who holds
// members.edit_roles or members.deactivate only through custom roles may assign only roles whose
// permissions are all among their own, and change or (de/re)activate only members whose current
// permissions are all among their own (403 grant_exceeds_own, recorded; nothing changes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 6: no escalation through member changes on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let admin: string;
  let managerRoleId: string;
  let viewerRoleId: string;
  let manager: Awaited<ReturnType<Harness["member"]>>;
  let cookie: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Escalation Co");
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
    const role = async (name: string, permissions: string[]) => {
      const response = await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: { name, permissions },
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id as string;
    };
    // The manager can see transactions and manage members, nothing else.
    managerRoleId = await role("Member Manager", [
      "members.view",
      "members.edit_roles",
      "members.deactivate",
      "transactions.view",
    ]);
    viewerRoleId = await role("Viewer", ["transactions.view"]);
    manager = await h.member(company, []);
    await assign(admin, manager.memberId, [managerRoleId]);
    cookie = await h.login(manager.email);
    await h.elevate(cookie);
  });
  afterAll(() => h?.close());

  const memberUrl = (memberId: string) => `/api/companies/${company.id}/members/${memberId}`;
  async function currentVersion(memberId: string): Promise<number> {
    return (await h.inject(admin, { url: memberUrl(memberId) })).json().version;
  }
  async function assign(as: string, memberId: string, roleIds: string[]) {
    return h.inject(as, {
      method: "PUT",
      url: `${memberUrl(memberId)}/roles`,
      payload: { roleIds, version: await currentVersion(memberId) },
    });
  }
  const post = (as: string, memberId: string, action: "deactivate" | "reactivate") =>
    h.inject(as, { method: "POST", url: `${memberUrl(memberId)}/${action}`, payload: {} });

  it("lets the manager assign roles within their own permissions to a member within them", async () => {
    const target = await h.member(company, ["operations"]);
    const response = await assign(cookie, target.memberId, [viewerRoleId]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().roles).toEqual([{ id: viewerRoleId, key: null, name: "Viewer" }]);
    // A peer holding exactly the manager's permissions is within them too.
    const peer = await h.member(company, []);
    await assign(admin, peer.memberId, [managerRoleId]);
    expect((await assign(cookie, peer.memberId, [company.roleIds.operations])).statusCode).toBe(200);
  });

  it("refuses to assign a role with a permission the manager lacks (Admin, Finance, a wider custom role)", async () => {
    const target = await h.member(company, ["operations"]);
    const cases: [string[], string[]][] = [
      [
        [company.roleIds.admin],
        [
          "account.view",
          "audit.view",
          "company.view",
          "members.invite",
          "roles.manage",
          "security.manage",
          "settlements.view",
        ],
      ],
      [[company.roleIds.finance], ["settlements.download", "settlements.view", "transactions.download"]],
      [
        [company.roleIds.operations, company.roleIds.developer],
        ["developer_center.view", "webhooks.manage"],
      ],
    ];
    for (const [roleIds, beyond] of cases) {
      const response = await assign(cookie, target.memberId, roleIds);
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatchObject({
        code: "grant_exceeds_own",
        details: { permissions: beyond },
      });
    }
    const unchanged = await h.inject(admin, { url: memberUrl(target.memberId) });
    expect(unchanged.json()).toMatchObject({ version: 1, roles: [{ key: "operations" }] });
  });

  it("refuses to change, deactivate or reactivate a member who holds more than the manager", async () => {
    const finance = await h.member(company, ["finance"]);
    const changed = await assign(cookie, finance.memberId, [company.roleIds.operations]);
    expect(changed.statusCode).toBe(403);
    expect(changed.json().error.code).toBe("grant_exceeds_own");
    const deactivated = await post(cookie, finance.memberId, "deactivate");
    expect(deactivated.statusCode).toBe(403);
    expect(deactivated.json().error).toMatchObject({
      code: "grant_exceeds_own",
      details: { permissions: ["settlements.download", "settlements.view", "transactions.download"] },
    });
    // The Admin may; reactivating a Finance member is granting Finance again, so the manager may not.
    expect((await post(admin, finance.memberId, "deactivate")).statusCode).toBe(200);
    expect((await post(cookie, finance.memberId, "reactivate")).json().error.code).toBe("grant_exceeds_own");
    const admins = await h.member(company, ["admin"]);
    expect((await post(cookie, admins.memberId, "deactivate")).json().error.code).toBe("grant_exceeds_own");
    expect((await h.inject(admin, { url: memberUrl(finance.memberId) })).json().status).toBe("deactivated");
  });

  it("lets the manager deactivate and reactivate a member within their permissions", async () => {
    const operations = await h.member(company, ["operations"]);
    expect((await post(cookie, operations.memberId, "deactivate")).json().status).toBe("deactivated");
    expect((await post(cookie, operations.memberId, "reactivate")).json().status).toBe("active");
  });

  it("lets an Admin assign any role to any other member", async () => {
    const target = await h.member(company, ["developer"]);
    const response = await assign(admin, target.memberId, [
      company.roleIds.admin,
      company.roleIds.finance,
      managerRoleId,
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().roles.map((r: { name: string }) => r.name)).toEqual([
      "Admin",
      "Finance",
      "Member Manager",
    ]);
  });

  it("records every refused grant with the permissions beyond the actor's own", async () => {
    const refusals = await h.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("actor_account_id", "=", manager.id)
      .where("outcome", "=", "denied")
      .execute();
    const reasons = refusals.map((e) => e.details.reason);
    expect(reasons.filter((r) => r === "grant_exceeds_own").length).toBeGreaterThanOrEqual(7);
    const admin = refusals.find(
      (e) =>
        e.action === "member.roles_change_refused" &&
        (e.details.requestedRoleIds as string[]).includes(company.roleIds.admin),
    );
    expect(admin?.details.permissionsBeyondOwn).toContain("roles.manage");
  });

  it("uses the manager's permissions as they are now: a narrowed role narrows what they may grant", async () => {
    const target = await h.member(company, ["operations"]);
    const narrowed = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/roles`,
      payload: { name: "Narrow Manager", permissions: ["members.view", "members.edit_roles"] },
    });
    const narrowManager = await h.member(company, []);
    await assign(admin, narrowManager.memberId, [narrowed.json().id]);
    const narrowCookie = await h.login(narrowManager.email);
    await h.elevate(narrowCookie);
    // Operations holds transactions.view, which this manager lacks: neither the target nor the role.
    const response = await assign(narrowCookie, target.memberId, [viewerRoleId]);
    expect(response.json().error.code).toBe("grant_exceeds_own");
    // And without members.deactivate the route itself refuses (rule 1's permission, per request).
    expect((await post(narrowCookie, target.memberId, "deactivate")).json().error).toMatchObject({
      code: "forbidden",
      details: { permission: "members.deactivate" },
    });
  });
});
