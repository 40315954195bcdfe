// Browser test of SPEC §6.4's bulk invite: the Admin invites three people at once in the Invite
// dialog (Add another email), passes one Email Verification, and sees one result per email; each
// of the three gets an invitation mail and shows in the invitation list as pending.
import { describe, expect, it, vi } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("bulk invite in Chromium", () => {
  const held = usePortalAndBrowser();

  it("invites three people at once with one verification and one result per email", async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    await openSection(page, "Member list");
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    const emails = ["trio.one@example.com", "trio.two@example.com", "trio.three@example.com"];
    await invite.getByLabel("Email address", { exact: true }).fill(emails[0] as string);
    await invite.getByRole("button", { name: "Add another email" }).click();
    await invite.getByLabel("Email address 2", { exact: true }).fill(emails[1] as string);
    await invite.getByRole("button", { name: "Add another email" }).click();
    await invite.getByLabel("Email address 3", { exact: true }).fill(emails[2] as string);
    const operations = invite.getByRole("checkbox", { name: "Operations" });
    await setChecked(operations, true);
    await invite.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => invite.getByText(emails.join(", ")).count()).toBe(1);
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await invite.getByRole("button", { name: "Send Invitation" }).click();
    const results = invite.getByRole("table");
    await passEmailVerificationIfAsked(
      page,
      (to) => held.portal.latestMail(to),
      admin.email,
      async () => (await invite.getByText("Invitation results").count()) > 0,
    );
    await expect.poll(() => results.getByText("Invited", { exact: true }).count()).toBe(3);
    for (const email of emails) {
      expect(await results.getByText(email, { exact: true }).count()).toBe(1);
      const mail = await held.portal.latestMail(email);
      expect(mail.text).toMatch(/invitations\/accept#token=/);
    }
    await invite.getByRole("button", { name: "Done" }).click();
    // The three are pending in the invitation list below the members.
    for (const email of emails) {
      await expect
        .poll(() => page.getByRole("row", { name: new RegExp(email.replace(".", "\\.")) }).count())
        .toBeGreaterThan(0);
    }
    await page.context().close();
  });
});
