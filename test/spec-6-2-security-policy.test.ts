// SPEC §6.2, the company's security policy: security.manage (Admin) reads it with the members who
// have no second factor; changing it needs a step-up, is validated with clear codes and audited with
// the values before and after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predefinedRole } from "../server/access/permissions.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

const DEFAULTS = { requireMfa: false, sessionIdleMinutes: null, inviteDomains: [] };

describe.each(testDatabaseKinds)("SPEC 6.2: the company's security policy on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  const policyUrl = (companyId: string) => `/api/companies/${companyId}/security-policy`;

  it("gives security.manage to the predefined Admin role only, in new companies and in the catalogue", async () => {
    expect(predefinedRole("admin").permissions).toContain("security.manage");
    const company = await h.company("Catalogue Co");
    const rows = await h.db
      .selectFrom("role_permissions")
      .innerJoin("roles", "roles.id", "role_permissions.role_id")
      .select("roles.key")
      .where("roles.company_id", "=", company.id)
      .where("role_permissions.permission", "=", "security.manage")
      .execute();
    expect(rows.map((row) => row.key)).toEqual(["admin"]);
    const standing = await h.db
      .selectFrom("member_standing")
      .select("permissions")
      .where("member_id", "=", company.admin.memberId)
      .executeTakeFirstOrThrow();
    expect(standing.permissions).toContain("security.manage");
    const cookie = await h.login(company.admin.email);
    const catalogue = (await h.inject(cookie, { url: "/api/permissions" })).json().items;
    expect(catalogue).toContainEqual({
      key: "security.manage",
      group: "Security",
      label: "Manage security",
      description:
        "Set the company's security policy: two-factor requirement, session timeout, invitation domains.",
    });
  });

  it("answers the defaults for a company that never set a policy, and 403 without security.manage", async () => {
    const company = await h.company("Defaults Co");
    const finance = await h.member(company, ["finance"]);
    const admin = await h.login(company.admin.email);
    const read = await h.inject(admin, { url: policyUrl(company.id) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ ...DEFAULTS, maxSessionIdleMinutes: h.config.sessionIdleMinutes });

    const other = await h.login(finance.email);
    const refused = await h.inject(other, { url: policyUrl(company.id) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details.permission).toBe("security.manage");
  });

  it("needs a step-up to change, then stores the canonical values and audits before and after", async () => {
    const company = await h.company("Change Co");
    const cookie = await h.login(company.admin.email);
    // With a factor (added after the login, which then needs no second step): the requirement this
    // turns on would otherwise shut the Admin out too.
    await givePasskey(h.db, company.admin.id, h.clock.now());
    const wanted = { requireMfa: true, sessionIdleMinutes: 15, inviteDomains: ["Example.COM", " acme.io "] };
    const unverified = await h.inject(cookie, { method: "PUT", url: policyUrl(company.id), payload: wanted });
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe("step_up_required");

    await h.elevate(cookie, company.id);
    const changed = await h.inject(cookie, { method: "PUT", url: policyUrl(company.id), payload: wanted });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      requireMfa: true,
      sessionIdleMinutes: 15,
      inviteDomains: ["example.com", "acme.io"],
    });
    const read = await h.inject(cookie, { url: policyUrl(company.id) });
    expect(read.json()).toMatchObject({ sessionIdleMinutes: 15, inviteDomains: ["example.com", "acme.io"] });

    const again = { requireMfa: false, sessionIdleMinutes: null, inviteDomains: ["acme.io"] };
    h.clock.advance(60_000);
    await h.inject(cookie, { method: "PUT", url: policyUrl(company.id), payload: again });
    const events = await h.db
      .selectFrom("audit_events")
      .select(["details", "actor_account_id", "outcome"])
      .where("company_id", "=", company.id)
      .where("action", "=", "security.policy_changed")
      .orderBy("occurred_at")
      .execute();
    expect(events).toHaveLength(2);
    expect(events[0]?.actor_account_id).toBe(company.admin.id);
    expect(events[0]?.details).toEqual({
      before: { requireMfa: false, idleTimeoutMinutes: null, inviteDomains: [] },
      after: { requireMfa: true, idleTimeoutMinutes: 15, inviteDomains: ["example.com", "acme.io"] },
    });
    expect(events[1]?.details).toEqual({
      before: { requireMfa: true, idleTimeoutMinutes: 15, inviteDomains: ["example.com", "acme.io"] },
      after: { requireMfa: false, idleTimeoutMinutes: null, inviteDomains: ["acme.io"] },
    });
  });

  it("refuses bad input with a clear code each, changes nothing and records the refusal", async () => {
    const company = await h.company("Validation Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const max = h.config.sessionIdleMinutes;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ sessionIdleMinutes: max + 1 }, 400, "session_idle_out_of_range"],
      [{ sessionIdleMinutes: 4 }, 400, "session_idle_out_of_range"],
      [{ inviteDomains: ["not a domain"] }, 400, "invalid_invite_domain"],
      [{ inviteDomains: ["example"] }, 400, "invalid_invite_domain"],
      [{ inviteDomains: ["user@example.com"] }, 400, "invalid_invite_domain"],
      [{ inviteDomains: ["example.com", "EXAMPLE.com"] }, 400, "duplicate_invite_domain"],
      [
        { inviteDomains: Array.from({ length: 51 }, (_, i) => `d${i}.example.com`) },
        400,
        "too_many_invite_domains",
      ],
      [{ sessionIdleMinutes: 10.5 }, 400, "validation_failed"],
      [{ requireMfa: "yes" }, 400, "validation_failed"],
    ];
    for (const [change, status, code] of cases) {
      const response = await h.inject(cookie, {
        method: "PUT",
        url: policyUrl(company.id),
        payload: { ...DEFAULTS, ...change },
      });
      expect(response.statusCode, code).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    const missing = await h.inject(cookie, {
      method: "PUT",
      url: policyUrl(company.id),
      payload: { requireMfa: true },
    });
    expect(missing.statusCode).toBe(400);

    const fifty = Array.from({ length: 50 }, (_, i) => `d${i}.example.com`);
    const atLimit = await h.inject(cookie, {
      method: "PUT",
      url: policyUrl(company.id),
      payload: { ...DEFAULTS, sessionIdleMinutes: max, inviteDomains: fifty },
    });
    expect(atLimit.statusCode).toBe(200);
    const changed = await h.db
      .selectFrom("audit_events")
      .select("id")
      .where("company_id", "=", company.id)
      .where("action", "=", "security.policy_changed")
      .execute();
    expect(changed).toHaveLength(1);
    const refusals = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("company_id", "=", company.id)
      .where("action", "=", "security.input_rejected")
      .where("outcome", "=", "denied")
      .execute();
    const reasons = refusals.map((event) => (event.details as { reason?: string }).reason);
    expect(reasons).toContain("session_idle_out_of_range");
    expect(reasons).toContain("duplicate_invite_domain");
  });

  it("lists the active members whose account has no second factor, and drops one who adds a factor", async () => {
    const company = await h.company("Factor Co");
    const finance = await h.member(company, ["finance"]);
    const developer = await h.member(company, ["developer"]);
    const leaver = await h.member(company, ["operations"]);
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const deactivated = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/members/${leaver.memberId}/deactivate`,
      payload: {},
    });
    expect(deactivated.statusCode).toBe(200);
    await givePasskey(h.db, developer.id, h.clock.now());

    const listed = (await h.inject(cookie, { url: policyUrl(company.id) })).json();
    const ids = listed.membersWithoutSecondFactor.map((m: { memberId: string }) => m.memberId).sort();
    expect(ids).toEqual([company.admin.memberId, finance.memberId].sort());
    expect(listed.membersWithoutSecondFactor).toContainEqual({
      memberId: finance.memberId,
      name: "Member finance",
      email: finance.email,
    });
    expect(listed.hasMoreMembersWithoutSecondFactor).toBe(false);

    await givePasskey(h.db, finance.id, h.clock.now());
    const after = (await h.inject(cookie, { url: policyUrl(company.id) })).json();
    expect(after.membersWithoutSecondFactor.map((m: { memberId: string }) => m.memberId)).toEqual([
      company.admin.memberId,
    ]);
  });
});
