// SPEC §6.2, the email domains invitations may go to: an invitation (and the Invite dialog's email
// check) to an email outside the company's list is refused with 400 invite_domain_not_allowed,
// naming the allowed domains; an empty list allows any domain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)("SPEC 6.2: invitation domains on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  it("invites only to the listed domains, and says which ones", async () => {
    const company = await h.company("Domain Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const set = await h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/security-policy`,
      payload: { requireMfa: false, sessionIdleMinutes: null, inviteDomains: ["acme.io", "bücher.example"] },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().inviteDomains).toEqual(["acme.io", "xn--bcher-kva.example"]);

    const invite = (email: string) =>
      h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations`,
        payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true },
      });
    const refused = await invite("someone@gmail.com");
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("invite_domain_not_allowed");
    expect(refused.json().error.message).toContain("acme.io");
    expect(refused.json().error.details.allowedDomains).toEqual(["acme.io", "xn--bcher-kva.example"]);
    // A subdomain is another domain.
    expect((await invite("someone@mail.acme.io")).statusCode).toBe(400);
    expect((await invite("Someone@ACME.io")).statusCode).toBe(201);
    expect((await invite("leser@bücher.example")).statusCode).toBe(201);

    const check = await h.inject(cookie, {
      url: `/api/companies/${company.id}/invitations/email-check?email=${encodeURIComponent("x@gmail.com")}`,
    });
    expect(check.json()).toEqual({
      email: "x@gmail.com",
      standing: "domain_not_allowed",
      allowedDomains: ["acme.io", "xn--bcher-kva.example"],
    });
    const fine = await h.inject(cookie, {
      url: `/api/companies/${company.id}/invitations/email-check?email=${encodeURIComponent("y@acme.io")}`,
    });
    expect(fine.json().standing).toBe("invitable");

    const refusals = await h.db
      .selectFrom("audit_events")
      .select("details")
      .where("company_id", "=", company.id)
      .where("action", "=", "invitation.create_refused")
      .execute();
    expect(refusals.map((event) => (event.details as { reason: string }).reason)).toContain(
      "invite_domain_not_allowed",
    );
  });

  it("does not resend an invitation to a domain the policy stopped listing", async () => {
    const company = await h.company("Resend Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const sent = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: "early@gmail.com", roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(sent.statusCode).toBe(201);
    await h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/security-policy`,
      payload: { requireMfa: false, sessionIdleMinutes: null, inviteDomains: ["acme.io"] },
    });
    h.clock.advance(2 * 60_000);
    const resent = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/${sent.json().id}/resend`,
      payload: {},
    });
    expect(resent.statusCode).toBe(400);
    expect(resent.json().error.code).toBe("invite_domain_not_allowed");
  });

  it("invites to any domain while the list is empty", async () => {
    const company = await h.company("Open Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie, company.id);
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: "anyone@gmail.com", roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(response.statusCode).toBe(201);
  });
});
