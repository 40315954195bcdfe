// Browser test of issue 19's member detail page (SPEC §6.7): opened from the member list by the
// member's email, it shows their status, roles, joined date, who invited them, last activity and
// whether they have two-factor authentication, and its Change Role button changes their roles, the
// page and its recent events following.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/** The value cell of the page's `label` row. */
function field(page: Page, label: string) {
  return page.locator(".ant-descriptions-row", {
    has: page.locator(".ant-descriptions-item-label", { hasText: new RegExp(`^${label}$`) }),
  });
}

describe("Issue 19: the member detail page, in Chromium", () => {
  const held = usePortalAndBrowser();

  beforeAll(() => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
  });

  it("opens from the member list and changes the member's role from the page", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);

    await page.getByRole("menuitem", { name: "Member list" }).click();
    await page.getByRole("link", { name: "operations@demo-merchant.example", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Oscar Operations" }).waitFor();
    expect(page.url()).toMatch(/\/account\/members\/[0-9a-f-]{36}$/);

    await expect.poll(() => field(page, "Email").textContent()).toContain("operations@demo-merchant.example");
    expect(await field(page, "Status").textContent()).toContain("Active");
    expect(await field(page, "Roles").locator(".ant-tag").allTextContents()).toEqual(["Operations"]);
    expect(await field(page, "Invited by").textContent()).toContain(`Ada Admin (${admin.email})`);
    expect(await field(page, "Joined").textContent()).not.toContain("—");
    expect(await field(page, "Two-factor authentication").textContent()).toContain("Off");
    await page.getByRole("heading", { level: 2, name: "Recent events" }).waitFor();

    await page.getByRole("button", { name: "Change Role" }).click();
    const dialog = page.getByRole("dialog", { name: "Change Role" });
    const operations = dialog.getByRole("checkbox", { name: "Operations" });
    await expect.poll(() => operations.isChecked()).toBe(true);
    await setChecked(operations, false);
    await setChecked(dialog.getByRole("checkbox", { name: "Finance" }));
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => held.portal.latestMail(to),
      admin.email,
      async () =>
        (await page.locator(".ant-message").getByText("Your edit is saved successfully").count()) > 0,
    );
    await dialog.waitFor({ state: "hidden" });

    await expect.poll(() => field(page, "Roles").locator(".ant-tag").allTextContents()).toEqual(["Finance"]);
    // The change is the newest of the member's events.
    await expect
      .poll(() => page.locator("section .ant-table-tbody tr.ant-table-row").count())
      .toBeGreaterThan(0);
    await page.context().close();
  });
});
