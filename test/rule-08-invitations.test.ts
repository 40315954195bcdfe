// Rule 8 (SECURITY D 29-37, scenarios 1-4, 14, 17): invitations are sent behind members.invite, the
// grant ceiling and a fresh email verification, mailed through the outbox with a single-use link built
// from PUBLIC_URL, bound to the invited email, re-checked against the inviter at acceptance, and safe
// against forwarding, replay, races, look-alike emails, escalation and flooding. Links are read from
// the outbox, as a mailbox would.
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PredefinedRoleKey } from "../server/access/permissions.js";
import { loadConfig } from "../server/config.js";
import {
  MAX_NEW_INVITATIONS_PER_HOUR,
  MAX_PENDING_INVITATIONS,
  RESEND_COOLDOWN_MS,
} from "../server/invitations/service.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NEW_PASSWORD = "Juniper-Orbit-Candle-5521";
const TOKEN_IN_LINK = /http:\/\/portal\.test\/invitations\/accept#token=([A-Za-z0-9_-]{43})\b/;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

type Company = Awaited<ReturnType<Harness["company"]>>;
type Response = LightMyRequestResponse;

let emailCounter = 0;
function freshEmail(prefix = "invitee"): string {
  emailCounter += 1;
  return `${prefix}.${emailCounter}.${Date.now().toString(36)}@example.com`;
}

/** Helpers bound to one harness: invite, read the link from the outbox, open it, accept it. */
function invitationKit(get: () => Harness) {
  const kit = {
    /** A logged-in session that passed an email verification just now. */
    async verifiedSession(email: string): Promise<string> {
      const h = get();
      const cookie = await h.login(email);
      await h.elevate(cookie);
      return cookie;
    },
    invite(cookie: string | null, companyId: string, payload: unknown, headers: Record<string, string> = {}) {
      return get().inject(cookie, {
        method: "POST",
        url: `/api/companies/${companyId}/invitations`,
        payload,
        headers,
      });
    },
    roleIds(company: Company, keys: PredefinedRoleKey[]): string[] {
      return keys.map((key) => company.roleIds[key]);
    },
    /** Invites `email` with the given roles; returns the invitation and the token mailed to it. */
    async sendInvitation(
      company: Company,
      email: string,
      keys: PredefinedRoleKey[] = ["finance"],
      inviterEmail = company.admin.email,
    ): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
      const cookie = await kit.verifiedSession(inviterEmail);
      const response = await kit.invite(cookie, company.id, {
        email,
        roleIds: kit.roleIds(company, keys),
        acceptTerms: true,
      });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      return { id: body.id, token: await kit.tokenMailedTo(body.email), body };
    },
    async mailsTo(address: string) {
      return get()
        .db.selectFrom("mail_outbox")
        .selectAll()
        .where("to_address", "=", address)
        .where("kind", "=", "invitation")
        .orderBy("seq")
        .execute();
    },
    async tokenMailedTo(address: string): Promise<string> {
      const mails = await kit.mailsTo(address);
      const match = TOKEN_IN_LINK.exec(mails.at(-1)?.text_body ?? "");
      expect(match, `an invitation mail with a link reached ${address}`).not.toBeNull();
      return match![1]!;
    },
    view(token: string, cookie: string | null = null) {
      return get().inject(cookie, { url: `/api/invitations/${token}` });
    },
    accept(token: string, payload: unknown = {}, cookie: string | null = null) {
      return get().inject(cookie, { method: "POST", url: `/api/invitations/${token}/accept`, payload });
    },
    async statusOf(invitationId: string): Promise<string> {
      const row = await get()
        .db.selectFrom("invitations")
        .select("status")
        .where("id", "=", invitationId)
        .executeTakeFirstOrThrow();
      return row.status;
    },
    async auditOf(action: string, invitationId?: string) {
      let query = get().db.selectFrom("audit_events").selectAll().where("action", "=", action);
      if (invitationId) query = query.where("target_id", "=", invitationId);
      return query.orderBy("occurred_at").execute();
    },
    async membersOf(companyId: string, email: string) {
      return get()
        .db.selectFrom("members")
        .innerJoin("accounts", "accounts.id", "members.account_id")
        .select(["members.id", "members.status", "members.invited_by"])
        .where("members.company_id", "=", companyId)
        .where("accounts.email", "=", email)
        .execute();
    },
  };
  return kit;
}

function expectError(response: Response, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().error.code).toBe(code);
}

describe.each(testDatabaseKinds)("rule 8: invitations (%s)", (kind) => {
  let h: Harness;
  const kit = invitationKit(() => h);
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  describe("rule 8: sending an invitation", () => {
    it("creates a pending invitation and mails one link built from PUBLIC_URL, even with a hostile Host", async () => {
      const company = await h.company("Invite Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const typed = `  Mixed.Case.${Date.now().toString(36)}@Example.COM `;
      const canonical = typed.trim().toLowerCase();
      const response = await kit.invite(
        cookie,
        company.id,
        { email: typed, roleIds: kit.roleIds(company, ["finance", "developer"]), acceptTerms: true },
        { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      );
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json();
      expect(body).toMatchObject({
        email: canonical,
        status: "pending",
        expiresAt: new Date(h.clock.now().getTime() + 7 * DAY).toISOString(),
        invitedBy: { accountId: company.admin.id, email: company.admin.email },
      });
      expect(body.roles.map((r: { key: string }) => r.key)).toEqual(["finance", "developer"]);
      expect(Object.keys(body)).not.toContain("token");

      const mails = await kit.mailsTo(canonical);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.is_sensitive).toBe(true);
      expect(mail.subject).toContain("Invite Co");
      expect(mail.text_body).toContain("Invite Co Admin");
      expect(mail.text_body).toContain("Finance, Developer");
      // The expiry as a person reads it, for the same instant the answer gives.
      expect(body.expiresAt).toBe("2026-03-09T09:00:00.000Z");
      expect(mail.text_body).toContain("9 March 2026 at 09:00 UTC");
      expect(`${mail.text_body}${mail.html_body}${mail.subject}`).not.toContain("evil.example");
      const token = await kit.tokenMailedTo(canonical);
      expect(mail.html_body).toContain(`href="http://portal.test/invitations/accept#token=${token}"`);
      expect(response.body).not.toContain(token);

      const row = await h.db
        .selectFrom("invitations")
        .selectAll()
        .where("id", "=", body.id)
        .executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(sha256(token));
      const created = await kit.auditOf("invitation.created", body.id);
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ company_id: company.id, actor_account_id: company.admin.id });
      expect(JSON.stringify(created)).not.toContain(token);
    });

    it("requires the terms box: unticked or missing → 400 terms_not_accepted, audited, nothing sent", async () => {
      const company = await h.company("Terms Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const email = freshEmail("terms");
      for (const acceptTerms of [false, undefined]) {
        const response = await kit.invite(cookie, company.id, {
          email,
          roleIds: kit.roleIds(company, ["operations"]),
          ...(acceptTerms === undefined ? {} : { acceptTerms }),
        });
        expectError(response, 400, "terms_not_accepted");
      }
      expect(await kit.mailsTo(email)).toHaveLength(0);
      const refused = await kit.auditOf("invitation.create_refused");
      expect(refused.filter((e) => e.company_id === company.id)).toHaveLength(2);
      expect(refused.at(-1)!.details).toMatchObject({ reason: "terms_not_accepted", email });
    });

    it("refuses an active member (already_member) and a deactivated one (member_deactivated)", async () => {
      const company = await h.company("Members Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const active = await h.member(company, ["finance"]);
      const deactivated = await h.member(company, ["operations"]);
      await h.db
        .updateTable("members")
        .set({ status: "deactivated", deactivated_at: h.clock.now() })
        .where("id", "=", deactivated.memberId)
        .execute();
      const roleIds = kit.roleIds(company, ["developer"]);
      expectError(
        await kit.invite(cookie, company.id, {
          email: active.email.toUpperCase(),
          roleIds,
          acceptTerms: true,
        }),
        409,
        "already_member",
      );
      expectError(
        await kit.invite(cookie, company.id, { email: deactivated.email, roleIds, acceptTerms: true }),
        409,
        "member_deactivated",
      );
      expect(await kit.mailsTo(active.email)).toHaveLength(0);
      expect(await kit.mailsTo(deactivated.email)).toHaveLength(0);
    });

    it("keeps one pending invitation per company and email, variants and concurrent requests included", async () => {
      const company = await h.company("Pending Co");
      const other = await h.company("Pending Elsewhere Co");
      const email = freshEmail("pending");
      await kit.sendInvitation(company, email);
      const cookie = await kit.verifiedSession(company.admin.email);
      const roleIds = kit.roleIds(company, ["operations"]);
      for (const variant of [email, ` ${email.toUpperCase()} `, email.replace("@", "＠")]) {
        expectError(
          await kit.invite(cookie, company.id, { email: variant, roleIds, acceptTerms: true }),
          409,
          "invitation_pending",
        );
      }
      // Another company may invite the same person.
      await kit.sendInvitation(other, email);

      const raced = freshEmail("raced");
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          kit.invite(cookie, company.id, { email: raced, roleIds, acceptTerms: true }),
        ),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of responses.filter((r) => r.statusCode === 409)) {
        expect(r.json().error.code).toBe("invitation_pending");
      }
      expect(await kit.mailsTo(raced)).toHaveLength(1);
    });

    it("offers only roles of the company: another company's or an unknown role id → 400", async () => {
      const company = await h.company("Roles Only Co");
      const other = await h.company("Roles Other Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const email = freshEmail("roles");
      for (const roleIds of [
        [other.roleIds.finance],
        [company.roleIds.finance, other.roleIds.admin],
        ["00000000-0000-4000-8000-000000000008"],
      ]) {
        const response = await kit.invite(cookie, company.id, { email, roleIds, acceptTerms: true });
        expectError(response, 400, "validation_failed");
        expect(response.json().error.details.field).toBe("roleIds");
      }
      for (const roleIds of [[], "finance", [company.roleIds.finance, company.roleIds.finance]]) {
        expectError(
          await kit.invite(cookie, company.id, { email, roleIds, acceptTerms: true }),
          400,
          "validation_failed",
        );
      }
      expectError(
        await kit.invite(cookie, company.id, {
          email: [email, "attacker@example.com"],
          roleIds: [company.roleIds.finance],
          acceptTerms: true,
        }),
        400,
        "validation_failed",
      );
      expect(await kit.mailsTo(email)).toHaveLength(0);
      expect(await kit.mailsTo("attacker@example.com")).toHaveLength(0);
    });

    it("needs a fresh email verification to send and to resend (403 step_up_required)", async () => {
      const company = await h.company("Step Up Co");
      const { id } = await kit.sendInvitation(company, freshEmail("stepup"));
      h.clock.advance(RESEND_COOLDOWN_MS);
      const cookie = await h.login(company.admin.email);
      expectError(
        await kit.invite(cookie, company.id, {
          email: freshEmail("stepup"),
          roleIds: kit.roleIds(company, ["finance"]),
          acceptTerms: true,
        }),
        403,
        "step_up_required",
      );
      expectError(
        await h.inject(cookie, {
          method: "POST",
          url: `/api/companies/${company.id}/invitations/${id}/resend`,
          payload: {},
        }),
        403,
        "step_up_required",
      );
      // Revoking needs no verification: it only takes access away.
      const revoked = await h.inject(cookie, {
        method: "DELETE",
        url: `/api/companies/${company.id}/invitations/${id}`,
      });
      expect(revoked.statusCode, revoked.body).toBe(204);
    });

    it("escapes company and inviter names in the mail", async () => {
      const company = await h.company("<script>alert(1)</script> & Co");
      await h.db
        .updateTable("accounts")
        .set({ name: '<img src=x onerror="alert(2)">' })
        .where("id", "=", company.admin.id)
        .execute();
      const email = freshEmail("escaped");
      await kit.sendInvitation(company, email);
      const [mail] = await kit.mailsTo(email);
      expect(mail!.html_body).not.toMatch(/<script>|<img/);
      expect(mail!.html_body).toContain("&lt;script&gt;");
    });
  });

  describe("rule 8: accepting an invitation", () => {
    it("lets a new person set name and password, join with the invited roles and be logged in", async () => {
      const company = await h.company("Welcome Co");
      const email = freshEmail("newcomer");
      const { id, token } = await kit.sendInvitation(company, email, ["finance", "developer"]);

      const view = await kit.view(token);
      expect(view.statusCode, view.body).toBe(200);
      expect(view.headers["referrer-policy"]).toBe("no-referrer");
      expect(view.json()).toEqual({
        companyName: "Welcome Co",
        email,
        roles: [
          { id: company.roleIds.finance, key: "finance", name: "Finance" },
          { id: company.roleIds.developer, key: "developer", name: "Developer" },
        ],
        invitedBy: { name: "Welcome Co Admin", email: company.admin.email },
        expiresAt: new Date(h.clock.now().getTime() + 7 * DAY).toISOString(),
        accountExists: false,
      });

      const accepted = await kit.accept(token, { name: "New Comer", password: NEW_PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.headers["referrer-policy"]).toBe("no-referrer");
      expect(accepted.json().companyId).toBe(company.id);
      const cookie = h.sessionCookie(accepted);
      expect(cookie).toBeDefined();
      const me = await h.inject(cookie!, { url: "/api/me" });
      expect(me.statusCode).toBe(200);
      expect(me.json().account).toMatchObject({ email, name: "New Comer" });
      const membership = me.json().memberships.find((m: { companyId: string }) => m.companyId === company.id);
      expect(membership).toMatchObject({ companyName: "Welcome Co", status: "active" });
      expect(membership.roles.map((r: { key: string }) => r.key).sort()).toEqual(["developer", "finance"]);
      expect(membership.permissions).toEqual(
        [
          "developer_center.view",
          "settlements.download",
          "settlements.view",
          "transactions.download",
          "transactions.view",
          "webhooks.manage",
        ].sort(),
      );
      // The new session opens what the roles open, and nothing else.
      expect(
        (await h.inject(cookie!, { url: `/api/companies/${company.id}/developer-center` })).statusCode,
      ).toBe(200);
      expect((await h.inject(cookie!, { url: `/api/companies/${company.id}/account` })).statusCode).toBe(403);
      // And the person can log in with the password they chose.
      await h.login(email, NEW_PASSWORD);

      expect(await kit.statusOf(id)).toBe("accepted");
      const members = await kit.membersOf(company.id, email);
      expect(members).toEqual([{ id: expect.any(String), status: "active", invited_by: company.admin.id }]);
      const audit = await kit.auditOf("invitation.accepted", id);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toMatchObject({ email, accountCreated: true });
    });

    it("applies the password policy; a refused password or a missing name leaves the invitation pending", async () => {
      const company = await h.company("Policy Co");
      const email = freshEmail("policy");
      const { id, token } = await kit.sendInvitation(company, email);
      expectError(await kit.accept(token, { name: "Short", password: "short" }), 400, "password_rejected");
      expectError(await kit.accept(token, { password: NEW_PASSWORD }), 400, "validation_failed");
      expectError(await kit.accept(token, { name: "No Password" }), 400, "validation_failed");
      expectError(
        await kit.accept(token, { name: "Extra", password: NEW_PASSWORD, role: "admin" }),
        400,
        "validation_failed",
      );
      expect(await kit.statusOf(id)).toBe("pending");
      expect((await kit.view(token)).statusCode).toBe(200);
      expect(await h.db.selectFrom("accounts").select("id").where("email", "=", email).execute()).toEqual([]);
    });

    it("lets an existing account accept while logged in as the invited email", async () => {
      const company = await h.company("Second Home Co");
      const elsewhere = await h.company("First Home Co");
      const person = await h.member(elsewhere, ["operations"]);
      const { id, token } = await kit.sendInvitation(company, person.email.toUpperCase(), ["finance"]);
      expect((await kit.view(token)).json().accountExists).toBe(true);
      const cookie = await h.login(person.email);
      const accepted = await kit.accept(token, {}, cookie);
      expect(accepted.statusCode, accepted.body).toBe(200);
      const fresh = h.sessionCookie(accepted)!;
      expect(fresh).not.toBe(cookie);
      // Joining is a privilege change: the old session token is gone.
      expect((await h.inject(cookie, { url: "/api/me" })).statusCode).toBe(401);
      const me = (await h.inject(fresh, { url: "/api/me" })).json();
      expect(me.memberships.map((m: { companyId: string }) => m.companyId).sort()).toEqual(
        [company.id, elsewhere.id].sort(),
      );
      expect(await kit.statusOf(id)).toBe("accepted");
    });

    it("lets an existing account prove itself with its password; a wrong one counts as a failed login", async () => {
      const company = await h.company("Password Proof Co");
      const elsewhere = await h.company("Password Home Co");
      const person = await h.member(elsewhere, ["operations"]);
      const { id, token } = await kit.sendInvitation(company, person.email);
      expectError(await kit.accept(token, {}), 401, "unauthenticated");
      expectError(
        await kit.accept(token, { password: "not the right password" }),
        401,
        "invalid_credentials",
      );
      const throttle = await h.db
        .selectFrom("login_throttle")
        .selectAll()
        .where("email", "=", person.email)
        .executeTakeFirstOrThrow();
      expect(throttle.consecutive_failures).toBe(1);
      expect(await kit.statusOf(id)).toBe("pending");
      const accepted = await kit.accept(token, { password: TEST_PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(h.sessionCookie(accepted)).toBeDefined();
      expect(await kit.membersOf(company.id, person.email)).toHaveLength(1);
    });

    it("refuses a forwarded link to another logged-in account: 409 email_mismatch, still pending, audited", async () => {
      const company = await h.company("Forward Co");
      const invitee = freshEmail("forwarded");
      const { id, token } = await kit.sendInvitation(company, invitee, ["admin"]);
      const stranger = await h.member(await h.company("Stranger Home Co"), ["finance"]);
      const strangerCookie = await h.login(stranger.email);
      for (const payload of [{}, { name: "Pretender", password: NEW_PASSWORD }]) {
        expectError(await kit.accept(token, payload, strangerCookie), 409, "email_mismatch");
      }
      expect(await kit.statusOf(id)).toBe("pending");
      expect(await kit.membersOf(company.id, stranger.email)).toEqual([]);
      expect(await h.db.selectFrom("accounts").select("id").where("email", "=", invitee).execute()).toEqual(
        [],
      );
      const refused = await kit.auditOf("invitation.accept_refused", id);
      expect(refused).toHaveLength(2);
      expect(refused[0]).toMatchObject({
        company_id: company.id,
        actor_account_id: stranger.id,
        outcome: "denied",
      });
      expect(refused[0]!.details).toMatchObject({ reason: "email_mismatch", invitedEmail: invitee });
      // The stranger's session still works, and the real invitee can still accept.
      expect((await h.inject(strangerCookie, { url: "/api/me" })).statusCode).toBe(200);
      const accepted = await kit.accept(token, { name: "Real Invitee", password: NEW_PASSWORD });
      expect(accepted.statusCode, accepted.body).toBe(200);
    });

    it("refuses an invitee who became a member meanwhile, leaving the invitation pending", async () => {
      const company = await h.company("Meanwhile Co");
      const person = await h.member(await h.company("Meanwhile Home Co"), ["finance"]);
      const { id, token } = await kit.sendInvitation(company, person.email);
      await h.db.insertInto("members").values({ company_id: company.id, account_id: person.id }).execute();
      const cookie = await h.login(person.email);
      expectError(await kit.accept(token, {}, cookie), 409, "already_member");
      expect(await kit.statusOf(id)).toBe("pending");
    });
  });

  describe("rule 8: replaying a link", () => {
    it("refuses a link once accepted: 410 invitation_used, one membership", async () => {
      const company = await h.company("Replay Used Co");
      const email = freshEmail("used");
      const { token } = await kit.sendInvitation(company, email);
      expect((await kit.accept(token, { name: "Once", password: NEW_PASSWORD })).statusCode).toBe(200);
      expectError(await kit.view(token), 410, "invitation_used");
      expectError(await kit.accept(token, { name: "Twice", password: NEW_PASSWORD }), 410, "invitation_used");
      const cookie = await h.login(email, NEW_PASSWORD);
      expectError(await kit.accept(token, {}, cookie), 410, "invitation_used");
      expect(await kit.membersOf(company.id, email)).toHaveLength(1);
      const failed = await kit.auditOf("invitation.accept_failed");
      expect(failed.some((e) => e.company_id === company.id && e.details.reason === "invitation_used")).toBe(
        true,
      );
    });

    it("refuses a revoked link: 410 invitation_revoked; revoking twice is 409 invitation_not_pending", async () => {
      const company = await h.company("Replay Revoked Co");
      const email = freshEmail("revoked");
      const { id, token } = await kit.sendInvitation(company, email);
      const cookie = await h.login(company.admin.email);
      const revoke = () =>
        h.inject(cookie, { method: "DELETE", url: `/api/companies/${company.id}/invitations/${id}` });
      expect((await revoke()).statusCode).toBe(204);
      expectError(await revoke(), 409, "invitation_not_pending");
      expectError(await kit.view(token), 410, "invitation_revoked");
      expectError(
        await kit.accept(token, { name: "Late", password: NEW_PASSWORD }),
        410,
        "invitation_revoked",
      );
      expect(await kit.statusOf(id)).toBe("revoked");
      expect(await kit.auditOf("invitation.revoked", id)).toHaveLength(1);
      expect(await kit.membersOf(company.id, email)).toEqual([]);
    });

    it("refuses an expired link: 410 invitation_expired, marked expired when seen and audited", async () => {
      const company = await h.company("Replay Expired Co");
      const email = freshEmail("expired");
      const { id, token } = await kit.sendInvitation(company, email);
      h.clock.advance(7 * DAY - 1);
      expect((await kit.view(token)).statusCode).toBe(200);
      h.clock.advance(1);
      expectError(
        await kit.accept(token, { name: "Too Late", password: NEW_PASSWORD }),
        410,
        "invitation_expired",
      );
      expect(await kit.statusOf(id)).toBe("expired");
      expectError(await kit.view(token), 410, "invitation_expired");
      expect(await kit.auditOf("invitation.expired", id)).toHaveLength(1);
      // An expired invitation frees the address: a new one may be sent.
      await kit.sendInvitation(company, email);
    });

    it("expires overdue invitations when the list is read", async () => {
      const company = await h.company("Listed Expiry Co");
      const { id } = await kit.sendInvitation(company, freshEmail("listed"));
      h.clock.advance(7 * DAY);
      const cookie = await h.login(company.admin.email);
      const list = await h.inject(cookie, { url: `/api/companies/${company.id}/invitations?status=expired` });
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([id]);
      expect(await kit.auditOf("invitation.expired", id)).toHaveLength(1);
    });

    it("kills the old link on resend: the new one works, the lifetime restarts, audited", async () => {
      const company = await h.company("Resend Co");
      const email = freshEmail("resent");
      const { id, token: oldToken } = await kit.sendInvitation(company, email, ["operations"]);
      const cookie = await kit.verifiedSession(company.admin.email);
      const resend = () =>
        h.inject(cookie, {
          method: "POST",
          url: `/api/companies/${company.id}/invitations/${id}/resend`,
          payload: {},
        });
      const tooSoon = await resend();
      expectError(tooSoon, 429, "invitation_rate_limited");
      expect(Number(tooSoon.headers["retry-after"])).toBeGreaterThan(0);
      h.clock.advance(RESEND_COOLDOWN_MS);
      const resent = await resend();
      expect(resent.statusCode, resent.body).toBe(200);
      expect(resent.json()).toMatchObject({
        id,
        status: "pending",
        expiresAt: new Date(h.clock.now().getTime() + 7 * DAY).toISOString(),
      });
      const newToken = await kit.tokenMailedTo(email);
      expect(newToken).not.toBe(oldToken);
      expect(resent.body).not.toContain(newToken);
      expect(await kit.mailsTo(email)).toHaveLength(2);
      expectError(await kit.view(oldToken), 410, "invitation_revoked");
      expectError(
        await kit.accept(oldToken, { name: "Old Link", password: NEW_PASSWORD }),
        410,
        "invitation_revoked",
      );
      expect((await kit.accept(newToken, { name: "New Link", password: NEW_PASSWORD })).statusCode).toBe(200);
      expect(await kit.auditOf("invitation.resent", id)).toHaveLength(1);
      h.clock.advance(RESEND_COOLDOWN_MS);
      expectError(await resend(), 409, "invitation_not_pending");
    });

    it("answers every unknown or malformed token alike: 410 invitation_revoked", async () => {
      for (const token of ["A".repeat(43), "short", "%00", "A".repeat(200)]) {
        expectError(await kit.view(token), 410, "invitation_revoked");
        expectError(
          await kit.accept(token, { name: "Guess", password: NEW_PASSWORD }),
          410,
          "invitation_revoked",
        );
      }
    });
  });

  describe("rule 8: concurrent accepts of one link", () => {
    it("makes exactly one membership out of 20 parallel accepts", async () => {
      const company = await h.company("Race Co");
      const email = freshEmail("race");
      const { id, token } = await kit.sendInvitation(company, email, ["finance"]);
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          kit.accept(token, { name: `Racer ${i}`, password: NEW_PASSWORD }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(
        statuses.filter((s) => s === 200),
        JSON.stringify(statuses),
      ).toHaveLength(1);
      for (const r of responses.filter((r) => r.statusCode !== 200)) expectError(r, 410, "invitation_used");
      expect(await kit.membersOf(company.id, email)).toHaveLength(1);
      expect(
        await h.db.selectFrom("accounts").select("id").where("email", "=", email).execute(),
      ).toHaveLength(1);
      expect(await kit.statusOf(id)).toBe("accepted");
      expect(await kit.auditOf("invitation.accepted", id)).toHaveLength(1);
    });
  });

  describe("rule 8: look-alike emails", () => {
    it("matches case and spacing variants of the invited address, and nothing that only looks like it", async () => {
      const company = await h.company("Look Alike Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const roleIds = kit.roleIds(company, ["operations"]);
      const invite = (email: string) => kit.invite(cookie, company.id, { email, roleIds, acceptTerms: true });

      expect((await invite("  Look.Alike@Example.COM ")).json().email).toBe("look.alike@example.com");
      // Case, spacing and the fullwidth ＠ (NFKC folds it into @) name the same address: one pending invitation.
      for (const same of ["look.alike@example.com", " LOOK.ALIKE@example.com", "Look.Alike＠example.com"]) {
        expectError(await invite(same), 409, "invitation_pending");
      }
      // Look-alikes are refused before anything is stored or mailed.
      for (const lookAlike of [
        "look.alıke@example.com", // dotless ı
        "look.alikè@example.com", // accent
        "lооk.alike@example.com", // Cyrillic о
        "look.alike@ехample.com", // Cyrillic е and х in the domain
        "look.alike@example.com＠evil.example", // a second @ smuggled in as fullwidth
      ]) {
        expectError(await invite(lookAlike), 400, "validation_failed");
      }
      // An IDN domain is a different address: its invitation never binds to the ASCII account.
      const idn = await invite("look.alike@exämple.com");
      expect(idn.statusCode, idn.body).toBe(201);
      expect(idn.json().email).toBe("look.alike@xn--exmple-cua.com");
      const idnToken = await kit.tokenMailedTo("look.alike@xn--exmple-cua.com");
      const asciiAccount = await h.member(await h.company("Look Home Co"), ["finance"]);
      await h.db
        .updateTable("accounts")
        .set({ email: "look.alike@example.com" })
        .where("id", "=", asciiAccount.id)
        .execute();
      const asciiCookie = await h.login(" Look.Alike@example.com ");
      expectError(await kit.accept(idnToken, {}, asciiCookie), 409, "email_mismatch");

      // And the ASCII invitation is accepted by the ASCII account, whatever case it logged in with.
      const asciiToken = await kit.tokenMailedTo("look.alike@example.com");
      const accepted = await kit.accept(asciiToken, {}, asciiCookie);
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(
        await h.db
          .selectFrom("mail_outbox")
          .select("to_address")
          .where("to_address", "like", "%ı%")
          .execute(),
      ).toEqual([]);
    });
  });

  describe("rule 8: escalation through the invited roles", () => {
    async function customInviter(company: Company, permissions: string[]) {
      const role = await h.db
        .insertInto("roles")
        .values({
          company_id: company.id,
          key: null,
          name: `Inviter ${Math.random().toString(36).slice(2, 8)}`,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await h.db
        .insertInto("role_permissions")
        .values(permissions.map((permission) => ({ role_id: role.id, permission })))
        .execute();
      const member = await h.member(company, []);
      await h.db
        .insertInto("member_roles")
        .values({ company_id: company.id, member_id: member.memberId, role_id: role.id })
        .execute();
      return { ...member, roleId: role.id };
    }

    it("refuses a custom-role inviter who offers more than they hold (403 grant_exceeds_own), audited", async () => {
      const company = await h.company("Ceiling Co");
      const inviter = await customInviter(company, ["members.invite", "transactions.view"]);
      const cookie = await kit.verifiedSession(inviter.email);
      const email = freshEmail("ceiling");
      for (const keys of [["finance"], ["admin"], ["operations", "developer"]] as PredefinedRoleKey[][]) {
        const response = await kit.invite(cookie, company.id, {
          email,
          roleIds: kit.roleIds(company, keys),
          acceptTerms: true,
        });
        expectError(response, 403, "grant_exceeds_own");
      }
      const refused = (await kit.auditOf("invitation.create_refused")).filter(
        (e) => e.company_id === company.id,
      );
      expect(refused).toHaveLength(3);
      expect(refused[0]!.details).toMatchObject({ reason: "grant_exceeds_own" });
      expect(await kit.mailsTo(email)).toHaveLength(0);
      // Within their own permissions it works.
      const within = await kit.invite(cookie, company.id, {
        email,
        roleIds: kit.roleIds(company, ["operations"]),
        acceptTerms: true,
      });
      expect(within.statusCode, within.body).toBe(201);
    });

    it("revokes at acceptance when the custom-role inviter lost members.invite (410 invitation_revoked)", async () => {
      const company = await h.company("Lost Invite Co");
      const inviter = await customInviter(company, ["members.invite", "transactions.view"]);
      const email = freshEmail("lost");
      const { id, token } = await kit.sendInvitation(company, email, ["operations"], inviter.email);
      await h.db
        .deleteFrom("role_permissions")
        .where("role_id", "=", inviter.roleId)
        .where("permission", "=", "members.invite")
        .execute();
      expectError(
        await kit.accept(token, { name: "Nope", password: NEW_PASSWORD }),
        410,
        "invitation_revoked",
      );
      expect(await kit.statusOf(id)).toBe("revoked");
      const revoked = await kit.auditOf("invitation.revoked", id);
      expect(revoked).toHaveLength(1);
      expect(revoked[0]!.details).toMatchObject({ reason: "inviter_lost_rights" });
      expect(await kit.membersOf(company.id, email)).toEqual([]);
    });

    it("revokes at acceptance when an invited custom role grew beyond the inviter's own permissions", async () => {
      const company = await h.company("Grown Role Co");
      const inviter = await customInviter(company, ["members.invite", "transactions.view", "insights.view"]);
      const offered = await h.db
        .insertInto("roles")
        .values({ company_id: company.id, key: null, name: "Viewer" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await h.db
        .insertInto("role_permissions")
        .values({ role_id: offered.id, permission: "insights.view" })
        .execute();
      const cookie = await kit.verifiedSession(inviter.email);
      const email = freshEmail("grown");
      const response = await kit.invite(cookie, company.id, {
        email,
        roleIds: [offered.id],
        acceptTerms: true,
      });
      expect(response.statusCode, response.body).toBe(201);
      const token = await kit.tokenMailedTo(email);
      await h.db
        .insertInto("role_permissions")
        .values({ role_id: offered.id, permission: "audit.view" })
        .execute();
      expectError(await kit.view(token), 410, "invitation_revoked");
      expect(await kit.statusOf(response.json().id)).toBe("revoked");
    });

    it("revokes at acceptance when an Admin inviter was demoted or deactivated after inviting", async () => {
      const company = await h.company("Demoted Co");
      const demoted = await h.member(company, ["admin"]);
      const deactivated = await h.member(company, ["admin"]);
      const first = await kit.sendInvitation(company, freshEmail("demoted"), ["admin"], demoted.email);
      const second = await kit.sendInvitation(
        company,
        freshEmail("deactivated"),
        ["finance"],
        deactivated.email,
      );
      await h.db
        .updateTable("member_roles")
        .set({ role_id: company.roleIds.finance })
        .where("member_id", "=", demoted.memberId)
        .execute();
      await h.db
        .updateTable("members")
        .set({ status: "deactivated", deactivated_at: h.clock.now() })
        .where("id", "=", deactivated.memberId)
        .execute();
      expectError(
        await kit.accept(first.token, { name: "Would Be Admin", password: NEW_PASSWORD }),
        410,
        "invitation_revoked",
      );
      expectError(await kit.view(second.token), 410, "invitation_revoked");
      expect(await kit.statusOf(first.id)).toBe("revoked");
      expect(await kit.statusOf(second.id)).toBe("revoked");
    });
  });

  describe("rule 8: roles offered by a pending invitation", () => {
    it("cannot be deleted (409 role_in_use) until the invitation closes; the list keeps its name", async () => {
      const company = await h.company("Offered Role Co");
      const cookie = await kit.verifiedSession(company.admin.email);
      const created = await h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${company.id}/roles`,
        payload: { name: "Night Desk", permissions: ["transactions.view"] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const roleId = created.json().id;
      const email = freshEmail("offered");
      const invited = await kit.invite(cookie, company.id, { email, roleIds: [roleId], acceptTerms: true });
      expect(invited.statusCode, invited.body).toBe(201);
      const deleteRole = () =>
        h.inject(cookie, { method: "DELETE", url: `/api/companies/${company.id}/roles/${roleId}` });
      expectError(await deleteRole(), 409, "role_in_use");
      const revoked = await h.inject(cookie, {
        method: "DELETE",
        url: `/api/companies/${company.id}/invitations/${invited.json().id}`,
      });
      expect(revoked.statusCode).toBe(204);
      expect((await deleteRole()).statusCode).toBe(204);
      const list = await h.inject(cookie, { url: `/api/companies/${company.id}/invitations?status=revoked` });
      expect(list.json().items[0]).toMatchObject({
        id: invited.json().id,
        roles: [{ id: roleId, key: null, name: "Night Desk" }],
      });
    });
  });

  describe("rule 8: limits", () => {
    async function seedInvitations(
      companyId: string,
      count: number,
      options: { status: "pending" | "revoked"; createdAt: Date },
    ) {
      const closed =
        options.status === "pending" ? sql`NULL, NULL` : sql`${options.createdAt}::timestamptz, '[]'::jsonb`;
      await sql`
        INSERT INTO invitations (company_id, email, token_hash, status, invited_by, created_at, last_sent_at, expires_at, closed_at, closed_roles)
        SELECT ${companyId}::uuid, 'seeded.' || n || '@example.com', md5(${companyId}::text || n::text) || md5(n::text || ${companyId}::text),
               ${options.status}, NULL, ${options.createdAt}::timestamptz, ${options.createdAt}::timestamptz,
               ${options.createdAt}::timestamptz + interval '7 days', ${closed}
          FROM generate_series(1, ${count}) AS n`.execute(h.db);
    }

    it(`allows at most ${MAX_PENDING_INVITATIONS} pending invitations per company (409 invitation_limit_reached)`, async () => {
      const company = await h.company("Pending Limit Co");
      await seedInvitations(company.id, MAX_PENDING_INVITATIONS, {
        status: "pending",
        createdAt: new Date(h.clock.now().getTime() - 2 * HOUR),
      });
      const cookie = await kit.verifiedSession(company.admin.email);
      const email = freshEmail("over");
      const invite = () =>
        kit.invite(cookie, company.id, {
          email,
          roleIds: kit.roleIds(company, ["finance"]),
          acceptTerms: true,
        });
      expectError(await invite(), 409, "invitation_limit_reached");
      expect(await kit.mailsTo(email)).toHaveLength(0);
      // Revoking one frees a place.
      const [one] = await h.db
        .selectFrom("invitations")
        .select("id")
        .where("company_id", "=", company.id)
        .limit(1)
        .execute();
      const revoked = await h.inject(cookie, {
        method: "DELETE",
        url: `/api/companies/${company.id}/invitations/${one!.id}`,
      });
      expect(revoked.statusCode, revoked.body).toBe(204);
      expect((await invite()).statusCode).toBe(201);
    });

    it(`allows at most ${MAX_NEW_INVITATIONS_PER_HOUR} new invitations per company per rolling hour, also when raced`, async () => {
      const company = await h.company("Hourly Limit Co");
      await seedInvitations(company.id, MAX_NEW_INVITATIONS_PER_HOUR - 5, {
        status: "revoked",
        createdAt: new Date(h.clock.now().getTime() - 30 * MINUTE),
      });
      const cookie = await kit.verifiedSession(company.admin.email);
      const roleIds = kit.roleIds(company, ["operations"]);
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          kit.invite(cookie, company.id, { email: freshEmail("hourly"), roleIds, acceptTerms: true }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429, 429, 429]);
      const limited = responses.find((r) => r.statusCode === 429)!;
      expect(limited.json().error.code).toBe("invitation_rate_limited");
      expect(Number(limited.headers["retry-after"])).toBe(30 * 60);
      const other = await h.company("Hourly Other Co");
      await kit.sendInvitation(other, freshEmail("unaffected"));
      h.clock.advance(30 * MINUTE);
      const later = await kit.verifiedSession(company.admin.email);
      const afterWindow = await kit.invite(later, company.id, {
        email: freshEmail("hourly"),
        roleIds,
        acceptTerms: true,
      });
      expect(afterWindow.statusCode, afterWindow.body).toBe(201);
    });
  });

  describe("rule 8: listing invitations", () => {
    it("pages newest first, filters by status and never shows a token", async () => {
      const company = await h.company("List Co");
      const sent = [];
      for (let i = 0; i < 3; i += 1) {
        sent.push(await kit.sendInvitation(company, freshEmail("listed")));
        h.clock.advance(1000);
      }
      const cookie = await h.login(company.admin.email);
      await h.inject(cookie, {
        method: "DELETE",
        url: `/api/companies/${company.id}/invitations/${sent[0]!.id}`,
      });
      const first = await h.inject(cookie, { url: `/api/companies/${company.id}/invitations?limit=1` });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ total: 3, totalExact: true, items: [{ id: sent[2]!.id }] });
      const second = await h.inject(cookie, {
        url: `/api/companies/${company.id}/invitations?limit=5&cursor=${first.json().nextCursor}`,
      });
      expect(second.json().items.map((i: { id: string }) => i.id)).toEqual([sent[1]!.id, sent[0]!.id]);
      expect(second.json().nextCursor).toBeNull();
      const pending = await h.inject(cookie, {
        url: `/api/companies/${company.id}/invitations?status=pending`,
      });
      expect(pending.json()).toMatchObject({ total: 2 });
      for (const response of [first, second, pending]) {
        for (const { token } of sent) expect(response.body).not.toContain(token);
        expect(response.body).not.toMatch(/token|hash/i);
      }
      expectError(
        await h.inject(cookie, { url: `/api/companies/${company.id}/invitations?cursor=bm9wZQ` }),
        400,
        "validation_failed",
      );
      // Another company's invitation is not found through this company.
      const other = await h.company("List Other Co");
      const foreign = await kit.sendInvitation(other, freshEmail("foreign"));
      expectError(
        await h.inject(cookie, {
          method: "DELETE",
          url: `/api/companies/${company.id}/invitations/${foreign.id}`,
        }),
        404,
        "not_found",
      );
      expect(await kit.statusOf(foreign.id)).toBe("pending");
    });
  });

  describe("rule 8: link pages and headers", () => {
    it("sends Referrer-Policy: no-referrer on the invitation page and the link endpoints", async () => {
      for (const url of ["/invitations/accept", "/api/invitations/whatever"]) {
        const response = await h.inject(null, { url });
        expect(response.headers["referrer-policy"], url).toBe("no-referrer");
      }
      const accept = await kit.accept("A".repeat(43), {});
      expect(accept.headers["referrer-policy"]).toBe("no-referrer");
    });
  });
});

describe.each(testDatabaseKinds)("rule 8: secrets and limits of the link endpoints (%s)", (kind) => {
  const lines: string[] = [];
  let h: Harness;
  const kit = invitationKit(() => h);
  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    h = await createHarness(kind, {
      env: { LOG_LEVEL: "info", INVITATION_TTL_HOURS: "48" },
      logStream,
      limits: { invitationLinkPerMinute: 12 },
    });
  });
  afterAll(() => h?.close());

  it("rule 8: never puts a token in an API response, a log line or an audit row", async () => {
    const company = await h.company("Secret Co");
    const email = freshEmail("secret");
    const { id, token, body } = await kit.sendInvitation(company, email);
    // INVITATION_TTL_HOURS sets the lifetime.
    expect(body.expiresAt).toBe(new Date(h.clock.now().getTime() + 48 * HOUR).toISOString());
    const cookie = await kit.verifiedSession(company.admin.email);
    h.clock.advance(RESEND_COOLDOWN_MS);
    const resent = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/${id}/resend`,
      payload: {},
    });
    const newToken = await kit.tokenMailedTo(email);
    const responses = [
      resent,
      await h.inject(cookie, { url: `/api/companies/${company.id}/invitations` }),
      await kit.view(token),
      await kit.view(newToken),
      await kit.accept(newToken, { name: "Secret Keeper", password: "short" }),
      await kit.accept(newToken, { name: "Secret Keeper", password: NEW_PASSWORD }),
      await kit.accept(newToken, {}),
    ];
    const secrets = [token, newToken, sha256(token), sha256(newToken)];
    for (const response of responses) {
      for (const secret of secrets) expect(response.body).not.toContain(secret);
    }
    const log = lines.join("");
    expect(log).toContain("/api/invitations/[redacted]");
    const audit = JSON.stringify(await h.db.selectFrom("audit_events").selectAll().execute());
    const invitations = JSON.stringify(
      await h.db.selectFrom("invitations").select(["id", "email", "status"]).execute(),
    );
    for (const secret of [token, newToken]) {
      expect(log).not.toContain(secret);
      expect(audit).not.toContain(secret);
      expect(invitations).not.toContain(secret);
    }
  });

  it("rule 8: rate limits the public link endpoints per client IP (429 rate_limited)", async () => {
    const request = (remoteAddress: string) =>
      h.app.inject({ method: "GET", url: `/api/invitations/${"B".repeat(43)}`, remoteAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 13; i += 1) statuses.push((await request("10.8.0.1")).statusCode);
    expect(statuses.slice(0, 12).every((s) => s === 410)).toBe(true);
    expect(statuses[12]).toBe(429);
    expect((await request("10.8.0.2")).statusCode).toBe(410);
  });
});

describe("rule 8: invitation lifetime configuration", () => {
  it("defaults to 7 days and accepts INVITATION_TTL_HOURS from 1 to 720", () => {
    expect(loadConfig({}).invitationTtlHours).toBe(168);
    expect(loadConfig({ INVITATION_TTL_HOURS: "24" }).invitationTtlHours).toBe(24);
    expect(() => loadConfig({ INVITATION_TTL_HOURS: "0" })).toThrow(/INVITATION_TTL_HOURS/);
    expect(() => loadConfig({ INVITATION_TTL_HOURS: "721" })).toThrow(/INVITATION_TTL_HOURS/);
  });
});
