// Browser test: the printed demo admin logs in through the login page, sees the shell with the
// menu their permissions open, opens company info, and logs out; a Developer sees only their entry.
import { describe, expect, it } from "vitest";
import { logIn, menuLabels } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("logging in and out in Chromium", () => {
  const held = usePortalAndBrowser();

  it("the demo admin logs in, sees the admin menu and company info, and logs out", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password, false);

    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await expect
      .poll(() => menuLabels(page))
      .toEqual([
        "Home",
        "Transactions",
        "Settlements",
        "Account",
        "Member list",
        "Roles",
        "Audit log",
        "Company info",
        "Account info",
      ]);
    await page.getByRole("menuitem", { name: "Company info" }).click();
    await expect.poll(() => page.getByText("Demo Merchant Limited").count()).toBeGreaterThan(0);
    expect(await page.getByRole("menuitem", { name: "Developer Center" }).count()).toBe(0);
    expect(await page.getByRole("menuitem", { name: "Insights" }).count()).toBe(0);

    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("portal_session");

    await page.getByText(admin.name).click();
    await page.getByText("Log out").click();
    await page.waitForURL(/\/login/);
    const me = await page.evaluate(async () => (await fetch("/api/me")).status);
    expect(me).toBe(401);
    await context.close();
  });

  it("a wrong password shows an error and stays on the login page", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    await logIn(
      page,
      held.portal.url,
      held.portal.credentials("admin").email,
      "definitely not the password",
      false,
    );
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/Invalid email or password/);
    expect(page.url()).toMatch(/\/login/);
    await context.close();
  });

  it("a Developer sees only Home and Developer Center, and is refused the admin pages", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const developer = held.portal.credentials("developer");
    await logIn(page, held.portal.url, developer.email, developer.password, false);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await expect.poll(() => menuLabels(page)).toEqual(["Home", "Developer Center"]);
    const companyPath = new URL(page.url()).pathname.split("/").slice(0, 3).join("/");
    await page.goto(`${held.portal.url}${companyPath}/account/company-info`);
    await expect.poll(() => page.getByText("You do not have access to this page").count()).toBeGreaterThan(0);
    await context.close();
  });
});
