// SPEC §6.2, "Require two-factor authentication": in a company that requires it, an active member
// whose account has no second factor still signs in and uses account-level routes (to enrol one),
// but every route of the company answers 403 mfa_enrolment_required, recorded as a refusal, until
// the account has a factor. GET /api/me says so per membership.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { givePasskey } from "./support/second-factor.js";

describe.each(testDatabaseKinds)("SPEC 6.2: require two-factor authentication on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  async function companyRequiringMfa(name: string) {
    const company = await h.company(name);
    await h.db
      .insertInto("company_security_policies")
      .values({ company_id: company.id, require_mfa: true, updated_at: h.clock.now() })
      .execute();
    return company;
  }

  it("refuses the company's routes to a member without a factor, while /api/me still works", async () => {
    const company = await companyRequiringMfa("Strict Co");
    const finance = await h.member(company, ["finance"]);
    const cookie = await h.login(finance.email);

    for (const url of [
      `/api/companies/${company.id}/transactions`,
      `/api/companies/${company.id}/roles`,
      `/api/companies/${company.id}/members`,
    ]) {
      const response = await h.inject(cookie, { url });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().error.code).toBe("mfa_enrolment_required");
    }
    const me = await h.inject(cookie, { url: "/api/me" });
    expect(me.statusCode).toBe(200);
    const membership = me.json().memberships.find((m: { companyId: string }) => m.companyId === company.id);
    expect(membership.mfaEnrolmentRequired).toBe(true);
    expect((await h.inject(cookie, { url: "/api/me/sessions" })).statusCode).toBe(200);

    const refusals = await h.db
      .selectFrom("audit_events")
      .select(["details", "outcome"])
      .where("actor_account_id", "=", finance.id)
      .where("action", "=", "access.denied")
      .execute();
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(
      refusals.every((event) => (event.details as { reason: string }).reason === "mfa_enrolment_required"),
    ).toBe(true);
  });

  it("lets the member in on the very next request once the account has a factor", async () => {
    const company = await companyRequiringMfa("Enrol Co");
    const finance = await h.member(company, ["finance"]);
    const cookie = await h.login(finance.email);
    const url = `/api/companies/${company.id}/transactions`;
    expect((await h.inject(cookie, { url })).statusCode).toBe(403);

    const factorId = await givePasskey(h.db, finance.id, h.clock.now());
    expect((await h.inject(cookie, { url })).statusCode).toBe(200);
    const me = (await h.inject(cookie, { url: "/api/me" })).json();
    expect(me.memberships[0]).not.toHaveProperty("mfaEnrolmentRequired");

    // Removing the last factor brings the requirement back.
    await h.db.deleteFrom("mfa_factors").where("id", "=", factorId).execute();
    expect((await h.inject(cookie, { url })).json().error.code).toBe("mfa_enrolment_required");
  });

  it("applies only in the company that requires it, and not once the requirement is off", async () => {
    const strict = await companyRequiringMfa("Only Here Co");
    const relaxed = await h.company("Relaxed Co");
    const person = await h.member(strict, ["finance"]);
    await h.db.transaction().execute(async (trx) => {
      const { addMember } = await import("../server/companies/service.js");
      await addMember(trx, {
        companyId: relaxed.id,
        accountId: person.id,
        roleIds: [relaxed.roleIds.finance],
        invitedBy: null,
        now: h.clock.now(),
      });
    });
    const cookie = await h.login(person.email);
    expect((await h.inject(cookie, { url: `/api/companies/${relaxed.id}/transactions` })).statusCode).toBe(
      200,
    );
    expect((await h.inject(cookie, { url: `/api/companies/${strict.id}/transactions` })).statusCode).toBe(
      403,
    );
    const me = (await h.inject(cookie, { url: "/api/me" })).json();
    const byCompany = Object.fromEntries(
      me.memberships.map((m: { companyId: string; mfaEnrolmentRequired?: boolean }) => [
        m.companyId,
        m.mfaEnrolmentRequired,
      ]),
    );
    expect(byCompany).toEqual({ [strict.id]: true, [relaxed.id]: undefined });

    const admin = await h.login(strict.admin.email);
    await givePasskey(h.db, strict.admin.id, h.clock.now());
    await h.elevate(admin, strict.id);
    const off = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${strict.id}/security-policy`,
      payload: { requireMfa: false, sessionIdleMinutes: null, inviteDomains: [] },
    });
    expect(off.statusCode).toBe(200);
    expect((await h.inject(cookie, { url: `/api/companies/${strict.id}/transactions` })).statusCode).toBe(
      200,
    );
  });

  it("still answers 404, not the requirement, to a caller who is not a member", async () => {
    const company = await companyRequiringMfa("Hidden Co");
    const elsewhere = await h.company("Elsewhere Co");
    const cookie = await h.login(elsewhere.admin.email);
    const response = await h.inject(cookie, { url: `/api/companies/${company.id}/roles` });
    expect(response.statusCode).toBe(404);
  });
});
