// SPEC §6.6: mails are written in the RECIPIENT's language and time zone, never the sender's: the
// recipient account's choice; for an invitation to an email without an account, the language the
// inviter gave the invitation; else English with times in UTC. One invitation mail is checked in
// each language, subject and body.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseKinds } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";

describe.each(testDatabaseKinds)("SPEC §6.6 mails in the recipient's language on %s", (kind) => {
  let h: Harness;
  let company: Awaited<ReturnType<Harness["company"]>>;
  let adminCookie: string;
  beforeAll(async () => {
    h = await createHarness(kind);
    company = await h.company("Lingua Co");
    adminCookie = await h.login(company.admin.email);
    await h.elevate(adminCookie);
  });
  afterAll(() => h?.close());

  async function lastMailTo(email: string, mailKind: string) {
    return h.db
      .selectFrom("mail_outbox")
      .select(["subject", "text_body", "html_body"])
      .where("to_address", "=", email)
      .where("kind", "=", mailKind)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
  }

  async function setPreferences(cookie: string, payload: Record<string, string>) {
    const saved = await h.inject(cookie, { method: "PUT", url: "/api/me/preferences", payload });
    expect(saved.statusCode, saved.body).toBe(200);
  }

  function invite(email: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    return h.inject(adminCookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true, ...extra },
      headers,
    });
  }

  it("writes an invitation to an email without an account in English by default", async () => {
    const email = "english.invitee@example.com";
    const response = await invite(email, {}, { "accept-language": "zh-CN" });
    expect(response.statusCode, response.body).toBe(201);

    const mail = await lastMailTo(email, "invitation");
    expect(mail.subject).toBe("You are invited to join Lingua Co on Merchant Portal");
    expect(mail.text_body).toContain(
      "Lingua Co Admin (" +
        company.admin.email +
        ") invited you to join Lingua Co on Merchant Portal with the role(s): Finance.",
    );
    expect(mail.text_body).toContain("Open the link below to accept before 9 March 2026 at 09:00 UTC.");
    expect(mail.html_body).toContain('<html lang="en">');
    expect(mail.html_body).toContain("Accept the invitation</a>");
    expect(mail.text_body).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it("writes an invitation in Chinese when the inviter asks for it, and keeps that language for the resend", async () => {
    const email = "chinese.invitee@example.com";
    const response = await invite(email, { language: "zh-CN" });
    expect(response.statusCode, response.body).toBe(201);
    const stored = await h.db
      .selectFrom("invitations")
      .select("language")
      .where("id", "=", response.json().id)
      .executeTakeFirstOrThrow();
    expect(stored.language).toBe("zh-CN");

    const mail = await lastMailTo(email, "invitation");
    expect(mail.subject).toBe("邀请您加入商户门户上的 Lingua Co");
    expect(mail.text_body).toContain("您好：");
    expect(mail.text_body).toContain(
      `Lingua Co Admin (${company.admin.email}) 邀请您以以下角色加入商户门户上的 Lingua Co：财务。`,
    );
    expect(mail.text_body).toContain("请在 2026年3月9日 09:00（UTC） 之前打开下方链接接受邀请。");
    expect(mail.html_body).toContain('<html lang="zh-CN">');
    expect(mail.html_body).toContain("接受邀请</a>");
    expect(mail.html_body).toContain("商户门户：此邮件为系统自动发送。");
    expect(mail.text_body).not.toContain("You are invited");

    h.clock.advance(10 * 60_000);
    await h.elevate(adminCookie);
    const resent = await h.inject(adminCookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/${response.json().id}/resend`,
    });
    expect(resent.statusCode, resent.body).toBe(200);
    expect((await lastMailTo(email, "invitation")).subject).toBe("邀请您加入商户门户上的 Lingua Co");
  });

  it("writes a batch's invitations in the language the batch names", async () => {
    const email = "batch.invitee@example.com";
    const response = await h.inject(adminCookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations/batch`,
      payload: {
        emails: [email],
        roleIds: [company.roleIds.operations],
        acceptTerms: true,
        language: "zh-CN",
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().results[0].status).toBe("invited");
    const mail = await lastMailTo(email, "invitation");
    expect(mail.subject).toBe("邀请您加入商户门户上的 Lingua Co");
    expect(mail.text_body).toContain("：运营。");
  });

  it("writes an invitation in the invitee's own language and time zone when the email has an account", async () => {
    // An account of no company yet (it cannot sign in to choose): its choice as the route stores it.
    const invitee = await h.account("has.account@example.com", "Wei Zhang");
    await h.db
      .updateTable("accounts")
      .set({ language: "zh-CN", time_zone: "Asia/Shanghai" })
      .where("id", "=", invitee.id)
      .execute();

    // The inviter's request says English and the invitation asks for English: the account's choice wins.
    const response = await invite(invitee.email, { language: "en" }, { "accept-language": "en-GB" });
    expect(response.statusCode, response.body).toBe(201);
    const mail = await lastMailTo(invitee.email, "invitation");
    expect(mail.subject).toBe("邀请您加入商户门户上的 Lingua Co");
    // Eight hours ahead of UTC: 09:xx UTC is 17:xx in Shanghai.
    expect(mail.text_body).toMatch(/2026年3月9日 17:\d{2}（Asia\/Shanghai）/);
  });

  it("writes a role-change notice in the member's language, not the Admin's who made the change", async () => {
    await setPreferences(adminCookie, { language: "zh-CN" });
    const english = await h.member(company, ["finance"]);
    const chinese = await h.member(company, ["finance"]);
    await setPreferences(await h.login(chinese.email), { language: "zh-CN", timeZone: "Asia/Shanghai" });
    await h.elevate(adminCookie);

    for (const member of [english, chinese]) {
      const changed = await h.inject(adminCookie, {
        method: "PUT",
        url: `/api/companies/${company.id}/members/${member.memberId}/roles`,
        payload: { roleIds: [company.roleIds.operations] },
      });
      expect(changed.statusCode, changed.body).toBe(200);
    }

    const toEnglish = await lastMailTo(english.email, "member_roles_changed");
    expect(toEnglish.subject).toBe("Your roles in Lingua Co on Merchant Portal changed");
    expect(toEnglish.text_body).toContain("Your roles are now: Operations.");
    expect(toEnglish.text_body).toMatch(/on \d{1,2} March 2026 at \d{2}:\d{2} UTC\./);
    expect(toEnglish.text_body).not.toMatch(/[\u4e00-\u9fff]/);

    const toChinese = await lastMailTo(chinese.email, "member_roles_changed");
    expect(toChinese.subject).toBe("您在商户门户上 Lingua Co 的角色已更改");
    expect(toChinese.text_body).toContain("您现在的角色为：运营。");
    expect(toChinese.text_body).toMatch(/2026年3月\d{1,2}日 \d{2}:\d{2}（Asia\/Shanghai）/);
    await setPreferences(adminCookie, { language: "en" });
  });

  it("mails a verification code in the account's language", async () => {
    const person = await h.member(company, ["finance"]);
    const cookie = await h.login(person.email);
    await setPreferences(cookie, { language: "zh-CN" });
    const issued = await h.inject(cookie, {
      method: "POST",
      url: "/api/verification/step-up",
      payload: { companyId: company.id },
      headers: { "accept-language": "en" },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const mail = await lastMailTo(person.email, "step_up_code");
    expect(mail.subject).toBe("您的商户门户验证码");
    expect(mail.text_body).toMatch(/您的验证码是 \d{6}。有效期 \d+ 分钟，只能使用一次。/);
  });
});
