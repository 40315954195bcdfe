// Browser test of SPEC §6.3's OpenID Connect login in Chromium, against a real OpenID provider
// (oidc-provider) on loopback: the Admin sets the connection up on Company settings → Security (through
// the Email Verification window), then a person of the verified domain clicks "Continue with SSO", signs
// in at the provider and lands in the portal as a just-in-time member; an IdP answer for an email of
// an unverified domain comes back to the login page with the reason.
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type TestIdp } from "../test/support/oidc-provider.js";
import { companyIdOf, logIn, openSection, passEmailVerificationIfAsked } from "./support/pages.js";
import { launchBrowser, type Portal, startPortal } from "./support/portal.js";

describe("OpenID Connect single sign-on in Chromium", () => {
  let portal: Portal;
  let browser: Browser;
  let idp: TestIdp;
  beforeAll(async () => {
    portal = await startPortal();
    idp = await startTestIdp({ redirectUris: [`${portal.url}/api/auth/sso/oidc/callback`] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await portal?.close();
  });

  it("the Admin connects the IdP; a person of the domain signs in through it and joins with the default role", async () => {
    const page = await (await browser.newContext()).newPage();
    const admin = portal.credentials("admin");
    await logIn(page, portal.url, admin.email, admin.password);
    const companyId = companyIdOf(page) as string;
    // The domain is verified straight in the database: proving it by DNS is the Domains section's test.
    const domain = `sso-${randomBytes(4).toString("hex")}.example`;
    await portal.database.db
      .insertInto("company_domains")
      .values({
        company_id: companyId,
        domain,
        verification_token: randomBytes(16).toString("hex"),
        verified_at: new Date(),
        created_at: new Date(),
      })
      .execute();

    await openSection(page, "Security");
    const sso = page.getByRole("region", { name: "Single sign-on" });
    await sso.getByLabel("Issuer URL").fill(idp.issuer);
    await sso.getByLabel("Client ID").fill(idp.clientId);
    await sso.getByLabel("Client secret").fill(idp.clientSecret);
    await sso.getByLabel("Default role").click();
    await page.locator('.ant-select-item-option[title="Finance"]').click();
    await sso.getByRole("switch", { name: "Enable single sign-on" }).click();
    await sso.getByRole("button", { name: "Update single sign-on" }).click();
    await passEmailVerificationIfAsked(
      page,
      (to) => portal.latestMail(to),
      admin.email,
      async () => (await page.getByText("The single sign-on settings were saved successfully").count()) > 0,
    );
    await expect.poll(() => sso.getByText("A secret is stored and never shown.").count()).toBe(1);
    await page.context().close();

    const email = `ada@${domain}`;
    idp.addUser({ email, name: "Ada Lovelace", groups: ["unmapped"] });
    const person = await (await browser.newContext()).newPage();
    await person.goto(`${portal.url}/login`);
    await person.getByLabel("Email").fill(email);
    await person.getByRole("button", { name: "Continue with SSO" }).click();
    await person.getByRole("heading", { name: "Sign in to the test identity provider" }).waitFor();
    await person.getByLabel("Email").fill(email);
    await person.getByRole("button", { name: "Sign in" }).click();
    await person.waitForURL(new RegExp(`/c/${companyId}`));
    const me = await person.evaluate(async () => (await fetch("/api/me")).json());
    expect(me.account.email).toBe(email);
    expect(me.memberships[0].roles.map((r: { key: string }) => r.key)).toEqual(["finance"]);
    await person.context().close();
  });

  it("explains on the login page why the IdP's answer was refused", async () => {
    const admin = portal.credentials("admin");
    const setup = await (await browser.newContext()).newPage();
    await logIn(setup, portal.url, admin.email, admin.password);
    await setup.context().close();
    const connected = await portal.database.db
      .selectFrom("company_domains")
      .select("domain")
      .where("verified_at", "is not", null)
      .executeTakeFirstOrThrow();
    // Signed in at the IdP as someone of a domain the company never verified.
    const stranger = `mallory@unverified-${randomBytes(3).toString("hex")}.example`;
    idp.addUser({ email: stranger, groups: [] });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${portal.url}/login`);
    await page.getByLabel("Email").fill(`someone@${connected.domain}`);
    await page.getByRole("button", { name: "Continue with SSO" }).click();
    await page.getByRole("heading", { name: "Sign in to the test identity provider" }).waitFor();
    await page.getByLabel("Email").fill(stranger);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/login\?sso_error=domain_not_verified/);
    await page.getByText("Single sign-on could not sign you in").waitFor();
    await page.getByText("Your email's domain is not a verified domain").waitFor();
    await page.context().close();
  });
});
