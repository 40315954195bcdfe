// Browser test: the printed demo admin logs in through the login page, sees the shell with the
// menu their permissions open, opens company info, and logs out; a Developer sees only their entry;
// a person whose logins strangers paused gets in through the emailed unlock link (rule 14).
import { describe, expect, it } from "vitest";
import { login } from "../server/auth/service.js";
import { systemClock } from "../server/clock.js";
import { DEMO_COMPANY_NAME } from "../server/demo/seed.js";
import { memoryThrottleStore } from "../server/ratelimit/throttle-store.js";
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
        "Company settings",
        "Security",
        "Access reviews",
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

  it("Issue 19: the 403 page says whom to ask for access and leads back Home", async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const developer = held.portal.credentials("developer");
    await logIn(page, held.portal.url, developer.email, developer.password, false);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    const companyPath = new URL(page.url()).pathname.split("/").slice(0, 3).join("/");
    await page.goto(`${held.portal.url}${companyPath}/account/company-info`);
    // A Developer may not see the member list, so the Admins are not named.
    await page.getByText(`Ask an Admin of ${DEMO_COMPANY_NAME} for access.`, { exact: true }).waitFor();
    await page.getByRole("button", { name: "Go to Home" }).click();
    await page.waitForURL((url) => url.pathname === companyPath);
    await expect.poll(() => page.getByText("You do not have access to this page").count()).toBe(0);
    await context.close();
  });

  it('Issue 19: Company info shows the country\'s name, not "SG", and Account info a readable status, not "active"', async () => {
    const context = await held.browser.newContext();
    const page = await context.newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password, false);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await page.getByRole("menuitem", { name: "Company info" }).click();
    await page.getByText("Singapore", { exact: true }).waitFor();
    expect(await page.getByText("SG", { exact: true }).count()).toBe(0);
    await page.getByRole("menuitem", { name: "Account info" }).click();
    await page.getByText("Active", { exact: true }).waitFor();
    expect(await page.getByText("active", { exact: true }).count()).toBe(0);
    await context.close();
  });

  it("Issue 17 item 1: a person locked out by strangers unlocks this browser with the mailed link and logs in", async () => {
    const person = held.portal.credentials("data_analytics");
    // Ten wrong passwords from elsewhere (another address, so this browser meets no per-IP delay).
    const elsewhere = {
      db: held.portal.database.db,
      clock: systemClock,
      throttle: memoryThrottleStore(),
      sessionPolicy: { idleMs: 3_600_000, absoluteMs: 43_200_000 },
      publicUrl: held.portal.url,
    };
    for (let i = 0; i < 10; i += 1) {
      await login(elsewhere, {
        email: person.email,
        password: `a stranger's guess ${i}`,
        previousSessionId: null,
        deviceTokens: [],
        meta: { ip: `203.0.113.${i + 1}`, userAgent: "attacker", requestId: null },
      }).catch(() => undefined);
    }

    const context = await held.browser.newContext();
    const page = await context.newPage();
    await logIn(page, held.portal.url, person.email, person.password, false);
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/Too many attempts/);

    const mail = await held.portal.latestMail(person.email);
    expect(mail.subject).toMatch(/paused/);
    const token = /\/unlock-login#token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    await page.goto(`${held.portal.url}/unlock-login#token=${token}`);
    // The token leaves the address bar before anything else happens.
    await expect.poll(() => page.url()).toBe(`${held.portal.url}/unlock-login`);
    await page.getByRole("button", { name: "Unlock login on this browser" }).click();
    await expect.poll(() => page.getByText("Login unlocked on this browser").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Continue to log in" }).click();
    await page.waitForURL(/\/login/);
    expect(await page.getByLabel("Email").inputValue()).toBe(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    // The known-device cookie is HttpOnly like the session's.
    expect(await page.evaluate(() => document.cookie)).not.toContain("portal_device");

    // Another browser is still paused, and the link does not work twice.
    const stranger = await held.browser.newContext();
    const strangerPage = await stranger.newPage();
    await logIn(strangerPage, held.portal.url, person.email, person.password, false);
    await expect.poll(() => strangerPage.getByRole("alert").textContent()).toMatch(/Too many attempts/);
    await strangerPage.goto(`${held.portal.url}/unlock-login#token=${token}`);
    await strangerPage.getByRole("button", { name: "Unlock login on this browser" }).click();
    await expect
      .poll(() => strangerPage.getByText("This unlock link is invalid, used or expired.").count())
      .toBeGreaterThan(0);
    await stranger.close();
    await context.close();
  });
});
