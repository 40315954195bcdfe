// Browser test of SPEC §6.2's company policy: the Admin opens Company settings → Security, turns on
// "Require two-factor authentication" and saves through the Email Verification window; a member
// without a second factor then logs in and sees only the page that sends them to set one up.
import { describe, expect, it } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("the company's security policy in Chromium", () => {
  const held = usePortalAndBrowser();

  it("the Admin requires two-factor authentication; a member without a factor is sent to enrol", async () => {
    const page = await (await held.browser.newContext()).newPage();
    const admin = held.portal.credentials("admin");
    await logIn(page, held.portal.url, admin.email, admin.password);
    await openSection(page, "Security");
    await page.getByRole("heading", { level: 1, name: "Security" }).waitFor();

    // Nobody in the demo company has a second factor yet: the list names them.
    const withoutFactor = page.getByRole("region", { name: "Members without two-factor authentication" });
    await expect.poll(() => withoutFactor.getByText("finance@demo-merchant.example").count()).toBe(1);

    const requirement = page.getByRole("switch", { name: "Require two-factor authentication" });
    expect(await requirement.getAttribute("aria-checked")).toBe("false");
    await requirement.click();
    // The Admin has no factor either, and is told so before saving.
    await page.getByText("You have no second factor either").waitFor();
    await page.getByLabel("Session idle timeout (minutes)").fill("30");
    await page.getByRole("button", { name: "Save" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => held.portal.latestMail(to),
      admin.email,
      async () => (await page.getByText("The security policy was saved successfully").count()) > 0,
    );
    // Saved, the Admin's own access now needs a factor too.
    await page.getByRole("heading", { level: 1, name: "Two-factor authentication required" }).waitFor();
    await page.context().close();

    const memberPage = await (await held.browser.newContext()).newPage();
    const finance = held.portal.credentials("finance");
    await logIn(memberPage, held.portal.url, finance.email, finance.password);
    await memberPage.getByRole("heading", { level: 1, name: "Two-factor authentication required" }).waitFor();
    expect(await memberPage.getByRole("heading", { name: "Transactions" }).count()).toBe(0);
    await memberPage.getByRole("link", { name: "Set up two-factor authentication" }).click();
    await memberPage.waitForURL(/\/profile\/security$/);
    await memberPage.getByRole("heading", { level: 1, name: "Security" }).waitFor();

    // The server refuses the company's data, whatever the page shows.
    const answer = await memberPage.evaluate(async () => {
      const me = await (await fetch("/api/me")).json();
      const companyId = me.memberships[0].companyId;
      const response = await fetch(`/api/companies/${companyId}/transactions`);
      return { status: response.status, code: (await response.json()).error.code };
    });
    expect(answer).toEqual({ status: 403, code: "mfa_enrolment_required" });
    await memberPage.context().close();
  });
});
