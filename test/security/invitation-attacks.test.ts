// Attack suite, invitations (SECURITY §2 scenarios 1-4): forwarded and replayed links, concurrent
// accepts and look-alike emails, against a real server over HTTP on every configured database.
// Each scenario checks the answer, that nothing changed in the database, and the audit of the refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  invite,
  type LiveServer,
  startLiveServer,
  TEST_PASSWORD,
  uniqueEmail,
} from "./support/live-server.js";

const NEW_PASSWORD = "Juniper-Orbit-Candle-5521";
const HOUR = 3_600_000;

describe.each(testDatabaseKinds)("attacks on invitations (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;

  beforeAll(async () => {
    s = await startLiveServer(kind);
    company = await s.company("Invitation Target Co");
  });
  afterAll(() => s?.close());

  /** The company's Admin, logged in and verified now (time moves in some scenarios). */
  async function admin(): Promise<Client> {
    const client = await s.login(company.admin.email);
    await s.elevate(client);
    return client;
  }

  const accept = (client: Client, token: string, body: unknown = {}) =>
    client.post(`/api/invitations/${token}/accept`, body);

  it("forwarded invitation: another logged-in account cannot accept it (409 email_mismatch), it stays pending", async () => {
    const invitee = uniqueEmail("alice");
    const { id, token } = await invite(s, await admin(), company, invitee);
    const bob = await s.member(await s.company("Bob's Own Co"), ["finance"]);
    const bobClient = await s.login(bob.email);

    const mark = s.mark();
    const before = await s.snapshot();
    // Logged in as Bob: with an empty body, and trying to create the invited account on the side.
    expectRefused(await accept(bobClient, token), 409, "email_mismatch");
    expectRefused(
      await accept(bobClient, token, { name: "Not Alice", password: NEW_PASSWORD }),
      409,
      "email_mismatch",
    );
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(id)).toBe("pending");
    await expectAudited(
      s,
      mark,
      "invitation.accept_refused",
      2,
      (event) => event.actor_account_id === bob.id && event.details.reason === "email_mismatch",
    );

    // The link still works for the person it was sent to.
    const alice = await accept(s.client(), token, { name: "Alice", password: NEW_PASSWORD });
    expect(alice.status, alice.text).toBe(200);
  });

  it("replayed invitation: a link used once is refused (410 invitation_used), one membership", async () => {
    const invitee = uniqueEmail("carol");
    const { id, token } = await invite(s, await admin(), company, invitee);
    const first = s.client();
    expect((await accept(first, token, { name: "Carol", password: NEW_PASSWORD })).status).toBe(200);

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(
      await accept(s.client(), token, { name: "Carol Again", password: NEW_PASSWORD }),
      410,
      "invitation_used",
    );
    expectRefused(await accept(first, token), 410, "invitation_used");
    expectRefused(await s.client().get(`/api/invitations/${token}`), 410, "invitation_used");
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(id)).toBe("accepted");
    const memberships = await s.db
      .selectFrom("members")
      .innerJoin("accounts", "accounts.id", "members.account_id")
      .select("members.id")
      .where("accounts.email", "=", invitee)
      .execute();
    expect(memberships).toHaveLength(1);
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      2,
      (e) => e.details.reason === "invitation_used",
    );
  });

  it("replayed invitation: a revoked link is refused (410 invitation_revoked), nobody joins", async () => {
    const invitee = uniqueEmail("dave");
    const adminClient = await admin();
    const { id, token } = await invite(s, adminClient, company, invitee);
    expect((await adminClient.delete(`/api/companies/${company.id}/invitations/${id}`)).status).toBe(204);

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(
      await accept(s.client(), token, { name: "Dave", password: NEW_PASSWORD }),
      410,
      "invitation_revoked",
    );
    expectRefused(await s.client().get(`/api/invitations/${token}`), 410, "invitation_revoked");
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(id)).toBe("revoked");
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      1,
      (e) => e.details.reason === "invitation_revoked",
    );
  });

  it("replayed invitation: the old link after a resend is refused, only the new one works", async () => {
    const invitee = uniqueEmail("erin");
    const adminClient = await admin();
    const { id, token: oldToken } = await invite(s, adminClient, company, invitee);
    s.clock.advance(61_000); // past the resend cooldown
    await s.elevate(adminClient);
    const resent = await adminClient.post(`/api/companies/${company.id}/invitations/${id}/resend`, {});
    expect(resent.status, resent.text).toBe(200);
    const newToken = await s.invitationToken(invitee);
    expect(newToken).not.toBe(oldToken);

    const mark = s.mark();
    const before = await s.snapshot();
    expectRefused(
      await accept(s.client(), oldToken, { name: "Erin", password: NEW_PASSWORD }),
      410,
      "invitation_revoked",
    );
    await expectUnchanged(s, before);
    expect(await s.invitationStatus(id)).toBe("pending");
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      1,
      (e) => e.details.reason === "invitation_revoked",
    );
    expect((await accept(s.client(), newToken, { name: "Erin", password: NEW_PASSWORD })).status).toBe(200);
  });

  it("replayed invitation: once the inviter lost the right to grant its roles, the link is revoked (410)", async () => {
    // A second Admin invites, then is demoted to Finance before the link is used.
    const inviter = await s.member(company, ["admin"]);
    const inviterClient = await s.login(inviter.email);
    await s.elevate(inviterClient);
    const invitee = uniqueEmail("frank");
    const { id, token } = await invite(s, inviterClient, company, invitee, ["admin"]);
    const adminClient = await admin();
    const demoted = await adminClient.put(`/api/companies/${company.id}/members/${inviter.memberId}/roles`, {
      roleIds: [company.roleIds.finance],
      version: 1,
    });
    expect(demoted.status, demoted.text).toBe(200);

    const mark = s.mark();
    const accounts = await s.countRows("accounts");
    const members = await s.countRows("members");
    expectRefused(
      await accept(s.client(), token, { name: "Frank", password: NEW_PASSWORD }),
      410,
      "invitation_revoked",
    );
    // The refusal itself closes the link (audited as revoked); nobody joined and no account was made.
    expect(await s.invitationStatus(id)).toBe("revoked");
    expect(await s.countRows("accounts")).toBe(accounts);
    expect(await s.countRows("members")).toBe(members);
    await expectAudited(s, mark, "invitation.revoked", 1, (e) => e.details.reason === "inviter_lost_rights");
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      1,
      (e) => e.details.reason === "invitation_revoked",
    );
    const before = await s.snapshot();
    expectRefused(
      await accept(s.client(), token, { name: "Frank", password: NEW_PASSWORD }),
      410,
      "invitation_revoked",
    );
    await expectUnchanged(s, before);
  });

  it("concurrent accepts: 20 parallel accepts of one link make exactly one account and membership", async () => {
    const invitee = uniqueEmail("grace");
    const { id, token } = await invite(s, await admin(), company, invitee);
    const mark = s.mark();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        accept(s.client(), token, { name: `Grace ${i}`, password: NEW_PASSWORD }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expect([409, 410], response.text).toContain(response.status);
      expect(["invitation_used", "conflict", "already_member"]).toContain(response.body.error.code);
    }
    expect(await s.invitationStatus(id)).toBe("accepted");
    const accounts = await s.db.selectFrom("accounts").select("id").where("email", "=", invitee).execute();
    expect(accounts).toHaveLength(1);
    const members = await s.db
      .selectFrom("members")
      .select("id")
      .where("account_id", "=", accounts[0]!.id)
      .where("company_id", "=", company.id)
      .execute();
    expect(members).toHaveLength(1);
    expect(await s.auditSince(mark, "invitation.accepted")).toHaveLength(1);
    await expectAudited(s, mark, "invitation.accept_failed", 1);
  });

  // SECURITY scenario 4: only the documented case fold (and NFKC, which folds the fullwidth ＠ into @)
  // names the same address; a dotless ı, an accent or a look-alike domain never match another address,
  // never create a second member and never receive mail meant for the real one.
  const LOOK_ALIKES: [string, (local: string, domain: string) => string, "same" | "refused"][] = [
    [
      "upper case and spaces name the same address (the documented case fold)",
      (l, d) => `  ${l.toUpperCase()}@${d.toUpperCase()} `,
      "same",
    ],
    ["a fullwidth ＠ names the same address (NFKC), never a second one", (l, d) => `${l}\uff20${d}`, "same"],
    ["a dotless ı never matches i", (l, d) => `${l.replace("i", "\u0131")}@${d}`, "refused"],
    [
      "an accented letter never matches the plain one",
      (l, d) => `${l.replace("e", "\u00e9")}@${d}`,
      "refused",
    ],
    ["a Cyrillic look-alike domain never matches", (l, d) => `${l}@${d.replace("e", "\u0435")}`, "refused"],
    [
      "the punycode spelling of a look-alike domain never matches",
      (l, d) => `${l}@${new URL(`http://${d.replace("e", "\u0435")}`).hostname}`,
      "refused",
    ],
  ];

  it.each(LOOK_ALIKES)("look-alike email: %s", async (_label, variantOf, expected) => {
    const local = `alice.${Math.random().toString(36).slice(2, 8)}`;
    const domain = "example.com";
    const alice = await s.member(company, ["finance"], await s.account(`${local}@${domain}`, "Alice"));
    const variant = variantOf(local, domain);
    const adminClient = await admin();

    const mark = s.mark();
    const before = await s.snapshot();
    const invited = await adminClient.post(`/api/companies/${company.id}/invitations`, {
      email: variant,
      roleIds: [company.roleIds.admin],
      acceptTerms: true,
    });
    const login = await s.client().post("/api/auth/login", { email: variant, password: TEST_PASSWORD });
    const reset = await s.client().post("/api/auth/password-reset", { email: variant });

    if (expected === "same") {
      // The same person: already a member (no second membership or invitation), and they log in.
      expectRefused(invited, 409, "already_member");
      expect(login.status, login.text).toBe(200);
      expect(login.body.account.email).toBe(alice.email);
      expect(reset.status).toBe(202);
      await expectAudited(
        s,
        mark,
        "invitation.create_refused",
        1,
        (e) => e.details.reason === "already_member",
      );
    } else {
      expectRefused(invited, 400, "validation_failed");
      expectRefused(login, 401, "invalid_credentials");
      expectRefused(reset, 400, "validation_failed");
      await expectUnchanged(s, before);
      await expectAudited(
        s,
        mark,
        "invitation.create_refused",
        1,
        (e) => e.details.reason === "validation_failed",
      );
      await expectAudited(s, mark, "auth.login_failed", 1, (e) => e.details.accountExists === false);
    }
    // Either way mail goes only to the stored address, and no look-alike address was stored anywhere.
    const mailedTo = await s.db
      .selectFrom("mail_outbox")
      .select("to_address")
      .where("created_at", ">=", mark)
      .execute();
    for (const row of mailedTo) expect(row.to_address).toBe(alice.email);
    const stored = await s.db
      .selectFrom("accounts")
      .select("email")
      .where("email", "like", `%${local.slice(-6)}%`)
      .execute();
    expect(stored.map((row) => row.email)).toEqual([alice.email]);
    const invitations = await s.db
      .selectFrom("invitations")
      .select("email")
      .where("created_at", ">=", mark)
      .execute();
    expect(invitations).toEqual([]);
  });

  // Last: it moves the server's clock a week on, past every session and the invitation's lifetime.
  it("replayed invitation: an expired link is refused (410 invitation_expired) and marked expired", async () => {
    const invitee = uniqueEmail("heidi");
    const { id, token } = await invite(s, await admin(), company, invitee);
    s.clock.advance(s.config.invitationTtlHours * HOUR + 60_000);

    const mark = s.mark();
    expectRefused(
      await accept(s.client(), token, { name: "Heidi", password: NEW_PASSWORD }),
      410,
      "invitation_expired",
    );
    expect(await s.invitationStatus(id)).toBe("expired");
    await expectAudited(s, mark, "invitation.expired", 1);
    await expectAudited(
      s,
      mark,
      "invitation.accept_failed",
      1,
      (e) => e.details.reason === "invitation_expired",
    );
    const before = await s.snapshot();
    expectRefused(
      await accept(s.client(), token, { name: "Heidi", password: NEW_PASSWORD }),
      410,
      "invitation_expired",
    );
    await expectUnchanged(s, before);
    expect(await s.db.selectFrom("accounts").select("id").where("email", "=", invitee).execute()).toEqual([]);
  });
});
