// Custom roles (SPEC §3) with rules 6 and 7: predefined roles are immutable, names unique per
// company regardless of case, unknown permissions refused, at most 50 custom roles, deleting a
// role in use refused, every change behind a fresh email verification, and nobody without Admin
// composes a role beyond their own permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../server/access/permissions.js";
import { MAX_CUSTOM_ROLES } from "../server/roles/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("custom roles on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let admin: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Roles Co");
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
  });
  afterAll(() => h.close());

  const roles = (cookie: string, method = "GET", path = "", payload?: unknown) =>
    h.inject(cookie, {
      method,
      url: `/api/companies/${company.id}/roles${path}`,
      ...(payload !== undefined ? { payload } : {}),
    });

  it("lists the five predefined roles with the guide's descriptions and member counts", async () => {
    const response = await roles(admin);
    expect(response.statusCode).toBe(200);
    const items = response.json().items;
    expect(items.slice(0, 5).map((r: { name: string }) => r.name)).toEqual([
      "Admin",
      "Finance",
      "Operations",
      "Developer",
      "Data Analytics",
    ]);
    expect(items[0]).toMatchObject({ key: "admin", isPredefined: true, memberCount: 1 });
    expect(items[1].description).toMatch(/view and download transaction and settlement records/);
    const catalogue = await h.inject(admin, { url: "/api/permissions" });
    expect(catalogue.json().items.map((p: { key: string }) => p.key)).toEqual(PERMISSION_KEYS);
  });

  it("creates, renames, changes and deletes a custom role, auditing before and after", async () => {
    const created = await roles(admin, "POST", "", {
      name: "Refund Desk",
      description: "Handles refunds",
      permissions: ["transactions.view", "settlements.view"],
    });
    expect(created.statusCode).toBe(201);
    const role = created.json();
    expect(role).toMatchObject({ name: "Refund Desk", isPredefined: false, key: null, memberCount: 0 });
    expect(role.permissions).toEqual(["settlements.view", "transactions.view"]);

    const changed = await roles(admin, "PATCH", `/${role.id}`, {
      name: "Refunds",
      permissions: ["transactions.view"],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name: "Refunds", permissions: ["transactions.view"] });

    expect((await roles(admin, "DELETE", `/${role.id}`)).statusCode).toBe(204);
    expect((await roles(admin, "PATCH", `/${role.id}`, { name: "Ghost" })).statusCode).toBe(404);

    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("target_id", "=", role.id)
      .orderBy("occurred_at")
      .execute();
    // The PATCH of the deleted role is refused and recorded, like any role id not of this company.
    expect(events.map((e) => e.action)).toEqual([
      "role.created",
      "role.updated",
      "role.deleted",
      "role.update_refused",
    ]);
    expect(events[3]?.details).toMatchObject({ reason: "not_found" });
    expect(events[1]?.details).toMatchObject({
      before: { permissions: ["settlements.view", "transactions.view"] },
      after: { permissions: ["transactions.view"] },
    });
  });

  it("names a member's roles in the member list as they are now, whoever changed them", async () => {
    const role = (
      await roles(admin, "POST", "", { name: "Chargebacks", permissions: ["transactions.view"] })
    ).json();
    const member = await h.member(company, ["finance"]);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: member.memberId, role_id: role.id })
      .execute();
    const rolesInList = async () => {
      const response = await h.inject(admin, {
        url: `/api/companies/${company.id}/members?email=${encodeURIComponent(member.email)}`,
      });
      return response.json().items[0].roles.map((r: { name: string }) => r.name);
    };
    expect(await rolesInList()).toEqual(["Finance", "Chargebacks"]);
    expect((await roles(admin, "PATCH", `/${role.id}`, { name: "Disputes" })).statusCode).toBe(200);
    expect(await rolesInList()).toEqual(["Finance", "Disputes"]);
    // A change made elsewhere (another instance, an operator) reaches this instance's list too.
    await h.db
      .updateTable("roles")
      .set({ name: "Chargebacks & Disputes" })
      .where("id", "=", role.id)
      .execute();
    expect(await rolesInList()).toEqual(["Finance", "Chargebacks & Disputes"]);
  });

  it("refuses to change or delete a predefined role (409 predefined_role)", async () => {
    for (const [method, payload] of [
      ["PATCH", { name: "Super Admin" }],
      ["DELETE", undefined],
    ] as const) {
      const response = await roles(admin, method, `/${company.roleIds.admin}`, payload);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe("predefined_role");
    }
  });

  it("refuses a taken name whatever its case (409 role_name_taken), including predefined names", async () => {
    await roles(admin, "POST", "", { name: "Auditors", permissions: ["audit.view"] });
    for (const name of ["auditors", "AUDITORS", "admin", "Data analytics"]) {
      const response = await roles(admin, "POST", "", { name, permissions: ["audit.view"] });
      expect(response.statusCode, name).toBe(409);
      expect(response.json().error.code).toBe("role_name_taken");
    }
  });

  it("refuses unknown, duplicate, empty or comma-joined permissions and stray fields with 400", async () => {
    for (const payload of [
      { name: "Bad 1", permissions: ["transactions.delete"] },
      { name: "Bad 2", permissions: ["transactions.view", "transactions.view"] },
      { name: "Bad 3", permissions: [] },
      { name: "Bad 4", permissions: "transactions.view,audit.view" },
      { name: "Bad 5", permissions: ["audit.view"], companyId: company.id },
      { name: "Bad 6", permissions: ["audit.view"], key: "admin" },
      { name: "", permissions: ["audit.view"] },
      { name: "<script>x</script>", permissions: ["audit.view"] },
      { name: "Line\r\nBreak", permissions: ["audit.view"] },
    ]) {
      const response = await roles(admin, "POST", "", payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    }
  });

  it("refuses to delete a role that a member holds (409 role_in_use)", async () => {
    const role = (
      await roles(admin, "POST", "", { name: "Held Role", permissions: ["insights.view"] })
    ).json();
    const member = await h.member(company, []);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: member.memberId, role_id: role.id })
      .execute();
    const response = await roles(admin, "DELETE", `/${role.id}`);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("role_in_use");
    const listed = (await roles(admin)).json().items.find((r: { id: string }) => r.id === role.id);
    expect(listed.memberCount).toBe(1);
    // The count is of active members: a deactivated holder no longer counts, a reactivated one again.
    const countAfter = async (status: "deactivated" | "active") => {
      const deactivatedAt = status === "deactivated" ? h.clock.now() : null;
      await h.db
        .updateTable("members")
        .set({ status, deactivated_at: deactivatedAt })
        .where("id", "=", member.memberId)
        .execute();
      return (await roles(admin)).json().items.find((r: { id: string }) => r.id === role.id).memberCount;
    };
    expect(await countAfter("deactivated")).toBe(0);
    expect(await countAfter("active")).toBe(1);
  });

  it(`allows at most ${MAX_CUSTOM_ROLES} custom roles per company`, async () => {
    const other = await h.company("Many Roles Co");
    const cookie = await h.login(other.admin.email);
    await h.elevate(cookie);
    const statuses: number[] = [];
    for (let i = 0; i < MAX_CUSTOM_ROLES + 1; i += 1) {
      const response = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${other.id}/roles`,
        payload: { name: `Role ${i}`, permissions: ["transactions.view"] },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_CUSTOM_ROLES);
    expect(statuses.at(-1)).toBe(409);
  });

  it("rule 7: changing roles needs a fresh email verification", async () => {
    const fresh = await h.login(company.admin.email);
    const refused = await roles(fresh, "POST", "", { name: "Needs Step Up", permissions: ["audit.view"] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("step_up_required");
    const elevated = await h.stepUpByEmail(fresh, company.id);
    expect(
      (await roles(elevated, "POST", "", { name: "Needs Step Up", permissions: ["audit.view"] })).statusCode,
    ).toBe(201);
    h.clock.advance(10 * 60_000 + 1);
    const expired = await roles(elevated, "POST", "", { name: "Too Late", permissions: ["audit.view"] });
    expect(expired.json().error.code).toBe("step_up_required");
    await h.elevate(admin);
  });

  it("rule 6: a role manager without Admin composes roles only from their own permissions", async () => {
    const managerRole = (
      await roles(admin, "POST", "", {
        name: "Role Manager",
        permissions: ["roles.manage", "transactions.view", "members.view"],
      })
    ).json();
    const manager = await h.member(company, []);
    await h.db
      .insertInto("member_roles")
      .values({ company_id: company.id, member_id: manager.memberId, role_id: managerRole.id })
      .execute();
    const cookie = await h.login(manager.email);
    await h.elevate(cookie);

    const within = await roles(cookie, "POST", "", { name: "Viewer", permissions: ["transactions.view"] });
    expect(within.statusCode).toBe(201);

    const beyond = await roles(cookie, "POST", "", {
      name: "Sneaky",
      permissions: ["transactions.view", "members.deactivate"],
    });
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json().error).toMatchObject({
      code: "grant_exceeds_own",
      details: { permissions: ["members.deactivate"] },
    });

    // Escalating one's own role through an edit is the same grant, and is refused the same way.
    const selfEscalation = await roles(cookie, "PATCH", `/${managerRole.id}`, {
      permissions: ["roles.manage", "transactions.view", "members.view", "audit.view"],
    });
    expect(selfEscalation.statusCode).toBe(403);
    // Editing a role that already holds more than the manager is refused too.
    const auditors = (await roles(admin)).json().items.find((r: { name: string }) => r.name === "Auditors");
    expect((await roles(cookie, "PATCH", `/${auditors.id}`, { name: "Mine Now" })).statusCode).toBe(403);
    expect((await roles(cookie, "DELETE", `/${auditors.id}`)).statusCode).toBe(403);

    const unchanged = (await roles(admin)).json().items.find((r: { id: string }) => r.id === managerRole.id);
    expect(unchanged.permissions).toEqual(["members.view", "roles.manage", "transactions.view"]);
    const denied = await h.db
      .selectFrom("audit_events")
      .select("action")
      .where("actor_account_id", "=", manager.id)
      .where("outcome", "=", "denied")
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it("gives a member without roles.manage 403 and a stranger 404", async () => {
    const finance = await h.login((await h.member(company, ["finance"])).email);
    await h.elevate(finance);
    expect((await roles(finance, "POST", "", { name: "Nope", permissions: ["audit.view"] })).statusCode).toBe(
      403,
    );
    expect((await roles(finance)).statusCode).toBe(200);
    const stranger = await h.login((await h.company("Stranger Roles")).admin.email);
    await h.elevate(stranger);
    expect((await roles(stranger)).statusCode).toBe(404);
    expect(
      (await roles(stranger, "POST", "", { name: "Nope", permissions: ["audit.view"] })).statusCode,
    ).toBe(404);
  });
});
