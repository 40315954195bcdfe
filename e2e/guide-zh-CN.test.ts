// The user guide's sections 2–5 walked in Simplified Chinese (SPEC §6.6, issue #25): a browser whose
// language is zh-CN gets the portal in Chinese without choosing it, and every step is found by the
// Chinese accessible names the guide's labels have in the catalogues: 成员列表, 邀请新成员, 成员邮箱,
// 成员角色, 搜索, 更改角色, 停用, 邮箱验证, and each notice the guide promises.
// It logs in through the API and opens the member list by its address, so it does not depend on the
// login page's or the menu's words.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { chooseOption, codeIn, companyIdOf, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

/** The 6-digit code of a verification mail, whichever language the mail is written in. */
const codeOf = (text: string) => codeIn(text) || (/(?<!\d)(\d{6})(?!\d)/.exec(text)?.[1] ?? "");

async function hasNotice(page: Page, text: string): Promise<boolean> {
  return (await page.locator(".ant-message").getByText(text, { exact: true }).count()) > 0;
}

async function memberRows(page: Page): Promise<string[]> {
  await page.locator(".ant-table-tbody").first().waitFor();
  return page
    .locator(".ant-table-tbody")
    .first()
    .locator("tr.ant-table-row td:first-child")
    .allTextContents();
}

function memberRow(page: Page, email: string): Locator {
  return page.locator(".ant-table-tbody").first().locator("tr.ant-table-row", { hasText: email });
}

const rolesOf = (row: Locator) => row.locator("td").nth(2).locator(".ant-tag").allTextContents();
const statusOf = (row: Locator) => row.locator("td").nth(3).textContent();

describe("the user guide's sections 2–5 in Simplified Chinese, in Chromium with a zh-CN browser", () => {
  const held = usePortalAndBrowser();
  let page: Page;
  let memberListUrl: string;
  const adminEmail = () => held.portal.credentials("admin").email;

  /** Passes the 邮箱验证 window with the code mailed to the admin; waits until it is gone. */
  async function passEmailVerification() {
    const verification = page.getByRole("dialog", { name: "邮箱验证" });
    await verification.waitFor();
    // The window says where the code went once the server has mailed it: only then is it in the box.
    await verification.getByText(/请输入.*发送至.*的验证码/).waitFor();
    const mail = await held.portal.latestMail(adminEmail());
    await verification.getByLabel("验证码", { exact: true }).fill(codeOf(mail.text));
    await verification.getByRole("button", { name: "验证", exact: true }).click();
    await verification.waitFor({ state: "hidden" });
  }

  /** After a guarded action: passes 邮箱验证 if it opens (a verified session is not asked again). */
  async function passEmailVerificationIfAsked(isDone: () => Promise<boolean>) {
    const verification = page.getByRole("dialog", { name: "邮箱验证" });
    await expect.poll(async () => (await verification.isVisible()) || (await isDone())).toBe(true);
    if (await verification.isVisible()) await passEmailVerification();
    await expect.poll(isDone).toBe(true);
  }

  async function openMemberList() {
    await page.goto(memberListUrl);
    await page.getByRole("heading", { level: 1, name: "成员列表" }).waitFor();
    await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
  }

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    const context = await held.browser.newContext({
      locale: "zh-CN",
      viewport: { width: 1440, height: 900 },
    });
    page = await context.newPage();
    // Logged in through the API from a page of the portal (same origin, so the CSRF check passes).
    const admin = held.portal.credentials("admin");
    await page.goto(`${held.portal.url}/login`);
    const status = await page.evaluate(
      async ({ email, password }) =>
        (
          await fetch("/api/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email, password }),
          })
        ).status,
      { email: admin.email, password: admin.password },
    );
    expect(status).toBe(200);
    await page.goto(held.portal.url);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    const company = `/c/${companyIdOf(page) ?? ""}`;
    memberListUrl = `${held.portal.url}${company}/account/members`;
  });

  it("opens the member list in Chinese: the page's language, its title, search and buttons", async () => {
    await openMemberList();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await page.getByRole("button", { name: "邀请新成员" }).waitFor();
    await page.getByLabel("成员邮箱").waitFor();
    await page.getByLabel("成员角色").waitFor();
    await page.getByRole("button", { name: "搜索" }).waitFor();
    await expect.poll(() => page.getByText(/^合计：\d+ 名成员$/).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Invite new member" }).count()).toBe(0);
    expect(await page.getByText("Member Email").count()).toBe(0);
    // The README shows the member list in both languages (the English one by member-management).
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}member-list-zh-CN.png` });
  });

  it("§2 邀请新成员: email, a role with its permissions on the right, the terms, 发送邀请, 邮箱验证, sent successfully", async () => {
    await openMemberList();
    // Step 1: click 邀请新成员.
    await page.getByRole("button", { name: "邀请新成员" }).click();
    const invite = page.getByRole("dialog", { name: "邀请新成员" });
    // Step 2: an email address and a role; the role's permissions show on the right, in Chinese.
    await invite.getByLabel("邮箱地址").fill("xin.tongshi@example.com");
    const finance = invite.getByRole("checkbox", { name: "财务" });
    await setChecked(finance);
    const permissions = invite.getByRole("region", { name: "所选角色的权限" });
    await expect.poll(() => permissions.getByText("下载交易").count()).toBeGreaterThan(0);
    await invite.getByRole("button", { name: "下一步" }).click();
    // Step 3: confirm email, role and permissions, tick the terms box, click 发送邀请.
    await expect.poll(() => invite.getByText("xin.tongshi@example.com").count()).toBeGreaterThan(0);
    const send = invite.getByRole("button", { name: "发送邀请" });
    expect(await send.isDisabled()).toBe(true);
    await setChecked(invite.getByRole("checkbox", { name: /我确认此人可根据商户条款访问公司数据/ }));
    await send.click();
    // Step 4: 邮箱验证 asks for the code sent to the inbox, then the notice.
    await passEmailVerificationIfAsked(() => hasNotice(page, "邀请已发送成功"));
    await invite.waitFor({ state: "hidden" });
    // The invitation is listed under 邀请, pending.
    const invitations = page.getByRole("region", { name: "邀请" });
    await expect
      .poll(() =>
        invitations.locator("tr.ant-table-row", { hasText: "xin.tongshi@example.com" }).textContent(),
      )
      .toContain("待接受");
  });

  it("§3 搜索 by 成员邮箱, and by 成员角色", async () => {
    await openMemberList();
    await page.getByLabel("成员邮箱").fill("operations@");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect.poll(() => memberRows(page)).toEqual(["operations@demo-merchant.example"]);
    await expect.poll(() => page.getByText("合计：1 名成员", { exact: true }).count()).toBe(1);

    await page.getByLabel("成员邮箱").fill("");
    await chooseOption(page, page.getByLabel("成员角色"), "开发者");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect.poll(() => memberRows(page)).toEqual(["developer@demo-merchant.example"]);

    await chooseOption(page, page.getByLabel("成员角色"), "全部角色");
    await page.getByRole("button", { name: "搜索" }).click();
    await expect.poll(async () => (await memberRows(page)).length).toBeGreaterThan(2);
  });

  it("§4 更改角色: select a new role, 下一步, 确认, saved successfully", async () => {
    await openMemberList();
    const row = memberRow(page, "operations@demo-merchant.example");
    expect(await rolesOf(row)).toEqual(["运营"]);
    // Step 1: click 更改角色.
    await row.getByRole("button", { name: "更改角色" }).click();
    const dialog = page.getByRole("dialog", { name: "更改角色" });
    const operations = dialog.getByRole("checkbox", { name: "运营" });
    const finance = dialog.getByRole("checkbox", { name: "财务" });
    await expect.poll(() => operations.isChecked()).toBe(true);
    // Step 2: select a new role and click 下一步; with no role, 下一步 asks for one.
    await setChecked(operations, false);
    await dialog.getByRole("button", { name: "下一步" }).click();
    await expect.poll(() => dialog.getByRole("alert").textContent()).toBe("请至少选择一个角色。");
    await setChecked(finance);
    await dialog.getByRole("button", { name: "下一步" }).click();
    // Step 3: confirm the member's information with 确认 (after 邮箱验证 if asked).
    await expect.poll(() => dialog.getByText("operations@demo-merchant.example").count()).toBeGreaterThan(0);
    await expect.poll(() => dialog.getByText("新角色", { exact: true }).count()).toBe(1);
    await dialog.getByRole("button", { name: "确认" }).click();
    await passEmailVerificationIfAsked(() => hasNotice(page, "您的修改已保存成功"));
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => rolesOf(row)).toEqual(["财务"]);
  });

  it("§5 停用: confirm, has been deactivated; then 重新启用", async () => {
    await openMemberList();
    const row = memberRow(page, "developer@demo-merchant.example");
    expect(await statusOf(row)).toBe("已启用");
    // Step 1: click 停用.
    await row.getByRole("button", { name: "停用" }).click();
    const dialog = page.getByRole("dialog", { name: "停用成员" });
    await expect.poll(() => dialog.textContent()).toMatch(/无法登录/);
    // Step 2: click 停用 to confirm; the notice names the email account.
    await dialog.getByRole("button", { name: "停用" }).click();
    await passEmailVerificationIfAsked(() => hasNotice(page, "developer@demo-merchant.example 已停用"));
    await expect.poll(() => statusOf(row)).toBe("已停用");

    await row.getByRole("button", { name: "重新启用" }).click();
    await passEmailVerificationIfAsked(() => hasNotice(page, "developer@demo-merchant.example 已重新启用"));
    await expect.poll(() => statusOf(row)).toBe("已启用");
  });
});
