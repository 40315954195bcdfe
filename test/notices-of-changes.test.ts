// People are told of changes made to them (SECURITY 3, rule 12): new roles, a deactivation or a
// reactivation are mailed to the member; a new alternate email to the primary, the old and the new
// alternate address; a changed or reset password to the primary and the alternate address. Each
// notice is queued in the transaction of its change, holds no code or token, and names the time as
// a reader says it. Nothing changed, nothing mailed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness, TEST_PASSWORD } from "./support/harness.js";

type Company = Awaited<ReturnType<Harness["company"]>>;

const NEW_PASSWORD = "Quiet-Harbor-Lantern-2291";
const READABLE_TIME = /\b\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC\b/;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe.each(testDatabaseKinds)("Issue 17 item 9: people are told of changes made to them on %s", (kind) => {
  let h: Harness;
  let company: Company;
  let admin: string;
  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Notice <Co> & Sons");
    admin = await h.login(company.admin.email);
    await h.elevate(admin);
  });
  afterAll(() => h?.close());

  /** Mails queued since `sinceSeq`, oldest first. */
  async function mailsSince(sinceSeq: number) {
    return h.db
      .selectFrom("mail_outbox")
      .select(["seq", "kind", "to_address", "subject", "text_body", "html_body", "is_sensitive"])
      .where("seq", ">", sinceSeq)
      .orderBy("seq")
      .execute();
  }
  async function lastSeq(): Promise<number> {
    const row = await h.db
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }
  /** A notice holds no code, no token and no secret link; its time reads as words. */
  function expectPlainNotice(mail: {
    subject: string;
    text_body: string;
    html_body: string;
    is_sensitive: boolean;
  }) {
    expect(mail.is_sensitive).toBe(false);
    for (const body of [mail.subject, mail.text_body, mail.html_body]) {
      expect(body).not.toMatch(/\b\d{6}\b/);
      expect(body).not.toMatch(/token=|[A-Za-z0-9_-]{43}/);
    }
    expect(mail.text_body).toMatch(READABLE_TIME);
    expect(mail.text_body).not.toMatch(ISO_TIME);
  }
  const putRoles = (memberId: string, roleIds: string[], cookie = admin) =>
    h.inject(cookie, {
      method: "PUT",
      url: `/api/companies/${company.id}/members/${memberId}/roles`,
      payload: { roleIds },
    });
  const setStatus = (memberId: string, action: "deactivate" | "reactivate") =>
    h.inject(admin, {
      method: "POST",
      url: `/api/companies/${company.id}/members/${memberId}/${action}`,
      payload: {},
    });

  it("mails the member their new roles, the company and who changed them; the same roles mail nothing", async () => {
    const member = await h.member(company, ["finance"]);
    const before = await lastSeq();
    const changed = await putRoles(member.memberId, [company.roleIds.operations, company.roleIds.developer]);
    expect(changed.statusCode, changed.body).toBe(200);
    const mails = await mailsSince(before);
    expect(mails.map((m) => [m.kind, m.to_address])).toEqual([["member_roles_changed", member.email]]);
    const [mail] = mails;
    expectPlainNotice(mail!);
    expect(mail!.text_body).toContain("Notice <Co> & Sons");
    expect(mail!.html_body).toContain("Notice &lt;Co&gt; &amp; Sons");
    expect(mail!.html_body).not.toContain("<Co>");
    expect(mail!.text_body).toMatch(/Operations, Developer|Developer, Operations/);
    expect(mail!.text_body).toContain(company.admin.email);

    const again = await putRoles(member.memberId, [company.roleIds.developer, company.roleIds.operations]);
    expect(again.statusCode, again.body).toBe(200);
    expect(await mailsSince(before)).toHaveLength(1);
  });

  it("mails an Admin demoted through the locked path, and nobody for a refused change", async () => {
    const other = await h.member(company, ["admin"]);
    const before = await lastSeq();
    const demoted = await putRoles(other.memberId, [company.roleIds.finance]);
    expect(demoted.statusCode, demoted.body).toBe(200);
    const mails = await mailsSince(before);
    expect(mails.map((m) => [m.kind, m.to_address])).toEqual([["member_roles_changed", other.email]]);
    expect(mails[0]!.text_body).toContain("Finance");

    const finance = await h.member(company, ["finance"]);
    const financeCookie = await h.login(finance.email);
    await h.elevate(financeCookie);
    const afterDemotion = await lastSeq();
    const refused = await putRoles(other.memberId, [company.roleIds.admin], financeCookie);
    expect(refused.statusCode).toBe(403);
    expect(await mailsSince(afterDemotion)).toEqual([]);
  });

  it("mails a deactivated and a reactivated member, with the company and the roles restored", async () => {
    const member = await h.member(company, ["finance", "operations"]);
    const before = await lastSeq();
    expect((await setStatus(member.memberId, "deactivate")).statusCode).toBe(200);
    expect((await setStatus(member.memberId, "deactivate")).statusCode).toBe(409);
    expect((await setStatus(member.memberId, "reactivate")).statusCode).toBe(200);
    const mails = await mailsSince(before);
    expect(mails.map((m) => [m.kind, m.to_address])).toEqual([
      ["member_deactivated", member.email],
      ["member_reactivated", member.email],
    ]);
    for (const mail of mails) {
      expectPlainNotice(mail);
      expect(mail.text_body).toContain("Notice <Co> & Sons");
      expect(mail.subject).not.toMatch(/[\r\n]/);
    }
    expect(mails[1]!.text_body).toMatch(/Finance, Operations|Operations, Finance/);
  });

  async function setAlternate(cookie: string, address: string) {
    const sent = await h.inject(cookie, {
      method: "POST",
      url: "/api/me/alternate-email",
      payload: { email: address },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const codeMail = await h.db
      .selectFrom("mail_outbox")
      .select("text_body")
      .where("to_address", "=", address)
      .where("kind", "=", "alternate_email_code")
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    const code = /\bis (\d{6})\b/.exec(codeMail.text_body)?.[1];
    const verified = await h.inject(cookie, {
      method: "POST",
      url: "/api/me/alternate-email/verify",
      payload: { challengeId: sent.json().challengeId, code },
    });
    expect(verified.statusCode, verified.body).toBe(200);
  }

  it("mails a new alternate email to the primary, the old and the new alternate address", async () => {
    const member = await h.member(company, ["finance"]);
    const cookie = await h.login(member.email);
    await h.elevate(cookie);
    const first = `first.${member.id.slice(0, 8)}@example.org`;
    const second = `second.${member.id.slice(0, 8)}@example.org`;
    await setAlternate(cookie, first);
    h.clock.advance(61_000);
    const before = await lastSeq();
    await setAlternate(cookie, second);
    const notices = (await mailsSince(before)).filter((m) => m.kind === "alternate_email_changed");
    expect(notices.map((m) => m.to_address).sort()).toEqual([member.email, first, second].sort());
    for (const notice of notices) expectPlainNotice(notice);
  });

  it("mails a changed and a reset password to the primary and the alternate address", async () => {
    const member = await h.member(company, ["finance"]);
    const cookie = await h.login(member.email);
    await h.elevate(cookie);
    const alternate = `alt.${member.id.slice(0, 8)}@example.org`;
    await setAlternate(cookie, alternate);

    const before = await lastSeq();
    const changed = await h.inject(cookie, {
      method: "POST",
      url: "/api/me/password",
      payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const changeNotices = (await mailsSince(before)).filter((m) => m.kind === "password_changed");
    expect(changeNotices.map((m) => m.to_address).sort()).toEqual([member.email, alternate].sort());
    for (const notice of changeNotices) expectPlainNotice(notice);

    const requested = await h.inject(null, {
      method: "POST",
      url: "/api/auth/password-reset",
      payload: { email: member.email },
    });
    expect(requested.statusCode).toBe(202);
    const resetMail = (await mailsSince(before)).find((m) => m.kind === "password_reset");
    const token = /#token=([A-Za-z0-9_-]{43})\b/.exec(resetMail?.text_body ?? "")?.[1];
    expect(token).toBeDefined();
    const afterRequest = await lastSeq();
    const reset = await h.inject(null, {
      method: "POST",
      url: "/api/auth/password-reset/confirm",
      payload: { token, password: `${NEW_PASSWORD}-again` },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    const resetNotices = await mailsSince(afterRequest);
    expect(resetNotices.map((m) => [m.kind, m.to_address]).sort()).toEqual(
      [
        ["password_changed", member.email],
        ["password_changed", alternate],
      ].sort(),
    );
    for (const notice of resetNotices) {
      expectPlainNotice(notice);
      expect(notice.text_body).not.toContain(token);
    }
  });
});
