// Browser test for rule 7 and the profile: setting an alternate email is a guarded action, so the
// Email Verification window opens by itself; the code is read from the development mailbox, the
// action completes, and a second code confirms the new address. A window cancelled and reopened keeps
// the code already mailed (issue 17 item 11). Then a password reset end to end, and a password change
// that the profile's Security section then lists.
import { describe, expect, it } from "vitest";
import { codeIn, logIn } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("Email Verification in Chromium", () => {
  const held = usePortalAndBrowser();

  it("opens on a guarded action, takes the mailed code, and completes the action", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const finance = held.portal.credentials("finance");
    await logIn(page, held.portal.url, finance.email, finance.password);

    await page.goto(`${held.portal.url}/profile`);
    await page.getByLabel("Alternate email").fill("fiona.backup@example.com");
    await page.getByRole("button", { name: "Send code" }).click();

    const dialog = page.getByRole("dialog", { name: "Email Verification" });
    await dialog.waitFor();
    // No alternate email yet, so the step-up code goes to the primary address, shown masked.
    await expect.poll(() => dialog.textContent()).toMatch(/f\*\*\*e@demo-merchant\.example/);
    // Already on the profile, where the alternate email is set: the window does not send you there.
    expect(await dialog.getByRole("button", { name: "Set an alternate email" }).count()).toBe(0);
    const wrong = await dialog.getByLabel("Verification code");
    await wrong.fill("000000");
    await dialog.getByRole("button", { name: "Verify" }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/Wrong code\. 4 attempts left\./);

    const stepUpMail = await held.portal.latestMail(finance.email);
    await dialog.getByLabel("Verification code").fill(codeIn(stepUpMail.text));
    await dialog.getByRole("button", { name: "Verify" }).click();
    await dialog.waitFor({ state: "hidden" });

    // The original request was retried: a code went to the new address.
    const confirmField = page.getByLabel("Code sent to the new address");
    await confirmField.waitFor();
    const confirmMail = await held.portal.latestMail("fiona.backup@example.com");
    await confirmField.fill(codeIn(confirmMail.text));
    await page.getByRole("button", { name: "Confirm alternate email" }).click();
    await expect.poll(() => page.getByText("Alternate email saved").count()).toBeGreaterThan(0);

    const me = await page.evaluate(
      async () => (await (await fetch("/api/me")).json()).account.alternateEmail,
    );
    expect(me).toBe("fiona.backup@example.com");
    await page.context().close();
  });

  it("Issue 17 item 11: cancelled and reopened, the window keeps the mailed code and says where it went", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    await page.getByRole("menuitem", { name: "Member list" }).click();
    const row = page
      .locator(".ant-table-tbody")
      .first()
      .locator("tr.ant-table-row", { hasText: "analytics@demo-merchant.example" });
    await row.getByRole("button", { name: "Deactivate" }).click();
    const confirm = page.getByRole("dialog", { name: "Deactivate member" });
    await confirm.getByRole("button", { name: "Deactivate" }).click();

    const verification = page.getByRole("dialog", { name: "Email Verification" });
    const sentTo = /Enter the verification code sent to a\*\*\*n@demo-merchant\.example at \d{1,2}[:.]\d{2}/;
    await expect.poll(() => verification.textContent()).toMatch(sentTo);
    const firstMail = await held.portal.latestMail(admin.email);
    // The admin has no alternate email: the window offers to set one.
    expect(await verification.getByRole("button", { name: "Set an alternate email" }).count()).toBe(1);
    await verification.getByRole("button", { name: "Cancel" }).click();
    await verification.waitFor({ state: "hidden" });
    await expect.poll(() => confirm.textContent()).toMatch(/Email verification is needed/);

    // Reopened at once: no refusal, the same address, and no second mail.
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await verification.waitFor();
    await expect.poll(() => verification.textContent()).toMatch(sentTo);
    expect(await verification.textContent()).not.toMatch(/could not send|less than a minute|Too many/);
    expect(await held.portal.latestMail(admin.email)).toEqual(firstMail);

    // The first mail's code completes the action.
    await verification.getByLabel("Verification code").fill(codeIn(firstMail.text));
    await verification.getByRole("button", { name: "Verify" }).click();
    await verification.waitFor({ state: "hidden" });
    await expect
      .poll(() => page.getByText("analytics@demo-merchant.example has been deactivated").count())
      .toBeGreaterThan(0);
    await page.context().close();
  });

  it("resets a forgotten password through the mailed link and logs in with the new one", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const operations = held.portal.credentials("operations");
    await page.goto(`${held.portal.url}/login`);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByLabel("Email").fill(operations.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect
      .poll(() => page.getByText(/If an account exists for that address/).count())
      .toBeGreaterThan(0);

    const mail = await held.portal.latestMail(operations.email);
    const link = /https?:\/\/\S+\/reset-password#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    // The link is built from PUBLIC_URL; open the same path and fragment on the test server.
    const url = new URL(link!);
    await page.goto(`${held.portal.url}${url.pathname}${url.hash}`);
    // The token leaves the address bar at once.
    await expect.poll(() => page.url()).not.toContain("token=");
    const newPassword = "a brand new passphrase, kept safe";
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect
      .poll(() => page.getByText("Password updated. Log in with your new password.").count())
      .toBeGreaterThan(0);

    await logIn(page, held.portal.url, operations.email, newPassword);
    await page.context().close();
  });

  it("Issue 17 item 12: the profile's Security section lists the password change", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const developer = held.portal.credentials("developer");
    await logIn(page, held.portal.url, developer.email, developer.password);
    await page.goto(`${held.portal.url}/profile`);
    const newPassword = "another long passphrase, for the trail";
    await page.getByLabel("Current password").fill(developer.password);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect
      .poll(() => page.getByText("Password changed; your other sessions were signed out.").count())
      .toBeGreaterThan(0);

    const security = page.getByRole("heading", { name: "Security" });
    await security.waitFor();
    const table = page.getByRole("table").last();
    const changed = table.getByRole("row").filter({ hasText: "Password changed" });
    await expect.poll(() => changed.count()).toBe(1);
    // Time, the event in words, the IP and the device: the browser this test drives.
    expect(await changed.textContent()).toMatch(/Chrome/);
    expect(await table.getByRole("row").filter({ hasText: "Logged in" }).count()).toBeGreaterThan(0);
    await page.context().close();
  });
});
