// Browser test of the build's Ant Design style sheet (web/antd-styles.ts): the pages and a dialog
// draw with the styles the sheet brought, and Ant Design builds none of them in the browser. Had the
// sheet been left out of the build, or written under other class names than the bundle's, each
// component's styles would be built and inserted as <style data-css-hash> when it first renders.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { companyIdOf, logIn } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/** The component styles Ant Design built in the page (`:where(.css-…)` rules), by their first rule. */
function builtInPage(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("style[data-css-hash]")]
      .map((style) => style.textContent ?? "")
      .filter((text) => text.startsWith(":where(.css-"))
      .map((text) => text.slice(0, 80)),
  );
}

describe("Ant Design's styles come with the build", () => {
  const held = usePortalAndBrowser();

  it("the login page, the member list, the menu and the invitation dialog build no component style", async () => {
    // In motion, as most people see it: the windows' motion styles come from the sheet too.
    const context = await held.browser.newContext({ reducedMotion: "no-preference" });
    const page = await context.newPage();
    await page.goto(`${held.portal.url}/login`);
    const logInButton = page.getByRole("button", { name: "Log in", exact: true });
    await logInButton.waitFor();
    expect(await builtInPage(page), "login page").toEqual([]);
    // The sheet's rules are in force: the primary button wears the theme's blue (web/src/theme.ts).
    expect(await logInButton.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe(
      "rgb(9, 88, 217)",
    );

    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password, false);
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    const companyId = companyIdOf(page);
    await page.goto(`${held.portal.url}/c/${companyId}/account/members`);
    await page.locator("tr.ant-table-row[data-row-key]").first().waitFor();
    expect(await builtInPage(page), "member list").toEqual([]);

    await page.getByRole("button", { name: "Invite new member" }).click();
    await page.getByRole("dialog", { name: "Invite new member" }).waitFor();
    expect(await builtInPage(page), "invitation dialog").toEqual([]);
    await context.close();
  });
});
