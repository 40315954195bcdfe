// Browser test of SPEC §6.6 on the login page: the language switch turns the login form into
// Simplified Chinese, the choice survives a reload, and the portal opened from there speaks Chinese
// too (the guide's 成员列表 in the menu).
import { describe, expect, it } from "vitest";
import { usePortalAndBrowser } from "./support/portal.js";

describe("the language switch on the login page", () => {
  const held = usePortalAndBrowser();

  it("switching to 简体中文 shows the Chinese login form, and the choice survives a reload", async () => {
    const context = await held.browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${held.portal.url}/login`);
    await page.getByRole("button", { name: "Log in", exact: true }).waitFor();

    await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "简体中文" }).click();

    await page.getByRole("button", { name: "登录", exact: true }).waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("商户门户");
    expect(await page.getByText("登录以管理您的公司。").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Log in", exact: true }).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");

    await page.reload();
    await page.getByRole("button", { name: "登录", exact: true }).waitFor();
    const languages = page.getByRole("group", { name: "语言" });
    expect(await languages.getByRole("button", { name: "简体中文", pressed: true }).count()).toBe(1);
    expect(await languages.getByRole("button", { name: "English", pressed: false }).count()).toBe(1);
    expect(await page.getByText("忘记密码？").count()).toBe(1);

    // The empty form is refused in Chinese, and the portal opens in Chinese.
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await page.getByText("请输入您的邮箱").waitFor();
    const admin = held.portal.credentials("admin");
    await page.getByLabel("邮箱").fill(admin.email);
    await page.getByLabel("密码", { exact: true }).fill(admin.password);
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await page.getByRole("menuitem", { name: "成员列表" }).waitFor();
    expect(await page.getByRole("menuitem", { name: "Member list" }).count()).toBe(0);
    await context.close();
  });
});
