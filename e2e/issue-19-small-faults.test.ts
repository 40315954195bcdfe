// Issue 19's small faults as the browser shows them, one admin session throughout (as in
// member-management): the Invite dialog says at once what an email would meet (a pending invitation,
// a member, a deactivated member with Reactivate); a resend within a minute counts down instead of a
// red error and comes back when the wait ends; totals say "1 member"; Delete is disabled on a role the
// dialog says is in use, with the reason on focus.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { logIn, passEmailVerification, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

async function hasNotice(page: Page, text: string): Promise<boolean> {
  return (await page.locator(".ant-message").getByText(text, { exact: true }).count()) > 0;
}

describe("Issue 19: the small faults, in Chromium", () => {
  const held = usePortalAndBrowser();
  let page: Page;
  let home: string;
  const adminEmail = () => held.portal.credentials("admin").email;
  const latestMail = (to: string) => held.portal.latestMail(to);
  const verifyIfAsked = (isDone: () => Promise<boolean>) =>
    passEmailVerificationIfAsked(page, latestMail, adminEmail(), isDone);

  const memberRow = (email: string) =>
    page.locator(".ant-table-tbody").first().locator("tr.ant-table-row", { hasText: email });
  const invitationRow = (email: string) =>
    page.locator("section[aria-labelledby='invitations-title'] tr.ant-table-row", { hasText: email });

  async function openMemberList() {
    await page.goto(home);
    await page.getByRole("menuitem", { name: "Member list" }).click();
    await page.locator(".ant-table-tbody tr.ant-table-row").first().waitFor();
  }

  async function openInviteDialog() {
    await openMemberList();
    await page.getByRole("button", { name: "Invite new member" }).click();
    return page.getByRole("dialog", { name: "Invite new member" });
  }

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    const context = await held.browser.newContext();
    // The browser's own clock, moved on by the test where a wait would otherwise be a sleep.
    await context.clock.install();
    page = await context.newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    home = page.url();
  });

  it("Issue 19: a resend within a minute counts down instead of a red error, and Resend comes back when it ends", async () => {
    const invite = await openInviteDialog();
    await invite.getByLabel("Email address").fill("countdown@example.com");
    await setChecked(invite.getByRole("checkbox", { name: "Finance" }));
    await invite.getByRole("button", { name: "Next" }).click();
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await invite.getByRole("button", { name: "Send Invitation" }).click();
    await passEmailVerification(page, latestMail, adminEmail());
    await expect.poll(() => hasNotice(page, "The invitation was sent successfully")).toBe(true);

    const row = invitationRow("countdown@example.com");
    const resend = row.getByRole("button", { name: "Resend" });
    await resend.click();
    const timer = row.getByRole("timer");
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/^[01]:\d\d$/);
    expect(await resend.isDisabled()).toBe(true);
    expect(await page.locator(".ant-message-error").count()).toBe(0);

    await page.clock.fastForward(61_000);
    await expect.poll(() => resend.isDisabled()).toBe(false);
    expect(await timer.count()).toBe(0);
  });

  it("Issue 19: Total: 1 members — a total of one says its noun in the singular", async () => {
    await openMemberList();
    await expect.poll(() => page.getByText("Total: 1 invitation", { exact: true }).count()).toBe(1);
    await page.getByLabel("Member Email").fill("operations@");
    await page.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.getByText("Total: 1 member", { exact: true }).count()).toBe(1);
  });

  it("Issue 19: the Invite dialog says at once that an email is pending, a member, or deactivated (with Reactivate)", async () => {
    let invite = await openInviteDialog();
    const email = invite.getByLabel("Email address");
    const next = invite.getByRole("button", { name: "Next" });

    await email.fill("countdown@example.com");
    await invite.getByText("An invitation to countdown@example.com is already pending.").waitFor();
    expect(await next.isDisabled()).toBe(true);
    expect(await invite.getByRole("button", { name: "Resend it" }).count()).toBe(1);

    await email.fill("operations@demo-merchant.example");
    await invite.getByText("operations@demo-merchant.example is already a member of this company.").waitFor();
    expect(await next.isDisabled()).toBe(true);

    await email.fill("someone.new@example.com");
    await expect.poll(() => next.isDisabled()).toBe(false);
    await page.keyboard.press("Escape");
    await invite.waitFor({ state: "hidden" });

    // Deactivate the Developer, then meet them in the Invite dialog.
    await openMemberList();
    await memberRow("developer@demo-merchant.example").getByRole("button", { name: "Deactivate" }).click();
    const deactivate = page.getByRole("dialog", { name: "Deactivate member" });
    await expect.poll(() => deactivate.textContent()).toMatch(/won't be able to log in/);
    await deactivate.getByRole("button", { name: "Deactivate" }).click();
    await verifyIfAsked(() => hasNotice(page, "developer@demo-merchant.example has been deactivated"));

    invite = await openInviteDialog();
    await invite.getByLabel("Email address").fill("developer@demo-merchant.example");
    await invite
      .getByText("developer@demo-merchant.example is a deactivated member of this company.")
      .waitFor();
    await invite.getByRole("button", { name: "Reactivate" }).click();
    await verifyIfAsked(() => hasNotice(page, "developer@demo-merchant.example has been reactivated"));
    await invite.waitFor({ state: "hidden" });
    await expect
      .poll(() => memberRow("developer@demo-merchant.example").locator("td").nth(3).textContent())
      .toBe("Active");
  });

  it("Issue 19: Delete is disabled on a role the dialog says is in use, with the reason on focus", async () => {
    await page.goto(home);
    await page.getByRole("menuitem", { name: "Roles" }).click();
    await page.getByRole("button", { name: "Create role" }).click();
    const editor = page.locator(".ant-drawer-content").filter({ hasText: "Create role" });
    await editor.getByLabel("Role name").fill("Busy auditors");
    await setChecked(editor.getByRole("checkbox").first());
    await editor.getByRole("button", { name: "Create" }).click();
    await verifyIfAsked(async () => !(await editor.isVisible()));

    // Give the role to Operations.
    await openMemberList();
    await memberRow("operations@demo-merchant.example").getByRole("button", { name: "Change Role" }).click();
    const changeRole = page.getByRole("dialog", { name: "Change Role" });
    const busy = changeRole.getByRole("checkbox", { name: "Busy auditors" });
    // The window starts from the member's current roles; wait for them before changing anything.
    await expect.poll(() => changeRole.getByRole("checkbox", { name: "Operations" }).isChecked()).toBe(true);
    await setChecked(busy);
    await changeRole.getByRole("button", { name: "Next" }).click();
    await changeRole.getByRole("button", { name: "Confirm" }).click();
    await verifyIfAsked(() => hasNotice(page, "Your edit is saved successfully"));

    await page.getByRole("menuitem", { name: "Roles" }).click();
    const roleRow = page.locator(".ant-table-tbody tr.ant-table-row", { hasText: "Busy auditors" });
    await roleRow.getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete role" });
    await dialog.getByText("1 member holds this role.").waitFor();
    const remove = dialog.getByRole("button", { name: "Delete" });
    expect(await remove.isDisabled()).toBe(true);
    await remove.focus();
    await expect
      .poll(() => page.getByRole("tooltip").textContent())
      .toBe("Remove this role from its members and pending invitations first.");
    await remove.click({ force: true });
    expect(await dialog.isVisible()).toBe(true);
    expect(await hasNotice(page, "Role deleted")).toBe(false);
    await page.keyboard.press("Escape");
  });
});
