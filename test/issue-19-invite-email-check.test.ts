// Issue 19: duplicate-invitation errors appeared only after the terms box and Send Invitation. The
// Invite dialog now asks, as soon as the email is entered, what an invitation would meet; this is the
// endpoint it asks (behind members.invite), on every configured database. The send keeps its 409s.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

describe.each(testDatabaseKinds)(
  "Issue 19: the Invite dialog checks the email as it is entered, on %s",
  (kind) => {
    let h: Harness;
    let company: Awaited<ReturnType<Harness["company"]>>;
    let cookie: string;
    beforeAll(async () => {
      h = await createHarness(kind);
      company = await h.company("Check Co");
      cookie = await h.login(company.admin.email);
    });
    afterAll(() => h.close());

    const check = (email: string, as = cookie) =>
      h.inject(as, {
        url: `/api/companies/${company.id}/invitations/email-check?email=${encodeURIComponent(email)}`,
      });

    it("tells an active member, in any case or spacing of the address", async () => {
      const member = await h.member(company, ["finance"]);
      const response = await check(`  ${member.email.toUpperCase()} `);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        email: member.email,
        standing: "active_member",
        memberId: member.memberId,
      });
    });

    it("tells a deactivated member with its id, so the dialog can offer Reactivate", async () => {
      const member = await h.member(company, ["operations"]);
      await h.db
        .updateTable("members")
        .set({ status: "deactivated", deactivated_at: h.clock.now() })
        .where("id", "=", member.memberId)
        .execute();
      const response = await check(member.email);
      expect(response.json()).toEqual({
        email: member.email,
        standing: "deactivated_member",
        memberId: member.memberId,
      });
    });

    it("tells a pending invitation while its link works, and forgets it once the link expired", async () => {
      await h.elevate(cookie);
      const email = "pending.check@example.com";
      const sent = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations`,
        payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true },
      });
      expect(sent.statusCode, sent.body).toBe(201);
      expect((await check(email)).json()).toEqual({
        email,
        standing: "invitation_pending",
        invitationId: sent.json().id,
      });
      // The send still refuses it, with the same code as before.
      const again = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/invitations`,
        payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe("invitation_pending");

      h.clock.set(new Date(new Date(sent.json().expiresAt).getTime() + 1000));
      // Days later the session has ended too: a fresh login.
      cookie = await h.login(company.admin.email);
      expect((await check(email)).json()).toEqual({ email, standing: "invitable" });
    });

    it("reads a person who is no member here as invitable, like an unknown email", async () => {
      const elsewhere = await h.company("Elsewhere Co");
      expect((await check(elsewhere.admin.email)).json()).toEqual({
        email: elsewhere.admin.email,
        standing: "invitable",
      });
      expect((await check("nobody.here@example.com")).json()).toEqual({
        email: "nobody.here@example.com",
        standing: "invitable",
      });
    });

    it("answers 400 validation_failed to an address that is no email", async () => {
      const response = await check("not an email");
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("validation_failed");
    });

    it("is refused to a member without members.invite", async () => {
      const finance = await h.member(company, ["finance"]);
      const financeCookie = await h.login(finance.email);
      expect((await check("x@example.com", financeCookie)).statusCode).toBe(403);
    });
  },
);
