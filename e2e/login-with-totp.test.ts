// SPEC §6.2 in Chromium, as a person does it: the Admin sets up an authenticator app on the Security
// page under a name of their own (the code computed from the secret shown on screen), saves the
// recovery codes, logs out, logs in with the password and the app's code, then invites someone: after
// Next the focus stays in the dialog, and the verification window asks for the app's code with the
// keyboard in its code field. Then they rename the app on the Security page, and see on the profile
// a session where someone else entered the password but not the app's code.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { authenticatorApp } from "./support/authenticator.js";
import { logIn, passEmailVerification, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/** The dialog (by its accessible name) the keyboard focus is in, or null when it is outside every one. */
function focusedDialog(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const dialog = document.activeElement?.closest("[role=dialog]");
    if (!dialog) return null;
    const labelId = dialog.getAttribute("aria-labelledby");
    return (
      (labelId ? document.getElementById(labelId)?.textContent : dialog.getAttribute("aria-label")) ?? ""
    );
  });
}

describe("SPEC §6.2: logging in with an authenticator app, in Chromium", () => {
  const held = usePortalAndBrowser();

  beforeAll(() => {
    vi.setConfig({ expect: { poll: { timeout: 15_000 } } });
  });

  it("enrols on the Security page, logs in with the app's code, and steps up with it", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);

    // The profile menu leads to the Security page (the sections' menu has a "Security" of its own).
    await page.getByRole("button", { name: admin.name }).click();
    await page.locator(".ant-dropdown").getByRole("menuitem", { name: "Security" }).click();
    await page.getByRole("heading", { level: 1, name: "Security" }).waitFor();
    expect(await page.getByText("No second factor yet").count()).toBe(1);

    // Setting up needs a fresh verification: no factor yet, so by a mailed code.
    await page.getByLabel("Name", { exact: true }).fill("My phone");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await passEmailVerification(page, (to) => held.portal.latestMail(to), admin.email);
    const secretText = page.getByTestId("totp-secret");
    await secretText.waitFor();
    expect(await page.getByRole("img", { name: "QR code for your authenticator app" }).count()).toBe(1);
    const app = authenticatorApp((await secretText.textContent()) ?? "");
    await page.getByLabel("Authentication code").fill(app.nextCode());
    await page.getByRole("button", { name: "Confirm" }).click();

    const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await expect.poll(() => codes.count()).toBe(10);
    expect(await page.getByRole("button", { name: "Copy" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Download" }).count()).toBe(1);
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect.poll(() => page.getByRole("cell", { name: "Authenticator app" }).count()).toBeGreaterThan(0);
    expect(await page.getByRole("cell", { name: "My phone", exact: true }).count()).toBe(1);

    // Log out, then in: the password, then the app's code.
    await page.getByRole("button", { name: admin.name }).click();
    await page.getByText("Log out").click();
    await page.waitForURL(/\/login/);
    await logIn(page, held.portal.url, admin.email, admin.password, false);
    const codeField = page.getByLabel("Authentication code");
    await codeField.waitFor();
    expect(await page.getByRole("button", { name: "Use a recovery code" }).count()).toBe(1);
    // Not logged in yet: the second-step session opens nothing else.
    expect(await page.evaluate(async () => (await fetch("/api/me")).status)).toBe(401);
    await codeField.fill(app.nextCode());
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);

    // Invite: after Next the focus is still in the dialog; the verification asks for the app's code.
    await page.getByRole("menuitem", { name: "Member list" }).click();
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    await invite.getByLabel("Email address").fill("totp.invitee@example.com");
    await setChecked(invite.getByRole("checkbox", { name: "Finance" }));
    await invite.getByRole("button", { name: "Next" }).click();
    const terms = invite.getByRole("checkbox", { name: /I confirm/ });
    await terms.waitFor();
    await expect.poll(() => focusedDialog(page)).toBe("Invite new member");
    await page.keyboard.press("Space");
    expect(await terms.isChecked()).toBe(true);
    await invite.getByRole("button", { name: "Send Invitation" }).click();

    const verification = page.getByRole("dialog", { name: "Email Verification" });
    await verification.getByText("Enter the 6-digit code from your authenticator app.").waitFor();
    expect(await verification.getByRole("button", { name: "Resend code" }).count()).toBe(0);
    const verificationCode = verification.getByLabel("Verification code");
    await expect
      .poll(() => verificationCode.evaluate((input) => input === document.activeElement))
      .toBe(true);
    // Tabbing around stays inside the dialogs.
    for (let i = 0; i < 6; i += 1) {
      await page.keyboard.press("Tab");
      expect(await focusedDialog(page), `after ${i + 1} Tab(s)`).not.toBeNull();
    }
    await verificationCode.focus();
    await page.keyboard.type(app.nextCode());
    await page.keyboard.press("Enter");
    await verification.waitFor({ state: "hidden" });
    await expect
      .poll(() => page.locator(".ant-message").getByText("The invitation was sent successfully").count())
      .toBe(1);

    // Rename the app on the Security page (the verification just passed still holds).
    await page.goto(`${held.portal.url}/profile/security`);
    await page.getByRole("button", { name: "Rename My phone" }).click();
    const rename = page.getByRole("dialog", { name: "Rename second factor" });
    const nameField = rename.getByLabel("Name", { exact: true });
    expect(await nameField.inputValue()).toBe("My phone");
    await nameField.fill("Work phone");
    await rename.getByRole("button", { name: "Save" }).click();
    await rename.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByRole("cell", { name: "Work phone", exact: true }).count()).toBe(1);
    expect(await page.getByRole("cell", { name: "My phone", exact: true }).count()).toBe(0);

    // Someone else enters the password on another device and stops at the app's code: the
    // profile's sessions show that session as password only.
    const stranger = await (await held.browser.newContext()).newPage();
    await logIn(stranger, held.portal.url, admin.email, admin.password, false);
    await stranger.getByLabel("Authentication code").waitFor();
    await page.goto(`${held.portal.url}/profile`);
    const passwordOnly = page.getByText("Password only", { exact: true });
    await passwordOnly.waitFor();
    expect(await passwordOnly.count()).toBe(1);
    await stranger.context().close();
    await page.context().close();
  });
});
