// Browser test of SPEC §6.7's accessibility rule: axe-core finds no serious or critical violation
// on any page or dialog, and every page has exactly one h1, one main landmark not nested in
// another, and a skip link that is the first thing the Tab key reaches and moves focus to the main
// content. Pages are reached as people reach them: logged out, then logged in with each predefined
// role, whose menus together open every section; and the Security page and the login's second step.
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { authenticatorApp } from "./support/authenticator.js";
import {
  logIn,
  menuLabels,
  passEmailVerification,
  passEmailVerificationIfAsked,
  setChecked,
  showMenu,
} from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/** axe-core's serious and critical findings on the page as it is now, one line per element. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id}: ${node.target.join(" ")} (${node.failureSummary ?? ""})`,
      ),
    );
}

/**
 * A window (modal or drawer) or its mask still moving in: its colours are not final yet. The motion
 * names every phase (`-appear`, `-appear-prepare`, `-appear-start`, `-appear-active`) and drops the
 * name when it ends; a window caught before `-active` is as faded as one during it.
 */
const windowOpening = [".ant-modal", ".ant-modal-mask", ".ant-drawer-content-wrapper", ".ant-drawer-mask"]
  .flatMap((window) => [`${window}[class*='-appear']`, `${window}[class*='-enter']`])
  .join(", ");

/**
 * The page's running animations that end, a fade still under way. A spinner's turn repeats for ever;
 * the wave a clicked button sends out (`.ant-wave`) is a ring of its own that changes no colour.
 */
function finiteAnimations(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      document
        .getAnimations()
        .filter((animation) => animation.playState === "running")
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .filter((animation) => {
          const target = animation.effect instanceof KeyframeEffect ? animation.effect.target : null;
          return !target?.closest(".ant-wave");
        }).length,
  );
}

/**
 * Waits until the page has stopped showing spinners and skeletons, no window is still moving in,
 * and no animation that ends is still running: what it loads is on screen in its final colours.
 */
async function settled(page: Page) {
  const busy = page.locator(`.ant-spin-spinning, .ant-skeleton, ${windowOpening}`);
  await expect.poll(() => busy.evaluateAll((found) => found.map((element) => element.className))).toEqual([]);
  await expect.poll(() => finiteAnimations(page)).toBe(0);
}

/** The page's structure: its h1s, its main landmarks, whether one sits inside another, heading levels. */
function structureOf(page: Page) {
  return page.evaluate(() => {
    const mains = [...document.querySelectorAll("main, [role=main]")];
    return {
      h1: [...document.querySelectorAll("h1, [role=heading][aria-level='1']")].map((h) => h.textContent),
      mains: mains.length,
      nestedMains: mains.filter((main) => main.parentElement?.closest("main, [role=main]") !== null).length,
      // Each heading at most one level below the one before it: h1, then h2, never h1 then h3.
      skippedLevels: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
        .map((heading) => ({ text: heading.textContent, level: Number(heading.tagName[1]) }))
        .filter((heading, i, all) => i > 0 && heading.level > (all[i - 1]?.level ?? 0) + 1)
        .map((heading) => `h${heading.level} ${heading.text}`),
    };
  });
}

/**
 * Tabs once from the top of the page: the focus must land on a link reading "Skip to main content",
 * shown on screen; Enter on it must move the focus into the main landmark.
 */
async function skipLinkWorks(page: Page): Promise<{ first: string; afterEnter: string }> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    // Focusing the body makes it the starting point of sequential focus navigation.
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const focused = document.activeElement;
    if (!(focused instanceof HTMLAnchorElement)) return `${focused?.tagName}`;
    // Hidden until focused, then on screen for the eyes that follow the focus.
    const box = focused.getBoundingClientRect();
    const onScreen = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.height > 1;
    return `link: ${focused.textContent}${onScreen ? "" : " (off screen)"}`;
  });
  await page.keyboard.press("Enter");
  const afterEnter = await page.evaluate(() =>
    document.activeElement?.closest("main, [role=main]") ? "in main" : `${document.activeElement?.tagName}`,
  );
  return { first, afterEnter };
}

/** Every rule of §6.7 on a page: axe, one h1 (named `title` when given), main landmark, skip link. */
async function expectAccessiblePage(page: Page, name: string, title?: string) {
  await settled(page);
  expect(await seriousViolations(page), name).toEqual([]);
  const structure = await structureOf(page);
  expect(structure.h1.length, `${name}: h1 count`).toBe(1);
  if (title !== undefined) expect(structure.h1[0], `${name}: h1`).toBe(title);
  expect(structure.mains, `${name}: main landmarks`).toBe(1);
  expect(structure.nestedMains, `${name}: nested main`).toBe(0);
  expect(structure.skippedLevels, `${name}: headings that skip a level`).toEqual([]);
  expect(await skipLinkWorks(page), `${name}: skip link`).toEqual({
    first: "link: Skip to main content",
    afterEnter: "in main",
  });
}

/** axe on a page with a dialog or drawer open. */
async function expectAccessibleDialog(page: Page, name: string) {
  await settled(page);
  expect(await seriousViolations(page), name).toEqual([]);
}

/** The path of a link a mail carries, on the test server (mails use PUBLIC_URL). */
function linkIn(text: string, path: string): string {
  const found = new RegExp(`https?://\\S+${path}#token=[A-Za-z0-9_-]+`).exec(text)?.[0];
  if (found === undefined) throw new Error(`no ${path} link in the mail`);
  const url = new URL(found);
  return `${url.pathname}${url.hash}`;
}

describe("Issue 19 accessibility: no serious or critical axe-core violation, one h1, a main landmark and a skip link on every page and dialog", () => {
  const held = usePortalAndBrowser();

  beforeAll(() => {
    vi.setConfig({ expect: { poll: { timeout: 15_000 } } });
  });

  it("the pages used without a session: login, forgot and reset password, unlock login, 404", async () => {
    const page = await (await held.browser.newContext()).newPage();
    await page.goto(`${held.portal.url}/login`);
    await page.getByRole("button", { name: "Log in", exact: true }).waitFor();
    await expectAccessiblePage(page, "login");
    // A failed login shows its error.
    await page.getByLabel("Email").fill(held.portal.credentials("admin").email);
    await page.getByLabel("Password").fill("definitely not the password");
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("alert").waitFor();
    await expectAccessiblePage(page, "login with an error");

    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.getByRole("button", { name: "Send reset link" }).waitFor();
    await expectAccessiblePage(page, "forgot password", "Forgot password");
    const operations = held.portal.credentials("operations");
    await page.getByLabel("Email").fill(operations.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByText(/If an account exists for that address/).waitFor();
    await expectAccessiblePage(page, "forgot password, sent");

    const mail = await held.portal.latestMail(operations.email);
    await page.goto(`${held.portal.url}${linkIn(mail.text, "/reset-password")}`);
    await page.getByRole("button", { name: "Set new password" }).waitFor();
    await expectAccessiblePage(page, "reset password");

    await page.goto(`${held.portal.url}/unlock-login#token=${"x".repeat(43)}`);
    await page.getByRole("button", { name: "Unlock login on this browser" }).waitFor();
    await expectAccessiblePage(page, "unlock login");
    await page.goto(`${held.portal.url}/unlock-login`);
    await page.getByText("This unlock link is invalid, used or expired.").waitFor();
    await expectAccessiblePage(page, "unlock login, dead link");

    await page.goto(`${held.portal.url}/no-such-page`);
    await page.getByText("This page does not exist.").waitFor();
    await expectAccessiblePage(page, "404", "Page not found");
    await page.context().close();
  });

  it("every section each predefined role opens, the profile, and the 403 and 404 pages", async () => {
    const checked = new Set<string>();
    for (const role of ["admin", "finance", "developer", "data_analytics"] as const) {
      const page = await (await held.browser.newContext()).newPage();
      const { email, password } = held.portal.credentials(role);
      await logIn(page, held.portal.url, email, password);
      const home = page.url();
      for (const label of await menuLabels(page)) {
        if (checked.has(label) || label === "Account" || label === "Company settings") continue;
        checked.add(label);
        await page.getByRole("menuitem", { name: label, exact: true }).click();
        await page.getByRole("heading", { name: label, exact: true }).first().waitFor();
        await expectAccessiblePage(page, `${label} (${role})`, label);
      }
      if (role === "admin") {
        await page.goto(`${held.portal.url}/profile`);
        await page.getByRole("heading", { name: "Profile", exact: true }).first().waitFor();
        await expectAccessiblePage(page, "profile", "Profile");
        await page.goto(`${home}/account/members`);
        await page.getByRole("link", { name: "operations@demo-merchant.example", exact: true }).click();
        await page.getByRole("heading", { level: 2, name: "Recent events" }).waitFor();
        await expectAccessiblePage(page, "member detail page", "Oscar Operations");
        await page.goto(`${home}/no-such-section`);
        await page.getByText("This page does not exist.").waitFor();
        await expectAccessiblePage(page, "404 in the portal", "Page not found");
      }
      if (role === "developer") {
        await page.goto(`${home}/account/company-info`);
        await page.getByText("You do not have access to this page").waitFor();
        await expectAccessiblePage(page, "403");
      }
      await page.context().close();
    }
    expect([...checked].sort()).toEqual(
      [
        "Home",
        "Transactions",
        "Settlements",
        "Developer Center",
        "Insights",
        "Member list",
        "Roles",
        "Audit log",
        "Company info",
        "Account info",
        "Security",
        "Access reviews",
      ].sort(),
    );
  });

  it("the dialogs: Invite new member, Email Verification, accept invitation, Change Role, Deactivate, Revoke, the role editor and Delete role", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    const latestMail = (to: string) => held.portal.latestMail(to);
    await logIn(page, held.portal.url, admin.email, admin.password);
    const home = page.url();

    await page.getByRole("menuitem", { name: "Member list" }).click();
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    await invite.getByLabel("Email address").fill("accessible.colleague@example.com");
    await setChecked(invite.getByRole("checkbox", { name: "Finance" }));
    await expect.poll(() => invite.getByText("Download transactions").count()).toBeGreaterThan(0);
    await expectAccessibleDialog(page, "Invite new member, step 1");
    await invite.getByRole("button", { name: "Next" }).click();
    await invite.getByRole("button", { name: "Send Invitation" }).waitFor();
    await expectAccessibleDialog(page, "Invite new member, step 2");
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await invite.getByRole("button", { name: "Send Invitation" }).click();
    const verification = page.getByRole("dialog", { name: "Email Verification" });
    await verification.getByText(/Enter the verification code sent to/).waitFor();
    await expectAccessibleDialog(page, "Email Verification");
    await passEmailVerification(page, latestMail, admin.email);
    await invite.waitFor({ state: "hidden" });

    const invitee = await (await held.browser.newContext()).newPage();
    const invitation = await held.portal.latestMail("accessible.colleague@example.com");
    await invitee.goto(`${held.portal.url}${linkIn(invitation.text, "/invitations/accept")}`);
    await invitee.getByRole("button", { name: "Accept invitation" }).waitFor();
    await expectAccessiblePage(invitee, "accept invitation");
    await invitee.context().close();

    await page.goto(`${home}/account/members`);
    const revoke = page.getByRole("button", { name: "Revoke" }).first();
    await revoke.click();
    const revokeDialog = page.getByRole("dialog").filter({ hasText: "accessible.colleague@example.com" });
    await revokeDialog.waitFor();
    await expectAccessibleDialog(page, "Revoke invitation");
    await revokeDialog.getByRole("button", { name: "Cancel" }).click();
    await revokeDialog.waitFor({ state: "hidden" });

    const row = page.locator(".ant-table-tbody tr.ant-table-row", {
      hasText: "operations@demo-merchant.example",
    });
    await row.getByRole("button", { name: "Change Role" }).click();
    const changeRole = page.getByRole("dialog", { name: "Change Role" });
    await expect.poll(() => changeRole.getByRole("checkbox", { name: "Operations" }).isChecked()).toBe(true);
    await expectAccessibleDialog(page, "Change Role, step 1");
    await setChecked(changeRole.getByRole("checkbox", { name: "Finance" }));
    await changeRole.getByRole("button", { name: "Next" }).click();
    await changeRole.getByRole("button", { name: "Confirm" }).waitFor();
    await expectAccessibleDialog(page, "Change Role, step 2");
    await page.keyboard.press("Escape");
    await changeRole.waitFor({ state: "hidden" });

    await row.getByRole("button", { name: "Deactivate" }).click();
    const deactivate = page.getByRole("dialog", { name: "Deactivate member" });
    await expect.poll(() => deactivate.textContent()).toMatch(/won't be able to log in/);
    await expectAccessibleDialog(page, "Deactivate member");
    await page.keyboard.press("Escape");
    await deactivate.waitFor({ state: "hidden" });

    await page.getByRole("menuitem", { name: "Roles" }).click();
    await page.getByRole("button", { name: "Create role" }).click();
    const editor = page.locator(".ant-drawer-content").filter({ hasText: "Create role" });
    await editor.getByLabel("Role name").waitFor();
    await expectAccessibleDialog(page, "role editor");
    await editor.getByLabel("Role name").fill("Accessible auditors");
    await setChecked(editor.getByRole("checkbox").first());
    await editor.getByRole("button", { name: "Create" }).click();
    await passEmailVerificationIfAsked(
      page,
      latestMail,
      admin.email,
      async () => !(await editor.isVisible()),
    );

    const customRole = page.locator(".ant-table-tbody tr.ant-table-row", { hasText: "Accessible auditors" });
    await customRole.getByRole("button", { name: "Delete" }).click();
    const deleteRole = page.getByRole("dialog", { name: "Delete role" });
    await deleteRole.waitFor();
    await expectAccessibleDialog(page, "Delete role");
    await page.keyboard.press("Escape");
    await deleteRole.waitFor({ state: "hidden" });

    await page.context().close();
  });

  it("a phone's screen (390 × 844): the member list, and the menu in its drawer", async () => {
    const page = await (
      await held.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    ).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    await page.goto(`${page.url()}/account/members`);
    await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
    await expectAccessiblePage(page, "member list on a phone", "Member list");
    await showMenu(page);
    await page.getByRole("dialog", { name: "Merchant Portal" }).waitFor();
    await expectAccessibleDialog(page, "menu drawer");
    await page.context().close();
  });

  it("SPEC §6.2: the Security page while setting up an authenticator app, the recovery codes, renaming a factor, and the login's second step", async () => {
    const page = await (await held.browser.newContext()).newPage();
    // Data Analytics: no other test here logs in as them after this one gave them a factor.
    const person = held.portal.credentials("data_analytics");
    await logIn(page, held.portal.url, person.email, person.password);
    await page.goto(`${held.portal.url}/profile/security`);
    await page.getByRole("button", { name: "Set up authenticator app" }).waitFor();
    await expectAccessiblePage(page, "security", "Security");

    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    await passEmailVerification(page, (to) => held.portal.latestMail(to), person.email);
    const secret = page.getByTestId("totp-secret");
    await secret.waitFor();
    await expectAccessiblePage(page, "security, setting up an authenticator app", "Security");
    const app = authenticatorApp((await secret.textContent()) ?? "");
    await page.getByLabel("Authentication code").fill(app.nextCode());
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByRole("list", { name: "Recovery codes" }).waitFor();
    await expectAccessiblePage(page, "security, recovery codes shown", "Security");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByRole("button", { name: "Generate new recovery codes" }).waitFor();
    await expectAccessiblePage(page, "security, with a factor", "Security");
    await page.getByRole("button", { name: /^Rename / }).click();
    const rename = page.getByRole("dialog", { name: "Rename second factor" });
    await rename.getByLabel("Name", { exact: true }).waitFor();
    await expectAccessibleDialog(page, "Rename second factor");
    await rename.getByRole("button", { name: "Cancel" }).click();
    await rename.waitFor({ state: "hidden" });

    await page.context().clearCookies();
    await logIn(page, held.portal.url, person.email, person.password, false);
    await page.getByLabel("Authentication code").waitFor();
    // The pointer that clicked "Log in" may rest on the second step's link: axe would read its hover colour.
    await page.mouse.move(0, 0);
    await expectAccessiblePage(page, "login, second step");
    await page.getByRole("button", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").waitFor();
    // The pointer leaves the link it clicked: axe would read the hover colour as the link's own.
    await page.mouse.move(0, 0);
    await expectAccessiblePage(page, "login, second step by recovery code");
    await page.context().close();
  });
});
