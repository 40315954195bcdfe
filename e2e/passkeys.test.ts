// SPEC §6.2 passkeys in Chromium with the DevTools virtual authenticator (a platform authenticator
// that keeps discoverable credentials and verifies its user): a person adds a passkey on the
// profile, logs out, signs in with the passkey alone, then invites a member and steps up with it.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, openSection, passEmailVerification, setChecked } from "./support/pages.js";
import { launchBrowser, type Portal, startPortal } from "./support/portal.js";

/** Gives the page's browser tab a virtual authenticator, as a laptop with a fingerprint reader. */
async function addVirtualAuthenticator(page: Page) {
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("WebAuthn.enable");
  const { authenticatorId } = await devtools.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      return (await devtools.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
    },
  };
}

describe("passkeys in Chromium", () => {
  let portal: Portal;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    // WebAuthn refuses an IP address as the site's RP ID; localhost is a secure context.
    portal = await startPortal("pglite", "localhost");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it("registers a passkey on the profile, signs in with it alone, and steps up with it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const authenticator = await addVirtualAuthenticator(page);
    const admin = portal.credentials("admin");
    await logIn(page, portal.url, admin.email, admin.password);

    // Profile > Security > Passkeys: adding one is an account-level change, so the mailed code comes first.
    await page.goto(`${portal.url}/profile/security`);
    await page.getByLabel("Passkey name").fill("Work laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await passEmailVerification(page, portal.latestMail, admin.email);
    await expect
      .poll(() => page.getByText('Passkey "Work laptop" added').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // Listed once, among the second factors, where it is renamed and removed.
    await expect.poll(() => page.getByRole("cell", { name: "Work laptop", exact: true }).count()).toBe(1);
    const stored = await authenticator.credentials();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.isResidentCredential).toBe(true);
    expect((await portal.latestMail(admin.email)).text).toContain('"Work laptop"');

    // Log out, then back in with the passkey alone: no email, no password.
    await page.getByRole("button", { name: admin.name }).click();
    await page.getByText("Log out").click();
    await page.waitForURL(/\/login/);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
    const me = await page.evaluate(async () => (await (await fetch("/api/me")).json()).account.email);
    expect(me).toBe(admin.email);

    // A guarded action: the verification window asks for the passkey instead of a mailed code.
    await openSection(page, "Member list");
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    await invite.getByLabel("Email address").fill("passkey.invitee@example.com");
    await setChecked(invite.getByRole("checkbox", { name: "Finance" }));
    await invite.getByRole("button", { name: "Next" }).click();
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await invite.getByRole("button", { name: "Send Invitation" }).click();

    const verification = page.getByRole("dialog", { name: "Email Verification" });
    await verification.waitFor();
    await verification.getByRole("button", { name: "Use your passkey" }).click();
    await verification.waitFor({ state: "hidden" });
    await expect
      .poll(() => page.getByText("The invitation was sent successfully").count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // The step-up mailed nothing: the newest mail to the admin is still the passkey notice.
    expect((await portal.latestMail(admin.email)).subject).toBe(
      "A passkey was added to your Merchant Portal account",
    );
    await context.close();
  });
});
