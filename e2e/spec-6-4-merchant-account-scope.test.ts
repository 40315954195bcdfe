// Browser test of SPEC §6.4's scoped access: the demo Admin sees the company's three merchant
// accounts on Account info, invites three people at once as Operations restricted to the Europe
// account (the scope step after the roles), one of them accepts, and their Transactions show only
// that account.
import { describe, expect, it } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked, showMenu } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const EUROPE = "Demo Merchant Europe";

describe("merchant account scope in Chromium", () => {
  const held = usePortalAndBrowser();

  it("an Admin invites three people at once restricted to one account; one logs in and sees only its transactions", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);

    // Account info lists the company's merchant accounts.
    await openSection(page, "Account info");
    const accounts = page.getByRole("table", { name: "Merchant accounts" });
    await expect.poll(() => accounts.getByText(EUROPE).count()).toBe(1);
    expect(await accounts.getByText("Demo Merchant Americas").count()).toBe(1);
    expect(await accounts.getByText("Demo Merchant Singapore").count()).toBe(1);

    await openSection(page, "Member list");
    await page.getByRole("button", { name: "Invite new member" }).click();
    const invite = page.getByRole("dialog", { name: "Invite new member" });
    const emails = ["europe.only@example.com", "europe.two@example.com", "europe.three@example.com"];
    await invite.getByLabel("Email address", { exact: true }).fill(emails[0] as string);
    await invite.getByRole("button", { name: "Add another email" }).click();
    await invite.getByLabel("Email address 2", { exact: true }).fill(emails[1] as string);
    await invite.getByRole("button", { name: "Add another email" }).click();
    await invite.getByLabel("Email address 3", { exact: true }).fill(emails[2] as string);
    await setChecked(invite.getByRole("checkbox", { name: "Operations" }));
    // The scope step, after the roles: All merchant accounts by default, here Restricted to Europe.
    expect(await invite.getByRole("radio", { name: "All merchant accounts" }).isChecked()).toBe(true);
    await setChecked(invite.getByRole("radio", { name: "Restricted" }));
    const chosen = invite.getByRole("combobox", { name: "Chosen merchant accounts" });
    await chosen.click();
    await page.locator(`.ant-select-item-option[title^="${EUROPE}"]`).click();
    await page.keyboard.press("Escape");
    await invite.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => invite.getByText(`Restricted: ${EUROPE} · Europe`).count()).toBe(1);
    await expect.poll(() => invite.getByText(emails.join(", ")).count()).toBe(1);
    await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
    await invite.getByRole("button", { name: "Send Invitation" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => held.portal.latestMail(to),
      admin.email,
      async () => (await invite.getByText("Invitation results").count()) > 0,
    );
    const results = invite.getByRole("table");
    await expect.poll(() => results.getByText("Invited", { exact: true }).count()).toBe(3);
    // Each of the three invitations offers Europe alone.
    const scopes = await page.evaluate(async () => {
      const me = await (await fetch("/api/me")).json();
      const companyId = me.memberships[0].companyId;
      const list = await (
        await fetch(`/api/companies/${companyId}/invitations?status=pending&search=europe.`)
      ).json();
      return list.items.map((item: { scope: { kind: string; merchantAccountIds?: string[] } }) => [
        item.scope.kind,
        item.scope.merchantAccountIds?.length ?? 0,
      ]);
    });
    expect(scopes).toEqual([
      ["restricted", 1],
      ["restricted", 1],
      ["restricted", 1],
    ]);
    await page.context().close();

    const mail = await held.portal.latestMail("europe.only@example.com");
    const link = new URL(
      /https?:\/\/\S+\/invitations\/accept#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "",
    );
    const invitee = await (await held.browser.newContext()).newPage();
    await invitee.goto(`${held.portal.url}${link.pathname}${link.hash}`);
    await invitee.getByLabel("Name").fill("Erik Europe");
    await invitee.getByLabel("Password", { exact: true }).fill("a long and private passphrase");
    await invitee.getByLabel("Confirm password").fill("a long and private passphrase");
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
    await invitee.waitForURL(/\/c\/[0-9a-f-]{36}/);
    await showMenu(invitee);
    await invitee.getByRole("menuitem", { name: "Transactions" }).click();
    await invitee.getByRole("heading", { level: 1, name: "Transactions" }).waitFor();

    // Every row on screen is of the Europe account.
    const accountCells = async () => {
      const table = invitee.locator(".ant-table-tbody").first();
      const header = await invitee.locator(".ant-table-thead th").allTextContents();
      const column = header.findIndex((text) => text.trim() === "Merchant account");
      const rows = table.locator("tr.ant-table-row");
      const texts: string[] = [];
      for (let i = 0; i < (await rows.count()); i += 1) {
        texts.push((await rows.nth(i).locator("td").nth(column).textContent())?.trim() ?? "");
      }
      return texts;
    };
    await expect.poll(async () => (await accountCells()).length).toBeGreaterThan(0);
    await expect.poll(async () => [...new Set(await accountCells())]).toEqual([EUROPE]);

    // The server agrees: the list holds only Europe's, and the accounts the person may see are one.
    const answer = await invitee.evaluate(async () => {
      const me = await (await fetch("/api/me")).json();
      const companyId = me.memberships[0].companyId;
      const mine = await (await fetch(`/api/companies/${companyId}/merchant-accounts`)).json();
      const page = await (await fetch(`/api/companies/${companyId}/transactions?limit=100`)).json();
      return {
        accounts: mine.items.map((item: { name: string }) => item.name),
        accountIds: [
          ...new Set(page.items.map((item: { merchantAccountId: string }) => item.merchantAccountId)),
        ],
        europeId: mine.items[0].id,
      };
    });
    expect(answer.accounts).toEqual([EUROPE]);
    expect(answer.accountIds).toEqual([answer.europeId]);
    await invitee.context().close();
  });
});
