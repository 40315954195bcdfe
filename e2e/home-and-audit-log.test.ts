// Browser test of SPEC §6.7's Home per role and audit log in sentences: after a role change the log
// says who changed whose roles by name, its Action filter lists the server's catalogue and filters by
// it, times read in the browser's zone with the ISO instant on focus; Home shows the cards an Admin's
// and a Finance member's roles open.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const rows = (page: Page) => page.locator("main .ant-table-tbody tr.ant-table-row");
const cardTitles = (page: Page) => page.locator("main .ant-card-head-title").allTextContents();

describe("SPEC §6.7: Home per role and the audit log in sentences, in Chromium", () => {
  const held = usePortalAndBrowser();

  beforeAll(() => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
  });

  it("shows a role change as a sentence with names, filters by a catalogue action, and times in the browser's zone", async () => {
    const page = await (await held.browser.newContext({ timezoneId: "Asia/Singapore" })).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);

    await openSection(page, "Member list");
    await page.getByRole("link", { name: "developer@demo-merchant.example", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Devi Developer" }).waitFor();
    await page.getByRole("button", { name: "Change Role" }).click();
    const dialog = page.getByRole("dialog", { name: "Change Role" });
    const developer = dialog.getByRole("checkbox", { name: "Developer" });
    await expect.poll(() => developer.isChecked()).toBe(true);
    await setChecked(developer, false);
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

    await openSection(page, "Audit log");
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    const sentence = page.getByText("Ada Admin changed Devi Developer's roles from Developer to Finance.");
    await sentence.waitFor();
    const row = rows(page).filter({ has: sentence });
    // The time in Singapore's zone, named; the ISO instant on keyboard focus.
    const time = row.locator("time");
    expect(await time.textContent()).toMatch(/GMT\+8|SGT/);
    const iso = await time.getAttribute("datetime");
    expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await time.focus();
    await page
      .getByRole("tooltip")
      .filter({ hasText: iso ?? "" })
      .waitFor();

    // The Action filter: a searchable, grouped choice from the server's catalogue.
    const action = page.getByRole("combobox", { name: "Action" });
    await action.click();
    await action.fill("deactivat");
    const listbox = page.locator(".ant-select-dropdown:visible");
    await listbox.getByText("Members", { exact: true }).waitFor();
    await listbox.getByText("Member deactivated", { exact: true }).waitFor();
    await action.fill("roles changed");
    await listbox.getByText("Member's roles changed", { exact: true }).click();
    await page.getByRole("button", { name: "Search" }).click();
    await expect
      .poll(async () => {
        const texts = await rows(page).allTextContents();
        return texts.length > 0 && texts.every((text) => text.includes("roles from"));
      })
      .toBe(true);
    expect(
      await rows(page).filter({ hasText: "Devi Developer's roles from Developer to Finance" }).count(),
    ).toBe(1);
    await page.context().close();
  });

  it("shows an Admin the sections their roles open and the team's security, and a Finance member theirs", async () => {
    const adminPage = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(adminPage, held.portal.url, admin.email, admin.password);
    await adminPage.getByRole("heading", { level: 1, name: "Home" }).waitFor();
    await expect
      .poll(() => cardTitles(adminPage))
      .toEqual(
        expect.arrayContaining([
          "Transactions",
          "Settlements",
          "Account: Member list",
          "Account: Roles",
          "Account: Audit log",
          "Account: Company info",
          "Account: Account info",
        ]),
      );
    expect(await cardTitles(adminPage)).not.toContain("Developer Center");
    await adminPage.getByRole("heading", { name: "Members without two-factor authentication" }).waitFor();
    await adminPage.getByRole("heading", { name: "Pending invitations" }).waitFor();
    // No demo member has a second factor: Ada herself is among those named.
    await adminPage.getByRole("link", { name: "Ada Admin", exact: true }).waitFor();
    await adminPage.getByRole("link", { name: "Account: Audit log" }).click();
    await adminPage.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await adminPage.context().close();

    const financePage = await (await held.browser.newContext()).newPage();
    const finance = held.portal.credentials("finance");
    await logIn(financePage, held.portal.url, finance.email, finance.password);
    await financePage.getByRole("heading", { level: 1, name: "Home" }).waitFor();
    await expect.poll(() => cardTitles(financePage)).toEqual(["Transactions", "Settlements"]);
    expect(await financePage.getByText("Members without two-factor authentication").count()).toBe(0);
    expect(await financePage.getByText("Pending invitations").count()).toBe(0);
    await financePage.context().close();
  });
});
