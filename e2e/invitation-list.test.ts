// SPEC §6.7 "Invitations of every status in one list with the member search applied", in Chromium: the
// member list's Invitations section shows pending, revoked and expired invitations together, the
// `Member Email` search narrows it by email as it narrows the members, and `Invitation Status` keeps
// one status; only pending rows offer Resend and Revoke.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { chooseOption, codeIn, companyIdOf, logIn } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const DAY = 24 * 60 * 60_000;

describe("SPEC §6.7: invitations of every status, searched with the members, in Chromium", () => {
  const held = usePortalAndBrowser();
  let page: Page;
  let membersUrl: string;

  /** An API call from the logged-in page (its session cookie and same-origin Origin). */
  function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    return page.evaluate(
      async ({ method, path, body }) => {
        const response = await fetch(path, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: response.status === 204 ? null : await response.json() };
      },
      { method, path, body },
    );
  }

  const section = () => page.locator("section[aria-labelledby='invitations-title']");
  const invitationEmails = () => section().locator("tr.ant-table-row td:first-child").allTextContents();

  async function chooseStatus(label: string) {
    await chooseOption(page, section().getByLabel("Invitation Status"), label);
  }

  async function searchMembers(text: string) {
    await page.getByLabel("Member Email").fill(text);
    await page.getByRole("button", { name: "Search" }).click();
  }

  beforeAll(async () => {
    vi.setConfig({ expect: { poll: { timeout: 10_000 } } });
    page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    const companyId = companyIdOf(page) ?? "";
    membersUrl = `${held.portal.url}/c/${companyId}/account/members`;

    // One Email Verification for the invitations sent below, passed through the API as the window would.
    const challenge = await call("POST", "/api/verification/step-up", { companyId });
    expect(challenge.status).toBe(201);
    const code = codeIn((await held.portal.latestMail(admin.email)).text);
    const { challengeId } = challenge.body as { challengeId: string };
    expect((await call("POST", `/api/verification/step-up/${challengeId}/verify`, { code })).status).toBe(
      200,
    );

    const roles = (await call("GET", `/api/companies/${companyId}/roles`)).body as {
      items: { id: string; key: string | null }[];
    };
    const finance = roles.items.find((role) => role.key === "finance")?.id;
    const ids: Record<string, string> = {};
    for (const email of [
      "cy.expired@alpha.example",
      "bo.revoked@alpha.example",
      "ada.pending@alpha.example",
    ]) {
      const sent = await call("POST", `/api/companies/${companyId}/invitations`, {
        email,
        roleIds: [finance],
        acceptTerms: true,
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      ids[email] = (sent.body as { id: string }).id;
    }
    expect(
      (await call("DELETE", `/api/companies/${companyId}/invitations/${ids["bo.revoked@alpha.example"]}`))
        .status,
    ).toBe(204);
    // Sent more than a week ago: its link has run out, and the list marks it expired when read.
    const longAgo = new Date(Date.now() - 9 * DAY);
    await held.portal.database.db
      .updateTable("invitations")
      .set({
        created_at: longAgo,
        last_sent_at: longAgo,
        expires_at: new Date(longAgo.getTime() + 7 * DAY),
      })
      .where("id", "=", ids["cy.expired@alpha.example"] ?? "")
      .execute();
  });

  it("lists every status together, newest first, with a status tag, and actions only on pending ones", async () => {
    await page.goto(membersUrl);
    await expect
      .poll(invitationEmails)
      .toEqual(["ada.pending@alpha.example", "bo.revoked@alpha.example", "cy.expired@alpha.example"]);
    const row = (email: string) => section().locator("tr.ant-table-row", { hasText: email });
    expect(await row("ada.pending@alpha.example").locator(".ant-tag").first().textContent()).toBe("Pending");
    expect(await row("bo.revoked@alpha.example").getByText("Revoked", { exact: true }).count()).toBe(1);
    expect(await row("cy.expired@alpha.example").getByText("Expired", { exact: true }).count()).toBe(1);
    expect(await row("ada.pending@alpha.example").getByRole("button", { name: "Resend" }).count()).toBe(1);
    expect(await row("ada.pending@alpha.example").getByRole("button", { name: "Revoke" }).count()).toBe(1);
    expect(await row("bo.revoked@alpha.example").getByRole("button").count()).toBe(0);
    expect(await row("cy.expired@alpha.example").getByRole("button").count()).toBe(0);
    expect(await section().getByText("Total: 3 invitations", { exact: true }).count()).toBe(1);
  });

  it("applies the member search to the invitations: the same email text finds them", async () => {
    await page.goto(membersUrl);
    await searchMembers("ada");
    await expect.poll(invitationEmails).toEqual(["ada.pending@alpha.example"]);
    await section().getByText("Emails containing “ada”").waitFor();
    await searchMembers("alpha.example");
    await expect.poll(invitationEmails).toHaveLength(3);
    // A search matching no invitation says so, beside the members it matches.
    await searchMembers("finance@");
    await expect.poll(() => section().getByText("No invitations match this search.").count()).toBe(1);
    await searchMembers("");
    await expect.poll(invitationEmails).toHaveLength(3);
  });

  it("keeps one status with Invitation Status, together with the search", async () => {
    await page.goto(membersUrl);
    await expect.poll(invitationEmails).toHaveLength(3);
    await chooseStatus("Revoked");
    await expect.poll(invitationEmails).toEqual(["bo.revoked@alpha.example"]);
    expect(await section().getByText("Total: 1 revoked invitation", { exact: true }).count()).toBe(1);
    await chooseStatus("Expired");
    await expect.poll(invitationEmails).toEqual(["cy.expired@alpha.example"]);
    await chooseStatus("Pending");
    await expect.poll(invitationEmails).toEqual(["ada.pending@alpha.example"]);
    await searchMembers("bo.");
    await expect.poll(() => section().getByText("No pending invitations match this search.").count()).toBe(1);
    await chooseStatus("All statuses");
    await expect.poll(invitationEmails).toEqual(["bo.revoked@alpha.example"]);
  });
});
