// Browser test of SPEC §6.4's CSV import, with SPEC §6.6's mail language: the Admin picks a file of
// three rows (one naming an unknown role), sees the preview row by row, chooses Chinese for the
// invitation mails, sends after one Email Verification, and the two people invited get their
// invitations in Chinese; the refused row says why.
import { describe, expect, it, vi } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const CHINESE = /[\u4e00-\u9fff]/;

describe("importing invitations from a CSV file in Chromium", () => {
  const held = usePortalAndBrowser();

  it("previews the rows, sends the ready ones in the chosen language, and says why one was refused", async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    const { portal, browser } = held;
    const admin = portal.credentials("admin");
    const page = await (await browser.newContext()).newPage();
    await logIn(page, portal.url, admin.email, admin.password);
    await openSection(page, "Member list");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Import invitations from CSV" });
    const csv = [
      "email,roles",
      "csv.one@example.com,Finance",
      "csv.two@example.com,",
      "csv.three@example.com,Payroll",
    ];
    await dialog.getByLabel("CSV file").setInputFiles({
      name: "colleagues.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv.join("\n")),
    });
    await setChecked(dialog.getByRole("checkbox", { name: "Operations" }));
    const language = dialog.getByRole("combobox", { name: "Invitation email language" });
    await language.click();
    await page.locator('.ant-select-item-option[title="简体中文"]').click();
    await dialog.getByRole("button", { name: "Preview" }).click();
    const preview = dialog.getByRole("table");
    await expect.poll(() => preview.getByText("Ready to invite", { exact: true }).count()).toBe(2);
    expect(await preview.getByText('No role of this company is named "Payroll".').count()).toBe(1);

    await setChecked(dialog.getByRole("checkbox", { name: /I confirm/ }));
    await dialog.getByRole("button", { name: "Send invitations" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => portal.latestMail(to),
      admin.email,
      async () => (await dialog.getByText("Import results").count()) > 0,
    );
    await expect.poll(() => dialog.getByRole("table").getByText("Invited", { exact: true }).count()).toBe(2);
    for (const email of ["csv.one@example.com", "csv.two@example.com"]) {
      const mail = await portal.latestMail(email);
      expect(mail.subject, email).toMatch(CHINESE);
      expect(mail.text, email).toMatch(/invitations\/accept#token=/);
    }
    await expect(portal.latestMail("csv.three@example.com")).rejects.toThrow(/no mail/);
    await page.context().close();
  });
});
