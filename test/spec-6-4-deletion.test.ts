// SPEC §6.4, deleting: a deactivated member is removed from the company for good (members.deactivate
// + step-up; an active one is 409 member_active), and a person deletes their own account (password
// + step-up), refused while they are the last active Admin of any company. Audit events stay, the
// person's email and name replaced by a pseudonym, so the trail still reads.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pseudonymAddressOf } from "../server/audit/pseudonyms.js";
import { MailDispatcher } from "../server/mail/dispatcher.js";
import { enqueueMail } from "../server/mail/outbox.js";
import { claimDueMails, markMailFailed, RECIPIENT_DELETED_BODY_REMOVED } from "../server/mail/queries.js";
import type { MailEnvelope } from "../server/mail/transport.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

describe.each(testDatabaseKinds)("SPEC 6.4: deletion on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h?.close());

  /** The holder of `cookie` deletes their own account with the test password: answered 204. */
  async function deleteOwnAccount(cookie: string) {
    const deleted = await h.inject(cookie, {
      method: "DELETE",
      url: "/api/me",
      payload: { password: TEST_PASSWORD },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    return deleted;
  }

  it("removes only a deactivated member, for good; a later invitation makes a new member", async () => {
    const company = await h.company("Removal Co");
    const target = await h.member(company, ["finance"]);
    const cookie = await h.login(company.admin.email);
    const remove = (memberId: string) =>
      h.inject(cookie, { method: "DELETE", url: `/api/companies/${company.id}/members/${memberId}` });

    const unverified = await remove(target.memberId);
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().error.code).toBe("step_up_required");
    await h.elevate(cookie, company.id);

    const active = await remove(target.memberId);
    expect(active.statusCode).toBe(409);
    expect(active.json().error.code).toBe("member_active");
    const self = await remove(company.admin.memberId);
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe("self_modification");

    const deactivated = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/members/${target.memberId}/deactivate`,
      payload: {},
    });
    expect(deactivated.statusCode).toBe(200);
    const removed = await remove(target.memberId);
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await remove(target.memberId)).statusCode).toBe(404);
    const gone = await h.inject(cookie, { url: `/api/companies/${company.id}/members/${target.memberId}` });
    expect(gone.statusCode).toBe(404);
    // The account stays (it is the person's, not the company's).
    const account = await h.db.selectFrom("accounts").select("id").where("id", "=", target.id).execute();
    expect(account).toHaveLength(1);

    const events = await h.db
      .selectFrom("audit_events")
      .select(["action", "outcome", "details"])
      .where("company_id", "=", company.id)
      .where("action", "in", ["member.removed", "member.remove_refused"])
      .orderBy("occurred_at")
      .execute();
    // The clock stands still in this test: the events are compared as a set.
    expect(
      events.map((e) => `${e.action} ${(e.details as { reason?: string }).reason ?? ""}`).sort(),
    ).toEqual([
      "member.remove_refused member_active",
      "member.remove_refused not_found",
      "member.remove_refused self_modification",
      "member.removed ",
    ]);

    // A new invitation of the same email, accepted, is a new membership with a new id.
    const invited = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: target.email, roleIds: [company.roleIds.operations], acceptTerms: true },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", target.email)
      .where("kind", "=", "invitation")
      .executeTakeFirstOrThrow();
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { password: TEST_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const membership = await h.db
      .selectFrom("members")
      .select(["id", "status"])
      .where("company_id", "=", company.id)
      .where("account_id", "=", target.id)
      .executeTakeFirstOrThrow();
    expect(membership.id).not.toBe(target.memberId);
    expect(membership.status).toBe("active");
  });

  it("refuses to delete the account of the last active Admin of any company", async () => {
    const company = await h.company("Last Admin Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const refused = await h.inject(cookie, {
      method: "DELETE",
      url: "/api/me",
      payload: { password: TEST_PASSWORD },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("last_admin");
    expect(refused.json().error.details.companyIds).toEqual([company.id]);
    // A deactivated second Admin does not count; an active one does.
    const second = await h.member(company, ["admin"]);
    await h.db
      .updateTable("members")
      .set({ status: "deactivated", deactivated_at: h.clock.now() })
      .where("id", "=", second.memberId)
      .execute();
    expect(
      (await h.inject(cookie, { method: "DELETE", url: "/api/me", payload: { password: TEST_PASSWORD } }))
        .statusCode,
    ).toBe(409);
    const wrong = await h.inject(cookie, {
      method: "DELETE",
      url: "/api/me",
      payload: { password: "wrong password!!" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe("current_password_incorrect");
    const still = await h.inject(cookie, { url: "/api/me" });
    expect(still.statusCode).toBe(200);
  });

  it("deletes the account and its sessions; the audit trail keeps every event with a pseudonym instead of the email and name", async () => {
    const company = await h.company("Trail Co");
    const bo = await h.account("bo.lee@example.com", "Bo Lee");
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    // Bo is invited and joins, becomes an Admin, and acts: the log now names Bo as target and actor.
    const invited = await h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: "Bo.Lee@example.com", roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(invited.statusCode).toBe(201);
    const mail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", "bo.lee@example.com")
      .executeTakeFirstOrThrow();
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1];
    expect(
      (
        await h.inject(null, {
          method: "POST",
          url: `/api/invitations/${token}/accept`,
          payload: { password: TEST_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    const boMember = await h.db
      .selectFrom("members")
      .select("id")
      .where("account_id", "=", bo.id)
      .executeTakeFirstOrThrow();
    const promoted = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${boMember.id}/roles`,
      payload: { roleIds: [company.roleIds.admin] },
    });
    expect(promoted.statusCode).toBe(200);
    const bob = await h.login("bo.lee@example.com");
    const other = await h.login("bo.lee@example.com");
    await h.elevate(bob, company.id);
    const demoted = await h.inject(bob, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email: "cy@example.com", roleIds: [company.roleIds.operations], acceptTerms: true },
    });
    expect(demoted.statusCode).toBe(201);

    const deleted = await deleteOwnAccount(bob);
    expect(deleted.cookies.find((c) => c.name === h.cookieName)?.value).toBe("");
    // The account and every session of it are gone.
    expect((await h.inject(bob, { url: "/api/me" })).statusCode).toBe(401);
    expect((await h.inject(other, { url: "/api/me" })).statusCode).toBe(401);
    expect(await h.db.selectFrom("accounts").select("id").where("id", "=", bo.id).execute()).toHaveLength(0);
    expect(
      await h.db.selectFrom("sessions").select("id").where("account_id", "=", bo.id).execute(),
    ).toHaveLength(0);
    await expect(h.login("bo.lee@example.com")).rejects.toThrow(/401/);

    // No audit event holds Bo's email or name any more; the events are all still there.
    const events = await h.db
      .selectFrom("audit_events")
      .selectAll()
      .where("company_id", "=", company.id)
      .orderBy("occurred_at")
      .execute();
    const text = JSON.stringify(events).toLowerCase();
    expect(text).not.toContain("bo.lee@example.com");
    expect(text).not.toContain("bo lee");
    const pseudonym = `Deleted user ${bo.id.replaceAll("-", "").slice(0, 8)}`;
    const actions = events.map((e) => e.action);
    for (const action of [
      "invitation.created",
      "invitation.accepted",
      "member.roles_changed",
      "member.account_deleted",
    ]) {
      expect(actions).toContain(action);
    }
    const byBo = events.filter((e) => e.actor_account_id === bo.id);
    expect(byBo.length).toBeGreaterThanOrEqual(2);
    for (const event of byBo) expect(event.actor_email).toBe(pseudonym);
    const invitation = events.find((e) => e.action === "invitation.created" && e.actor_account_id !== bo.id);
    expect((invitation?.details as { email?: string } | undefined)?.email).toBe(pseudonym);
    // The admin's own events keep the admin's email: only Bo's data is replaced.
    expect(events.some((e) => e.actor_email === company.admin.email)).toBe(true);

    // The audit log still reads: the API shows the pseudonym where Bo was.
    const log = await h.inject(admin, { url: `/api/companies/${company.id}/audit-events?limit=100` });
    expect(log.statusCode).toBe(200);
    expect(log.body.toLowerCase()).not.toContain("bo.lee@example.com");
    expect(log.body).toContain(pseudonym);
  });

  it("forgets the person's address in the outbox and in the invitations that are over; a pending invitation and others' mail stay", async () => {
    const company = await h.company("Forget Co");
    const other = await h.company("Other Co");
    const dee = await h.account("dee.fox@example.com", "Dee Fox");
    const admin = await h.login(company.admin.email);
    await h.elevate(admin, company.id);
    // Forget Co's systems hear of its members through a webhook endpoint.
    const developer = await h.login((await h.member(company, ["developer"])).email);
    await h.elevate(developer, company.id);
    const endpoint = await h.inject(developer, {
      method: "POST",
      url: `/api/companies/${company.id}/webhooks`,
      payload: {
        url: "http://127.0.0.1:9/hooks",
        events: ["member.invited", "member.joined", "member.roles_changed"],
      },
    });
    expect(endpoint.statusCode, endpoint.body).toBe(201);
    const otherAdmin = await h.login(other.admin.email);
    await h.elevate(otherAdmin, other.id);
    const invite = (cookie: string, companyId: string, email: string, roleId: string) =>
      h.inject(cookie, {
        method: "POST",
        url: `/api/companies/${companyId}/invitations`,
        payload: { email, roleIds: [roleId], acceptTerms: true },
      });
    const sent: string[] = [];
    const dispatcher = new MailDispatcher({
      db: h.db,
      transport: {
        isExternal: true,
        send: async (mail: MailEnvelope) => void sent.push(mail.to),
        close() {},
      },
      clock: h.clock,
    });
    const deliverAll = async () => {
      while ((await dispatcher.runOnce()).sent > 0) {}
    };

    // Dee joins Forget Co through an invitation, whose mail was delivered.
    expect((await invite(admin, company.id, "dee.fox@example.com", company.roleIds.finance)).statusCode).toBe(
      201,
    );
    const invitationMail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", "dee.fox@example.com")
      .executeTakeFirstOrThrow();
    const token = /#token=([A-Za-z0-9_-]+)/.exec(invitationMail.text_body)?.[1];
    const accepted = await h.inject(null, {
      method: "POST",
      url: `/api/invitations/${token}/accept`,
      payload: { password: TEST_PASSWORD },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await deliverAll();
    expect(sent).toContain("dee.fox@example.com");
    // Then, not yet delivered: a notice of new roles, and Other Co's invitation; and a mail to Eve.
    const deeMember = await h.db
      .selectFrom("members")
      .select("id")
      .where("account_id", "=", dee.id)
      .executeTakeFirstOrThrow();
    const changed = await h.inject(admin, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${deeMember.id}/roles`,
      payload: { roleIds: [company.roleIds.operations] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(
      (await invite(otherAdmin, other.id, "dee.fox@example.com", other.roleIds.developer)).statusCode,
    ).toBe(201);
    expect(
      (await invite(admin, company.id, "eve.lin@example.com", company.roleIds.developer)).statusCode,
    ).toBe(201);
    const deesMails = await h.db
      .selectFrom("mail_outbox")
      .select(["id", "status"])
      .where("to_address", "=", "dee.fox@example.com")
      .execute();
    expect(deesMails.map((m) => m.status).sort()).toEqual(["pending", "pending", "sent"]);

    const deeCookie = await h.login("dee.fox@example.com");
    await h.elevate(deeCookie);
    await deleteOwnAccount(deeCookie);

    // Dee's mails keep their kind, status and times, to an address nobody reaches, without a body;
    // those that were waiting never leave.
    const forgotten = await h.db
      .selectFrom("mail_outbox")
      .select(["id", "to_address", "status", "text_body", "html_body", "last_error"])
      .where(
        "id",
        "in",
        deesMails.map((m) => m.id),
      )
      .execute();
    expect(forgotten).toHaveLength(3);
    for (const mail of forgotten) {
      expect(mail.to_address).toBe(pseudonymAddressOf(dee.id));
      expect(mail.text_body).toBe(RECIPIENT_DELETED_BODY_REMOVED);
      expect(mail.html_body).toBe(RECIPIENT_DELETED_BODY_REMOVED);
    }
    expect(forgotten.map((m) => m.status).sort()).toEqual(["failed", "failed", "sent"]);
    expect(forgotten.filter((m) => m.status === "failed").map((m) => m.last_error)).toEqual([
      "the recipient deleted their account",
      "the recipient deleted their account",
    ]);
    sent.length = 0;
    await deliverAll();
    expect(sent).toEqual(["eve.lin@example.com"]);

    // The invitation Dee accepted names the pseudonym's address; Other Co's offer to the address stands.
    const invitations = await h.db
      .selectFrom("invitations")
      .select(["company_id", "email", "status"])
      .where("company_id", "in", [company.id, other.id])
      .where("email", "in", ["dee.fox@example.com", pseudonymAddressOf(dee.id)])
      .orderBy("status")
      .execute();
    expect(invitations).toEqual([
      { company_id: company.id, email: pseudonymAddressOf(dee.id), status: "accepted" },
      { company_id: other.id, email: "dee.fox@example.com", status: "pending" },
    ]);

    // The webhook bodies about Dee (invited, joined, new roles) name the pseudonym's address.
    const deliveries = await h.db
      .selectFrom("webhook_deliveries")
      .select(["event_type", "body"])
      .where("company_id", "=", company.id)
      .orderBy("seq")
      .execute();
    expect(deliveries.map((d) => d.event_type)).toEqual([
      "member.invited",
      "member.joined",
      "member.roles_changed",
      "member.invited",
    ]);
    for (const delivery of deliveries.slice(0, 3)) {
      expect(JSON.parse(delivery.body).data.email).toBe(pseudonymAddressOf(dee.id));
    }
    expect(JSON.parse(deliveries[3]!.body).data.email).toBe("eve.lin@example.com");

    // No other row of any table holds Dee's address or name.
    const tables = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(h.db);
    const holding: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const found = await sql<{ rows: number }>`
        SELECT count(*)::int AS rows FROM ${sql.table(name)} t
         WHERE lower(t::text) LIKE '%dee.fox@example.com%' OR lower(t::text) LIKE '%dee fox%'`.execute(h.db);
      if (found.rows[0]!.rows > 0) holding[name] = found.rows[0]!.rows;
    }
    expect(holding).toEqual({ invitations: 1 });
  });

  it("does not try again a mail that was being sent when its recipient deleted their account", async () => {
    const gil = await h.member(await h.company("Relay Co"), ["finance"]);
    const id = await enqueueMail(
      h.db,
      {
        kind: "password_changed",
        to: gil.email,
        mail: { subject: "Your password changed", text: "Hello Gil Ray", html: "<p>Hello Gil Ray</p>" },
        isSensitive: false,
      },
      h.clock.now(),
    );
    const now = h.clock.now();
    const claimed = await claimDueMails(h.db, now, new Date(now.getTime() + 60_000), 100);
    expect(claimed.map((mail) => mail.id)).toContain(id);
    // While the relay is being asked, Gil deletes the account; then the relay answers "try later".
    const cookie = await h.login(gil.email);
    await h.elevate(cookie);
    await deleteOwnAccount(cookie);
    await markMailFailed(h.db, id, { gaveUp: false, error: "421 try later", nextAttemptAt: now });
    const row = await h.db
      .selectFrom("mail_outbox")
      .select(["status", "to_address", "last_error"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: "failed",
      to_address: pseudonymAddressOf(gil.id),
      last_error: "the recipient deleted their account",
    });
  });

  it("keeps the audit log append-only outside a deletion", async () => {
    const company = await h.company("Append Co");
    await expect(
      h.db
        .updateTable("audit_events")
        .set({ actor_email: "Deleted user 00000000" })
        .where("company_id", "=", company.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
  });
});
