// SPEC §6.6 in Chromium: the Invite dialog names the invitation mail's language, the page's own by
// default; an Admin reading the portal in English invites a colleague in Chinese, and the person
// without an account gets the invitation in Chinese. Left as it is, the mail is in the page's language.
import { describe, expect, it } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked, setChecked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

const CHINESE = /[\u4e00-\u9fff]/;

describe("the invitation mail's language in Chromium", () => {
  const held = usePortalAndBrowser();

  it("sends the invitation in the language the dialog names, the page's by default", async () => {
    const { portal, browser } = held;
    const admin = portal.credentials("admin");
    const page = await (await browser.newContext()).newPage();
    await logIn(page, portal.url, admin.email, admin.password);
    await openSection(page, "Member list");

    const inviteIn = async (email: string, language: string | null) => {
      await page.getByRole("button", { name: "Invite new member" }).click();
      const invite = page.getByRole("dialog", { name: "Invite new member" });
      await invite.getByLabel("Email address", { exact: true }).fill(email);
      await setChecked(invite.getByRole("checkbox", { name: "Finance" }));
      const choice = invite.getByRole("combobox", { name: "Invitation email language" });
      expect(await invite.getByText("English", { exact: true }).count()).toBe(1);
      if (language) {
        await choice.click();
        await page.locator(`.ant-select-item-option[title="${language}"]`).click();
      }
      await invite.getByRole("button", { name: "Next" }).click();
      await setChecked(invite.getByRole("checkbox", { name: /I confirm/ }));
      await invite.getByRole("button", { name: "Send Invitation" }).click();
      await passEmailVerificationIfAsked(
        page,
        (to) => portal.latestMail(to),
        admin.email,
        async () => (await page.getByText("The invitation was sent successfully").count()) > 0,
      );
      await invite.waitFor({ state: "hidden" });
      return portal.latestMail(email);
    };

    const chinese = await inviteIn("chinese.colleague@example.com", "简体中文");
    expect(chinese.subject).toMatch(CHINESE);
    expect(chinese.text).toMatch(CHINESE);
    expect(chinese.text).toMatch(/\/invitations\/accept#token=/);

    const english = await inviteIn("english.colleague@example.com", null);
    expect(english.subject).not.toMatch(CHINESE);
    expect(english.text).not.toMatch(CHINESE);
    await page.context().close();
  });
});
