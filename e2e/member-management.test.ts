// Browser test that follows the user guide word for word: §2 invite a new member (with the Email
// Verification window), the invitee accepts in a second browser and lands in the portal with the
// right menu; §3 search by Member Email and by Member Role; §4 change a member's role;
// §5 deactivate a member, and reactivate them. Each notice the guide promises is checked. Then what
// the guide leaves unsaid: with the server's answers held back, the windows stay open until their
// notice and reactivations run side by side; a conflict shows the member as they are now; the
// audit log follows the changes.
// One admin session throughout: a code may be mailed to an account once a minute, so a test passes
// the Email Verification window when it opens (the session is verified for 10 minutes after), and
// each test runs on its own too.
// All of it runs on a desktop screen and on a phone's (SPEC §6.7), where the menu is in a drawer and
// the checkboxes and buttons of the windows are tapped; on each, a 200-character name must leave the
// member list within the screen, and the suite takes the screenshots of the member list the README shows.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BrowserContextOptions, Locator, Page, Request } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { holdAnswers } from "./support/held-answers.js";
import {
  chooseOption,
  isClosing,
  logIn,
  openSection,
  passEmailVerification,
  passEmailVerificationIfAsked,
  setChecked,
  showMenu,
} from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

/** The screens the walk runs on: a desktop's, and a phone's touch screen. */
const SCREENS = [
  { name: "desktop", width: 1440, height: 900, isPhone: false },
  { name: "phone", width: 390, height: 844, isPhone: true },
] as const;

function contextOf(screen: (typeof SCREENS)[number]): BrowserContextOptions {
  const viewport = { width: screen.width, height: screen.height };
  return screen.isPhone ? { viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport };
}

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

/** Whether a notice (antd message) reads exactly `text`. */
async function hasNotice(page: Page, text: string): Promise<boolean> {
  return (await page.locator(".ant-message").getByText(text, { exact: true }).count()) > 0;
}

async function notice(page: Page, text: string) {
  await expect.poll(() => hasNotice(page, text), { message: text, timeout: 10_000 }).toBe(true);
}

async function memberRows(page: Page): Promise<string[]> {
  await page.locator(".ant-table-tbody").first().waitFor();
  return page
    .locator(".ant-table-tbody")
    .first()
    .locator("tr.ant-table-row td:first-child")
    .allTextContents();
}

/** The member list's row of `email`. */
function memberRow(page: Page, email: string) {
  return page.locator(".ant-table-tbody").first().locator("tr.ant-table-row", { hasText: email });
}

/** The role tags in a member row's Roles column. */
function rolesOf(row: ReturnType<typeof memberRow>): Promise<string[]> {
  return row.locator("td").nth(2).locator(".ant-tag").allTextContents();
}

function statusOf(row: ReturnType<typeof memberRow>): Promise<string | null> {
  return row.locator("td").nth(3).textContent();
}

describe.each(SCREENS)("the user guide's member management, in Chromium at $width × $height px", (screen) => {
  const held = usePortalAndBrowser();
  let page: Page;
  /** A tap on a phone's touch screen, a click on a desktop. */
  const press = (target: Locator) => (screen.isPhone ? target.tap() : target.click());

  const adminEmail = () => held.portal.credentials("admin").email;
  const latestMail = (to: string) => held.portal.latestMail(to);

  let home: string;
  const verifyIfAsked = (isDone: () => Promise<boolean>) =>
    passEmailVerificationIfAsked(page, latestMail, adminEmail(), isDone);

  /** The member list as a fresh load shows it: no notice, filter or window left by a test before. */
  async function openMemberList() {
    await page.goto(home);
    await openSection(page, "Member list");
    await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
  }

  beforeAll(async () => {
    // Most polls wait for the server and a re-render: on a slow machine that takes more than 1 s.
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    page = await (await held.browser.newContext(contextOf(screen))).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    home = page.url();
  });

  it("§2 invites a new member, and the invitee accepts in another browser", async () => {
    // Step 1: Go to Account > Member list, and click Invite new member.
    await openSection(page, "Member list");
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    // Step 2: enter an email address, assign a role (its permissions show on the right side).
    await invite.getByLabel("Email address").fill("new.colleague@example.com");
    const finance = invite.getByRole("checkbox", { name: "Finance" });
    await setChecked(finance, true, press);
    await expect.poll(() => invite.getByText("Download transactions").count()).toBeGreaterThan(0);
    await press(invite.getByRole("button", { name: "Next" }));
    // Step 3: confirm email, role and permissions, check the terms box, click Send Invitation.
    await expect.poll(() => invite.getByText("new.colleague@example.com").count()).toBeGreaterThan(0);
    const send = invite.getByRole("button", { name: "Send Invitation" });
    expect(await send.isDisabled()).toBe(true);
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await send.click();
    // Step 4: the Email Verification window asks for the code sent to the inbox.
    await passEmailVerification(page, latestMail, adminEmail());
    await notice(page, "The invitation was sent successfully");

    // The invitee opens the link from the mail in a browser of their own.
    const mail = await held.portal.latestMail("new.colleague@example.com");
    expect(mail.text).toContain("Demo Merchant Ltd");
    const link = new URL(
      /https?:\/\/\S+\/invitations\/accept#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "",
    );
    const invitee = await (await held.browser.newContext(contextOf(screen))).newPage();
    await invitee.goto(`${held.portal.url}${link.pathname}${link.hash}`);
    await expect.poll(() => invitee.url()).not.toContain("token=");
    await invitee.getByLabel("Name").fill("Nora Newcomer");
    await invitee.getByLabel("Password", { exact: true }).fill("a long and private passphrase");
    await invitee.getByLabel("Confirm password").fill("a long and private passphrase");
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
    await invitee.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await showMenu(invitee);
    const menu = invitee.getByRole("menuitem");
    await menu.first().waitFor();
    await expect
      .poll(async () => (await menu.allTextContents()).map((t) => t.trim()).filter(Boolean))
      .toEqual(["Home", "Transactions", "Settlements"]);
    await invitee.context().close();
  });

  it("§3 searches by Member Email, and by Member Role", async () => {
    await openSection(page, "Member list");
    await page.getByLabel("Member Email").fill("operations@");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => memberRows(page)).toEqual(["operations@demo-merchant.example"]);

    await page.getByLabel("Member Email").fill("");
    await chooseOption(page, page.getByLabel("Member Role"), "Developer");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => memberRows(page)).toEqual(["developer@demo-merchant.example"]);

    await chooseOption(page, page.getByLabel("Member Role"), "All roles");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(async () => (await memberRows(page)).length).toBe(6);
  });

  it("§4 changes a member's role: Change Role, select, Next, Confirm, saved successfully", async () => {
    await openMemberList();
    const row = memberRow(page, "operations@demo-merchant.example");
    expect(await rolesOf(row)).toEqual(["Operations"]);
    // Step 1: click Change Role.
    await row.getByRole("button", { name: "Change Role" }).click();
    const dialog = page.getByRole("dialog", { name: "Change Role" });
    const operations = dialog.getByRole("checkbox", { name: "Operations" });
    const finance = dialog.getByRole("checkbox", { name: "Finance" });
    // The window starts from the member's current roles; wait for them before changing anything.
    await expect.poll(() => operations.isChecked(), { timeout: 10_000 }).toBe(true);
    // Step 2: select a new role and click Next. Unticking the only role is allowed, but Next
    // then asks for at least one.
    await setChecked(operations, false, press);
    await press(dialog.getByRole("button", { name: "Next" }));
    await expect.poll(() => dialog.getByRole("alert").textContent()).toBe("Select at least one role.");
    await setChecked(finance, true, press);
    await press(dialog.getByRole("button", { name: "Next" }));
    // Step 3: confirm the member's information by clicking Confirm (after Email Verification).
    await expect.poll(() => dialog.getByText("operations@demo-merchant.example").count()).toBeGreaterThan(0);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await verifyIfAsked(() => hasNotice(page, "Your edit is saved successfully"));
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => rolesOf(row)).toEqual(["Finance"]);
  });

  it("§5 deactivates a member: Deactivate, confirm, has been deactivated; then Reactivate", async () => {
    await openMemberList();
    const row = memberRow(page, "developer@demo-merchant.example");
    expect(await statusOf(row)).toBe("Active");
    // Step 1: click Deactivate.
    await row.getByRole("button", { name: "Deactivate" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate member" });
    await expect.poll(() => dialog.textContent()).toMatch(/won't be able to log in/);
    // Step 2: click Deactivate to confirm (after Email Verification).
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await verifyIfAsked(() => hasNotice(page, "developer@demo-merchant.example has been deactivated"));
    await expect.poll(() => statusOf(row)).toBe("Deactivated");
    await expect.poll(() => row.getByRole("button", { name: "Reactivate" }).count()).toBe(1);

    // The deactivated member cannot log in any more (their only membership).
    const developer = held.portal.credentials("developer");
    const logInStatus = () =>
      page.evaluate(
        async ({ email, password }) =>
          (
            await fetch("/api/auth/login", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ email, password }),
              credentials: "omit",
            })
          ).status,
        { email: developer.email, password: developer.password },
      );
    expect(await logInStatus()).toBe(403);

    // Reactivate gives the access back.
    await row.getByRole("button", { name: "Reactivate" }).click();
    await verifyIfAsked(() => hasNotice(page, "developer@demo-merchant.example has been reactivated"));
    await expect.poll(() => statusOf(row)).toBe("Active");
    await expect.poll(() => row.getByRole("button", { name: "Deactivate" }).count()).toBe(1);
    expect(await logInStatus()).toBe(200);
  });

  it("keeps a 200-character name within the screen, cut with its full text on focus, the row's actions in view", async () => {
    await openMemberList();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}member-list-${screen.name}.png` });

    const email = "finance@demo-merchant.example";
    const longName = "Wolfeschlegelsteinhausenbergerdorff".repeat(6).slice(0, 200);
    await held.portal.database.db
      .updateTable("accounts")
      .set({ name: longName })
      .where("email", "=", email)
      .execute();
    await openMemberList();
    const row = memberRow(page, email);
    const name = row.getByText(longName, { exact: true });
    await name.waitFor();

    const overflow = await page.evaluate(
      () => (document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY) - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    const viewportWidth = page.viewportSize()?.width ?? 0;
    for (const action of ["Change Role", "Deactivate"]) {
      const button = row.getByRole("button", { name: action });
      expect(await button.isVisible()).toBe(true);
      const box = await button.boundingBox();
      expect(box?.x).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? Number.POSITIVE_INFINITY) + (box?.width ?? 0)).toBeLessThanOrEqual(viewportWidth);
    }
    // Cut on screen, whole on focus.
    const nameBox = await name.boundingBox();
    expect(nameBox?.width ?? Number.POSITIVE_INFINITY).toBeLessThan(viewportWidth / 2);
    await name.focus();
    await expect.poll(() => page.getByRole("tooltip").textContent()).toBe(longName);
    // Focusing a value half out of view scrolls it in: a scroll leaves the tooltip beside its value.
    const afterScroll = await page.evaluate(async () => {
      document.dispatchEvent(new Event("scroll"));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100)));
      return [...document.querySelectorAll('[role="tooltip"]')].map((tooltip) => tooltip.textContent);
    });
    expect(afterScroll).toContain(longName);
  });

  it("keeps the Deactivate window open until the answer comes, so its notice always shows", async () => {
    await openMemberList();
    const email = "analytics@demo-merchant.example";
    const row = memberRow(page, email);
    const answers = await holdAnswers(page, "**/members/*/deactivate");
    await row.getByRole("button", { name: "Deactivate" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate member" });
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await verifyIfAsked(async () => answers.heldUrls().length > 0);

    // The server has deactivated the member; until the answer arrives, nothing dismisses the window.
    const cancel = dialog.getByRole("button", { name: "Cancel" });
    expect(await cancel.isDisabled()).toBe(true);
    expect(await dialog.getByRole("button", { name: "Close" }).isDisabled()).toBe(true);
    await cancel.click({ force: true });
    await page.keyboard.press("Escape");
    expect(await isClosing(page, dialog)).toBe(false);

    await answers.release();
    await notice(page, `${email} has been deactivated`);
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => statusOf(row)).toBe("Deactivated");
  });

  it("keeps the Change Role window open while it saves, so its notice always shows", async () => {
    await openMemberList();
    const row = memberRow(page, "finance@demo-merchant.example");
    const answers = await holdAnswers(page, "**/members/*/roles");
    await row.getByRole("button", { name: "Change Role" }).click();
    const dialog = page.getByRole("dialog", { name: "Change Role" });
    const finance = dialog.getByRole("checkbox", { name: "Finance" });
    await expect.poll(() => finance.isChecked(), { timeout: 10_000 }).toBe(true);
    await setChecked(dialog.getByRole("checkbox", { name: "Data Analytics" }));
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await verifyIfAsked(async () => answers.heldUrls().length > 0);

    // The server has saved the change; until the answer arrives, nothing dismisses the window.
    expect(await dialog.getByRole("button", { name: "Close" }).isDisabled()).toBe(true);
    expect(await dialog.getByRole("button", { name: "Back" }).isDisabled()).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.getByRole("button", { name: "Close" }).click({ force: true });
    expect(await isClosing(page, dialog)).toBe(false);

    await answers.release();
    await notice(page, "Your edit is saved successfully");
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => rolesOf(row)).toEqual(["Finance", "Data Analytics"]);
  });

  it("reactivates two members at once: each row waits for its own answer and tells its own notice", async () => {
    await openMemberList();
    const emails = ["operations@demo-merchant.example", "developer@demo-merchant.example"];
    for (const email of emails) {
      await memberRow(page, email).getByRole("button", { name: "Deactivate" }).click();
      const dialog = page.getByRole("dialog", { name: "Deactivate member" });
      await dialog.getByRole("button", { name: "Deactivate" }).click();
      await verifyIfAsked(() => hasNotice(page, `${email} has been deactivated`));
      await dialog.waitFor({ state: "hidden" });
    }
    const [first, second] = emails.map((email) =>
      memberRow(page, email).getByRole("button", { name: "Reactivate" }),
    );
    await expect.poll(async () => (await first!.count()) + (await second!.count())).toBe(2);

    const sent: string[] = [];
    const countReactivation = (request: Request) => {
      if (request.method() === "POST" && request.url().endsWith("/reactivate")) sent.push(request.url());
    };
    page.on("request", countReactivation);
    const answers = await holdAnswers(page, "**/members/*/reactivate");
    await first!.click();
    await expect.poll(() => answers.heldUrls().length).toBe(1);
    await second!.click();
    await expect.poll(() => answers.heldUrls().length).toBe(2);
    // Each row waits for its own answer: the first one's button is still busy, and sends nothing.
    expect(await first!.getAttribute("class")).toContain("ant-btn-loading");
    expect(await second!.getAttribute("class")).toContain("ant-btn-loading");
    await first!.click();

    await answers.release();
    page.off("request", countReactivation);
    for (const email of emails) {
      await notice(page, `${email} has been reactivated`);
      await expect.poll(() => statusOf(memberRow(page, email))).toBe("Active");
    }
    expect(sent).toHaveLength(2);
  });

  it("after a conflict, shows the member as they are now, and the next Confirm saves", async () => {
    await openMemberList();
    const email = "finance@demo-merchant.example";
    // A search the member will drop out of: the window cannot take their new version from the list.
    await chooseOption(page, page.getByLabel("Member Role"), "Finance");
    await page.getByRole("button", { name: "Search" }).click();
    await memberRow(page, email).getByRole("button", { name: "Change Role" }).click();
    const dialog = page.getByRole("dialog", { name: "Change Role" });
    await expect.poll(() => dialog.getByRole("checkbox", { name: "Finance" }).isChecked()).toBe(true);

    // Meanwhile, in another tab, the member's Finance role is swapped for Developer.
    const other = await page.context().newPage();
    await other.goto(home);
    await openSection(other, "Member list");
    await memberRow(other, email).getByRole("button", { name: "Change Role" }).click();
    const otherDialog = other.getByRole("dialog", { name: "Change Role" });
    const otherFinance = otherDialog.getByRole("checkbox", { name: "Finance" });
    await expect.poll(() => otherFinance.isChecked()).toBe(true);
    await setChecked(otherFinance, false);
    await setChecked(otherDialog.getByRole("checkbox", { name: "Developer" }));
    await otherDialog.getByRole("button", { name: "Next" }).click();
    await otherDialog.getByRole("button", { name: "Confirm" }).click();
    await passEmailVerificationIfAsked(other, latestMail, adminEmail(), () =>
      hasNotice(other, "Your edit is saved successfully"),
    );
    await other.close();

    // This tab adds Operations to the roles it saw: refused, as the member changed since.
    await setChecked(dialog.getByRole("checkbox", { name: "Operations" }));
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    const failure = dialog.getByRole("alert");
    await verifyIfAsked(async () => (await failure.count()) > 0);
    expect(await failure.textContent()).toBe("Someone else changed this member; reload and try again.");
    // The window shows the roles the member holds now, beside the new ones...
    const currentRoles = dialog.locator(".ant-descriptions-row", { hasText: "Current roles" });
    await expect.poll(() => currentRoles.locator(".ant-tag").allTextContents()).toContain("Developer");
    expect(await currentRoles.locator(".ant-tag").allTextContents()).not.toContain("Finance");
    // ...and, reviewed, Confirm saves them on the member's current version.
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await notice(page, "Your edit is saved successfully");
    await dialog.waitFor({ state: "hidden" });
    // Back in the Finance search once the list reloads.
    await expect.poll(() => rolesOf(memberRow(page, email))).toEqual(expect.arrayContaining(["Operations"]));
    const roles = await rolesOf(memberRow(page, email));
    expect(roles).toContain("Finance");
    expect(roles).not.toContain("Developer");
  });

  it("shows a member change in the Audit log at once, though the log was read a moment before", async () => {
    await openMemberList();
    const email = "developer@demo-merchant.example";
    const newestEvent = page.locator(".ant-table-tbody tr.ant-table-row").first();
    await memberRow(page, email).getByRole("button", { name: "Deactivate" }).click();
    const dialog = page.getByRole("dialog", { name: "Deactivate member" });
    await dialog.getByRole("button", { name: "Deactivate" }).click();
    await verifyIfAsked(() => hasNotice(page, `${email} has been deactivated`));
    await openSection(page, "Audit log");
    await expect.poll(() => newestEvent.textContent()).toContain("Ada Admin deactivated Devi Developer");
    expect(await newestEvent.textContent()).toContain("Member deactivated");

    // Within the log's 10 seconds of freshness, the list's Reactivate must still show in it.
    await openSection(page, "Member list");
    await memberRow(page, email).getByRole("button", { name: "Reactivate" }).click();
    await notice(page, `${email} has been reactivated`);
    await openSection(page, "Audit log");
    await expect.poll(() => newestEvent.textContent()).toContain("Ada Admin reactivated Devi Developer");
    expect(await newestEvent.textContent()).toContain("Member reactivated");
  });
});
