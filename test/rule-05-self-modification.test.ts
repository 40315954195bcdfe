// Rule 5: nobody changes their own roles or deactivates themselves (403 self_modification), whatever
// else the request says; the refusal changes nothing and is recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("rule 5: no self-modification on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("refuses an Admin's change of their own roles and their own deactivation", async () => {
    const company = await h.company("Self Co");
    const second = await h.member(company, ["admin"]);
    const cookie = await h.login(second.email);
    await h.elevate(cookie);
    const url = `/api/companies/${company.id}/members/${second.memberId}`;

    for (const roleIds of [[company.roleIds.finance], [company.roleIds.admin, company.roleIds.finance]]) {
      const response = await h.inject(cookie, {
        method: "PUT",
        url: `${url}/roles`,
        payload: { roleIds, version: 1 },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("self_modification");
    }
    const deactivated = await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: {} });
    expect(deactivated.statusCode).toBe(403);
    expect(deactivated.json().error.code).toBe("self_modification");
    const reactivated = await h.inject(cookie, {
      method: "POST",
      url: `${url}/reactivate`,
      payload: { version: 1 },
    });
    expect(reactivated.json().error.code).toBe("self_modification");

    const after = await h.inject(cookie, { url });
    expect(after.json()).toMatchObject({ status: "active", version: 1, roles: [{ key: "admin" }] });
    const refusals = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details", "actor_account_id", "target_id"])
      .where("target_id", "=", second.memberId)
      .orderBy("occurred_at")
      .execute();
    expect(refusals).toHaveLength(4);
    for (const event of refusals) {
      expect(event).toMatchObject({
        outcome: "denied",
        actor_account_id: second.id,
        details: { reason: "self_modification" },
      });
    }
  });

  it("refuses it when the caller spells their own member id in capitals", async () => {
    // PostgreSQL reads a UUID in any case; the check must not be passed by a different spelling.
    const company = await h.company("Shouting Co");
    const second = await h.member(company, ["admin"]);
    const cookie = await h.login(second.email);
    await h.elevate(cookie);
    const url = `/api/companies/${company.id.toUpperCase()}/members/${second.memberId.toUpperCase()}`;
    const demoted = await h.inject(cookie, {
      method: "PUT",
      url: `${url}/roles`,
      payload: { roleIds: [company.roleIds.finance.toUpperCase()], version: 1 },
    });
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().error.code).toBe("self_modification");
    const deactivated = await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: {} });
    expect(deactivated.statusCode).toBe(403);
    expect(deactivated.json().error.code).toBe("self_modification");
    const after = await h.inject(cookie, { url: `/api/companies/${company.id}/members/${second.memberId}` });
    expect(after.json()).toMatchObject({ status: "active", version: 1, roles: [{ key: "admin" }] });
    // The refusals are recorded against the member's id as the database spells it.
    const refusals = await h.db
      .selectFrom("audit_events")
      .select("target_id")
      .where("actor_account_id", "=", second.id)
      .where("outcome", "=", "denied")
      .execute();
    expect(refusals.map((event) => event.target_id)).toEqual([second.memberId, second.memberId]);
  });

  it("answers self_modification to the only Admin too, before last_admin, and to stale or bad requests", async () => {
    const company = await h.company("Lonely Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const url = `/api/companies/${company.id}/members/${company.admin.memberId}`;
    for (const payload of [
      { roleIds: [company.roleIds.operations], version: 1 },
      { roleIds: [company.roleIds.operations], version: 99 },
      { roleIds: ["00000000-0000-4000-8000-000000000000"], version: 1 },
    ]) {
      const response = await h.inject(cookie, { method: "PUT", url: `${url}/roles`, payload });
      expect(response.json().error.code, JSON.stringify(payload)).toBe("self_modification");
    }
    expect(
      (await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: { version: 1 } })).json()
        .error.code,
    ).toBe("self_modification");
  });

  it("refuses a custom-role manager's change of their own roles as well", async () => {
    const company = await h.company("Self Delegate Co");
    const admin = await h.login(company.admin.email);
    await h.elevate(admin);
    const role = (
      await h.inject(admin, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: {
          name: "Manager",
          permissions: ["members.view", "members.edit_roles", "members.deactivate"],
        },
      })
    ).json();
    const manager = await h.member(company, ["operations"]);
    const put = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${manager.memberId}/roles`,
      payload: { roleIds: [role.id, company.roleIds.operations], version: 1 },
    });
    expect(put.statusCode, put.body).toBe(200);
    const cookie = await h.login(manager.email);
    await h.elevate(cookie);
    const own = await h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${manager.memberId}/roles`,
      payload: { roleIds: [role.id], version: 2 },
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe("self_modification");
  });

  it("lets an Admin change and deactivate another Admin", async () => {
    const company = await h.company("Other Co");
    const second = await h.member(company, ["admin"]);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const url = `/api/companies/${company.id}/members/${second.memberId}`;
    const put = await h.inject(cookie, {
      method: "PUT",
      url: `${url}/roles`,
      payload: { roleIds: [company.roleIds.finance], version: 1 },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(
      (await h.inject(cookie, { method: "POST", url: `${url}/deactivate`, payload: {} })).statusCode,
    ).toBe(200);
  });
});
